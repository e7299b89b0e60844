-- Debrief's schema for SQLite. store/postgres/migrations/0001_init.sql is
-- the same schema for PostgreSQL; the two must stay alike column for column,
-- because one set of queries (store/sqlstore) runs on both.
--
-- Times are BIGINT unix microseconds in UTC, in both engines: exact (no text
-- to parse, no float to round), ordered as numbers exactly as the instants
-- they stand for, and the same values in SQLite and PostgreSQL, so the shared
-- queries compare and sort them alike. Microseconds because PostgreSQL keeps
-- no finer and the store promises that precision.
--
-- Case-insensitive keys (people.handle_key, people.search,
-- incidents.title_words) are folded by the application, not by LOWER(),
-- because SQLite folds ASCII only and the engines would disagree on
-- non-ASCII text.
--
-- Booleans are INTEGER 0/1 (SQLite has no other); PostgreSQL uses BOOLEAN.
-- The queries only ever bind Go bools and test "NOT column", which both read
-- the same way.

CREATE TABLE people (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    handle     TEXT    NOT NULL,
    handle_key TEXT,              -- folded handle; NULL when there is none
    email      TEXT    NOT NULL,
    search     TEXT    NOT NULL,  -- folded name, handle, email for Query
    version    BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE UNIQUE INDEX people_handle_key ON people (handle_key);

CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    title           TEXT    NOT NULL,
    title_words     TEXT    NOT NULL,  -- " word word " folded, for Query
    severity        TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    team            TEXT    NOT NULL,
    time_zone       TEXT    NOT NULL,
    started_at      BIGINT,
    detected_at     BIGINT,
    acknowledged_at BIGINT,
    declared_at     BIGINT,
    mitigated_at    BIGINT,
    resolved_at     BIGINT,
    commander_id    INTEGER REFERENCES people (id) ON DELETE SET NULL,
    version         BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX incidents_status ON incidents (status);
CREATE INDEX incidents_team ON incidents (team);
CREATE INDEX incidents_commander ON incidents (commander_id);

-- Services are a side table rather than a JSON array so that the Service
-- filter is an exact, indexed match on one element in both engines.
CREATE TABLE incident_services (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    service     TEXT    NOT NULL,
    PRIMARY KEY (incident_id, position)
);
CREATE INDEX incident_services_service ON incident_services (service, incident_id);

-- A responder whose person is deleted is no responder at all: the row goes.
CREATE TABLE incident_responders (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role        TEXT    NOT NULL,
    PRIMARY KEY (incident_id, position)
);
CREATE INDEX incident_responders_person ON incident_responders (person_id);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    at          BIGINT  NOT NULL,
    text        TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    author      TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    starred     INTEGER NOT NULL,
    hidden      INTEGER NOT NULL,
    version     BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
-- The timeline's order, and the incident lookup of the cascade.
CREATE INDEX events_incident_at ON events (incident_id, at, id);

CREATE TABLE retrospectives (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    writer_id   INTEGER REFERENCES people (id) ON DELETE SET NULL,
    template    TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    version     BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX retrospectives_writer ON retrospectives (writer_id);

CREATE TABLE sections (
    incident_id INTEGER NOT NULL REFERENCES retrospectives (incident_id) ON DELETE CASCADE,
    key         TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    optional    INTEGER NOT NULL,
    guidance    TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    version     BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (incident_id, key)
);

CREATE TABLE actions (
    id                 INTEGER PRIMARY KEY,
    incident_id        INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    title              TEXT    NOT NULL,
    description        TEXT    NOT NULL,
    definition_of_done TEXT    NOT NULL,
    owner_id           INTEGER REFERENCES people (id) ON DELETE SET NULL,
    priority           TEXT    NOT NULL,
    due_date           TEXT    NOT NULL,  -- YYYY-MM-DD or empty: a date, not an instant
    status             TEXT    NOT NULL,
    drop_reason        TEXT    NOT NULL,
    ticket_url         TEXT    NOT NULL,
    version            BIGINT  NOT NULL,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);
CREATE INDEX actions_incident ON actions (incident_id, id);
CREATE INDEX actions_status ON actions (status);
CREATE INDEX actions_owner ON actions (owner_id);
