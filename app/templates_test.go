package app_test

import (
	"testing"

	"github.com/debrief-oss/debrief"
)

func paymentsTemplate(note string) *debrief.Template {
	return &debrief.Template{Team: "payments", Name: "payments", Title: "Payments retrospective", Note: note,
		Sections: []debrief.TemplateSection{
			{Key: "summary", Title: "Summary", Guidance: "One paragraph."},
			{Title: "Money lost", Guidance: "In euros."},
			{Key: "timeline", Title: "Timeline", Kind: debrief.SectionTimeline},
		}}
}

func TestTemplateVersionsAndAccess(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		// Who may write the team's templates: its admins and org admins.
		for name, want := range map[string]string{
			"org admin": "", "team admin": "", "editor": debrief.EFORBIDDEN, "viewer": debrief.EFORBIDDEN,
			"other team": debrief.EFORBIDDEN, "read-only token": debrief.EFORBIDDEN, "no actor": debrief.EUNAUTHORIZED,
		} {
			tpl := paymentsTemplate("by " + name)
			err := e.svc.SaveTemplate(w.actors[name], tpl)
			if debrief.ErrorCode(err) != want {
				t.Fatalf("%s saving a payments template: %v, want %q", name, err, want)
			}
		}
		hist, err := e.svc.TemplateHistory(w.actors["viewer"], "payments", "payments")
		wantCode(t, err, "")
		if len(hist) != 2 || hist[0].Version != 1 || hist[1].Version != 2 || hist[1].Note == "" {
			t.Fatalf("history: %+v", hist)
		}
		// The key of a section without one comes from its title.
		if hist[0].Sections[1].Key != "money_lost" || hist[0].Sections[1].Kind != debrief.SectionText {
			t.Fatalf("derived section: %+v", hist[0].Sections[1])
		}
		// A second version needs a note.
		wantField(t, e.svc.SaveTemplate(w.actors["team admin"], paymentsTemplate("")), "note")
		// Organisation templates: org admins only.
		org := paymentsTemplate("")
		org.Team, org.Name = "", debrief.DefaultTemplateName
		wantCode(t, e.svc.SaveTemplate(w.actors["team admin"], org), debrief.EFORBIDDEN)
		wantField(t, e.svc.SaveTemplate(w.actors["org admin"], org), "note") // the built-in is version 1
		org.Note = "Our own default."
		wantCode(t, e.svc.SaveTemplate(w.actors["org admin"], org), "")
		if org.Version != 2 {
			t.Fatalf("organisation's default: version %d", org.Version)
		}
		defHist, err := e.svc.TemplateHistory(w.actors["viewer"], "", debrief.DefaultTemplateName)
		wantCode(t, err, "")
		if len(defHist) != 2 || !defHist[0].Builtin || defHist[1].Note != "Our own default." {
			t.Fatalf("default's history: %+v", defHist)
		}
		// The team sees its own template first, and the organisation's
		// default instead of the built-in.
		list, err := e.svc.ListTemplates(w.actors["viewer"], "payments")
		wantCode(t, err, "")
		if list[0].Name != "payments" || list[0].Version != 2 {
			t.Fatalf("first listed: %s v%d", list[0].Name, list[0].Version)
		}
		for _, tpl := range list {
			if tpl.Name == debrief.DefaultTemplateName && tpl.Version != 2 {
				t.Fatalf("listed default is version %d, want the organisation's 2", tpl.Version)
			}
		}
	})
}

func TestTemplateValidation(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		for field, mutate := range map[string]func(*debrief.Template){
			"name":              func(t *debrief.Template) { t.Name = "Not A Slug" },
			"title":             func(t *debrief.Template) { t.Title = " " },
			"sections":          func(t *debrief.Template) { t.Sections = nil },
			"sections[0].key":   func(t *debrief.Template) { t.Sections[0].Key = "Bad Key!" },
			"sections[1].key":   func(t *debrief.Template) { t.Sections[1].Key = "summary" },
			"sections[2].kind":  func(t *debrief.Template) { t.Sections[2].Kind = "chart" },
			"sections[0].title": func(t *debrief.Template) { t.Sections[0].Title = "" },
			"team":              func(t *debrief.Template) { t.Team = "nope" },
		} {
			tpl := paymentsTemplate("")
			tpl.Team = "ops"
			mutate(tpl)
			wantField(t, e.svc.SaveTemplate(e.sys, tpl), field)
		}
		ops := "ops"
		stored, err := e.st.FindTemplates(e.sys, debrief.TemplateFilter{Team: &ops})
		wantCode(t, err, "")
		if len(stored) != 0 {
			t.Fatalf("refused templates were stored: %d", len(stored))
		}
	})
}

