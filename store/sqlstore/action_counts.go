package sqlstore

import (
	"context"

	"github.com/debrief-oss/debrief"
)

// CountActionsByIncident counts the action items of each incident, in one
// grouped query for a page of the incident list. With visible set, an
// incident whose items the reader may not read (a restricted write-up) is
// left out of the answer, as FindActions would leave its items out.
func (db *DB) CountActionsByIncident(ctx context.Context, incidentIDs []int64, visible *debrief.ActionVisibility) (map[int64]debrief.ActionCounts, error) {
	out := map[int64]debrief.ActionCounts{}
	if len(incidentIDs) == 0 {
		return out, nil
	}
	var w where
	w.add("a.incident_id IN ("+placeholders(len(incidentIDs))+")", int64Args(incidentIDs)...)
	followupWhere(&w, &debrief.FollowupFilter{Visible: visible})
	type row struct {
		incident int64
		status   debrief.ActionStatus
		n        int
	}
	scan := func(r rowScanner) (x row, err error) { return x, r.Scan(&x.incident, &x.status, &x.n) }
	rows, err := queryAll(ctx, db.read(), scan, "SELECT a.incident_id, a.status, COUNT(*) FROM actions a"+w.String()+
		" GROUP BY a.incident_id, a.status", w.args...)
	if err != nil {
		return nil, wrap("count actions", err)
	}
	for _, x := range rows {
		c := out[x.incident]
		c.Total += x.n
		switch x.status {
		case debrief.ActionDone:
			c.Done += x.n
		case debrief.ActionDropped:
			c.Dropped += x.n
		}
		out[x.incident] = c
	}
	return out, nil
}
