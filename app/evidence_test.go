package app_test

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/importers/alertmanager"
	"github.com/debrief-oss/debrief/importers/evidence"
	"github.com/debrief-oss/debrief/importers/opsgenie"
	"github.com/debrief-oss/debrief/importers/pagerduty"
	"github.com/debrief-oss/debrief/importers/slack"
)

const amPayload = `{"receiver":"debrief","status":"firing","alerts":[{"status":"firing",
 "labels":{"alertname":"CheckoutErrorRate","service":"checkout","severity":"critical"},
 "annotations":{"summary":"checkout error rate above 5%"},
 "startsAt":"2024-05-01T09:00:50Z","endsAt":"0001-01-01T00:00:00Z",
 "generatorURL":"https://prometheus.example.com/graph?g0.expr=x","fingerprint":"a1bc48475b20e73d"}],
 "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"https://am.example.com","version":"4","groupKey":"{}:{}"}`

// evidenceFiles reads each source's fixture into events.
func evidenceFiles(t *testing.T) map[string][]*debrief.Event {
	t.Helper()
	out := map[string][]*debrief.Event{}
	collect := func(name string) evidence.Emit {
		return func(ev *debrief.Event) error { out[name] = append(out[name], ev); return nil }
	}
	open := func(p string) *os.File {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(alertmanager.Import(strings.NewReader(amPayload), "am.json", evidence.Options{}, collect("alertmanager")))
	must(pagerduty.Import(open("../importers/pagerduty/testdata/log_entries.json"), "pd.json", evidence.Options{}, collect("pagerduty")))
	must(opsgenie.Import(open("../importers/opsgenie/testdata/logs.json"), "og.json", opsgenie.Options{AlertID: "70413a06", Alias: "a1bc48475b20e73d"}, collect("opsgenie")))
	must(slack.Import("../importers/slack/testdata/export", slack.Options{Channels: []string{"incident-2024-05-01"}, WorkspaceURL: "https://acme.slack.com"}, collect("slack")))
	return out
}

func importAll(t *testing.T, e *env, ctx context.Context, id int64, files map[string][]*debrief.Event, order ...string) map[string]*debrief.ImportResult {
	t.Helper()
	res := map[string]*debrief.ImportResult{}
	for _, src := range order {
		r, err := e.svc.ImportEvents(ctx, id, files[src])
		if err != nil {
			t.Fatalf("import %s: %v", src, err)
		}
		res[src] = r
	}
	return res
}

func TestEvidenceMergedAcrossSourcesAndIdempotent(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		ctx := w.actors["editor"]
		id := w.incTeam.ID
		files := evidenceFiles(t)
		res := importAll(t, e, ctx, id, files, "alertmanager", "pagerduty", "opsgenie", "slack")
		// PagerDuty's trigger carries the alert's key (its incident_key),
		// Opsgenie's creation and acknowledgement its alias.
		if r := res["pagerduty"]; r.Read != 4 || r.Merged != 1 || r.Created != 3 {
			t.Errorf("pagerduty: %+v", r)
		}
		if r := res["opsgenie"]; r.Merged != 1 || r.Created != 2 {
			t.Errorf("opsgenie: %+v", r)
		}
		all, err := e.st.FindAllEvents(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		first := all[0]
		if first.Source != "alertmanager" || len(first.Refs) != 2 || first.Refs[0].Source != "pagerduty" || first.Refs[1].Source != "opsgenie" ||
			first.Refs[0].OriginalID != "R2XGXEI3W0FHMSDTOQRHWF4FC8" || !strings.HasPrefix(first.Refs[0].URL, "https://acme.pagerduty.com/") {
			t.Errorf("merged alert: %+v", first)
		}
		// The same files again change nothing.
		again := importAll(t, e, ctx, id, files, "slack", "opsgenie", "pagerduty", "alertmanager")
		for src, r := range again {
			if r.Created != 0 || r.Merged != 0 || r.Same != r.Read {
				t.Errorf("re-import of %s: %+v", src, r)
			}
		}
		after, _ := e.st.FindAllEvents(context.Background(), id)
		if !reflect.DeepEqual(all, after) {
			t.Errorf("re-import changed the timeline: %d events before, %d after", len(all), len(after))
		}
	})
}

