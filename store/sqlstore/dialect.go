package sqlstore

import (
	"strconv"
	"strings"
)

// Dialect is what differs between engines. Everything else (the SQL text, the
// scanning, the error mapping, the transactions) is shared, so that the
// engines cannot drift apart; keep this struct small and add to it only what
// genuinely cannot be written once.
type Dialect struct {
	// Name names the engine in error messages ("sqlite", "postgres").
	Name string

	// NumberedPlaceholders is true when the driver wants $1, $2, ... instead
	// of ?. Queries are written with ? and rebound once per call.
	NumberedPlaceholders bool

	// ForUpdate is appended to a SELECT that must lock the rows it reads
	// until the end of the transaction (" FOR UPDATE" on PostgreSQL). It is
	// empty where the transaction already holds the database's only write
	// lock, as on SQLite with BEGIN IMMEDIATE.
	ForUpdate string

	// IsUniqueViolation and IsForeignKeyViolation classify driver errors so
	// the shared code can turn them into debrief.ECONFLICT and
	// debrief.ENOTFOUND. Both must accept nil and wrapped errors.
	IsUniqueViolation     func(err error) bool
	IsForeignKeyViolation func(err error) bool

	// MigrationLock, when set, is run first in every migration transaction.
	// It must take a lock that serializes migrators across processes and is
	// released when the transaction ends (pg_advisory_xact_lock). SQLite
	// needs none: BEGIN IMMEDIATE already holds the database's write lock.
	MigrationLock string
}

// rebind rewrites ? placeholders as $n when the dialect numbers them. The
// shared SQL never holds a literal question mark (no string literal, no
// jsonb ? operator), so a plain scan is exact.
func (d *Dialect) rebind(query string) string {
	if !d.NumberedPlaceholders || strings.IndexByte(query, '?') < 0 {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if c := query[i]; c != '?' {
			b.WriteByte(c)
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

func (d *Dialect) isUnique(err error) bool {
	return err != nil && d.IsUniqueViolation != nil && d.IsUniqueViolation(err)
}

func (d *Dialect) isForeignKey(err error) bool {
	return err != nil && d.IsForeignKeyViolation != nil && d.IsForeignKeyViolation(err)
}
