package web

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
)

// maxFormBytes bounds a form post. The largest field is a write-up section
// (200,000 characters, up to 4 bytes each, and form encoding can triple
// that); anything bigger is refused with 413 before it is read.
const maxFormBytes = 4 << 20

// formErrors holds what went wrong with a submitted form: one message per
// field, shown next to it, and messages about the form as a whole.
type formErrors struct {
	fields map[string]string
	order  []string
	// General holds messages that belong to no one field.
	General []string
	// Conflict is set when someone else saved first.
	Conflict bool
}

// fieldState is what a template needs to mark up one field.
type fieldState struct {
	ID    string
	Msg   string
	Focus bool
}

// summaryItem is one line of the error summary at the top of a form.
type summaryItem struct {
	ID  string
	Msg string
}

func (e *formErrors) add(field, msg string) {
	if e.fields == nil {
		e.fields = map[string]string{}
	}
	if _, dup := e.fields[field]; !dup {
		e.order = append(e.order, field)
		e.fields[field] = msg
	}
}

// Any reports whether there is anything to show.
func (e formErrors) Any() bool { return len(e.fields) > 0 || len(e.General) > 0 }

// Field returns the state of one field for the template: its element ID,
// its message, and whether it is the first invalid field (which gets
// autofocus, so the browser scrolls to it without any script).
func (e formErrors) Field(name string) fieldState {
	st := fieldState{ID: fieldID(name), Msg: e.fields[name]}
	st.Focus = st.Msg != "" && e.order[0] == name
	return st
}

// Summary lists the field errors in the order they were found.
func (e formErrors) Summary() []summaryItem {
	out := make([]summaryItem, 0, len(e.order))
	for _, f := range e.order {
		out = append(out, summaryItem{ID: fieldID(f), Msg: e.fields[f]})
	}
	return out
}

var fieldIDRE = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// fieldID turns a form field name ("milestones.detected") into an element ID.
func fieldID(name string) string {
	return "f-" + strings.Trim(fieldIDRE.ReplaceAllString(name, "-"), "-")
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

// fromApp records err as form errors when it is the user's to fix (invalid
// input, or a change someone else saved first) and reports whether it did;
// anything else (not found, internal) is for the error page. labels maps the
// form's field names to their visible labels; an app field not in the form
// ("services[2]") is matched by its name without the index ("services").
func (e *formErrors) fromApp(err error, labels map[string]string) bool {
	switch debrief.ErrorCode(err) {
	case debrief.ECONFLICT:
		e.Conflict = true
		return true
	case debrief.EINVALID:
	case debrief.EFORBIDDEN:
		// A refusal about one field ("you are not an editor of that
		// team") is shown next to it; any other is for the error page.
		if debrief.ErrorField(err) == "" {
			return false
		}
	default:
		return false
	}
	field, msg := debrief.ErrorField(err), debrief.ErrorMessage(err)
	if _, ok := labels[field]; !ok {
		field = indexRE.ReplaceAllString(field, "")
	}
	if label, ok := labels[field]; ok {
		e.add(field, sentence(label, msg))
		return true
	}
	if field == "version" {
		e.General = append(e.General, "This form is out of date: reload the page and make your change again.")
		return true
	}
	e.General = append(e.General, sentence(humanField(field), msg))
	return true
}

// sentence puts a field's label before the app's message, which is written
// to follow one ("is required.").
func sentence(label, msg string) string {
	if label == "" {
		return msg
	}
	if r, _ := utf8.DecodeRuneInString(msg); unicode.IsUpper(r) {
		return msg
	}
	return label + " " + msg
}

// humanField makes an API field name readable when no label is known.
func humanField(field string) string {
	field = strings.NewReplacer("_", " ", ".", " ").Replace(field)
	if field == "" {
		return ""
	}
	return strings.ToUpper(field[:1]) + field[1:]
}

// pathID reads a numeric path parameter. A malformed one is a page that
// does not exist, not a bad request.
func pathID(r interface{ PathValue(string) string }, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, debrief.Errorf(debrief.ENOTFOUND, "There is no such page.")
	}
	return id, nil
}

// formID reads an ID sent in a form field; a malformed one names nothing
// (0), which the store reports as not found.
func formID(v string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return max(n, 0)
}

// formVersion reads the hidden version field every update form carries.
func formVersion(v string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return n // 0 is refused by the app with a message about the version
}

// optionalID reads a select of people: "" or "0" means none.
func optionalID(v string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// splitList reads a comma-separated list, dropping empty entries.
func splitList(s string) []string {
	out := []string{}
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// localLayout is the value format of <input type="datetime-local"> with
// seconds (the inputs use step="1": timelines have second resolution).
const localLayout = "2006-01-02T15:04:05"

// localValue formats t for a datetime-local input in loc.
func localValue(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(localLayout)
}

var localLayouts = []string{localLayout, "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"}

// parseLocal reads a datetime-local value as a wall-clock time in loc, the
// incident's zone, which the page shows next to every time input. The
// browser's own zone plays no part: responders in several zones enter times
// as the incident shows them.
func parseLocal(v string, loc *time.Location) (*time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, true
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			u := t.UTC()
			return &u, true
		}
	}
	return nil, false
}

// keepPrecise returns old when parsed is what the form showed for old. The
// input has second resolution and stored times have microseconds: an
// untouched field must not move a stored time.
func keepPrecise(old, parsed *time.Time, loc *time.Location) *time.Time {
	if old != nil && parsed != nil && localValue(old, loc) == localValue(parsed, loc) {
		return old
	}
	return parsed
}

// option is one entry of a <select>.
type option struct {
	Value    string
	Label    string
	Selected bool
	// Class styles the choice (a severity's colour), if it has one.
	Class string
}

func options[T ~string](values []T, selected string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: string(v), Label: labelOf(string(v)), Selected: string(v) == selected}
	}
	return out
}

// personOptions lists people for a commander, writer or owner select, with
// an empty choice first.
func personOptions(people []*debrief.Person, selected *int64, none string) []option {
	out := []option{{Value: "0", Label: none, Selected: selected == nil}}
	for _, p := range people {
		out = append(out, option{
			Value:    strconv.FormatInt(p.ID, 10),
			Label:    personLabel(p),
			Selected: selected != nil && *selected == p.ID,
		})
	}
	return out
}
