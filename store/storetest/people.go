package storetest

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testPersonCreateFind(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := &debrief.Person{Name: "Grace Hopper", Handle: "grace", Email: "grace@example.com"}
	before := time.Now()
	noErr(t, s.CreatePerson(ctx, p), "CreatePerson")
	after := time.Now()
	if p.ID <= 0 || p.Version != 1 {
		t.Fatalf("created person: ID %d Version %d", p.ID, p.Version)
	}
	stamp(t, p.CreatedAt, before, after, "CreatedAt")
	same(t, p.UpdatedAt, p.CreatedAt, "UpdatedAt")
	got, err := s.FindPersonByID(ctx, p.ID)
	noErr(t, err, "FindPersonByID")
	same(t, got, p, "found person")
}

func testPersonNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.FindPersonByID(ctx, 1234)
	wantCode(t, err, debrief.ENOTFOUND, "FindPersonByID of a missing person")
	if msg := debrief.ErrorMessage(err); msg != "Person 1234 not found." {
		t.Fatalf("message %q", msg)
	}
	wantCode(t, s.UpdatePerson(ctx, &debrief.Person{ID: 1234, Name: "x", Version: 1}), debrief.ENOTFOUND, "UpdatePerson of a missing person")
	wantCode(t, s.DeletePerson(ctx, 1234), debrief.ENOTFOUND, "DeletePerson of a missing person")
}

func testPersonHandleUnique(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newPerson(t, s, "Ada", "ada")
	for _, h := range []string{"ada", "ADA", "Ada"} {
		err := s.CreatePerson(ctx, &debrief.Person{Name: "Another Ada", Handle: h})
		wantCode(t, err, debrief.ECONFLICT, "CreatePerson with handle "+h)
		if f := debrief.ErrorField(err); f != "handle" {
			t.Fatalf("field %q, want handle", f)
		}
	}
	// Beyond ASCII too.
	newPerson(t, s, "Émile", "émile")
	wantCode(t, s.CreatePerson(ctx, &debrief.Person{Name: "Emile 2", Handle: "ÉMILE"}), debrief.ECONFLICT, "CreatePerson with handle ÉMILE")
	// Any number of people may have no handle.
	newPerson(t, s, "Anonymous 1", "")
	newPerson(t, s, "Anonymous 2", "")

	// Taking a handle by update is a conflict too, and writes nothing.
	bob := newPerson(t, s, "Bob", "bob")
	upd := *bob
	upd.Name, upd.Handle = "Bob renamed", "Ada"
	err := s.UpdatePerson(ctx, &upd)
	wantCode(t, err, debrief.ECONFLICT, "UpdatePerson to a taken handle")
	if f := debrief.ErrorField(err); f != "handle" {
		t.Fatalf("field %q, want handle", f)
	}
	got, err := s.FindPersonByID(ctx, bob.ID)
	noErr(t, err, "FindPersonByID")
	same(t, got, bob, "person after a failed update")
	// Changing the case of one's own handle is fine.
	upd = *ada
	upd.Handle = "ADA"
	noErr(t, s.UpdatePerson(ctx, &upd), "UpdatePerson changing own handle's case")
	// Freed handles can be taken.
	upd.Handle = "lovelace"
	noErr(t, s.UpdatePerson(ctx, &upd), "UpdatePerson")
	newPerson(t, s, "New Ada", "ada")

	_, n, err := s.FindPeople(ctx, debrief.PersonFilter{})
	noErr(t, err, "FindPeople")
	if n != 6 {
		t.Fatalf("%d people, want 6", n)
	}
}

func testPersonUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := newPerson(t, s, "Ada", "ada")
	created := p.CreatedAt
	stale := *p
	p.Name, p.Handle, p.Email = "Ada King", "countess", "ada@lovelace.example"
	before := time.Now()
	noErr(t, s.UpdatePerson(ctx, p), "UpdatePerson")
	after := time.Now()
	if p.Version != 2 {
		t.Fatalf("Version %d, want 2", p.Version)
	}
	same(t, p.CreatedAt, created, "CreatedAt")
	stamp(t, p.UpdatedAt, before, after, "UpdatedAt")
	got, err := s.FindPersonByID(ctx, p.ID)
	noErr(t, err, "FindPersonByID")
	same(t, got, p, "found after update")

	stale.Name = "lost"
	wantCode(t, s.UpdatePerson(ctx, &stale), debrief.ECONFLICT, "UpdatePerson from a stale version")
	got, err = s.FindPersonByID(ctx, p.ID)
	noErr(t, err, "FindPersonByID")
	same(t, got, p, "person after a stale update")
}

