package storetest

import (
	"database/sql"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// UpgradeFromInit checks that the migrations after 0001_init keep the data
// of a database made before accounts existed. raw is a connection to an
// empty database of the engine; initSQL is the engine's 0001_init.sql,
// which is applied and recorded as the only migration, as an older Debrief
// would have left it. migrate then opens a store on that database and runs
// Migrate. Existing incidents must stay visible to their team only, and
// existing retrospectives be unrestricted with no readers.
func UpgradeFromInit(t *testing.T, raw *sql.DB, initSQL string, migrate func() store.Store) {
	ctx := t.Context()
	for _, q := range []string{
		"CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
		initSQL,
		"INSERT INTO schema_migrations VALUES (1, '0001_init.sql', 0)",
		`INSERT INTO people (name, handle, handle_key, email, search, version, created_at, updated_at)
			VALUES ('Ada', 'ada', 'ada', '', 'ada', 1, 0, 0)`,
		`INSERT INTO incidents (title, title_words, severity, status, team, time_zone, version, created_at, updated_at)
			VALUES ('Old', ' old ', 'SEV2', 'resolved', 'platform', 'UTC', 3, 0, 0)`,
		`INSERT INTO retrospectives (incident_id, template, status, version, created_at, updated_at)
			VALUES (1, 'default', 'done', 2, 0, 0)`,
	} {
		_, err := raw.ExecContext(ctx, q)
		noErr(t, err, "raw setup")
	}
	s := migrate()
	inc, err := s.FindIncidentByID(ctx, 1)
	noErr(t, err, "FindIncidentByID after the upgrade")
	if inc.Title != "Old" || inc.Visibility != debrief.VisibleToTeam || inc.Version != 3 {
		t.Fatalf("incident after the upgrade: %s", dump(inc))
	}
	r, err := s.FindRetrospective(ctx, 1)
	noErr(t, err, "FindRetrospective after the upgrade")
	if r.Restricted || r.Readers == nil || len(r.Readers) != 0 || r.Version != 2 {
		t.Fatalf("retrospective after the upgrade: %s", dump(r))
	}
	// And it is writable with the new columns, next to new rows.
	noErr(t, s.UpdateIncident(ctx, inc), "UpdateIncident after the upgrade")
	u := newUser(t, s, "Ada", "ada@example.com")
	r.Restricted, r.Readers = true, []int64{u.ID}
	noErr(t, s.UpdateRetrospective(ctx, r), "UpdateRetrospective after the upgrade")
	incs, n, err := s.FindIncidents(ctx, debrief.IncidentFilter{Visible: &debrief.VisibleFilter{Teams: []string{"platform"}}})
	noErr(t, err, "FindIncidents")
	if n != 1 || incs[0].ID != 1 {
		t.Fatalf("visible incidents after the upgrade: %v", incidentIDs(incs))
	}
	_, n, err = s.FindIncidents(ctx, debrief.IncidentFilter{Visible: &debrief.VisibleFilter{}})
	noErr(t, err, "FindIncidents")
	if n != 0 {
		t.Fatalf("%d incidents visible to the organisation after the upgrade, want 0", n)
	}
	noErr(t, s.DeleteIncident(ctx, 1), "DeleteIncident after the upgrade")
}
