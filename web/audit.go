package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/store"
)

// auditPage is an incident's audit trail: every change to it and every
// refused attempt, newest first, each with what it changed.
type auditPage struct {
	layout
	Inc     *debrief.Incident
	IncPath string
	Zone    string
	Entries []auditRow
	// Limited is set when older entries were left out.
	Limited bool
	Limit   int
}

type auditRow struct {
	At      timeView
	Who     string
	Address string
	What    string
	Action  string
	Object  string
	Denied  bool
	Detail  string
	Changes []fieldChange
	// Created and Deleted say the changes are the whole object as it was
	// made, or as it was before it went.
	Created, Deleted bool
}

// fieldChange is one field's value before and after a change. Long or
// multi-line text comes with a line diff.
type fieldChange struct {
	key           string // as the JSON names it
	Field         string
	Before, After string
	Lines         []diffLine
}

type diffLine struct {
	Op   string // "same", "add" or "del"
	Text string
}

// auditLimit is how many entries the page shows; the whole log is
// exported as JSON lines through the API.
const auditLimit = 500

var auditActions = map[string]string{
	"incident.create":      "Recorded the incident",
	"incident.update":      "Changed the incident’s details",
	"incident.delete":      "Deleted the incident",
	"event.create":         "Added a timeline event",
	"event.update":         "Changed a timeline event",
	"event.delete":         "Deleted a timeline event",
	"section.create":       "Added a section to the write-up",
	"section.update":       "Edited the write-up",
	"section.delete":       "Removed a section from the write-up",
	"action.create":        "Added an action item",
	"action.update":        "Changed an action item",
	"action.delete":        "Deleted an action item",
	"retrospective.update": "Changed the retrospective",
}

func (h *Handler) showAudit(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	entries, err := h.svc.FindAudit(r.Context(), debrief.AuditFilter{IncidentID: &inc.ID, Limit: auditLimit + 1})
	if err != nil {
		return err
	}
	loc := zone(inc.TimeZone)
	p := &auditPage{
		layout:  layout{Title: "History · " + inc.Title, Nav: "incidents"},
		Inc:     inc,
		IncPath: incidentPath(inc.ID),
		Zone:    zoneLabel(inc.TimeZone, time.Now()),
		Limit:   auditLimit,
	}
	if len(entries) > auditLimit {
		entries, p.Limited = entries[:auditLimit], true
	}
	names := h.userNames(r, inc.Team)
	// Addresses say where people work from: organisation admins, who
	// investigate, see them; the team does not need to.
	admin := permsOn(r, "").OrgAdmin
	for _, e := range entries {
		row := newAuditRow(e, loc)
		if !admin {
			row.Address = ""
		}
		for i, c := range row.Changes {
			if c.key == "readers" {
				row.Changes[i].Field = "Readers"
				row.Changes[i].Before, row.Changes[i].After = nameIDs(c.Before, names), nameIDs(c.After, names)
			}
		}
		p.Entries = append(p.Entries, row)
	}
	h.render(w, r, http.StatusOK, "audit", p)
	return nil
}

func newAuditRow(e *debrief.AuditEntry, loc *time.Location) auditRow {
	row := auditRow{
		At: newTimeView(e.At, loc), Who: e.Actor, Address: e.Address,
		Action: e.Action, What: auditActions[e.Action],
		Denied: e.Outcome == debrief.AuditDenied, Detail: e.Detail,
	}
	if row.What == "" {
		row.What = render.Label(strings.ReplaceAll(e.Action, ".", " "))
	}
	if e.ObjectType != "" && e.ObjectType != "incident" && e.ObjectType != "retrospective" {
		row.Object = render.Label(e.ObjectType) + " " + e.ObjectID
	}
	row.Created = len(e.Before) == 0 && len(e.After) > 0
	row.Deleted = len(e.Before) > 0 && len(e.After) == 0
	row.Changes = diffJSON(e.Before, e.After)
	if e.ObjectType == "section" {
		// Name the section by its title rather than its key.
		if t := jsonString(e.After, "title"); t != "" {
			row.Object = "Section “" + t + "”"
		} else if t := jsonString(e.Before, "title"); t != "" {
			row.Object = "Section “" + t + "”"
		}
	}
	return row
}

// userNames maps user ids to names, for the readers of a restricted
// write-up: the team's members, and every account for those who may list
// them. A name the reader may not learn stays a number.
func (h *Handler) userNames(r *http.Request, team string) map[string]string {
	names := map[string]string{}
	if t, err := h.svc.FindTeamBySlug(r.Context(), team); err == nil {
		if ms, err := h.svc.FindMembers(r.Context(), t.ID); err == nil {
			for _, m := range ms {
				names[itoa(m.UserID)] = m.UserName
			}
		}
	}
	if users, _, err := h.svc.FindUsers(r.Context(), store.UserFilter{Limit: store.MaxLimit}); err == nil {
		for _, u := range users {
			names[itoa(u.ID)] = u.Name
		}
	}
	return names
}

// nameIDs replaces the user ids of a list, one a line, with names.
func nameIDs(v string, names map[string]string) string {
	if v == "" {
		return v
	}
	lines := strings.Split(v, "\n")
	for i, id := range lines {
		if n, ok := names[id]; ok {
			lines[i] = n
		} else {
			lines[i] = "User " + id
		}
	}
	return strings.Join(lines, "\n")
}

