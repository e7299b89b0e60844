-- Follow-through of action items (issue #8), for SQLite.
-- store/postgres/migrations/0006_followup.sql is the same schema for
-- PostgreSQL; the two must stay alike column for column (see 0001).

-- Who decided a drop; verification after done; when the item closed (done
-- or dropped, for completion rates); the ticket's key (OPS-123,
-- owner/repo#12) for the lookup from a ticket; the sync state with the
-- tracker and why it is pending.
ALTER TABLE actions ADD COLUMN dropped_by    TEXT    NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN verified_at   BIGINT;
ALTER TABLE actions ADD COLUMN verified_by   TEXT    NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN verified_note TEXT    NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN closed_at     BIGINT;
ALTER TABLE actions ADD COLUMN ticket_key    TEXT    NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN sync_state    TEXT    NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN sync_error    TEXT    NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN synced_at     BIGINT;
-- What the last successful sync saw: the ticket's state in the tracker and
-- the item's status then; a later difference on either side is a change
-- made since, which is how a conflict (both changed) is told apart.
ALTER TABLE actions ADD COLUMN ticket_state  TEXT    NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN synced_status TEXT    NOT NULL DEFAULT '';
CREATE INDEX actions_ticket_key ON actions (ticket_key);
CREATE INDEX actions_ticket_url ON actions (ticket_url);
CREATE INDEX actions_due ON actions (status, due_date);

-- Every change of an action item, kept: the status move, the fields that
-- changed (JSON [{"field","from","to"}]) and the note given with it.
CREATE TABLE action_history (
    id          INTEGER PRIMARY KEY,
    action_id   INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    incident_id INTEGER NOT NULL,
    at          BIGINT  NOT NULL,
    actor_id    BIGINT,
    actor       TEXT    NOT NULL,
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    changes     TEXT    NOT NULL,
    note        TEXT    NOT NULL
);
CREATE INDEX action_history_action ON action_history (action_id, id);

-- Recurring recommendations: an action item of one incident linked from the
-- retrospectives of others.
CREATE TABLE action_links (
    action_id   INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (action_id, incident_id)
);
CREATE INDEX action_links_incident ON action_links (incident_id, action_id);

-- Background jobs (package jobs): each is enqueued once under its unique
-- key, whichever instance enqueues it first, and claimed by one runner at a
-- time (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL; the write lock on
-- SQLite) until locked_until; a runner that dies leaves it to be claimed
-- again after that.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    state        TEXT    NOT NULL,  -- queued, running, done, failed
    run_at       BIGINT  NOT NULL,
    attempts     INTEGER NOT NULL,
    last_error   TEXT    NOT NULL,
    locked_by    TEXT    NOT NULL,
    locked_until BIGINT,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE UNIQUE INDEX jobs_key ON jobs (key);
CREATE INDEX jobs_due ON jobs (state, run_at);
