package app_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render/format"
)

// TestEvidenceAndFollowThroughSurviveTheFormat exports an incident whose
// events carry evidence (original ids, an alert key, a merged copy, a tag)
// and whose action items carry follow-through (who dropped one, who
// verified one effective, a ticket key) in Debrief's format, imports the
// file through ImportReport, and exports again: the same bytes but the id.
func TestEvidenceAndFollowThroughSurviveTheFormat(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		c := e.sys
		inc := mustIncident(t, e)
		at := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
		if _, err := e.svc.ImportEvents(c, inc.ID, []*debrief.Event{
			{At: at, Text: "Checkout5xx firing", Source: "alertmanager", Kind: debrief.EventAlert, OriginalID: "4f2a9c1e", AlertKey: "checkout-5xx"},
			{At: at.Add(10 * time.Second), Text: "Checkout5xx", Source: "opsgenie", Kind: debrief.EventAlert, OriginalID: "og-77", AlertKey: "checkout-5xx", URL: "https://og.example.com/alert/77"},
			{At: at.Add(5 * time.Minute), Text: "rolling back", Source: "slack", Kind: debrief.EventMessage, OriginalID: "C01/1741944900.1"},
		}); err != nil {
			t.Fatal(err)
		}
		evs, _, err := e.svc.FindEvents(c, debrief.EventFilter{IncidentID: inc.ID})
		if err != nil || len(evs) != 2 || len(evs[0].Refs) == 0 {
			t.Fatalf("the two alerts were not merged: %v %+v", err, evs)
		}
		tag := debrief.TagRepair
		if _, err := e.svc.UpdateEvent(c, inc.ID, evs[1].ID, debrief.EventUpdate{Tag: &tag, Version: evs[1].Version}); err != nil {
			t.Fatal(err)
		}

		done := &debrief.Action{IncidentID: inc.ID, Title: "Per-method canary", TicketURL: "https://jira.example.com/browse/PAY-812"}
		dropped := &debrief.Action{IncidentID: inc.ID, Title: "Page payments directly"}
		for _, a := range []*debrief.Action{done, dropped} {
			if err := e.svc.CreateAction(c, a); err != nil {
				t.Fatal(err)
			}
		}
		st := debrief.ActionDone
		d, err := e.svc.UpdateAction(c, inc.ID, done.ID, debrief.ActionUpdate{Status: &st, Version: done.Version})
		if err != nil {
			t.Fatal(err)
		}
		yes, note := true, "A wallet-only canary halted a bad rollout in staging."
		if _, err := e.svc.UpdateAction(c, inc.ID, done.ID, debrief.ActionUpdate{Verified: &yes, VerifiedNote: &note, Version: d.Version}); err != nil {
			t.Fatal(err)
		}
		drop, reason, who := debrief.ActionDropped, "The escalation policy does it.", "the review meeting"
		if _, err := e.svc.UpdateAction(c, inc.ID, dropped.ID, debrief.ActionUpdate{Status: &drop, DropReason: &reason, DroppedBy: &who, Version: dropped.Version}); err != nil {
			t.Fatal(err)
		}

		rep, err := e.svc.FindReport(c, inc.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		var first bytes.Buffer
		if err := format.Write(&first, rep); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"original_id=4f2a9c1e", "alert_key=checkout-5xx", `refs=[{"source":"opsgenie","original_id":"og-77"`,
			"tag=repair", "ticket key: PAY-812", "verified: 2", "verified note: " + note, "dropped by: the review meeting"} {
			if !strings.Contains(first.String(), want) {
				t.Errorf("the export lacks %q:\n%s", want, first.String())
			}
		}
		read, err := format.Read("x.md", bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("%v\n%s", err, first.Bytes())
		}
		imported, err := e.svc.ImportReport(c, read)
		if err != nil {
			t.Fatal(err)
		}
		rep2, err := e.svc.FindReport(c, imported.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		var second bytes.Buffer
		if err := format.Write(&second, rep2); err != nil {
			t.Fatal(err)
		}
		if a, b := idLine.ReplaceAllString(first.String(), ""), idLine.ReplaceAllString(second.String(), ""); a != b {
			t.Fatalf("export, import, export differs:\n--- first\n%s\n--- second\n%s", a, b)
		}
		if v := rep2.Actions[0]; v.VerifiedBy == "" || v.VerifiedAt == nil || !v.VerifiedAt.Equal(*rep.Actions[0].VerifiedAt) {
			t.Errorf("verification after import: %+v", v)
		}
	})
}

// TestReportListsLinkedRecurringItems: the report of a retrospective that
// links another incident's action item as recurring carries it, for the
// exports to list; the other incident's report does not.
func TestReportListsLinkedRecurringItems(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		c := e.sys
		first, second := mustIncident(t, e), mustIncident(t, e)
		act := &debrief.Action{IncidentID: first.ID, Title: "Size the pool from the client's limits"}
		if err := e.svc.CreateAction(c, act); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.LinkAction(c, second.ID, first.ID, act.ID); err != nil {
			t.Fatal(err)
		}
		rep, err := e.svc.FindReport(c, second.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Linked) != 1 || rep.Linked[0].ID != act.ID || rep.Linked[0].IncidentID != first.ID || len(rep.Actions) != 0 {
			t.Fatalf("linked %+v, own %d", rep.Linked, len(rep.Actions))
		}
		if own, _ := e.svc.FindReport(c, first.ID, false); len(own.Linked) != 0 || len(own.Actions) != 1 {
			t.Errorf("the item's own incident: linked %d, own %d", len(own.Linked), len(own.Actions))
		}
	})
}