// jsonString returns the string field key of a JSON object, or "".
func jsonString(raw json.RawMessage, key string) string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	s, _ := m[key].(string)
	return s
}

// auditNoise are fields every change touches, or that repeat what another
// field shows: they would only hide the change that matters.
var auditNoise = map[string]bool{"id": true, "version": true, "created_at": true, "updated_at": true, "incident_id": true}

// diffJSON compares two snapshots field by field and returns the fields
// whose value differs, in a readable form. Nested objects (milestones) are
// compared field by field; an object that names something (a person, with
// an id and a name) is shown by its name.
func diffJSON(before, after json.RawMessage) []fieldChange {
	b, a := flatten(before), flatten(after)
	keys := make([]string, 0, len(a)+len(b))
	for k := range b {
		keys = append(keys, k)
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compareFields)
	var out []fieldChange
	for _, k := range keys {
		bv, av := b[k], a[k]
		if bv == av {
			continue
		}
		c := fieldChange{key: k, Field: fieldLabel(k), Before: bv, After: av}
		if strings.Contains(bv, "\n") || strings.Contains(av, "\n") || len(bv) > 160 || len(av) > 160 {
			c.Lines = diffLines(bv, av)
		}
		out = append(out, c)
	}
	return out
}

// fieldOrder puts the fields people look for first; others follow by name.
var fieldOrder = []string{"title", "body", "text", "status", "severity", "team", "visibility", "restricted", "readers"}

func compareFields(x, y string) int {
	ix, iy := slices.Index(fieldOrder, x), slices.Index(fieldOrder, y)
	switch {
	case ix >= 0 && iy >= 0:
		return ix - iy
	case ix >= 0:
		return -1
	case iy >= 0:
		return 1
	}
	return strings.Compare(x, y)
}

func fieldLabel(k string) string {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		parts[i] = render.Label(strings.TrimSuffix(p, "_id"))
	}
	return strings.Join(parts, ": ")
}

// flatten reads a JSON object into field -> readable value.
func flatten(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(raw) == 0 {
		return out
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m map[string]any
	if d.Decode(&m) != nil {
		return out
	}
	for k, v := range m {
		if auditNoise[k] {
			continue
		}
		if obj, ok := v.(map[string]any); ok && !named(obj) {
			for k2, v2 := range obj {
				if !auditNoise[k2] {
					out[k+"."+k2] = readable(v2)
				}
			}
			continue
		}
		// "commander" names the person "commander_id" holds: show the
		// name, not the number, when both are there.
		if strings.HasSuffix(k, "_id") {
			if obj, ok := m[strings.TrimSuffix(k, "_id")].(map[string]any); ok && named(obj) {
				continue
			}
		}
		out[k] = readable(v)
	}
	return out
}

// named reports whether an object stands for something with a name.
func named(obj map[string]any) bool {
	_, id := obj["id"]
	_, name := obj["name"]
	return id && name
}

// readable shows a JSON value as text: strings as they are, lists one
// item a line, named objects by their name.
func readable(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		if v {
			return "Yes"
		}
		return "No"
	case json.Number:
		return v.String()
	case []any:
		items := make([]string, 0, len(v))
		for _, it := range v {
			items = append(items, readable(it))
		}
		return strings.Join(items, "\n")
	case map[string]any:
		if named(v) {
			s := readable(v["name"])
			if h, _ := v["handle"].(string); h != "" {
				s += " (@" + h + ")"
			}
			return s
		}
		// A responder: the person and their role.
		if p, ok := v["person"].(map[string]any); ok && named(p) {
			s := readable(p)
			if role, _ := v["role"].(string); role != "" {
				s += " · " + role
			}
			return s
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// maxDiffLines bounds the line diff (its cost is the product of the two
// lengths); longer texts are shown whole, before and after.
const maxDiffLines = 2000

// diffLines is a line diff of two texts, by longest common subsequence.
func diffLines(before, after string) []diffLine {
	a, b := splitLines(before), splitLines(after)
	if len(a)*len(b) > maxDiffLines*maxDiffLines/4 || len(a) > maxDiffLines || len(b) > maxDiffLines {
		return nil
	}
	// lcs[i][j] is the length of the LCS of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []diffLine
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, diffLine{"same", a[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, diffLine{"del", a[i]})
			i++
		default:
			out = append(out, diffLine{"add", b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, diffLine{"del", a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, diffLine{"add", b[j]})
	}
	return trimContext(out, 2)
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// trimContext keeps n unchanged lines around each change and replaces
// longer unchanged runs with one "…" line.
func trimContext(lines []diffLine, n int) []diffLine {
	keep := make([]bool, len(lines))
	for i, l := range lines {
		if l.Op != "same" {
			for k := max(0, i-n); k <= min(len(lines)-1, i+n); k++ {
				keep[k] = true
			}
		}
	}
	var out []diffLine
	skipped := 0
	flush := func() {
		if skipped > 0 {
			out = append(out, diffLine{"skip", "… " + strconv.Itoa(skipped) + " unchanged " + plural(skipped, "line", "lines")})
			skipped = 0
		}
	}
	for i, l := range lines {
		if keep[i] {
			flush()
			out = append(out, l)
		} else {
			skipped++
		}
	}
	flush()
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
