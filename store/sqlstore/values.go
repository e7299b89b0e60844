package sqlstore

import (
	"database/sql"
	"strings"
	"time"
	"unicode"

	"github.com/debrief-oss/debrief"
)

// Times are kept as unix microseconds in UTC (see the migrations): the same
// BIGINT in every engine, exact, and ordered like the instants they stand
// for. Microseconds because that is what PostgreSQL keeps and what the
// contract promises; anything finer is cut off (toward the past).
func toMicros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

func nullMicros(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: toMicros(*t), Valid: true}
}

func timePtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

// nullID stores an optional reference. The domain spells "none" as nil and,
// in updates, as a pointer to 0; both mean NULL here, because 0 is never a
// row's id.
func nullID(id *int64) sql.NullInt64 {
	if id == nil || *id == 0 {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *id, Valid: true}
}

func idPtr(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	id := v.Int64
	return &id
}

// personCols selects a person joined under alias; scan it with personScan.
// Every column may be NULL because the join is usually a LEFT JOIN.
func personCols(alias string) string {
	return alias + ".id, " + alias + ".name, " + alias + ".handle, " + alias + ".email, " +
		alias + ".version, " + alias + ".created_at, " + alias + ".updated_at"
}

type personScan struct {
	id, version, created, updated sql.NullInt64
	name, handle, email           sql.NullString
}

func (s *personScan) dest() []any {
	return []any{&s.id, &s.name, &s.handle, &s.email, &s.version, &s.created, &s.updated}
}

// person returns the scanned person, or nil when the join found none.
func (s *personScan) person() *debrief.Person {
	if !s.id.Valid {
		return nil
	}
	return &debrief.Person{
		ID: s.id.Int64, Name: s.name.String, Handle: s.handle.String, Email: s.email.String,
		Version: s.version.Int64, CreatedAt: fromMicros(s.created.Int64), UpdatedAt: fromMicros(s.updated.Int64),
	}
}

// Case-insensitive matching is done on keys folded here, in Go, and stored
// next to the text they come from, rather than with LOWER() or ILIKE:
// SQLite's LOWER() folds ASCII only and PostgreSQL's depends on the
// database's locale, so folding in SQL would make the engines disagree about
// "Ünïcode". Changing fold changes what the stored keys should hold; a
// migration would then have to recompute them.
func fold(s string) string { return strings.ToLower(s) }

// titleWords is the stored search key of a title: its words, folded, each
// preceded by a space and the whole followed by one, so that "a word of the
// title starting with w" is the pattern "% w%". A word is a run of letters,
// digits and combining marks; everything else separates words.
func titleWords(title string) string {
	words := splitWords(title)
	if len(words) == 0 {
		return " "
	}
	return " " + strings.Join(words, " ") + " "
}

func splitWords(s string) []string {
	return strings.FieldsFunc(fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}

// handleKey is the unique key of a handle: folded, and NULL when empty so
// that any number of people may have no handle.
func handleKey(handle string) sql.NullString {
	if handle == "" {
		return sql.NullString{}
	}
	return sql.NullString{String: fold(handle), Valid: true}
}

// personSearch is the stored key FindPeople's Query matches: name, handle
// and email, folded, separated by a newline so a match cannot span two.
func personSearch(p *debrief.Person) string {
	return fold(p.Name) + "\n" + fold(p.Handle) + "\n" + fold(p.Email)
}

// likeContains returns a LIKE pattern (with ESCAPE '\') matching s anywhere.
func likeContains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}