func TestEvidenceSlackBotCopyMergedByText(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		files := evidenceFiles(t)
		res := importAll(t, e, w.actors["editor"], w.incOrg.ID, files, "pagerduty", "slack")
		// The PagerDuty bot's message in Slack, a second after the trigger,
		// says the same: merged; the people's messages are new.
		if r := res["slack"]; r.Merged != 1 || r.Created != 6 {
			t.Errorf("slack: %+v", r)
		}
		evs, _, _ := e.svc.FindEvents(w.actors["editor"], debrief.EventFilter{IncidentID: w.incOrg.ID, Source: ptr("pagerduty")})
		if len(evs[0].Refs) != 1 || evs[0].Refs[0].Source != "slack" || evs[0].Refs[0].URL != "https://acme.slack.com/archives/C01INCIDENT/p1714554060000200" {
			t.Errorf("refs %+v", evs[0].Refs)
		}
	})
}

func TestEvidenceImportAllOrNothingAndAccess(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
		evs := []*debrief.Event{
			{At: at, Text: "one", Source: "csv", OriginalID: "1"},
			{At: at, Text: "two", Source: "csv", OriginalID: "2"},
			{At: at, Text: "three", Source: "csv", Kind: "gossip"},
		}
		_, err := e.svc.ImportEvents(w.actors["editor"], w.incTeam.ID, evs)
		wantField(t, err, "events[2].kind")
		_, err = e.svc.ImportEvents(w.actors["editor"], w.incTeam.ID, []*debrief.Event{{At: at, Text: "x", Tag: "gossip"}})
		wantField(t, err, "events[0].tag")
		all, _ := e.st.FindAllEvents(context.Background(), w.incTeam.ID)
		if len(all) != 0 {
			t.Fatalf("a refused import wrote %d events", len(all))
		}
		_, err = e.svc.ImportEvents(w.actors["viewer"], w.incTeam.ID, evs[:2])
		wantCode(t, err, debrief.EFORBIDDEN)
		_, err = e.svc.ImportEvents(w.actors["other team"], w.incTeam.ID, evs[:2])
		wantCode(t, err, debrief.ENOTFOUND)
		_, err = e.svc.ImportEvents(w.actors["read-only token"], w.incTeam.ID, evs[:2])
		if err == nil {
			t.Error("a read-only token imported")
		}
		// Rows without an id get one from what they say: importing again adds nothing.
		noID := []*debrief.Event{{At: at, Text: "typed in a sheet", Source: "csv"}}
		r1, err := e.svc.ImportEvents(w.actors["editor"], w.incTeam.ID, noID)
		if err != nil || r1.Created != 1 {
			t.Fatalf("%+v %v", r1, err)
		}
		r2, err := e.svc.ImportEvents(w.actors["editor"], w.incTeam.ID, noID)
		if err != nil || r2.Same != 1 || r2.Created != 0 {
			t.Fatalf("again: %+v %v", r2, err)
		}
	})
}

