package storetest

import (
	"sync"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func customTemplate(team, name, title string) *debrief.Template {
	return &debrief.Template{Team: team, Name: name, Title: title, Note: "first",
		Sections: []debrief.TemplateSection{
			{Key: "summary", Title: "Summary", Kind: debrief.SectionText, Guidance: "One paragraph."},
			{Key: "timeline", Title: "Timeline", Kind: debrief.SectionTimeline, Optional: true},
		}}
}

func testTemplateVersions(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := newUser(t, s, "Ana", "ana@example.com")
	v1 := customTemplate("payments", "payments", "Payments v1")
	v1.CreatedBy = &u.ID
	noErr(t, s.CreateTemplateVersion(ctx, v1), "CreateTemplateVersion")
	if v1.Version != 1 || v1.CreatedAt.IsZero() {
		t.Fatalf("first version: %d at %v", v1.Version, v1.CreatedAt)
	}
	v2 := customTemplate("payments", "payments", "Payments v2")
	v2.Note = "Impact is required now."
	noErr(t, s.CreateTemplateVersion(ctx, v2), "CreateTemplateVersion again")
	if v2.Version != 2 {
		t.Fatalf("second version: %d, want 2", v2.Version)
	}
	// The same name in another scope is another template.
	org := customTemplate("", "payments", "Org payments")
	noErr(t, s.CreateTemplateVersion(ctx, org), "CreateTemplateVersion in the organisation")
	if org.Version != 1 {
		t.Fatalf("organisation's first version: %d, want 1", org.Version)
	}
	// A built-in's name in the organisation starts after the built-in.
	def := customTemplate("", debrief.DefaultTemplateName, "Our default")
	noErr(t, s.CreateTemplateVersion(ctx, def), "CreateTemplateVersion of default")
	if def.Version != 2 {
		t.Fatalf("organisation's default: version %d, want 2 (the built-in is 1)", def.Version)
	}
	// ...but not in a team's scope.
	teamDef := customTemplate("payments", debrief.DefaultTemplateName, "Team default")
	noErr(t, s.CreateTemplateVersion(ctx, teamDef), "CreateTemplateVersion of a team's default")
	if teamDef.Version != 1 {
		t.Fatalf("team's default: version %d, want 1", teamDef.Version)
	}

	got, err := s.FindTemplateVersion(ctx, "payments", "payments", 1)
	noErr(t, err, "FindTemplateVersion 1")
	same(t, got, v1, "version 1")
	got, err = s.FindTemplateVersion(ctx, "payments", "payments", 0)
	noErr(t, err, "FindTemplateVersion newest")
	same(t, got, v2, "newest version")
	_, err = s.FindTemplateVersion(ctx, "payments", "payments", 3)
	wantCode(t, err, debrief.ENOTFOUND, "a version not written")
	_, err = s.FindTemplateVersion(ctx, "other", "payments", 0)
	wantCode(t, err, debrief.ENOTFOUND, "a name in a scope without it")

	team := "payments"
	all, err := s.FindTemplates(ctx, debrief.TemplateFilter{Team: &team})
	noErr(t, err, "FindTemplates of a team")
	same(t, templateKeys(all), []string{"payments/default/1", "payments/payments/1", "payments/payments/2"}, "team's versions")
	latest, err := s.FindTemplates(ctx, debrief.TemplateFilter{Latest: true})
	noErr(t, err, "FindTemplates newest")
	same(t, templateKeys(latest), []string{"/default/2", "/payments/1", "payments/default/1", "payments/payments/2"}, "newest of each")
	named, err := s.FindTemplates(ctx, debrief.TemplateFilter{Name: "payments"})
	noErr(t, err, "FindTemplates by name")
	same(t, templateKeys(named), []string{"/payments/1", "payments/payments/1", "payments/payments/2"}, "by name")

	bad := customTemplate("", "x", "X")
	missing := int64(9999)
	bad.CreatedBy = &missing
	wantCode(t, s.CreateTemplateVersion(ctx, bad), debrief.ENOTFOUND, "a missing author")
	none, err := s.FindTemplates(ctx, debrief.TemplateFilter{Name: "x"})
	noErr(t, err, "FindTemplates after a refused write")
	if len(none) != 0 {
		t.Fatalf("a refused version was stored: %v", templateKeys(none))
	}
}

func templateKeys(ts []*debrief.Template) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.Team+"/"+t.Name+"/"+itoa(t.Version))
	}
	return out
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	var b []byte
	for ; v > 0; v /= 10 {
		b = append([]byte{byte('0' + v%10)}, b...)
	}
	return string(b)
}