func testPersonFilters(t *testing.T, s store.Store) {
	ctx := t.Context()
	newPerson(t, s, "Ada Lovelace", "ada")
	newPerson(t, s, "Bob Builder", "bob")
	newPerson(t, s, "Zoë Ångström", "zoe")
	newPerson(t, s, "100% Ready", "ready")
	p := &debrief.Person{Name: "Carol", Handle: "carol", Email: "carol@corp.example.org"}
	noErr(t, s.CreatePerson(ctx, p), "CreatePerson")

	cases := []struct {
		name string
		f    debrief.PersonFilter
		want []string
	}{
		{"all, in creation order", debrief.PersonFilter{}, []string{"Ada Lovelace", "Bob Builder", "Zoë Ångström", "100% Ready", "Carol"}},
		{"handle", debrief.PersonFilter{Handle: ptr("bob")}, []string{"Bob Builder"}},
		{"handle ignores case", debrief.PersonFilter{Handle: ptr("BOB")}, []string{"Bob Builder"}},
		{"handle is whole", debrief.PersonFilter{Handle: ptr("bo")}, []string{}},
		{"query name part", debrief.PersonFilter{Query: ptr("love")}, []string{"Ada Lovelace"}},
		{"query ignores case", debrief.PersonFilter{Query: ptr("BUILD")}, []string{"Bob Builder"}},
		{"query unicode", debrief.PersonFilter{Query: ptr("ÅNGSTRÖM")}, []string{"Zoë Ångström"}},
		{"query handle", debrief.PersonFilter{Query: ptr("zoe")}, []string{"Zoë Ångström"}},
		{"query email", debrief.PersonFilter{Query: ptr("corp.example")}, []string{"Carol"}},
		{"query many", debrief.PersonFilter{Query: ptr("example.com")}, []string{"Ada Lovelace", "Bob Builder", "Zoë Ångström", "100% Ready"}},
		{"query with percent", debrief.PersonFilter{Query: ptr("0% r")}, []string{"100% Ready"}},
		{"query percent is literal", debrief.PersonFilter{Query: ptr("a%e")}, []string{}},
		{"query underscore is literal", debrief.PersonFilter{Query: ptr("a_a")}, []string{}},
		{"query and handle", debrief.PersonFilter{Query: ptr("example"), Handle: ptr("carol")}, []string{"Carol"}},
		{"page", debrief.PersonFilter{Offset: 1, Limit: 2}, []string{"Bob Builder", "Zoë Ångström"}},
	}
	for _, c := range cases {
		ps, n, err := s.FindPeople(ctx, c.f)
		noErr(t, err, "FindPeople "+c.name)
		same(t, personNames(ps), c.want, c.name)
		want := len(c.want)
		if c.name == "page" {
			want = 5
		}
		if n != want {
			t.Fatalf("%s: total %d, want %d", c.name, n, want)
		}
	}
}

func testPersonDeleteClearsReferences(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newPerson(t, s, "Ada", "ada")
	bob := newPerson(t, s, "Bob", "bob")
	inc := newIncident(t, s, "References", func(i *debrief.Incident) {
		i.CommanderID = &ada.ID
		i.Responders = []debrief.Responder{{PersonID: ada.ID, Role: "lead"}, {PersonID: bob.ID, Role: "ops"}, {PersonID: ada.ID, Role: "comms"}}
	})
	r, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	r.WriterID = &ada.ID
	noErr(t, s.UpdateRetrospective(ctx, r), "UpdateRetrospective")
	a := newAction(t, s, inc.ID, "Owned", func(a *debrief.Action) { a.OwnerID = &ada.ID })
	b := newAction(t, s, inc.ID, "Owned by Bob", func(a *debrief.Action) { a.OwnerID = &bob.ID })

	noErr(t, s.DeletePerson(ctx, ada.ID), "DeletePerson")
	_, err = s.FindPersonByID(ctx, ada.ID)
	wantCode(t, err, debrief.ENOTFOUND, "FindPersonByID after delete")

	got, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	if got.CommanderID != nil || got.Commander != nil {
		t.Fatalf("commander not cleared: %s", dump(got))
	}
	same(t, got.Responders, []debrief.Responder{{PersonID: bob.ID, Role: "ops", Person: bob}}, "responders after deleting one")
	gotR, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	if gotR.WriterID != nil || gotR.Writer != nil {
		t.Fatalf("writer not cleared: %s", dump(gotR))
	}
	gotA, err := s.FindActionByID(ctx, inc.ID, a.ID)
	noErr(t, err, "FindActionByID")
	if gotA.OwnerID != nil || gotA.Owner != nil {
		t.Fatalf("owner not cleared: %s", dump(gotA))
	}
	gotB, err := s.FindActionByID(ctx, inc.ID, b.ID)
	noErr(t, err, "FindActionByID")
	same(t, gotB, b, "Bob's action")
	_, n, err := s.FindActions(ctx, debrief.ActionFilter{OwnerID: &ada.ID})
	noErr(t, err, "FindActions")
	if n != 0 {
		t.Fatalf("%d actions still owned by a deleted person", n)
	}
	// The incident stays writable with what is left.
	noErr(t, s.UpdateIncident(ctx, got), "UpdateIncident after deleting a responder")
}
