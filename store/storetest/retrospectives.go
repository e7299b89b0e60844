package storetest

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testRetrospectiveFind(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.FindRetrospective(ctx, 31337)
	wantCode(t, err, debrief.ENOTFOUND, "FindRetrospective of a missing incident")
	inc := newIncident(t, s, "Retro")
	r, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	want := []string{}
	for _, ts := range debrief.DefaultTemplate.Sections {
		want = append(want, ts.Key)
	}
	same(t, sectionKeys(r.Sections), want, "sections in template order")
	if r.IncidentID != inc.ID || r.Template != debrief.DefaultTemplateName || r.Status != debrief.RetroDraft ||
		r.WriterID != nil || r.Writer != nil {
		t.Fatalf("retrospective: %s", dump(r))
	}
}

func testRetrospectiveUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newPerson(t, s, "Ada", "ada")
	inc := newIncident(t, s, "Retro")
	r, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	created := r.CreatedAt

	r.WriterID, r.Status = &ada.ID, debrief.RetroInReview
	before := time.Now()
	noErr(t, s.UpdateRetrospective(ctx, r), "UpdateRetrospective")
	after := time.Now()
	if r.Version != 2 || r.Writer == nil || r.Writer.ID != ada.ID || r.Status != debrief.RetroInReview {
		t.Fatalf("after update: %s", dump(r))
	}
	same(t, r.CreatedAt, created, "CreatedAt after update")
	stamp(t, r.UpdatedAt, before, after, "UpdatedAt")
	got, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	same(t, got, r, "found after update")
	// The sections are not the retrospective's to version.
	for _, sec := range got.Sections {
		if sec.Version != 1 {
			t.Fatalf("section %q at version %d after a retrospective update", sec.Key, sec.Version)
		}
	}

	stale := *got
	stale.Version = 1
	stale.Status = debrief.RetroDone
	wantCode(t, s.UpdateRetrospective(ctx, &stale), debrief.ECONFLICT, "UpdateRetrospective from a stale version")
	bad := *got
	bad.WriterID = ptr(int64(4040))
	err = s.UpdateRetrospective(ctx, &bad)
	wantCode(t, err, debrief.ENOTFOUND, "UpdateRetrospective with a missing writer")
	if f := debrief.ErrorField(err); f != "writer_id" {
		t.Fatalf("field %q, want writer_id", f)
	}
	again, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	same(t, again, got, "retrospective after failed updates")

	again.WriterID = nil
	noErr(t, s.UpdateRetrospective(ctx, again), "UpdateRetrospective clearing the writer")
	if again.WriterID != nil || again.Writer != nil || again.Version != 3 {
		t.Fatalf("after clearing the writer: %s", dump(again))
	}

	wantCode(t, s.UpdateRetrospective(ctx, &debrief.Retrospective{IncidentID: 5050, Version: 1}), debrief.ENOTFOUND,
		"UpdateRetrospective of a missing incident")
}
