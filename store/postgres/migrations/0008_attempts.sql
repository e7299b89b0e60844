-- Rate limits shared by every instance: the recent failed attempts per
-- key ("account:ann@example.com", "address:192.0.2.1"), one row a key,
-- whose hits are the attempt times (unix microseconds, ascending,
-- comma-separated) within the window. Writers lock the row, so two
-- instances charging the same key one attempt each count two. Rows whose
-- last attempt is older than the window are deleted as new ones come.
-- The same on both engines.

CREATE TABLE login_attempts (
    key      TEXT   PRIMARY KEY,
    hits     TEXT   NOT NULL,
    last_at  BIGINT NOT NULL
);
CREATE INDEX login_attempts_last_at ON login_attempts (last_at);
