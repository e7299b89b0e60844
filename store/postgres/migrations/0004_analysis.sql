-- The analysis of a retrospective as data (see docs/analysis.md), for
-- PostgreSQL. store/sqlite/migrations/0004_analysis.sql is the same schema for
-- SQLite; the two must stay alike column for column.
--
-- An item's ref ("F2") is its kind's prefix and a number from
-- analysis_counters, which only ever grows: a deleted item's ref is never
-- given to another. Items name each other by ref (a failure's control, a
-- control's controller and process, a why's parent); the store checks those
-- refs inside the writing transaction and refuses to delete an item others
-- name. Action items point at items through analysis_links, in their own
-- table so that the actions table stays as it is.

CREATE TABLE team_controls (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id    BIGINT  NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL,  -- folded name, unique in the team
    purpose    TEXT    NOT NULL,
    how        TEXT    NOT NULL,
    version    BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE UNIQUE INDEX team_controls_name ON team_controls (team_id, name_key);

CREATE TABLE team_fishbone_categories (
    team_id  BIGINT  NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    PRIMARY KEY (team_id, position)
);

CREATE TABLE analysis_counters (
    incident_id BIGINT  NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    last        INTEGER NOT NULL,
    PRIMARY KEY (incident_id, kind)
);

CREATE TABLE analysis_items (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id BIGINT  NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    number      INTEGER NOT NULL,
    ref         TEXT    NOT NULL,  -- prefix and number, "F2"
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL,
    scope       TEXT    NOT NULL,
    controller  TEXT    NOT NULL,  -- refs, empty for none
    process     TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    feedback    TEXT    NOT NULL,
    how         TEXT    NOT NULL,
    catalog_id  BIGINT  REFERENCES team_controls (id) ON DELETE SET NULL,
    control     TEXT    NOT NULL,
    saw         TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    flaws       TEXT    NOT NULL,  -- space separated
    category    TEXT    NOT NULL,
    parent      TEXT    NOT NULL,
    no_action   TEXT    NOT NULL,
    version     BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX analysis_items_ref ON analysis_items (incident_id, ref);
CREATE INDEX analysis_items_catalog ON analysis_items (catalog_id);

-- Evidence: the timeline events that show a failure. Deleting an event
-- removes it from the evidence it was part of.
CREATE TABLE analysis_evidence (
    item_id  BIGINT  NOT NULL REFERENCES analysis_items (id) ON DELETE CASCADE,
    event_id BIGINT  NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    PRIMARY KEY (item_id, event_id)
);
CREATE INDEX analysis_evidence_event ON analysis_evidence (event_id);

-- Which action items address which analysis items. Deleting an action
-- removes its links; deleting an item with links is refused by the store
-- unless the caller asks to unlink (the cascade then only carries out that
-- explicit choice, and the incident's own deletion).
CREATE TABLE analysis_links (
    action_id BIGINT  NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    item_id   BIGINT  NOT NULL REFERENCES analysis_items (id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, item_id)
);
CREATE INDEX analysis_links_item ON analysis_links (item_id);
