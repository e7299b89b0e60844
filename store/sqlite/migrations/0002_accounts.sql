-- Accounts, teams, access control and the audit log, for SQLite.
-- store/postgres/migrations/0002_accounts.sql is the same schema for
-- PostgreSQL; the two must stay alike column for column (see 0001).
--
-- users.email_key is the folded email (unique: one account per address,
-- whatever its case), folded by the application like people.handle_key.
-- users.oidc_subject is the identity provider's exact "iss sub", NULL when
-- the user has none, so that any number of users may have none.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL,
    email_key     TEXT    NOT NULL,  -- folded email
    name          TEXT    NOT NULL,
    search        TEXT    NOT NULL,  -- folded name, email for Query
    org_admin     INTEGER NOT NULL,
    disabled      INTEGER NOT NULL,
    password_hash TEXT    NOT NULL,  -- empty: single sign-on only
    oidc_subject  TEXT,              -- NULL when there is none
    version       BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email_key);
CREATE UNIQUE INDEX users_oidc_subject ON users (oidc_subject);

-- Incidents name their team by slug (incidents.team), with no foreign key:
-- the store refuses to delete a team, or change its slug, while incidents
-- still name it.
CREATE TABLE teams (
    id                 INTEGER PRIMARY KEY,
    slug               TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    default_visibility TEXT    NOT NULL,
    version            BIGINT  NOT NULL,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);
CREATE UNIQUE INDEX teams_slug ON teams (slug);

CREATE TABLE memberships (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT    NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- A session is found by the SHA-256 of its id, never by the id itself.
CREATE TABLE sessions (
    hash       BLOB    NOT NULL PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    last_seen  BIGINT  NOT NULL,
    address    TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    scope        TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    hash         BLOB    NOT NULL,  -- SHA-256 of the secret
    expires_at   BIGINT,
    revoked_at   BIGINT,
    last_used_at BIGINT,
    created_at   BIGINT  NOT NULL
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- The audit log. actor_id and incident_id have no foreign key: entries
-- outlive the users and incidents they are about (deleting an incident
-- leaves its history). before and after are JSON documents, as text.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          BIGINT  NOT NULL,
    actor_id    INTEGER,           -- NULL: the system, or nobody signed in
    actor       TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    object_type TEXT    NOT NULL,
    object_id   TEXT    NOT NULL,
    incident_id INTEGER,
    before      TEXT,
    after       TEXT,
    detail      TEXT    NOT NULL
);
CREATE INDEX audit_log_incident ON audit_log (incident_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);

-- Append only, in the database too: no statement may change or remove an
-- entry, whoever runs it.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be updated');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted');
END;

-- Existing incidents stay with their team, as before accounts existed.
ALTER TABLE incidents ADD COLUMN visibility TEXT NOT NULL DEFAULT 'team';

ALTER TABLE retrospectives ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;

-- The users who may read a restricted retrospective besides its team's
-- admins and the organisation's.
CREATE TABLE retrospective_readers (
    incident_id INTEGER NOT NULL REFERENCES retrospectives (incident_id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, user_id)
);
CREATE INDEX retrospective_readers_user ON retrospective_readers (user_id);
