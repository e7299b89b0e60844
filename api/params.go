package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// maxQueryText bounds a free-text filter: no search worth running is longer.
const maxQueryText = 200

// pathID reads the positive integer path parameter name. A value that is not
// one is refused as bad input, naming the parameter, rather than looked up:
// "/incidents/abc" is a mistake, not a missing incident.
func pathID(r *http.Request, name string) (int64, error) {
	v := r.PathValue(name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, debrief.FieldError(name, "must be a positive whole number (got %q).", clip(v))
	}
	return id, nil
}

// query reads a request's query parameters strictly: only the names a route
// declares, each at most once. A misspelt filter ("stauts=active") would
// otherwise be ignored and the client would be shown everything, believing it
// filtered. The first problem is kept in err; the getters return zero values
// after it.
type query struct {
	values url.Values
	err    error
}

// parseQuery returns the query of r, refusing names not in allowed and
// names given twice.
func parseQuery(r *http.Request, allowed ...string) *query {
	q := &query{}
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		q.err = debrief.Errorf(debrief.EINVALID, "The query string could not be read: %v.", err)
		return q
	}
	q.values = values
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names) // report the same parameter for the same request every time
	for _, name := range names {
		switch {
		case !slices.Contains(allowed, name):
			if len(allowed) == 0 {
				q.fail(name, "is not a parameter of this request, which takes none.")
			} else {
				q.fail(name, "is not a parameter of this request (allowed: %s).", strings.Join(allowed, ", "))
			}
		case len(values[name]) > 1:
			q.fail(name, "is given more than once.")
		}
	}
	return q
}

func (q *query) fail(name, format string, args ...any) {
	if q.err == nil {
		q.err = debrief.FieldError(name, format, args...)
	}
}

// text returns the parameter name, or nil when absent.
func (q *query) text(name string) *string {
	if q.err != nil || !q.values.Has(name) {
		return nil
	}
	v := q.values.Get(name)
	switch {
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		q.fail(name, "must be valid UTF-8 text.")
	case utf8.RuneCountInString(v) > maxQueryText:
		q.fail(name, "is too long (at most %d characters).", maxQueryText)
	default:
		return &v
	}
	return nil
}

// oneOf returns the parameter name, which must be one of allowed.
func (q *query) oneOf(name string, allowed []string) *string {
	v := q.text(name)
	if v != nil && !slices.Contains(allowed, *v) {
		q.fail(name, "must be one of %s (got %q).", strings.Join(allowed, ", "), clip(*v))
		return nil
	}
	return v
}

// id returns the parameter name, which must be a positive whole number.
func (q *query) id(name string) *int64 {
	v := q.text(name)
	if v == nil {
		return nil
	}
	n, err := strconv.ParseInt(*v, 10, 64)
	if err != nil || n < 1 {
		q.fail(name, "must be a positive whole number (got %q).", clip(*v))
		return nil
	}
	return &n
}

// timestamp returns the parameter name, which must be an RFC 3339 time with
// its zone, as times in bodies must be.
func (q *query) timestamp(name string) *time.Time {
	v := q.text(name)
	if v == nil {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, *v)
	if err != nil {
		if _, nozone := time.Parse("2006-01-02T15:04:05.999999999", *v); nozone == nil {
			q.fail(name, "has no time zone (got %q): add Z for UTC or an offset such as +02:00, as in 2024-05-01T14:03:00Z.", clip(*v))
		} else {
			q.fail(name, "must be a time with its zone in RFC 3339 form, such as 2024-05-01T14:03:00Z (got %q).", clip(*v))
		}
		return nil
	}
	t = t.UTC()
	return &t
}

// boolean returns the parameter name, which must be true or false. Only those
// two spellings: "1", "t" or "yes" would be guesses at what was meant.
func (q *query) boolean(name string) *bool {
	v := q.text(name)
	if v == nil {
		return nil
	}
	switch *v {
	case "true":
		b := true
		return &b
	case "false":
		b := false
		return &b
	}
	q.fail(name, "must be true or false (got %q).", clip(*v))
	return nil
}

// page returns offset and limit. An absent limit is the store's default; a
// limit over store.MaxLimit is refused rather than quietly cut, so a client
// never mistakes a short page for the end of the list.
func (q *query) page() (offset, limit int) {
	if v := q.text("offset"); v != nil {
		n, err := strconv.ParseInt(*v, 10, 32)
		if err != nil || n < 0 {
			q.fail("offset", "must be a whole number from 0 (got %q).", clip(*v))
		}
		offset = int(n)
	}
	limit = store.DefaultLimit
	if v := q.text("limit"); v != nil {
		n, err := strconv.Atoi(*v)
		if err != nil || n < 1 || n > store.MaxLimit {
			q.fail("limit", "must be a whole number from 1 to %d (got %q).", store.MaxLimit, clip(*v))
		}
		limit = n
	}
	return offset, limit
}

// pageParams are the names page reads, for parseQuery's allowed list.
var pageParams = []string{"offset", "limit"}

func params(names ...string) []string { return append(names, pageParams...) }

func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func location(format string, args ...any) string {
	return Prefix + fmt.Sprintf(format, args...)
}

// readOfIncident answers a GET of something read whole by its incident's
// id (the incident, its retrospective, its analysis, its trace): the id from
// the path, no query parameters, and find's answer as JSON.
func readOfIncident[T any](h *Handler, w http.ResponseWriter, r *http.Request, find func(context.Context, int64) (T, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	v, err := find(r.Context(), id)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, v)
	return nil
}
