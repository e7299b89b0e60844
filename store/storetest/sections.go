package storetest

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testSectionCreateAppends(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Sections")
	n := len(debrief.DefaultTemplate.Sections)

	custom := &debrief.Section{Key: "customers", Title: "Customer comms", Kind: debrief.SectionText, Body: "We told them.", Position: 1}
	before := time.Now()
	noErr(t, s.CreateSection(ctx, inc.ID, custom), "CreateSection")
	after := time.Now()
	if custom.Position != n+1 || custom.Version != 1 {
		t.Fatalf("appended section: position %d version %d, want %d, 1", custom.Position, custom.Version, n+1)
	}
	stamp(t, custom.UpdatedAt, before, after, "UpdatedAt")
	got, err := s.FindSection(ctx, inc.ID, "customers")
	noErr(t, err, "FindSection")
	same(t, got, custom, "found section")

	// Deleting one in the middle leaves the last where it was: the next
	// one still goes after it.
	noErr(t, s.DeleteSection(ctx, inc.ID, "impact"), "DeleteSection")
	second := &debrief.Section{Key: "vendors", Title: "Vendors", Kind: debrief.SectionText}
	noErr(t, s.CreateSection(ctx, inc.ID, second), "CreateSection")
	if second.Position != n+2 {
		t.Fatalf("second appended section at %d, want %d", second.Position, n+2)
	}
	// Deleting the last makes room: last + 1 again.
	noErr(t, s.DeleteSection(ctx, inc.ID, "vendors"), "DeleteSection")
	third := &debrief.Section{Key: "third", Title: "Third", Kind: debrief.SectionText}
	noErr(t, s.CreateSection(ctx, inc.ID, third), "CreateSection")
	if third.Position != n+2 {
		t.Fatalf("section after deleting the last at %d, want %d", third.Position, n+2)
	}

	r, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	keys := sectionKeys(r.Sections)
	if len(keys) != n+1 || keys[len(keys)-2] != "customers" || keys[len(keys)-1] != "third" || keys[1] != "timeline" {
		t.Fatalf("sections in order: %v", keys)
	}
	for i := 1; i < len(r.Sections); i++ {
		if r.Sections[i].Position <= r.Sections[i-1].Position {
			t.Fatalf("sections out of position order: %s", dump(r.Sections))
		}
	}
	// An incident with no sections yet starts at 1.
	bare := &debrief.Incident{Title: "Bare"}
	noErr(t, s.CreateIncident(ctx, bare, &debrief.Retrospective{Status: debrief.RetroDraft}), "CreateIncident")
	first := &debrief.Section{Key: "only", Title: "Only"}
	noErr(t, s.CreateSection(ctx, bare.ID, first), "CreateSection")
	if first.Position != 1 {
		t.Fatalf("first section at %d, want 1", first.Position)
	}

	err = s.CreateSection(ctx, 8888, &debrief.Section{Key: "x", Title: "X"})
	wantCode(t, err, debrief.ENOTFOUND, "CreateSection for a missing incident")
}

func testSectionCreateDuplicateKey(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Sections")
	other := newIncident(t, s, "Other")
	before, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")

	dup := &debrief.Section{Key: "summary", Title: "Another summary", Body: "overwritten?"}
	err = s.CreateSection(ctx, inc.ID, dup)
	wantCode(t, err, debrief.ECONFLICT, "CreateSection with an existing key")
	if f := debrief.ErrorField(err); f != "key" {
		t.Fatalf("field %q, want key", f)
	}
	if dup.Version != 0 || dup.Position != 0 {
		t.Fatalf("failed create changed the section: %s", dump(dup))
	}
	after, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	same(t, after, before, "retrospective after a duplicate section")

	// Keys are per retrospective.
	noErr(t, s.CreateSection(ctx, other.ID, &debrief.Section{Key: "extra", Title: "Extra"}), "CreateSection")
	noErr(t, s.CreateSection(ctx, inc.ID, &debrief.Section{Key: "extra", Title: "Extra"}), "CreateSection with a key another incident uses")
}

func testSectionUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Sections")
	other := newIncident(t, s, "Other")
	sec, err := s.FindSection(ctx, inc.ID, "analysis")
	noErr(t, err, "FindSection")
	position := sec.Position
	neighbour, err := s.FindSection(ctx, inc.ID, "summary")
	noErr(t, err, "FindSection")

	sec.Title, sec.Body, sec.Guidance, sec.Optional = "Deep analysis", "It was DNS.", "Say why.", true
	sec.Position = 99 // the store's to set, not the writer's
	before := time.Now()
	noErr(t, s.UpdateSection(ctx, inc.ID, sec), "UpdateSection")
	after := time.Now()
	if sec.Version != 2 || sec.Position != position || sec.Key != "analysis" {
		t.Fatalf("after update: %s; want version 2 at position %d", dump(sec), position)
	}
	stamp(t, sec.UpdatedAt, before, after, "UpdatedAt")
	got, err := s.FindSection(ctx, inc.ID, "analysis")
	noErr(t, err, "FindSection")
	same(t, got, sec, "found after update")
	if got.Body != "It was DNS." || got.Title != "Deep analysis" || !got.Optional || got.Guidance != "Say why." {
		t.Fatalf("fields not written: %s", dump(got))
	}
	// Sections have their own versions: neither the neighbour nor the
	// retrospective moved.
	n, err := s.FindSection(ctx, inc.ID, "summary")
	noErr(t, err, "FindSection")
	same(t, n, neighbour, "neighbouring section")
	r, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	if r.Version != 1 {
		t.Fatalf("retrospective version %d after a section update, want 1", r.Version)
	}

	stale := *got
	stale.Version, stale.Body = 1, "lost update"
	wantCode(t, s.UpdateSection(ctx, inc.ID, &stale), debrief.ECONFLICT, "UpdateSection from a stale version")
	again, err := s.FindSection(ctx, inc.ID, "analysis")
	noErr(t, err, "FindSection")
	same(t, again, got, "section after a stale update")

	wantCode(t, s.UpdateSection(ctx, inc.ID, &debrief.Section{Key: "nope", Version: 1}), debrief.ENOTFOUND, "UpdateSection of a missing key")
	wantCode(t, s.UpdateSection(ctx, 7777, &debrief.Section{Key: "analysis", Version: 1}), debrief.ENOTFOUND, "UpdateSection of a missing incident")
	// The same key in another retrospective is another section.
	elsewhere := *got
	elsewhere.Body = "wrong retrospective"
	wantCode(t, s.UpdateSection(ctx, other.ID, &elsewhere), debrief.ECONFLICT, "UpdateSection of another retrospective's section at its version")
	o, err := s.FindSection(ctx, other.ID, "analysis")
	noErr(t, err, "FindSection")
	if o.Body != "" || o.Version != 1 {
		t.Fatalf("other retrospective's section changed: %s", dump(o))
	}
}

func testSectionDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Sections")
	other := newIncident(t, s, "Other")
	noErr(t, s.DeleteSection(ctx, inc.ID, "impact"), "DeleteSection")
	_, err := s.FindSection(ctx, inc.ID, "impact")
	wantCode(t, err, debrief.ENOTFOUND, "FindSection after delete")
	if msg := debrief.ErrorMessage(err); msg != `Section "impact" not found.` {
		t.Fatalf("message %q", msg)
	}
	wantCode(t, s.DeleteSection(ctx, inc.ID, "impact"), debrief.ENOTFOUND, "DeleteSection twice")
	wantCode(t, s.DeleteSection(ctx, 6666, "summary"), debrief.ENOTFOUND, "DeleteSection of a missing incident")
	r, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	for _, k := range sectionKeys(r.Sections) {
		if k == "impact" {
			t.Fatal("deleted section still listed")
		}
	}
	if len(r.Sections) != len(debrief.DefaultTemplate.Sections)-1 {
		t.Fatalf("%d sections after delete", len(r.Sections))
	}
	_, err = s.FindSection(ctx, other.ID, "impact")
	noErr(t, err, "the other retrospective's section")
}

func testSectionConcurrentUpdates(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Contested")
	sec, err := s.FindSection(ctx, inc.ID, "summary")
	noErr(t, err, "FindSection")
	errs := race(8, func(i int) error {
		mine := *sec
		mine.Body = "writer " + string(rune('A'+i))
		return s.UpdateSection(ctx, inc.ID, &mine)
	})
	w := oneWinner(t, errs)
	got, err := s.FindSection(ctx, inc.ID, "summary")
	noErr(t, err, "FindSection")
	if got.Version != 2 || got.Body != "writer "+string(rune('A'+w)) {
		t.Fatalf("after the race: %s", dump(got))
	}
}

func testSectionConcurrentCreates(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Appends")
	const n = 6
	errs := race(n, func(i int) error {
		return s.CreateSection(ctx, inc.ID, &debrief.Section{Key: "custom" + string(rune('a'+i)), Title: "Custom"})
	})
	for i, err := range errs {
		noErr(t, err, "concurrent CreateSection "+string(rune('a'+i)))
	}
	r, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	seen := map[int]bool{}
	for _, sec := range r.Sections {
		if seen[sec.Position] {
			t.Fatalf("two sections at position %d: %s", sec.Position, dump(r.Sections))
		}
		seen[sec.Position] = true
	}
	if last := r.Sections[len(r.Sections)-1].Position; last != len(debrief.DefaultTemplate.Sections)+n {
		t.Fatalf("last position %d, want %d", last, len(debrief.DefaultTemplate.Sections)+n)
	}
}
