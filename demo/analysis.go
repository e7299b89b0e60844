package demo

import (
	"context"
	"fmt"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// The example's analysis as data, so that the first screen shows what a
// CAST analysis looks like in Debrief: the components, the safety controls
// and how three of them failed, a systemic problem, a missing control,
// contributing factors, and each recommendation traced to what it
// addresses. It restates the analysis section of the write-up.
var demoAnalysis = []*debrief.AnalysisItem{
	{Kind: debrief.KindComponent, Title: "Cloud Engineering", Scope: debrief.ScopeSystem,
		Description: "The platform team that runs the Kubernetes clusters and the ingress."},
	{Kind: debrief.KindComponent, Title: "Traefik v2 ingress", Scope: debrief.ScopeSystem},
	{Kind: debrief.KindComponent, Title: "Booking team", Scope: debrief.ScopeSystem},
	{Kind: debrief.KindComponent, Title: "Online booking", Scope: debrief.ScopeSystem},
	{Kind: debrief.KindComponent, Title: "AWS load balancers and Okta", Scope: debrief.ScopeEnvironment,
		Description: "Outside our control: the ALBs end TLS and Okta signs users in."},

	{Kind: debrief.KindControl, Title: "Pre-migration header comparison", Controller: "B1", Process: "B2",
		Action: "Compare request headers on the old and new ingress before switching", Feedback: "The header diff",
		How: "Meant to catch any difference in the headers services receive before traffic moves."},
	{Kind: debrief.KindControl, Title: "Post-migration functional tests", Controller: "B1", Process: "B2",
		Action: "Run the platform's functional tests after the switch", Feedback: "Test results",
		How: "Meant to show the platform works for services after a change."},
	{Kind: debrief.KindControl, Title: "Application monitoring by each team", Controller: "B3", Process: "B4",
		Action: "Watch the service's errors and roll back or escalate", Feedback: "Dashboards and alerts on 5xx",
		How: "Each team watches its own service and notices when a platform change breaks it."},

	{Kind: debrief.KindFailure, Title: "Headers compared against the new ingress directly, not through the load balancer", Control: "C1",
		Saw: "Identical headers on both ingresses.", Reason: "The comparison bypassed the ALB, so X-Forwarded-Proto was never part of it; the process model said the ALB changes nothing.",
		Flaws: []string{"process_model", "procedures"}},
	{Kind: debrief.KindFailure, Title: "Functional tests passed while sign-in was broken", Control: "C2",
		Saw: "Green tests.", Reason: "The tests reach services without signing in through Okta, the only path that depended on the header.",
		Flaws: []string{"information"}},
	{Kind: debrief.KindFailure, Title: "The booking team did not connect the redirects to the migration", Control: "C3",
		Saw: "A rise in 307 responses, not errors.", Reason: "The announcement was one message among many in a busy channel, and redirects are not alerted on.",
		Flaws: []string{"information", "workload"}},
	{Kind: debrief.KindSystemic, Title: "Critical platform changes are announced the same way as routine ones",
		Description: "Nothing marks a change that can break every service, so the teams that must watch are not reliably told."},
	{Kind: debrief.KindMissing, Title: "Synthetic sign-in through the real load balancer", Controller: "B1", Process: "B4",
		Action: "Sign in through the public ALB every minute; page on failure or redirect loops", Feedback: "Check results and pages",
		How: "Would have paged within minutes of the switch."},
	{Kind: debrief.KindFactor, Title: "Migration started in working hours with many teams deploying", Category: "Process",
		NoAction: "Working hours were chosen on purpose so people were at hand; the monitoring changes cover the risk."},
	{Kind: debrief.KindFactor, Title: "Redirects are not counted as errors by any alert", Category: "Monitoring"},
}

// demoLinks says which analysis items each demo action addresses, by the
// action's position in demoActions. The dropped one addresses nothing: it
// is kept as a revisited recommendation.
var demoLinks = map[int][]string{
	0: {"F1"},
	1: {"M1", "CF2"},
	2: {"F1"},
	3: {"S1", "F3"},
}

// loadAnalysis stores the example's analysis, decides what needs no
// action, and links the actions (created before it, in demoActions order).
func loadAnalysis(ctx context.Context, svc *app.Service, incidentID int64, actions []*debrief.Action) error {
	for _, it := range demoAnalysis {
		item := *it
		item.IncidentID = incidentID
		if err := svc.CreateAnalysisItem(ctx, &item); err != nil {
			return fmt.Errorf("analysis item %q: %w", it.Title, err)
		}
	}
	for i, refs := range demoLinks {
		if _, err := svc.SetActionAddresses(ctx, incidentID, actions[i].ID, refs); err != nil {
			return fmt.Errorf("links of action %d: %w", i, err)
		}
	}
	// F2's answer is the synthetic check (M1) rather than an action of
	// its own: recorded as a decision, as the review made it.
	decision := "Covered by the synthetic sign-in check (M1), which tests the path the functional tests cannot."
	f2, err := svc.FindAnalysisItem(ctx, incidentID, "F2")
	if err != nil {
		return err
	}
	if _, err := svc.UpdateAnalysisItem(ctx, incidentID, "F2", debrief.AnalysisItemUpdate{NoAction: &decision, Version: f2.Version}); err != nil {
		return fmt.Errorf("decision on F2: %w", err)
	}
	return nil
}
