package storetest

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testActionCreateFind(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newPerson(t, s, "Ada", "ada")
	inc := newIncident(t, s, "Actions")
	a := &debrief.Action{
		IncidentID: inc.ID, Title: "Alert on replication lag", Description: "Page when lag > 30s.",
		DefinitionOfDone: "Alert fires in staging.", OwnerID: &ada.ID, Priority: "high", DueDate: "2025-04-01",
		Status: debrief.ActionPlanned, TicketURL: "https://tickets.example/OPS-1",
	}
	before := time.Now()
	noErr(t, s.CreateAction(ctx, a), "CreateAction")
	after := time.Now()
	if a.ID <= 0 || a.Version != 1 {
		t.Fatalf("created action: ID %d Version %d", a.ID, a.Version)
	}
	stamp(t, a.CreatedAt, before, after, "CreatedAt")
	same(t, a.UpdatedAt, a.CreatedAt, "UpdatedAt")
	same(t, a.Owner, ada, "Owner filled on create")
	got, err := s.FindActionByID(ctx, inc.ID, a.ID)
	noErr(t, err, "FindActionByID")
	same(t, got, a, "found action")

	_, err = s.FindActionByID(ctx, inc.ID, a.ID+100)
	wantCode(t, err, debrief.ENOTFOUND, "FindActionByID of a missing action")
	other := newIncident(t, s, "Other")
	_, err = s.FindActionByID(ctx, other.ID, a.ID)
	wantCode(t, err, debrief.ENOTFOUND, "FindActionByID through another incident")

	// No owner.
	b := newAction(t, s, inc.ID, "Unowned")
	if b.OwnerID != nil || b.Owner != nil {
		t.Fatalf("unowned action: %s", dump(b))
	}
}

func testActionMissingReferences(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Actions")
	err := s.CreateAction(ctx, &debrief.Action{IncidentID: 9191, Title: "orphan", Status: debrief.ActionProposed})
	wantCode(t, err, debrief.ENOTFOUND, "CreateAction for a missing incident")
	if msg := debrief.ErrorMessage(err); msg != "Incident 9191 not found." {
		t.Fatalf("message %q", msg)
	}
	err = s.CreateAction(ctx, &debrief.Action{IncidentID: inc.ID, Title: "ghost owner", OwnerID: ptr(int64(9292))})
	wantCode(t, err, debrief.ENOTFOUND, "CreateAction with a missing owner")
	if f := debrief.ErrorField(err); f != "owner_id" {
		t.Fatalf("field %q, want owner_id", f)
	}
	_, n, err := s.FindActions(ctx, debrief.ActionFilter{})
	noErr(t, err, "FindActions")
	if n != 0 {
		t.Fatalf("%d actions after failed creates", n)
	}
}

func testActionFilters(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newPerson(t, s, "Ada", "ada")
	bob := newPerson(t, s, "Bob", "bob")
	one := newIncident(t, s, "One")
	two := newIncident(t, s, "Two")
	owned := func(p *debrief.Person, st debrief.ActionStatus) func(*debrief.Action) {
		return func(a *debrief.Action) {
			a.Status = st
			if p != nil {
				a.OwnerID = &p.ID
			}
		}
	}
	// Created interleaved, listed by incident then id.
	newAction(t, s, two.ID, "two-a", owned(ada, debrief.ActionDone))
	newAction(t, s, one.ID, "one-a", owned(ada, debrief.ActionProposed))
	newAction(t, s, one.ID, "one-b", owned(bob, debrief.ActionDone))
	newAction(t, s, two.ID, "two-b", owned(nil, debrief.ActionProposed))
	newAction(t, s, one.ID, "one-c", owned(nil, debrief.ActionDropped))

	cases := []struct {
		name string
		f    debrief.ActionFilter
		want []string
	}{
		{"all", debrief.ActionFilter{}, []string{"one-a", "one-b", "one-c", "two-a", "two-b"}},
		{"incident", debrief.ActionFilter{IncidentID: &two.ID}, []string{"two-a", "two-b"}},
		{"status", debrief.ActionFilter{Status: ptr(debrief.ActionDone)}, []string{"one-b", "two-a"}},
		{"owner", debrief.ActionFilter{OwnerID: &ada.ID}, []string{"one-a", "two-a"}},
		{"incident and owner", debrief.ActionFilter{IncidentID: &one.ID, OwnerID: &ada.ID}, []string{"one-a"}},
		{"incident and status", debrief.ActionFilter{IncidentID: &one.ID, Status: ptr(debrief.ActionDropped)}, []string{"one-c"}},
		{"none", debrief.ActionFilter{OwnerID: &bob.ID, Status: ptr(debrief.ActionProposed)}, []string{}},
		{"page", debrief.ActionFilter{Offset: 1, Limit: 2}, []string{"one-b", "one-c"}},
		{"page past the end", debrief.ActionFilter{Offset: 5, Limit: 2}, []string{}},
	}
	totals := map[string]int{"page": 5, "page past the end": 5}
	for _, c := range cases {
		as, n, err := s.FindActions(ctx, c.f)
		noErr(t, err, "FindActions "+c.name)
		same(t, actionTitles(as), c.want, c.name)
		want, ok := totals[c.name]
		if !ok {
			want = len(c.want)
		}
		if n != want {
			t.Fatalf("%s: total %d, want %d", c.name, n, want)
		}
	}
	// Owners are filled in lists.
	as, _, err := s.FindActions(ctx, debrief.ActionFilter{IncidentID: &one.ID})
	noErr(t, err, "FindActions")
	same(t, as[0].Owner, ada, "owner of one-a")
	same(t, as[1].Owner, bob, "owner of one-b")
	if as[2].Owner != nil || as[2].OwnerID != nil {
		t.Fatalf("one-c has an owner: %s", dump(as[2]))
	}
}

func testActionUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newPerson(t, s, "Ada", "ada")
	bob := newPerson(t, s, "Bob", "bob")
	inc := newIncident(t, s, "Actions")
	a := newAction(t, s, inc.ID, "Fix it", func(a *debrief.Action) { a.OwnerID = &ada.ID })
	created := a.CreatedAt

	a.Title, a.Description, a.DefinitionOfDone = "Fix it properly", "desc", "done when done"
	a.OwnerID, a.Priority, a.DueDate = &bob.ID, "low", "2026-01-31"
	a.Status, a.DropReason, a.TicketURL = debrief.ActionDropped, "Superseded.", "https://t.example/2"
	before := time.Now()
	noErr(t, s.UpdateAction(ctx, a), "UpdateAction")
	after := time.Now()
	if a.Version != 2 {
		t.Fatalf("Version %d, want 2", a.Version)
	}
	same(t, a.Owner, bob, "Owner refilled after update")
	same(t, a.CreatedAt, created, "CreatedAt after update")
	stamp(t, a.UpdatedAt, before, after, "UpdatedAt")
	got, err := s.FindActionByID(ctx, inc.ID, a.ID)
	noErr(t, err, "FindActionByID")
	same(t, got, a, "found after update")

	stale := *got
	stale.Version, stale.Title = 1, "lost"
	wantCode(t, s.UpdateAction(ctx, &stale), debrief.ECONFLICT, "UpdateAction from a stale version")
	bad := *got
	bad.OwnerID = ptr(int64(5555))
	err = s.UpdateAction(ctx, &bad)
	wantCode(t, err, debrief.ENOTFOUND, "UpdateAction with a missing owner")
	if f := debrief.ErrorField(err); f != "owner_id" {
		t.Fatalf("field %q, want owner_id", f)
	}
	other := newIncident(t, s, "Other")
	moved := *got
	moved.IncidentID = other.ID
	wantCode(t, s.UpdateAction(ctx, &moved), debrief.ENOTFOUND, "UpdateAction through another incident")
	wantCode(t, s.UpdateAction(ctx, &debrief.Action{IncidentID: inc.ID, ID: 123456, Version: 1}), debrief.ENOTFOUND, "UpdateAction of a missing action")
	again, err := s.FindActionByID(ctx, inc.ID, a.ID)
	noErr(t, err, "FindActionByID")
	same(t, again, got, "action after failed updates")

	again.OwnerID = ptr(int64(0))
	noErr(t, s.UpdateAction(ctx, again), "UpdateAction clearing the owner")
	if again.OwnerID != nil || again.Owner != nil || again.Version != 3 {
		t.Fatalf("after clearing the owner: %s", dump(again))
	}
}

func testActionDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Actions")
	other := newIncident(t, s, "Other")
	a := newAction(t, s, inc.ID, "doomed")
	b := newAction(t, s, inc.ID, "kept")
	wantCode(t, s.DeleteAction(ctx, other.ID, a.ID), debrief.ENOTFOUND, "DeleteAction through another incident")
	noErr(t, s.DeleteAction(ctx, inc.ID, a.ID), "DeleteAction")
	_, err := s.FindActionByID(ctx, inc.ID, a.ID)
	wantCode(t, err, debrief.ENOTFOUND, "FindActionByID after delete")
	wantCode(t, s.DeleteAction(ctx, inc.ID, a.ID), debrief.ENOTFOUND, "DeleteAction twice")
	as, n, err := s.FindActions(ctx, debrief.ActionFilter{IncidentID: &inc.ID})
	noErr(t, err, "FindActions")
	if n != 1 || as[0].ID != b.ID {
		t.Fatalf("after delete: %v total %d", actionTitles(as), n)
	}
}