func TestEvidenceCurationAndMilestones(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		ctx := w.actors["editor"]
		id := w.incTeam.ID
		importAll(t, e, ctx, id, evidenceFiles(t), "alertmanager", "pagerduty", "slack")
		evs, _, err := e.svc.FindEvents(ctx, debrief.EventFilter{IncidentID: id, Source: ptr("slack"), Author: ptr("Tom Berg")})
		if err != nil || len(evs) != 2 {
			t.Fatalf("filter by source and person: %d %v", len(evs), err)
		}
		rollback := evs[1]
		if _, err := e.svc.UpdateEvent(ctx, id, rollback.ID, debrief.EventUpdate{Tag: ptr(debrief.TagRepair), Starred: ptr(true), Version: rollback.Version}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.UpdateEvent(ctx, id, rollback.ID, debrief.EventUpdate{Tag: ptr("gossip"), Version: rollback.Version + 1})
		wantField(t, err, "tag")
		if tagged, n, _ := e.svc.FindEvents(ctx, debrief.EventFilter{IncidentID: id, Tag: ptr(debrief.TagRepair)}); n != 1 || !tagged[0].Starred {
			t.Fatalf("tag filter: %d", n)
		}

		props, err := e.svc.ProposeMilestones(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]time.Time{}
		for _, p := range props {
			got[p.Name] = p.At
		}
		want := map[string]time.Time{
			"detected":     time.Date(2024, 5, 1, 9, 0, 50, 0, time.UTC),
			"acknowledged": time.Date(2024, 5, 1, 9, 2, 30, 0, time.UTC),
			"mitigated":    time.Date(2024, 5, 1, 9, 5, 0, 300000, time.UTC),
			"resolved":     time.Date(2024, 5, 1, 9, 20, 0, 0, time.UTC),
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("proposed %v\nwant     %v", got, want)
		}
		_, err = e.svc.AcceptMilestones(w.actors["viewer"], id, []string{"detected"}, w.incTeam.Version)
		wantCode(t, err, debrief.EFORBIDDEN)
		inc, err := e.svc.AcceptMilestones(ctx, id, []string{"detected", "acknowledged"}, w.incTeam.Version)
		if err != nil {
			t.Fatal(err)
		}
		if d := inc.Milestones.Durations()[1]; !d.Known || d.Value != 100*time.Second {
			t.Errorf("time to acknowledge %+v", d)
		}
		_, err = e.svc.AcceptMilestones(ctx, id, []string{"declared"}, inc.Version)
		wantField(t, err, "names[0]")

		st, err := e.svc.FindTimelineState(ctx, id)
		if err != nil || st.ConfirmedAt != nil {
			t.Fatalf("%+v %v", st, err)
		}
		_, err = e.svc.ConfirmTimeline(w.actors["viewer"], id, true)
		wantCode(t, err, debrief.EFORBIDDEN)
		st, err = e.svc.ConfirmTimeline(ctx, id, true)
		if err != nil || st.ConfirmedAt == nil || st.ConfirmedBy != "editor" {
			t.Fatalf("%+v %v", st, err)
		}
		note, err := e.svc.AddNote(ctx, id, "  Customer comms sent  ")
		if err != nil || note.Text != "Customer comms sent" || note.Author != "editor" || note.Source != "note" || !note.At.Equal(e.clock.Now()) {
			t.Fatalf("note %+v %v", note, err)
		}
	})
}

func TestReceiveAlerts(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		ctx := w.actors["editor"]
		if _, err := e.svc.UpdateIncident(e.sys, w.incTeam.ID, debrief.IncidentUpdate{Services: &[]string{"checkout"}, Version: w.incTeam.Version}); err != nil {
			t.Fatal(err)
		}
		p, err := alertmanager.Decode(strings.NewReader(amPayload))
		if err != nil {
			t.Fatal(err)
		}
		evs, _ := alertmanager.Events(p, evidence.Options{})
		rule := app.AlertRule{Severities: []string{"critical"}, Team: "payments"}
		inc, res, err := e.svc.ReceiveAlerts(ctx, p.Alerts[0].Labels, "CheckoutErrorRate", evs, rule)
		if err != nil || inc.ID != w.incTeam.ID || res.Created != 1 {
			t.Fatalf("matched by service: %+v %+v %v", inc, res, err)
		}
		other := map[string]string{"alertname": "DiskFull", "service": "billing", "severity": "critical"}
		inc, res, err = e.svc.ReceiveAlerts(ctx, other, "DiskFull", evs, rule)
		if err != nil || inc == nil || inc.ID == w.incTeam.ID || inc.Team != "payments" || inc.Services[0] != "billing" || res.Created != 1 {
			t.Fatalf("opened by rule: %+v %+v %v", inc, res, err)
		}
		other["service"], other["severity"] = "search-api", "warning"
		inc, _, err = e.svc.ReceiveAlerts(ctx, other, "DiskFull", evs, rule)
		if err != nil || inc != nil {
			t.Fatalf("a warning opened an incident: %+v %v", inc, err)
		}
	})
}
