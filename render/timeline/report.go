package timeline

import (
	"io"
	"time"

	"github.com/debrief-oss/debrief"
)

// WriteReport draws an incident's timeline from its report: its events
// (hidden ones left out, as in the write-up), lanes by source or, with
// byPerson, by author, and its milestones; times in the incident's zone.
func WriteReport(w io.Writer, rep *debrief.Report, byPerson bool) error {
	var marks []Event
	for _, ev := range rep.Events {
		if ev.Hidden {
			continue
		}
		lane := ev.Source
		if byPerson {
			lane = ev.Author
		}
		marks = append(marks, Event{At: ev.At, Lane: lane, Text: ev.Text, Kind: ev.Kind, Starred: ev.Starred})
	}
	var ms []Milestone
	o := Options{LaneTitle: "Source", Zone: time.UTC}
	if byPerson {
		o.LaneTitle = "Person"
	}
	if inc := rep.Incident; inc != nil {
		o.Title = inc.Title
		o.Zone = inc.Location()
		for _, name := range debrief.MilestoneNames {
			if t := inc.Milestones.Get(name); t != nil {
				ms = append(ms, Milestone{Name: name, At: *t})
			}
		}
	}
	return Render(w, marks, ms, o)
}
