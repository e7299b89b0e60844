package storetest

import (
	"context"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// UpgradeFromInit checks that the migrations after 0001_init keep the data
// of a database made before accounts existed. exec runs raw SQL on a
// database holding the 0001 schema only (recorded as applied in
// schema_migrations); migrate then opens a store on it and runs Migrate.
// Existing incidents must stay visible to their team only, and existing
// retrospectives be unrestricted with no readers.
func UpgradeFromInit(t *testing.T, exec func(ctx context.Context, query string) error, migrate func() store.Store) {
	ctx := t.Context()
	for _, q := range []string{
		`INSERT INTO people (name, handle, handle_key, email, search, version, created_at, updated_at)
			VALUES ('Ada', 'ada', 'ada', '', 'ada', 1, 0, 0)`,
		`INSERT INTO incidents (title, title_words, severity, status, team, time_zone, version, created_at, updated_at)
			VALUES ('Old', ' old ', 'SEV2', 'resolved', 'platform', 'UTC', 3, 0, 0)`,
		`INSERT INTO retrospectives (incident_id, template, status, version, created_at, updated_at)
			VALUES (1, 'default', 'done', 2, 0, 0)`,
	} {
		noErr(t, exec(ctx, q), "raw insert")
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
