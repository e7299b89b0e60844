package render_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
)

func TestMarkdownFollowThrough(t *testing.T) {
	verified := time.Date(2024, 6, 2, 2, 30, 0, 0, time.UTC) // 1 June in New York
	ada := &debrief.Person{Name: "Ada Lovelace", Handle: "ada"}
	rep := &debrief.Report{
		Incident: &debrief.Incident{ID: 7, Title: "Checkout errors", TimeZone: "America/New_York"},
		Actions: []*debrief.Action{
			{Title: "Canary deploys", Status: debrief.ActionDone, VerifiedAt: &verified, VerifiedBy: "Grace Hopper",
				VerifiedNote: "A bad build | halted\nin staging", TicketURL: "https://jira.example.com/browse/PAY-9", TicketKey: "PAY-9"},
			{Title: "Retry budget", Status: debrief.ActionDropped, DropReason: "covered by #1", DroppedBy: "the review meeting"},
			{Title: "Done, not verified", Status: debrief.ActionDone},
		},
		Linked: []*debrief.Action{
			{IncidentID: 3, Title: "Pool | sizing", Owner: ada, DueDate: "2024-07-01", Status: debrief.ActionInProgress, TicketKey: "OPS-12"},
		},
	}
	var buf bytes.Buffer
	if err := render.Markdown(&buf, rep); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		`| Done, verified effective by Grace Hopper on 2024-06-01: A bad build \| halted in staging | [PAY-9](<https://jira.example.com/browse/PAY-9>) |`,
		"| Dropped: covered by #1 (decided by the review meeting) |",
		"| Done |  |\n",
		"Recurring items linked from other incidents:\n\n| Incident | Action | Owner | Due | Status | Ticket |",
		`| #3 | Pool \| sizing | Ada Lovelace (@ada) | 2024-07-01 | In progress | OPS-12 |`,
	} {
		if !strings.Contains(md, want) {
			t.Errorf("export lacks %q\n---\n%s", want, md)
		}
	}
	// A retrospective with no items of its own still lists the linked ones.
	rep.Actions = nil
	buf.Reset()
	render.Markdown(&buf, rep)
	if !strings.Contains(buf.String(), "## Action items\n\n_No action items yet._\n\nRecurring items linked") {
		t.Errorf("linked items without own items:\n%s", buf.String())
	}
}
