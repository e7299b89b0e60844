package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

func TestRetrospective(t *testing.T) {
	e := newEnv(t)
	ada := e.person("Ada Lovelace", "ada")
	inc := e.incident(map[string]any{"title": "Cache stampede"})
	path := fmt.Sprintf("/api/v1/incidents/%d/retrospective", inc.ID)

	retro := want[debrief.Retrospective](t, e.do("GET", path, nil), 200)
	var keys []string
	for _, s := range retro.Sections {
		keys = append(keys, s.Key)
	}
	wantKeys := []string{"summary", "impact", "timeline", "went_well", "could_be_better", "did_not_happen", "analysis", "recommendations"}
	if retro.IncidentID != inc.ID || retro.Template != "default" || retro.Status != debrief.RetroDraft ||
		retro.Version != 1 || !slices.Equal(keys, wantKeys) {
		t.Errorf("retrospective %+v keys %v", retro, keys)
	}

	upd := want[debrief.Retrospective](t, e.do("PATCH", path, map[string]any{"writer_id": ada.ID, "status": "in_review", "version": 1}), 200)
	if upd.Status != debrief.RetroInReview || upd.WriterID == nil || *upd.WriterID != ada.ID ||
		upd.Writer == nil || upd.Writer.Name != "Ada Lovelace" || upd.Version != 2 {
		t.Errorf("patched %+v", upd)
	}
	// in_review -> done skips approval.
	wantError(t, e.do("PATCH", path, map[string]any{"status": "done", "version": 2}), 400, "invalid", "status")
	wantError(t, e.do("PATCH", path, map[string]any{"writer_id": 999, "version": 2}), 400, "invalid", "writer_id")
	eb := wantError(t, e.do("PATCH", path, map[string]any{"status": "draft", "version": 1}), 409, "conflict", "")
	if cur := decodeJSON[debrief.Retrospective](t, eb.Current); cur.Version != 2 || cur.Status != debrief.RetroInReview {
		t.Errorf("conflict current %+v", cur)
	}
	wantError(t, e.do("GET", "/api/v1/incidents/999/retrospective", nil), 404, "not_found", "")
}

