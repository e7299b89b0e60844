package storetest

import (
	"errors"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// txWrites makes, through tx, the writes an import makes: a person, an
// incident with its retrospective, a section, events, an action and an
// audit entry. It checks that tx reads its own writes.
func txWrites(t *testing.T, tx store.Store) *debrief.Incident {
	t.Helper()
	ctx := t.Context()
	p := newPerson(t, tx, "Tx Person", "txperson")
	inc := newIncident(t, tx, "In a transaction", func(i *debrief.Incident) { i.CommanderID = &p.ID })
	noErr(t, tx.CreateSection(ctx, inc.ID, &debrief.Section{Key: "extra", Title: "Extra", Body: "body"}), "CreateSection")
	evs := []*debrief.Event{
		{IncidentID: inc.ID, At: base, Text: "one", Source: "import", Kind: debrief.EventNote},
		{IncidentID: inc.ID, At: base.Add(1), Text: "two", Source: "import", Kind: debrief.EventNote},
	}
	noErr(t, tx.CreateEvents(ctx, evs), "CreateEvents")
	newAction(t, tx, inc.ID, "Fix it", func(a *debrief.Action) { a.OwnerID = &p.ID })
	noErr(t, tx.AppendAudit(ctx, &debrief.AuditEntry{Action: "incident.import", Outcome: debrief.AuditOK,
		ObjectType: "incident", ObjectID: "x", IncidentID: &inc.ID}), "AppendAudit")

	got, err := tx.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID in the transaction")
	if got.Commander == nil || got.Commander.ID != p.ID {
		t.Fatalf("commander in the transaction: %s", dump(got.Commander))
	}
	r, err := tx.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective in the transaction")
	if r.Section("extra") == nil {
		t.Fatalf("the transaction does not see its section: %v", sectionKeys(r.Sections))
	}
	return inc
}

func testTxCommits(t *testing.T, s store.Store) {
	ctx := t.Context()
	var inc *debrief.Incident
	noErr(t, s.InTx(ctx, func(tx store.Store) error {
		inc = txWrites(t, tx)
		return nil
	}), "InTx")
	got, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID after commit")
	same(t, got.Title, "In a transaction", "title")
	evs, n, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID})
	noErr(t, err, "FindEvents")
	if n != 2 || eventTexts(evs)[1] != "two" {
		t.Fatalf("events after commit: %v", eventTexts(evs))
	}
	acts, _, err := s.FindActions(ctx, debrief.ActionFilter{IncidentID: &inc.ID})
	noErr(t, err, "FindActions")
	same(t, actionTitles(acts), []string{"Fix it"}, "actions after commit")
	audit, err := s.FindAudit(ctx, debrief.AuditFilter{IncidentID: &inc.ID})
	noErr(t, err, "FindAudit")
	if len(audit) != 1 {
		t.Fatalf("%d audit entries after commit, want 1", len(audit))
	}
}

func testTxRollsBack(t *testing.T, s store.Store) {
	ctx := t.Context()
	refused := errors.New("refused by the caller")
	var inc *debrief.Incident
	err := s.InTx(ctx, func(tx store.Store) error {
		inc = txWrites(t, tx)
		return refused
	})
	if !errors.Is(err, refused) {
		t.Fatalf("InTx returned %v, want fn's error", err)
	}
	_, err = s.FindIncidentByID(ctx, inc.ID)
	wantCode(t, err, debrief.ENOTFOUND, "incident of a rolled-back transaction")
	_, n, err := s.FindIncidents(ctx, debrief.IncidentFilter{})
	noErr(t, err, "FindIncidents")
	_, people, err := s.FindPeople(ctx, debrief.PersonFilter{})
	noErr(t, err, "FindPeople")
	audit, err := s.FindAudit(ctx, debrief.AuditFilter{})
	noErr(t, err, "FindAudit")
	if n != 0 || people != 0 || len(audit) != 0 {
		t.Fatalf("after a rollback: %d incidents, %d people, %d audit entries; want none", n, people, len(audit))
	}
	// The store works on after a rollback.
	newIncident(t, s, "After")
}

// A call that fails inside the transaction keeps its error code, and
// returning it rolls everything back, on PostgreSQL too (where the
// transaction is aborted by then).
func testTxFailedCall(t *testing.T, s store.Store) {
	ctx := t.Context()
	var inc *debrief.Incident
	err := s.InTx(ctx, func(tx store.Store) error {
		inc = newIncident(t, tx, "Sections")
		return tx.CreateSection(ctx, inc.ID, &debrief.Section{Key: "summary", Title: "Again"})
	})
	wantCode(t, err, debrief.ECONFLICT, "InTx returning a CreateSection with a taken key")
	if debrief.ErrorField(err) != "key" {
		t.Fatalf("field %q, want key", debrief.ErrorField(err))
	}
	_, err = s.FindIncidentByID(ctx, inc.ID)
	wantCode(t, err, debrief.ENOTFOUND, "incident of a transaction whose call failed")
}

// A nested InTx is the same transaction; one that fails is undone alone,
// and the outer one goes on.
func testTxNested(t *testing.T, s store.Store) {
	ctx := t.Context()
	var inc *debrief.Incident
	noErr(t, s.InTx(ctx, func(tx store.Store) error {
		inc = newIncident(t, tx, "Sections")
		nested := errors.New("nested refused")
		err := tx.InTx(ctx, func(inner store.Store) error {
			noErr(t, inner.CreateSection(ctx, inc.ID, &debrief.Section{Key: "undone", Title: "Undone"}), "CreateSection nested")
			return nested
		})
		if !errors.Is(err, nested) {
			t.Fatalf("nested InTx returned %v", err)
		}
		noErr(t, tx.InTx(ctx, func(inner store.Store) error {
			return inner.CreateSection(ctx, inc.ID, &debrief.Section{Key: "kept", Title: "Kept"})
		}), "nested InTx")
		return tx.CreateSection(ctx, inc.ID, &debrief.Section{Key: "after", Title: "After"})
	}), "InTx")
	r, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	if r.Section("kept") == nil || r.Section("after") == nil || r.Section("undone") != nil {
		t.Fatalf("sections after the transaction: %v", sectionKeys(r.Sections))
	}
}

func testTxRefusesStoreCalls(t *testing.T, s store.Store) {
	ctx := t.Context()
	noErr(t, s.InTx(ctx, func(tx store.Store) error {
		if tx.Migrate(ctx) == nil {
			t.Error("Migrate on a transaction's store was not refused")
		}
		if tx.Close() == nil {
			t.Error("Close on a transaction's store was not refused")
		}
		noErr(t, tx.Ping(ctx), "Ping in a transaction")
		return nil
	}), "InTx")
	noErr(t, s.Ping(ctx), "Ping after the transaction")
}