// Two writers of the same template never get the same version: one wins,
// the other is told to load it again, or both get distinct versions.
func testTemplateConcurrentVersions(t *testing.T, s store.Store) {
	ctx := t.Context()
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CreateTemplateVersion(ctx, customTemplate("ops", "race", "Race"))
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			wantCode(t, err, debrief.ECONFLICT, "a racing version")
		}
	}
	team := "ops"
	all, err := s.FindTemplates(ctx, debrief.TemplateFilter{Team: &team})
	noErr(t, err, "FindTemplates")
	if len(all) != ok || ok == 0 {
		t.Fatalf("%d writes succeeded, %d versions stored", ok, len(all))
	}
	for i, tpl := range all {
		if tpl.Version != int64(i+1) {
			t.Fatalf("versions %v are not 1..%d", templateKeys(all), len(all))
		}
	}
}

func testTemplateRules(t *testing.T, s store.Store) {
	ctx := t.Context()
	rules := []*debrief.TemplateRule{
		{Name: "Big ones", Severities: []string{"SEV1", "SEV2"}, Template: "default", Retrospective: debrief.RetroRequired},
		{Name: "Security", Types: []string{"security"}, Template: "learning-review", Retrospective: debrief.RetroRequired},
		{Name: "Everything else", Template: "minor", Retrospective: debrief.RetroOptional},
	}
	noErr(t, s.ReplaceTemplateRules(ctx, "", rules), "ReplaceTemplateRules")
	for i, r := range rules {
		if r.ID == 0 || r.Position != i+1 || r.Types == nil || r.Severities == nil {
			t.Fatalf("rule %d after write: %+v", i, r)
		}
	}
	teamRules := []*debrief.TemplateRule{{Name: "Payments", Template: "payments", Retrospective: debrief.RetroRequired}}
	noErr(t, s.ReplaceTemplateRules(ctx, "payments", teamRules), "ReplaceTemplateRules of a team")

	org := ""
	got, err := s.FindTemplateRules(ctx, &org)
	noErr(t, err, "FindTemplateRules")
	same(t, got, rules, "organisation's rules")
	all, err := s.FindTemplateRules(ctx, nil)
	noErr(t, err, "FindTemplateRules of every scope")
	same(t, all, append(append([]*debrief.TemplateRule{}, rules...), teamRules...), "every rule")

	// Replacing is whole: the new set, in its order, and nothing else.
	noErr(t, s.ReplaceTemplateRules(ctx, "", rules[2:]), "ReplaceTemplateRules with fewer")
	got, err = s.FindTemplateRules(ctx, &org)
	noErr(t, err, "FindTemplateRules")
	if len(got) != 1 || got[0].Name != "Everything else" || got[0].Position != 1 {
		t.Fatalf("after replacing: %s", dump(got))
	}
	noErr(t, s.ReplaceTemplateRules(ctx, "", nil), "ReplaceTemplateRules with none")
	got, err = s.FindTemplateRules(ctx, &org)
	noErr(t, err, "FindTemplateRules")
	if len(got) != 0 {
		t.Fatalf("after clearing: %s", dump(got))
	}
}

// An incident's type and the retrospective's template edition are stored
// like every other field.
func testTemplateFieldsRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := &debrief.Incident{Title: "Typed", Severity: "SEV3", Status: debrief.IncidentActive, Team: "payments",
		Visibility: debrief.VisibleToTeam, TimeZone: "UTC", Type: "security", RetroRequested: true}
	retro := &debrief.Retrospective{Template: "payments", TemplateTeam: "payments", TemplateVersion: 3, Status: debrief.RetroDraft}
	noErr(t, s.CreateIncident(ctx, inc, retro), "CreateIncident")
	got, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	if got.Type != "security" || !got.RetroRequested {
		t.Fatalf("stored incident: type %q requested %v", got.Type, got.RetroRequested)
	}
	r, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	if r.TemplateTeam != "payments" || r.TemplateVersion != 3 {
		t.Fatalf("stored retrospective: template %q of %q version %d", r.Template, r.TemplateTeam, r.TemplateVersion)
	}
	got.Type, got.RetroRequested = "outage", false
	noErr(t, s.UpdateIncident(ctx, got), "UpdateIncident")
	again, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	if again.Type != "outage" || again.RetroRequested {
		t.Fatalf("updated incident: type %q requested %v", again.Type, again.RetroRequested)
	}
}