func TestSectionCRUD(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Cache stampede"})
	base := fmt.Sprintf("/api/v1/incidents/%d/retrospective/sections", inc.ID)

	l := want[list[debrief.Section]](t, e.do("GET", base, nil), 200)
	if l.Total != 8 || len(l.Items) != 8 || l.Items[0].Key != "summary" || l.Items[0].Optional || l.Items[0].Guidance == "" {
		t.Errorf("sections %+v", l)
	}
	l = want[list[debrief.Section]](t, e.do("GET", base+"?offset=6&limit=5", nil), 200)
	if l.Total != 8 || l.Offset != 6 || l.Limit != 5 || len(l.Items) != 2 || l.Items[0].Key != "analysis" {
		t.Errorf("page %+v", l)
	}

	last := l.Items[len(l.Items)-1].Position
	r := e.do("POST", base, map[string]any{"title": "Lessons learned", "body": "Cache keys need jitter."})
	sec := want[debrief.Section](t, r, 201)
	if sec.Key != "lessons-learned" || !sec.Optional || sec.Kind != "text" || sec.Position != last+1 || sec.Version != 1 {
		t.Errorf("created %+v", sec)
	}
	if r.header.Get("Location") != base+"/lessons-learned" {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	// The key is taken: a conflict that shows the section holding it.
	eb := wantError(t, e.do("POST", base, map[string]any{"title": "Lessons learned"}), 409, "conflict", "key")
	if cur := decodeJSON[debrief.Section](t, eb.Current); cur.Body != "Cache keys need jitter." {
		t.Errorf("conflict current %+v", cur)
	}
	wantError(t, e.do("POST", base, map[string]any{"title": "Graph", "kind": "timeline"}), 400, "invalid", "kind")
	wantError(t, e.do("POST", base, map[string]any{"title": "Bad key", "key": "Bad Key"}), 400, "invalid", "key")

	one := base + "/summary"
	got := want[debrief.Section](t, e.do("GET", one, nil), 200)
	if got.Title != "Summary" || got.Body != "" || got.Version != 1 {
		t.Errorf("get %+v", got)
	}
	upd := want[debrief.Section](t, e.do("PATCH", one, map[string]any{"body": "The cache expired at once.", "version": 1}), 200)
	if upd.Body != "The cache expired at once." || upd.Title != "Summary" || upd.Version != 2 {
		t.Errorf("patched %+v", upd)
	}
	wantError(t, e.do("PATCH", one, map[string]any{"title": "  ", "version": 2}), 400, "invalid", "title")

	// Required sections stay; optional and custom ones can go.
	wantError(t, e.do("DELETE", one, nil), 400, "invalid", "key")
	for _, key := range []string{"impact", "lessons-learned"} {
		if r := e.do("DELETE", base+"/"+key, nil); r.status != 204 {
			t.Fatalf("delete %s: %d %s", key, r.status, r.body)
		}
		wantError(t, e.do("GET", base+"/"+key, nil), 404, "not_found", "")
	}
	wantError(t, e.do("GET", base+"/nope", nil), 404, "not_found", "")
	l = want[list[debrief.Section]](t, e.do("GET", base, nil), 200)
	if l.Total != 7 || slices.ContainsFunc(l.Items, func(s debrief.Section) bool { return s.Key == "impact" }) {
		t.Errorf("after delete %+v", l)
	}
}

// TestSectionConcurrentEdit is two people writing the summary at once. Both
// read version v; the first save wins; the second is refused with 409, the
// stored text is the first's, and the answer carries the current section so
// the second writer, who still holds their own text, can merge and save.
func TestSectionConcurrentEdit(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Cache stampede"})
	path := fmt.Sprintf("/api/v1/incidents/%d/retrospective/sections/summary", inc.ID)

	alice := want[debrief.Section](t, e.do("GET", path, nil), 200)
	bob := want[debrief.Section](t, e.do("GET", path, nil), 200)
	if alice.Version != bob.Version {
		t.Fatal("both must read the same version")
	}
	v := alice.Version
	aliceText := "Alice: the cache expired for every key at 14:00."
	bobText := "Bob: a deploy flushed the cache."

	first := want[debrief.Section](t, e.do("PATCH", path, map[string]any{"body": aliceText, "version": v}), 200)
	if first.Version != v+1 || first.Body != aliceText {
		t.Fatalf("first save %+v", first)
	}
	eb := wantError(t, e.do("PATCH", path, map[string]any{"body": bobText, "version": v}), 409, "conflict", "")
	if !strings.Contains(eb.Error.Message, fmt.Sprintf("version %d", v+1)) || len(eb.Current) == 0 {
		t.Fatalf("409 must name the current version and carry the section: %+v", eb)
	}
	cur := decodeJSON[debrief.Section](t, eb.Current)
	if cur.Version != v+1 || cur.Body != aliceText || cur.Key != "summary" {
		t.Errorf("current %+v, want Alice's text at version %d", cur, v+1)
	}
	stored := want[debrief.Section](t, e.do("GET", path, nil), 200)
	if stored.Body != aliceText || stored.Version != v+1 {
		t.Errorf("stored %q v%d, want Alice's text at v%d", stored.Body, stored.Version, v+1)
	}

	// Bob merges into the current text and saves from its version.
	merged := aliceText + "\n\n" + bobText
	final := want[debrief.Section](t, e.do("PATCH", path, map[string]any{"body": merged, "version": cur.Version}), 200)
	if final.Body != merged || final.Version != v+2 {
		t.Errorf("merged save %+v", final)
	}
	// Another section of the same write-up was never in conflict.
	other := fmt.Sprintf("/api/v1/incidents/%d/retrospective/sections/analysis", inc.ID)
	want[debrief.Section](t, e.do("PATCH", other, map[string]any{"body": "Analysis.", "version": 1}), 200)
}