func TestTemplateRulesChooseAndRequire(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		admin, lead := w.actors["org admin"], w.actors["team admin"]
		wantCode(t, e.svc.SaveTemplate(lead, paymentsTemplate("")), "")
		org := []*debrief.TemplateRule{
			{Name: "Security", Types: []string{"security"}, Template: "learning-review", Retrospective: debrief.RetroRequired},
			{Name: "SEV1 and SEV2 always", Severities: []string{"SEV1", "SEV2"}, Template: "default", Retrospective: debrief.RetroRequired},
			{Name: "Others when asked", Template: "minor", Retrospective: debrief.RetroOptional},
		}
		wantCode(t, e.svc.SetTemplateRules(lead, "", org), debrief.EFORBIDDEN)
		wantCode(t, e.svc.SetTemplateRules(admin, "", org), "")
		// A team's rule is tried before the organisation's, and may name
		// the team's template.
		team := []*debrief.TemplateRule{{Name: "Payments SEV1", Severities: []string{"SEV1"}, Template: "payments"}}
		wantCode(t, e.svc.SetTemplateRules(w.actors["editor"], "payments", team), debrief.EFORBIDDEN)
		wantCode(t, e.svc.SetTemplateRules(lead, "payments", team), "")
		// ...but the organisation's rules cannot name a team's template.
		wantField(t, e.svc.SetTemplateRules(admin, "", []*debrief.TemplateRule{{Template: "payments"}}), "rules[0].template")
		wantField(t, e.svc.SetTemplateRules(admin, "", []*debrief.TemplateRule{{Template: "minor", Severities: []string{"SEV9"}}}), "rules[0].severities[0]")
		wantField(t, e.svc.SetTemplateRules(admin, "", []*debrief.TemplateRule{{Template: "minor", Retrospective: "sometimes"}}), "rules[0].retrospective")
		rules, err := e.svc.TemplateRules(admin, nil)
		wantCode(t, err, "")
		if len(rules) != 4 {
			t.Fatalf("a refused rule set changed the rules: %d rules", len(rules))
		}

		for _, c := range []struct {
			team, typ, sev    string
			template          string
			templateTeam      string
			required, hasRule bool
		}{
			{"payments", "", "SEV1", "payments", "payments", true, true},
			{"payments", "Security", "SEV4", "learning-review", "", true, true},
			{"payments", "", "SEV2", "default", "", true, true},
			{"search", "", "SEV1", "default", "", true, true},
			{"search", "", "SEV3", "minor", "", false, true},
		} {
			inc := &debrief.Incident{Title: "Rule " + c.sev, Team: c.team, Type: c.typ, Severity: c.sev}
			wantCode(t, e.svc.CreateIncident(e.sys, inc, ""), "")
			r, err := e.svc.FindRetrospective(e.sys, inc.ID)
			wantCode(t, err, "")
			if r.Template != c.template || r.TemplateTeam != c.templateTeam {
				t.Fatalf("%s %q %s: template %s/%s, want %s/%s", c.team, c.typ, c.sev, r.TemplateTeam, r.Template, c.templateTeam, c.template)
			}
			req, err := e.svc.RetrospectiveRequirement(e.sys, inc)
			wantCode(t, err, "")
			if req.Required != c.required || (req.Rule != nil) != c.hasRule {
				t.Fatalf("%s %s: requirement %+v", c.team, c.sev, req)
			}
			if !c.required {
				// The commander asks for one.
				inc, err = e.svc.UpdateIncident(e.sys, inc.ID, debrief.IncidentUpdate{RetroRequested: ptr(true), Version: inc.Version})
				wantCode(t, err, "")
				req, _ = e.svc.RetrospectiveRequirement(e.sys, inc)
				if !req.Required || !req.Requested {
					t.Fatalf("after asking: %+v", req)
				}
			}
		}
		// A named template wins over the rules.
		inc := &debrief.Incident{Title: "Named", Team: "payments", Severity: "SEV1"}
		wantCode(t, e.svc.CreateIncident(e.sys, inc, "google-sre"), "")
		r, _ := e.svc.FindRetrospective(e.sys, inc.ID)
		if r.Template != "google-sre" {
			t.Fatalf("named template: got %s", r.Template)
		}
		wantField(t, e.svc.CreateIncident(e.sys, &debrief.Incident{Title: "X", Team: "search"}, "payments"), "template")
	})
}

// A retrospective keeps the version it began with, and its writers see
// the notes of the versions written since.
func TestRetrospectiveKeepsTemplateVersion(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.team("payments", debrief.VisibleToTeam)
		wantCode(t, e.svc.SaveTemplate(e.sys, paymentsTemplate("")), "")
		inc := &debrief.Incident{Title: "Before the change", Team: "payments"}
		wantCode(t, e.svc.CreateIncident(e.sys, inc, "payments"), "")
		v2 := paymentsTemplate("Added 'Customers told'.")
		v2.Sections = append(v2.Sections, debrief.TemplateSection{Key: "customers", Title: "Customers told", Optional: true})
		wantCode(t, e.svc.SaveTemplate(e.sys, v2), "")

		r, err := e.svc.FindRetrospective(e.sys, inc.ID)
		wantCode(t, err, "")
		if r.TemplateVersion != 1 || r.Section("customers") != nil || r.Section("money_lost") == nil {
			t.Fatalf("old retrospective: version %d, sections %d", r.TemplateVersion, len(r.Sections))
		}
		changes, err := e.svc.TemplateChanges(e.sys, r)
		wantCode(t, err, "")
		if len(changes) != 1 || changes[0].Note != "Added 'Customers told'." {
			t.Fatalf("changes since: %+v", changes)
		}
		later := &debrief.Incident{Title: "After", Team: "payments"}
		wantCode(t, e.svc.CreateIncident(e.sys, later, "payments"), "")
		r2, _ := e.svc.FindRetrospective(e.sys, later.ID)
		if r2.TemplateVersion != 2 || r2.Section("customers") == nil {
			t.Fatalf("new retrospective: version %d", r2.TemplateVersion)
		}
		if changes, _ := e.svc.TemplateChanges(e.sys, r2); len(changes) != 0 {
			t.Fatalf("a current retrospective has %d changes to see", len(changes))
		}
	})
}
