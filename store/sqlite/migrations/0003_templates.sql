-- Custom templates with versions, the rules that choose a template, and an
-- incident's type, for SQLite. store/postgres/migrations/0003_templates.sql
-- is the same schema for PostgreSQL; the two must stay alike column for
-- column (see 0001).
--
-- A template is named within its scope: a team (templates.team is its
-- slug) or the organisation (team = ''). Each change is a new row with the
-- next version; rows are never updated, so a retrospective that began on
-- version 2 can always show version 2 and the notes written since.
-- The built-in templates are not stored: they are version 1 of the
-- organisation's templates of their names, and a stored version 2 of
-- "default" is the organisation's own edition of it.

CREATE TABLE templates (
    id          INTEGER PRIMARY KEY,
    team        TEXT    NOT NULL,   -- '' for the organisation
    name        TEXT    NOT NULL,
    version     BIGINT  NOT NULL,
    title       TEXT    NOT NULL,
    sections    TEXT    NOT NULL,   -- JSON array of debrief.TemplateSection
    note        TEXT    NOT NULL,   -- what changed, for the template's users
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX templates_version ON templates (team, name, version);

-- Rules are evaluated in position order, a team's before the
-- organisation's; the first that matches an incident decides its template
-- and whether its retrospective is required. types and severities are JSON
-- arrays; an empty one matches any.
CREATE TABLE template_rules (
    id            INTEGER PRIMARY KEY,
    team          TEXT    NOT NULL,   -- '' for the organisation
    position      INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    types         TEXT    NOT NULL,
    severities    TEXT    NOT NULL,
    template      TEXT    NOT NULL,
    retrospective TEXT    NOT NULL,   -- required | optional
    created_at    BIGINT  NOT NULL
);
CREATE UNIQUE INDEX template_rules_position ON template_rules (team, position);

ALTER TABLE retrospectives ADD COLUMN template_team TEXT NOT NULL DEFAULT '';
ALTER TABLE retrospectives ADD COLUMN template_version BIGINT NOT NULL DEFAULT 1;

-- type is the incident's kind (security, outage, data loss...), free text
-- matched by the rules; retro_requested records that the commander asked for
-- a retrospective the rules do not require.
ALTER TABLE incidents ADD COLUMN type TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN retro_requested BOOLEAN NOT NULL DEFAULT FALSE;
