// Package evidence holds what every timeline importer shares: the options
// that say which part of a source to take and how to read its clock, the
// error that names the file and the entry at fault, and small helpers for
// times and text.
//
// Importers stream: they hand each event to an Emit function as soon as it
// is read, so that an export of a million messages is never held whole.
package evidence

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
)

// Emit receives each event an importer reads. Returning an error stops the
// import with that error.
type Emit func(*debrief.Event) error

// Options choose what to take from a source and how to read its times.
type Options struct {
	// Zone is the zone of times the source writes without one (UTC when nil).
	Zone *time.Location
	// Skew is how far the source's clock was ahead: it is subtracted from
	// every time read.
	Skew time.Duration
	// Since and Until, when not zero, keep only events in [Since, Until]
	// (after the skew is applied).
	Since, Until time.Time
}

// Location returns the zone of times written without one.
func (o *Options) Location() *time.Location {
	if o == nil || o.Zone == nil {
		return time.UTC
	}
	return o.Zone
}

// Adjust applies the skew and returns the time in UTC.
func (o *Options) Adjust(t time.Time) time.Time {
	if o != nil {
		t = t.Add(-o.Skew)
	}
	return t.UTC()
}

// InWindow reports whether t (already adjusted) is in the time window.
func (o *Options) InWindow(t time.Time) bool {
	if o == nil {
		return true
	}
	if !o.Since.IsZero() && t.Before(o.Since) {
		return false
	}
	if !o.Until.IsZero() && t.After(o.Until) {
		return false
	}
	return true
}

// Error is a refusal to import: it names the file and the entry (a message's
// position or id, a line) at fault.
type Error struct {
	File  string
	Entry string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Entry != "" {
		b.WriteString(": ")
		b.WriteString(e.Entry)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error about one entry of one file.
func Errorf(file, entry, format string, args ...any) *Error {
	return &Error{File: file, Entry: entry, Err: fmt.Errorf(format, args...)}
}

// Wrap names the file and entry of err, unless err already names them
// (an *Error from a nested reader), or is the emitter's own error.
func Wrap(file, entry string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	var de *debrief.Error
	if errors.As(err, &de) {
		return err
	}
	return &Error{File: file, Entry: entry, Err: err}
}

// Limits of what one event carries, so a hostile file cannot make rows of
// megabytes; text beyond them is cut at a rune boundary with an ellipsis.
const (
	MaxText  = 10000
	MaxShort = 100 // author, source
	MaxID    = 300 // original id, alert key
)

// Clip cuts s to at most n bytes, at a rune boundary, marking the cut.
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Event returns an event with the fields every importer fills, clipped to
// the limits.
func Event(source, id string, at time.Time, text, author, url, kind string) *debrief.Event {
	text = strings.TrimSpace(text)
	if text == "" {
		text = "(no text)"
	}
	return &debrief.Event{
		At: at, Source: source, OriginalID: Clip(id, MaxID), Text: Clip(text, MaxText),
		Author: Clip(strings.TrimSpace(author), MaxShort), URL: SafeURL(url), Kind: kind,
	}
}

// SafeURL keeps only http and https links (a source's link is shown as a
// link, and a javascript: one must never be), and drops ones too long.
func SafeURL(u string) string {
	u = strings.TrimSpace(u)
	l := strings.ToLower(u)
	if len(u) > 2000 || !(strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")) {
		return ""
	}
	return u
}

// ParseTime reads a time in RFC 3339, or in one of the forms people and
// spreadsheets write ("2006-01-02 15:04:05", "2006-01-02T15:04", ...) in
// the options' zone; the skew is applied.
func (o *Options) ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return o.Adjust(t), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, o.Location()); err == nil {
			return o.Adjust(t), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q is not RFC 3339 (2024-05-01T14:03:00Z) nor 2024-05-01 14:03[:05]", Clip(s, 60))
}
