-- Timeline evidence (issue 7), for PostgreSQL.
-- store/sqlite/migrations/0005_evidence.sql is the same schema for the other
-- engine; the two must stay alike column for column.
--
-- events.original_id is the event's id in its source ('' for events typed
-- in): with the source it finds an imported event again, so importing the
-- same file twice adds nothing; the partial unique index makes that hold
-- even when two imports race. events.alert_key names the alert an event is
-- about across sources; events.refs is a JSON array of the other sources'
-- copies merged into the event ({source, original_id, url}); events.tag is
-- the writer's phase tag ('' when untagged).
ALTER TABLE events ADD COLUMN original_id TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN alert_key   TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN refs        TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN tag         TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX events_original ON events (incident_id, source, original_id) WHERE original_id <> '';

-- The writer's sign-off on an incident's timeline; no row: not confirmed.
CREATE TABLE timeline_states (
    incident_id  BIGINT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    confirmed_at BIGINT,            -- NULL: not confirmed
    confirmed_by TEXT   NOT NULL,
    updated_at   BIGINT NOT NULL
);
