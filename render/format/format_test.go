package format

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.md")

func ptrTime(t time.Time) *time.Time { return &t }

// realistic is the report of testdata/golden.md.
func realistic() *debrief.Report {
	zrh, _ := time.LoadLocation("Europe/Zurich")
	at := func(day, h, m int) time.Time { return time.Date(2021, 8, day, h, m, 0, 0, zrh).UTC() }
	marco := &debrief.Person{ID: 3, Name: "Marco Rossi", Email: "marco@example.com", Handle: "marco"}
	ines := &debrief.Person{ID: 4, Name: "Inès Dupont", Email: "ines@example.com", Handle: "ines"}
	bot := &debrief.Person{ID: 5, Handle: "oncall-bot"}
	inc := &debrief.Incident{
		ID: 42, Title: "Checkout failures after the payments deploy", Severity: "SEV2",
		Status: debrief.IncidentResolved, Services: []string{"checkout", "payments-api"},
		Team: "payments", Visibility: debrief.VisibleToOrganization, TimeZone: "Europe/Zurich",
		Commander: marco, CommanderID: &marco.ID,
		Responders: []debrief.Responder{{PersonID: 4, Role: "ops", Person: ines}, {PersonID: 5, Role: "scribe", Person: bot}},
		Version:    7, CreatedAt: at(26, 10, 30), UpdatedAt: at(27, 9, 0),
	}
	inc.Milestones.Started = ptrTime(at(26, 10, 2))
	inc.Milestones.Detected = ptrTime(at(26, 10, 14))
	inc.Milestones.Acknowledged = ptrTime(at(26, 10, 17))
	inc.Milestones.Mitigated = ptrTime(at(26, 10, 51))
	inc.Milestones.Resolved = ptrTime(at(26, 11, 40))
	retro := &debrief.Retrospective{
		IncidentID: 42, WriterID: &ines.ID, Writer: ines, Template: "default",
		Status: debrief.RetroInReview,
		Sections: []*debrief.Section{
			{Key: "summary", Title: "Summary", Kind: debrief.SectionText, Position: 1,
				Body: "For 37 minutes about 18% of checkouts failed with HTTP 502 after version 2.31 of\nthe payments API went out. Rolling back stopped the errors."},
			{Key: "impact", Title: "Impact", Kind: debrief.SectionText, Position: 2, Optional: true,
				Body: "| Metric | Value |\n|---|---|\n| Failed checkouts | 1,204 |\n| Revenue at risk | CHF 61k |"},
			{Key: "timeline", Title: "Timeline", Kind: debrief.SectionTimeline, Position: 3,
				Body: "All times in Zurich time."},
			{Key: "went_well", Title: "What went well", Kind: debrief.SectionText, Position: 4,
				Body: "- The alert fired within 12 minutes.\n- The rollback took 4 minutes."},
			{Key: "could_be_better", Title: "What could have been done better", Kind: debrief.SectionText, Position: 5,
				Body: "The canary only covered card payments.\n\n## A heading inside the body\n\nIt stays in this section.\n\n```sh\nkubectl rollout undo deploy/payments-api\n```"},
			{Key: "did_not_happen", Title: "What did not happen", Kind: debrief.SectionText, Position: 6, Optional: true},
			{Key: "analysis", Title: "Analysis", Kind: debrief.SectionText, Position: 7,
				Body: "<!-- section: not-a-marker -->\nThe connection pool was sized for the old client."},
			{Key: "recommendations", Title: "Recommendations", Kind: debrief.SectionActions, Position: 8,
				Body: "Agreed in the review on 27 August."},
		},
	}
	events := []*debrief.Event{
		{ID: 1, At: at(26, 10, 2), Text: "Payments API 2.31 deployed", Kind: debrief.EventDeploy, Source: "argo", Author: "marco", URL: "https://argo.example.com/app/payments/123", Starred: true},
		{ID: 2, At: at(26, 10, 14), Text: "Alert: checkout 5xx rate above 5%", Kind: debrief.EventAlert, Source: "pagerduty",
			OriginalID: "R3CQ0EXAMPLE", AlertKey: "5xx-checkout", Tag: debrief.TagDetection,
			Refs: []debrief.EventRef{{Source: "alertmanager", OriginalID: "4f2a9c1e", URL: "https://am.example.com/#/alerts?filter={alertname=\"Checkout5xx\"}"}}},
		{ID: 3, At: at(26, 10, 15).Add(30 * time.Second), Text: "lol is checkout down?", Kind: debrief.EventMessage, Source: "slack", Author: "Jo Bloggs", Hidden: true},
		{ID: 4, At: at(26, 10, 22), Text: "Marco: rolling back to 2.30.\nThe canary looked fine, so this was unexpected.", Kind: debrief.EventNote, Source: "manual", Author: "marco", Tag: debrief.TagDecision},
		{ID: 5, At: at(26, 10, 51), Text: "Error rate back to normal", Kind: debrief.EventMilestone, Starred: true},
	}
	actions := []*debrief.Action{
		{ID: 1, Title: "Size the connection pool from the client's limits", OwnerID: &ines.ID, Owner: ines,
			Priority: "high", DueDate: "2021-09-10", Status: debrief.ActionInProgress, TicketURL: "https://jira.example.com/browse/PAY-812", TicketKey: "PAY-812",
			DefinitionOfDone: "Pool size is derived from config and covered by a test",
			Description:      "Today the pool is a constant.\n\nIt must follow the client's max connections."},
		{ID: 2, Title: "Canary covers every payment method", Owner: marco, Priority: "medium", Status: debrief.ActionDone,
			VerifiedAt: ptrTime(at(30, 9, 15)), VerifiedBy: "Inès Dupont", VerifiedNote: "A wallet-only canary failed in staging and halted the rollout."},
		{ID: 3, Title: "Page the payments team directly", Priority: "low", Status: debrief.ActionDropped,
			DropReason: "The escalation policy already does this.", DroppedBy: "the review meeting"},
		{ID: 4, Title: "Write a runbook for rollbacks", Status: debrief.ActionProposed},
	}
	actions[0].Addresses = []string{"F1", "W2"}
	actions[1].Addresses = []string{"F1", "M1"}
	analysis := &debrief.Analysis{Items: []*debrief.AnalysisItem{
		{Kind: debrief.KindComponent, Ref: "B1", Title: "Deploy pipeline", Scope: debrief.ScopeSystem},
		{Kind: debrief.KindComponent, Ref: "B2", Title: "Payments API", Scope: debrief.ScopeSystem},
		{Kind: debrief.KindComponent, Ref: "B3", Title: "Card processor", Scope: debrief.ScopeEnvironment,
			Description: "Run by the acquirer; we see its answers only."},
		{Kind: debrief.KindControl, Ref: "C1", Title: "Canary analysis", Controller: "B1", Process: "B2",
			Action: "halt the rollout", Feedback: "5xx rate of the canary", How: "Compares the canary's error rate\nwith the baseline for 10 minutes."},
		{Kind: debrief.KindControl, Ref: "C3", Title: "Connection pool limit", Controller: "B2", Process: "B3"},
		{Kind: debrief.KindFailure, Ref: "F1", Title: "The canary passed a build that failed every wallet payment",
			Control: "C1", Saw: "No errors: the canary served card payments only.", Reason: "Its traffic had no wallet payments.",
			Flaws: []string{"process_model", "information"}, Evidence: []int64{1, 2}},
		{Kind: debrief.KindSystemic, Ref: "S1", Title: "Controls are never tested against the payment mix",
			NoAction: "Covered by the canary work in F1's action item."},
		{Kind: debrief.KindMissing, Ref: "M1", Title: "Per-method error alert", Controller: "B1", Process: "B2"},
		{Kind: debrief.KindFactor, Ref: "CF1", Title: "Wallet traffic is low at 10:00", Category: "Environment"},
		{Kind: debrief.KindWhy, Ref: "W1", Title: "Checkouts failed"},
		{Kind: debrief.KindWhy, Ref: "W2", Title: "The pool was sized for the old client", Parent: "W1"},
		{Kind: debrief.KindWhy, Ref: "W4", Title: "Nobody saw wallet errors", Parent: "W1"},
	}}
	return &debrief.Report{Incident: inc, Retrospective: retro, Events: events, Actions: actions, Analysis: analysis}
}

