package main

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// actionCSVHeader names the columns of `debrief actions --format csv`.
var actionCSVHeader = []string{"incident_id", "incident_title", "team", "severity", "action_id", "title", "status",
	"verified", "priority", "owner", "due_date", "overdue", "created_at", "closed_at", "ticket_key", "ticket_url",
	"sync_state", "sync_error"}

// writeActionCSV writes one row per item (RFC 4180, a header first) for a
// spreadsheet: whole values, not clipped as in the table. Text that a
// spreadsheet would run as a formula (starting with = + - @, a tab or a
// carriage return) is prefixed with an apostrophe, so an item's title
// cannot compute anything in the reader's spreadsheet.
func writeActionCSV(w io.Writer, svc *app.Service, sys context.Context, items []*debrief.Action) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(actionCSVHeader); err != nil {
		return err
	}
	incs := map[int64]*debrief.Incident{}
	stamp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, a := range items {
		inc, ok := incs[a.IncidentID]
		if !ok {
			var err error
			if inc, err = svc.FindIncidentByID(sys, a.IncidentID); err != nil {
				return err
			}
			incs[a.IncidentID] = inc
		}
		owner := ""
		if a.Owner != nil {
			owner = a.Owner.Name
		}
		row := []string{strconv.FormatInt(inc.ID, 10), inc.Title, inc.Team, inc.Severity, strconv.FormatInt(a.ID, 10),
			a.Title, string(a.Status), strconv.FormatBool(a.VerifiedAt != nil), a.Priority, owner, a.DueDate,
			strconv.FormatBool(a.Overdue), stamp(&a.CreatedAt), stamp(a.ClosedAt), a.TicketKey, a.TicketURL,
			string(a.SyncState), a.SyncError}
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a cell from being read as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
