package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// debrief actions: the board from the command line, and the way back from
// a ticket to its retrospective.
func TestActionsCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "debrief.db")
	st, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sys := debrief.WithActor(ctx, debrief.SystemActor)
	svc := app.New(st)
	for _, slug := range []string{"payments", "search"} {
		if err := svc.CreateTeam(sys, &debrief.Team{Slug: slug, Name: slug, DefaultVisibility: debrief.VisibleToTeam}); err != nil {
			t.Fatal(err)
		}
	}
	ada := &debrief.Person{Name: "Ada Lovelace", Handle: "ada"}
	if err := svc.CreatePerson(sys, ada); err != nil {
		t.Fatal(err)
	}
	pay := &debrief.Incident{Title: "Card payments failing", Team: "payments", Severity: "SEV1"}
	search := &debrief.Incident{Title: "Search timeouts", Team: "search"}
	for _, inc := range []*debrief.Incident{pay, search} {
		if err := svc.CreateIncident(sys, inc, ""); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []*debrief.Action{
		{IncidentID: pay.ID, Title: "Alert on card\terror rate", OwnerID: &ada.ID, Status: debrief.ActionPlanned, DueDate: "2020-02-01",
			TicketURL: "https://acme.atlassian.net/browse/OPS-123"},
		{IncidentID: pay.ID, Title: "Canary deploys", DueDate: "2999-01-01"},
		{IncidentID: search.ID, Title: "Raise the search timeout", DueDate: "2020-01-01"},
		{IncidentID: pay.ID, Title: `=HYPERLINK("http://evil.example")`, DueDate: "2999-01-02"},
	} {
		if err := svc.CreateAction(sys, a); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	runIt := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, append([]string{"actions", "--database", db}, args...), &out, &errOut)
		return out.String() + errOut.String(), err
	}
	out, err := runIt("--overdue", "--team", "payments")
	if err != nil {
		t.Fatal(err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "Alert on card error rate") || !strings.Contains(lines[1], "2020-02-01 OVERDUE") ||
		!strings.Contains(lines[1], "OPS-123") || !strings.Contains(lines[1], "Ada Lovelace") || !strings.Contains(lines[1], "#1 Card payments failing") {
		t.Fatalf("--overdue --team payments:\n%s", out)
	}
	out, err = runIt("--ticket", "OPS-123", "--json")
	if err != nil {
		t.Fatal(err, out)
	}
	var items []debrief.Action
	if err := json.Unmarshal([]byte(out), &items); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if len(items) != 1 || items[0].IncidentID != pay.ID || items[0].TicketKey != "OPS-123" || !items[0].Overdue {
		t.Fatalf("--ticket OPS-123: %+v", items)
	}
	out, err = runIt("--ticket", "https://acme.atlassian.net/browse/OPS-123", "--owner", "@ada")
	if err != nil || !strings.Contains(out, "Alert on card") {
		t.Fatalf("--ticket URL --owner @ada: %v\n%s", err, out)
	}
	out, err = runIt("--overdue")
	if err != nil || strings.Count(strings.TrimSpace(out), "\n") != 2 || !strings.Contains(strings.Split(out, "\n")[1], "Raise the search timeout") {
		t.Fatalf("--overdue, by due date:\n%s", out)
	}
	if out, err = runIt("--ticket", "OPS-999"); err != nil || !strings.Contains(out, "No action items match.") {
		t.Fatalf("unknown ticket: %v %s", err, out)
	}
	// CSV for a spreadsheet: a header, whole values, formulas defused.
	out, err = runIt("--team", "payments", "--format", "csv")
	if err != nil {
		t.Fatal(err, out)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("--format csv: %v\n%s", err, out)
	}
	if len(rows) != 4 || strings.Join(rows[0][:7], ",") != "incident_id,incident_title,team,severity,action_id,title,status" {
		t.Fatalf("--format csv:\n%s", out)
	}
	first := map[string]string{}
	for i, h := range rows[0] {
		first[h] = rows[1][i]
	}
	if first["title"] != "Alert on card\terror rate" || first["ticket_key"] != "OPS-123" || first["overdue"] != "true" ||
		first["owner"] != "Ada Lovelace" || first["team"] != "payments" || first["due_date"] != "2020-02-01" {
		t.Fatalf("first row: %v", first)
	}
	if rows[3][5] != "'=HYPERLINK(\"http://evil.example\")" {
		t.Fatalf("formula not defused: %q", rows[3][5])
	}
	if _, err = runIt("--format", "xml"); exitCode(err) != 2 {
		t.Fatalf("bad format: %v", err)
	}
	if _, err = runIt("--status", "finished"); exitCode(err) != 2 {
		t.Fatalf("bad status: %v", err)
	}
	if _, err = runIt("--owner", "@nobody"); exitCode(err) != 2 {
		t.Fatalf("unknown owner: %v", err)
	}
	if out, err = runIt("--priority", "urgent"); err == nil || !strings.Contains(err.Error(), "--priority") {
		t.Fatalf("bad priority: %v %s", err, out)
	}
}