func write(t testing.TB, rep *debrief.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, rep); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.Bytes()
}

// carried is the part of a report the format carries, in canonical form.
type carried struct {
	ID                                        int64
	Title, Severity, Status, Team, Visibility string
	Services                                  []string
	TimeZone                                  string
	Milestones                                map[string]string
	Commander                                 *personC
	Responders                                []responderC
	HasRetro                                  bool
	RetroStatus, Template                     string
	Writer                                    *personC
	Restricted                                bool
	Sections                                  []sectionC
	Events                                    []eventC
	Actions                                   []actionC
	Analysis                                  []itemC
}

// itemC is an analysis item as the format carries it; Evidence holds
// positions in the timeline.
type itemC struct {
	Ref, Kind, Title string
	Fields           map[string]string
	Evidence         []int
}

type personC struct{ Name, Email, Handle string }
type responderC struct {
	Person *personC
	Role   string
}
type sectionC struct {
	Key, Title, Kind string
	Position         int
	Optional         bool
	Body             string
}
type eventC struct {
	At                              string
	Text, Source, Author, URL, Kind string
	Starred, Hidden                 bool
	OriginalID, AlertKey, Tag       string
	Refs                            []debrief.EventRef
}
type actionC struct {
	Title, Description, DefinitionOfDone             string
	Owner                                            *personC
	Priority, DueDate, Status, DropReason, TicketURL string
	Addresses                                        string
	TicketKey, DroppedBy                             string
	Verified, VerifiedBy, VerifiedNote               string
}

