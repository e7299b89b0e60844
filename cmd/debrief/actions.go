package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// runActions lists action items across incidents from the server's command
// line: the follow-up board as text, JSON or CSV, and the way back from a
// ticket to the retrospective that made it.
//
//	debrief actions --overdue --team payments
//	debrief actions --ticket OPS-123
func runActions(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("actions", &cfg, stderr)
	team := fs.String("team", "", "only items of this team's incidents (its slug)")
	owner := fs.String("owner", "", "only items this person owns: a handle (with or without @) or a person id")
	status := fs.String("status", "", "only items with this status: "+strings.Join(statusNames(), ", "))
	overdue := fs.Bool("overdue", false, "only open items past their due date")
	priority := fs.String("priority", "", "only items with this priority: "+strings.Join(debrief.Priorities, ", "))
	severity := fs.String("severity", "", "only items of incidents with this severity")
	service := fs.String("service", "", "only items of incidents that affected this service")
	ticket := fs.String("ticket", "", "only the item tracked by this ticket: a key (OPS-123, owner/repo#12) or its URL")
	incident := fs.Int64("incident", 0, "only this incident's items")
	asJSON := fs.Bool("json", false, "write JSON (an array of action items) instead of a table")
	format := fs.String("format", "table", "table, json (an array of action items) or csv (one row per item, for spreadsheets)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: debrief actions [flags]")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{fmt.Sprintf("actions takes flags only (got %q)", fs.Arg(0))}
	}
	switch *format {
	case "table", "json", "csv":
	default:
		return usageError{fmt.Sprintf("--format %q: want table, json or csv", *format)}
	}
	if *asJSON {
		*format = "json"
	}
	f := debrief.ActionFilter{Limit: 1000, FollowupFilter: debrief.FollowupFilter{ByDue: true}}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	f.Team, f.Priority, f.Severity, f.Service, f.Ticket = opt(*team), opt(*priority), opt(*severity), opt(*service), opt(*ticket)
	if *overdue {
		f.Overdue = overdue
	}
	if *status != "" {
		st := debrief.ActionStatus(*status)
		if !strings.Contains(","+strings.Join(statusNames(), ",")+",", ","+*status+",") {
			return usageError{fmt.Sprintf("--status %q: want one of %s", *status, strings.Join(statusNames(), ", "))}
		}
		f.Status = &st
	}
	if *incident < 0 {
		return usageError{"--incident must be a positive incident id"}
	} else if *incident > 0 {
		f.IncidentID = incident
	}

	st, err := openStore(ctx, cfg.database)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	// The operator at the server runs as the system, as export does.
	sys := debrief.WithActor(ctx, debrief.SystemActor)
	svc := app.New(st)
	if *owner != "" {
		id, err := findOwner(sys, svc, *owner)
		if err != nil {
			return err
		}
		f.OwnerID = &id
	}
	var items []*debrief.Action
	for {
		page, total, err := svc.FindActions(sys, f)
		if err != nil {
			if field := debrief.ErrorField(err); field != "" {
				return fmt.Errorf("--%s: %s", field, debrief.ErrorMessage(err))
			}
			return err
		}
		items = append(items, page...)
		if len(page) == 0 || len(items) >= total {
			break
		}
		f.Offset = len(items)
	}
	if *format == "csv" {
		return writeActionCSV(stdout, svc, sys, items)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if items == nil {
			items = []*debrief.Action{}
		}
		return enc.Encode(items)
	}
	return writeActionTable(ctx, stdout, svc, sys, items)
}

func statusNames() []string {
	out := make([]string, len(debrief.ActionStatuses))
	for i, s := range debrief.ActionStatuses {
		out[i] = string(s)
	}
	return out
}

// findOwner reads --owner: a person id, or a handle.
func findOwner(ctx context.Context, svc *app.Service, s string) (int64, error) {
	if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
		return id, nil
	}
	handle := strings.TrimPrefix(s, "@")
	people, _, err := svc.FindPeople(ctx, debrief.PersonFilter{Handle: &handle})
	if err != nil {
		return 0, err
	}
	if len(people) == 0 {
		return 0, usageError{fmt.Sprintf("--owner %q: no person has that handle", s)}
	}
	return people[0].ID, nil
}

// writeActionTable writes one line per item: where it comes from (the
// incident and its title), its state and its ticket.
func writeActionTable(ctx context.Context, w io.Writer, svc *app.Service, sys context.Context, items []*debrief.Action) error {
	if len(items) == 0 {
		_, err := fmt.Fprintln(w, "No action items match.")
		return err
	}
	titles := map[int64]string{}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INCIDENT\tID\tSTATUS\tDUE\tPRIORITY\tOWNER\tTITLE\tTICKET")
	for _, a := range items {
		title, ok := titles[a.IncidentID]
		if !ok {
			if inc, err := svc.FindIncidentByID(sys, a.IncidentID); err == nil {
				title = inc.Title
			}
			titles[a.IncidentID] = title
		}
		due := a.DueDate
		if a.Overdue {
			due += " OVERDUE"
		}
		if due == "" {
			due = "-"
		}
		owner := "-"
		if a.Owner != nil {
			owner = a.Owner.Name
		}
		ticket := a.TicketKey
		if ticket == "" {
			ticket = a.TicketURL
		}
		if a.SyncState == debrief.SyncPending {
			ticket += " (sync pending: " + a.SyncError + ")"
		}
		status := string(a.Status)
		if a.VerifiedAt != nil {
			status += " (verified)"
		}
		fmt.Fprintf(tw, "#%d %s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", a.IncidentID, clipText(title, 40), a.ID, status, due,
			a.Priority, clipText(owner, 30), clipText(a.Title, 60), ticket)
	}
	return tw.Flush()
}

// clipText shortens s to n runes, tabs and newlines made spaces, so that a
// table stays a table whatever a title holds.
func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
