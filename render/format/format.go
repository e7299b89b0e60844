// Package format reads and writes Debrief's own interchange format: one
// Markdown file per retrospective, with YAML front matter for the incident's
// metadata, one heading per section, the timeline as a bullet list and the
// action items as a task list. It is lossless for what it carries, so that
// Write(Read(Write(rep))) gives the bytes of Write(rep); docs/format.md
// describes it for people who edit such files by hand.
package format

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// Version is the value of the front matter's "format" key.
const Version = "debrief/1"

// MaxSize is the largest file Read accepts.
const MaxSize = 8 << 20

// Error is a problem in a file, at a line (1-based; 0 when the problem is
// not at one line).
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Markers bound the parts of the file. A body line that would read as a
// marker is written with one more leading backslash.
const (
	sectionMarker = "<!-- section:"
	eventsMarker  = "<!-- events -->"
	actionsMarker = "<!-- actions -->"
)

var keyRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// markerLike reports whether a line, stripped of leading backslashes, reads
// as a marker.
func markerLike(line string) bool {
	l := strings.TrimLeft(line, `\`)
	return strings.HasPrefix(l, sectionMarker) || l == eventsMarker || l == actionsMarker || l == analysisMarker
}

// canonText is how multi-line texts (section bodies, event texts, action
// descriptions) are carried: carriage returns dropped, leading blank lines
// and trailing white space removed.
func canonText(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	s = strings.TrimLeft(s, "\n")
	return strings.TrimRight(s, " \t\n")
}

// canonField is how event texts and action fields are carried: trimmed of
// white space at both ends, carriage returns dropped.
func canonField(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r", ""))
}

// canonLine is how one-line values (titles) are carried.
func canonLine(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r", ""))
}

// Time layouts. Events are written with minutes, seconds when not zero,
// and fractions of a second when not zero, then the UTC offset.
const (
	eventLayoutMin = "2006-01-02 15:04 -07:00"
	eventLayoutSec = "2006-01-02 15:04:05.999999999 -07:00"
)

func formatEventTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format(eventLayoutMin)
	}
	return t.Format(eventLayoutSec)
}

// parseEventTime reads an event's time; without an offset the incident's
// zone applies.
func parseEventTime(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04 Z07:00", "2006-01-02 15:04:05 Z07:00", "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read time %q (want YYYY-MM-DD HH:MM[:SS] ±HH:MM)", s)
}

func validIncidentStatus(s debrief.IncidentStatus) bool {
	for _, v := range debrief.IncidentStatuses {
		if v == s {
			return true
		}
	}
	return false
}

func validRetroStatus(s debrief.RetrospectiveStatus) bool {
	for _, v := range debrief.RetrospectiveStatuses {
		if v == s {
			return true
		}
	}
	return false
}

func validActionStatus(s debrief.ActionStatus) bool {
	for _, v := range debrief.ActionStatuses {
		if v == s {
			return true
		}
	}
	return false
}

func validPriority(s string) bool {
	for _, v := range debrief.Priorities {
		if v == s {
			return true
		}
	}
	return false
}

func validKind(s string) bool {
	return s == debrief.SectionText || s == debrief.SectionTimeline || s == debrief.SectionActions
}