func verifiedC(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func pc(p *debrief.Person) *personC {
	if p == nil || (p.Name == "" && p.Email == "" && p.Handle == "") {
		return nil
	}
	return &personC{p.Name, p.Email, p.Handle}
}

func canon(rep *debrief.Report) carried {
	inc := rep.Incident
	c := carried{ID: inc.ID, Title: inc.Title, Severity: inc.Severity, Status: string(inc.Status), Team: inc.Team,
		Visibility: string(inc.Visibility), TimeZone: inc.TimeZone, Commander: pc(inc.Commander),
		Milestones: map[string]string{}}
	if len(inc.Services) > 0 {
		c.Services = inc.Services
	}
	for _, n := range debrief.MilestoneNames {
		if t := inc.Milestones.Get(n); t != nil {
			c.Milestones[n] = t.UTC().Format(time.RFC3339Nano)
		}
	}
	for _, r := range inc.Responders {
		c.Responders = append(c.Responders, responderC{pc(r.Person), r.Role})
	}
	if r := rep.Retrospective; r != nil {
		c.HasRetro = true
		c.RetroStatus, c.Template, c.Writer, c.Restricted = string(r.Status), r.Template, pc(r.Writer), r.Restricted
		for i, s := range r.Sections {
			kind := s.Kind
			if kind == "" {
				kind = debrief.SectionText
			}
			c.Sections = append(c.Sections, sectionC{s.Key, canonLine(s.Title), kind, i + 1, s.Optional, canonText(s.Body)})
		}
	}
	for _, e := range rep.Events {
		var refs []debrief.EventRef
		if len(e.Refs) > 0 {
			refs = e.Refs
		}
		c.Events = append(c.Events, eventC{e.At.UTC().Format(time.RFC3339Nano), canonField(e.Text), e.Source, e.Author, e.URL, e.Kind, e.Starred, e.Hidden,
			e.OriginalID, e.AlertKey, e.Tag, refs})
	}
	for _, a := range rep.Actions {
		st := a.Status
		if st == "" {
			st = debrief.ActionProposed
		}
		c.Actions = append(c.Actions, actionC{canonField(a.Title), canonField(a.Description), canonField(a.DefinitionOfDone),
			pc(a.Owner), canonField(a.Priority), canonField(a.DueDate), string(st), canonField(a.DropReason), canonField(a.TicketURL),
			strings.Join(a.Addresses, ","), canonField(a.TicketKey), canonField(a.DroppedBy), verifiedC(a.VerifiedAt), canonField(a.VerifiedBy), canonField(a.VerifiedNote)})
	}
	if rep.Analysis != nil {
		pos := map[int64]int{}
		for i, e := range rep.Events {
			pos[e.ID] = i + 1
		}
		for _, it := range rep.Analysis.Items {
			ic := itemC{Ref: it.Ref, Kind: string(it.Kind), Title: canonField(it.Title), Fields: map[string]string{}}
			for _, f := range itemFields {
				if f.name != "evidence" {
					if v := canonField(itemValue(it, f.name, nil)); v != "" {
						ic.Fields[f.name] = v
					}
				}
			}
			for _, id := range it.Evidence {
				if p, ok := pos[id]; ok {
					ic.Evidence = append(ic.Evidence, p)
				}
			}
			c.Analysis = append(c.Analysis, ic)
		}
	}
	return c
}

func diff(a, b carried) string {
	if reflect.DeepEqual(a, b) {
		return ""
	}
	ja, _ := json.MarshalIndent(a, "", " ")
	jb, _ := json.MarshalIndent(b, "", " ")
	la, lb := strings.Split(string(ja), "\n"), strings.Split(string(jb), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d: %s\n     vs: %s", i+1, la[i], lb[i])
		}
	}
	return "lengths differ"
}

// roundTrip checks Write(Read(Write(rep))) == Write(rep) and that Read
// gives back what the format carries.
func roundTrip(t *testing.T, name string, rep *debrief.Report) {
	t.Helper()
	first := write(t, rep)
	got, err := Read(name, bytes.NewReader(first))
	if err != nil {
		t.Fatalf("%s: Read: %v\n%s", name, err, first)
	}
	if d := diff(canon(rep), canon(got)); d != "" {
		t.Fatalf("%s: Read(Write(rep)) differs from rep: %s\n%s", name, d, first)
	}
	second := write(t, got)
	if !bytes.Equal(first, second) {
		t.Fatalf("%s: second Write differs:\n--- first\n%s\n--- second\n%s", name, first, second)
	}
}

func TestGolden(t *testing.T) {
	got := write(t, realistic())
	path := filepath.Join("testdata", "golden.md")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Write differs from %s (go test -update to rewrite):\n%s", path, got)
	}
	roundTrip(t, path, realistic())
}

func TestRoundTripGenerated(t *testing.T) {
	rng := rand.New(rand.NewSource(20210826))
	for i := range 1000 {
		rep := generate(rng)
		roundTrip(t, fmt.Sprintf("gen-%d.md", i), rep)
	}
}
