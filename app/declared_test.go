package app_test

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

// TestProposeDeclared: the first message that says the incident was
// declared is proposed as declared; alerts, pages, ends said with the
// same word and denials are not.
func TestProposeDeclared(t *testing.T) {
	declares := []string{
		// From the DFDS postmortem PM2024-001 in /work/shared/corpus (MIT, see SOURCES.md).
		"Incident declared through statuspage.io.",
		"Declaring a SEV2 for checkout",
		"<@U01> declared an incident: Checkout errors",
		"/incident declare checkout down",
		"Major incident raised, bridge is open",
		"We’re declaring an outage of online booking",
		"P1 opened in ServiceNow",
	}
	not := []string{
		"Incident declared resolved through statuspage.io, but investigations continued.",
		"Triggered #4321: checkout error rate above 5%",
		"Investigating: customers may see errors at checkout",
		"Not declaring an incident yet, watching the graphs",
		"We didn't declare a SEV because it looked like a blip",
		"The incident is declared over",
		"declared variable pool size in config", // declare, but no incident
	}
	at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	propose := func(t *testing.T, e *env, texts ...string) []debrief.ProposedMilestone {
		t.Helper()
		inc := mustIncident(t, e)
		var evs []*debrief.Event
		for i, text := range texts {
			evs = append(evs, &debrief.Event{At: at.Add(time.Duration(i) * time.Minute), Text: text, Source: "slack", Kind: debrief.EventMessage})
		}
		// A hidden declaration is chatter the writer set aside: never proposed.
		evs = append(evs, &debrief.Event{At: at.Add(-time.Hour), Text: "Incident declared (test run)", Source: "slack", Hidden: true})
		if _, err := e.svc.ImportEvents(e.sys, inc.ID, evs); err != nil {
			t.Fatal(err)
		}
		props, err := e.svc.ProposeMilestones(e.sys, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		return props
	}
	declared := func(props []debrief.ProposedMilestone) *debrief.ProposedMilestone {
		for i := range props {
			if props[i].Name == "declared" {
				return &props[i]
			}
		}
		return nil
	}
	run(t, func(t *testing.T, e *env) {
		for _, text := range declares {
			if d := declared(propose(t, e, "checkout 5xx above 5%", text)); d == nil || !d.At.Equal(at.Add(time.Minute)) {
				t.Errorf("%q: proposed %+v, want declared at its time", text, d)
			}
		}
		if d := declared(propose(t, e, not...)); d != nil {
			t.Errorf("declared proposed from %+v", d)
		}
		// Two declarations: the first counts, and it can be accepted.
		inc := mustIncident(t, e)
		if _, err := e.svc.ImportEvents(e.sys, inc.ID, []*debrief.Event{
			{At: at.Add(3 * time.Minute), Text: "Declaring SEV1", Source: "slack"},
			{At: at.Add(9 * time.Minute), Text: "Incident declared on the status page", Source: "statuspage"},
		}); err != nil {
			t.Fatal(err)
		}
		props, _ := e.svc.ProposeMilestones(e.sys, inc.ID)
		if d := declared(props); d == nil || !d.At.Equal(at.Add(3*time.Minute)) || d.Reason != "the first message declaring the incident (slack)" {
			t.Fatalf("two declarations: %+v", d)
		}
		got, err := e.svc.AcceptMilestones(e.sys, inc.ID, []string{"declared"}, inc.Version)
		if err != nil || got.Milestones.Declared == nil || !got.Milestones.Declared.Equal(at.Add(3*time.Minute)) {
			t.Fatalf("accept declared: %+v %v", got, err)
		}
	})
}
