package render

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// The follow-through of action items in the Markdown document: a dropped
// item says why and who decided, a done item that was verified effective
// says by whom, when and how, and the recurring items this retrospective
// links from other incidents are listed after the table, so a reader sees
// that the same fix is owed elsewhere.

// actionStatus is the status cell of an action item.
func actionStatus(a *debrief.Action, loc *time.Location) string {
	status := Label(string(a.Status))
	switch a.Status {
	case debrief.ActionDropped:
		if a.DropReason != "" {
			status += ": " + a.DropReason
		}
		if a.DroppedBy != "" {
			status += " (decided by " + a.DroppedBy + ")"
		}
	case debrief.ActionDone:
		if a.VerifiedAt != nil {
			status += ", verified effective"
			if a.VerifiedBy != "" {
				status += " by " + a.VerifiedBy
			}
			status += " on " + a.VerifiedAt.In(loc).Format("2006-01-02")
			if note := strings.TrimSpace(a.VerifiedNote); note != "" {
				status += ": " + note
			}
		}
	}
	return status
}

// ticketLink is the ticket cell: the ticket's key when it has one.
func ticketLink(a *debrief.Action) string {
	label := cell(a.TicketKey)
	if label == "" {
		label = "ticket"
	}
	switch {
	case a.TicketURL != "":
		return fmt.Sprintf("[%s](<%s>)", strings.ReplaceAll(label, "]", `\]`), a.TicketURL)
	case a.TicketKey != "":
		return label
	}
	return ""
}

// writeLinked lists the recurring items linked from other incidents.
func writeLinked(bw *bufio.Writer, rep *debrief.Report) {
	if len(rep.Linked) == 0 {
		return
	}
	bw.WriteString("Recurring items linked from other incidents:\n\n")
	bw.WriteString("| Incident | Action | Owner | Due | Status | Ticket |\n|---|---|---|---|---|---|\n")
	loc := rep.Incident.Location()
	for _, a := range rep.Linked {
		fmt.Fprintf(bw, "| #%d | %s | %s | %s | %s | %s |\n", a.IncidentID, cell(a.Title),
			cell(PersonName(a.Owner)), a.DueDate, cell(actionStatus(a, loc)), ticketLink(a))
	}
	bw.WriteString("\n")
}
