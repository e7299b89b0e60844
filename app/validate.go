package app

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
)

// Size limits. They keep one careless paste from filling the database and
// every page that shows it; a write-up section is a long document, a title is
// a line.
const (
	MaxTitle       = 200
	MaxShortText   = 100 // team, service, role, handle, source, kind
	MaxEventText   = 10_000
	MaxActionText  = 20_000
	MaxSectionBody = 200_000
	MaxURL         = 2_000
	MaxServices    = 50
	MaxResponders  = 200
	MaxSections    = 50
	MaxReaders     = 200
)

// checkVersion refuses an update that does not say which version it was
// made from: without it, optimistic concurrency cannot protect anyone.
func checkVersion(v int64) error {
	if v <= 0 {
		return debrief.FieldError("version", "is required: send the version you last read (a positive number).")
	}
	return nil
}

// checkPage refuses a negative offset or limit; the store caps the limit.
func checkPage(offset, limit int) error {
	if offset < 0 {
		return debrief.FieldError("offset", "must not be negative.")
	}
	if limit < 0 {
		return debrief.FieldError("limit", "must not be negative.")
	}
	return nil
}

// checker collects the first validation error, naming its field.
type checker struct{ err error }

func (c *checker) fail(field, format string, args ...any) {
	if c.err == nil {
		c.err = debrief.FieldError(field, format, args...)
	}
}

func (c *checker) text(field, v string, required bool, max int) {
	switch {
	case c.err != nil:
	case !utf8.ValidString(v):
		c.fail(field, "must be valid UTF-8 text.")
	case required && strings.TrimSpace(v) == "":
		c.fail(field, "is required.")
	case utf8.RuneCountInString(v) > max:
		c.fail(field, "is too long (%d characters, at most %d).", utf8.RuneCountInString(v), max)
	case strings.ContainsRune(v, 0):
		c.fail(field, "must not contain NUL characters.")
	}
}

func (c *checker) oneOf(field, v string, allowed []string) {
	if c.err == nil && !slices.Contains(allowed, v) {
		c.fail(field, "must be one of %s (got %q).", strings.Join(allowed, ", "), v)
	}
}

// link accepts only absolute http and https URLs, so no "javascript:" link
// can reach a page.
func (c *checker) link(field, v string) {
	if c.err != nil || v == "" {
		return
	}
	c.text(field, v, false, MaxURL)
	u, err := url.Parse(v)
	if c.err == nil && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		c.fail(field, "must be an absolute http or https URL.")
	}
}

var (
	dateRE   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	handleRE = regexp.MustCompile(`^@?[\p{L}\p{N}._-]+$`)
	keyRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
)

func statusStrings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
