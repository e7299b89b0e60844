package sqlstore

import (
	"context"
	"strings"

	"github.com/debrief-oss/debrief/store"
)

// where collects the conditions of a list query; the page and the count use
// the same one, so the total always matches the filter.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// page returns the LIMIT/OFFSET clause and its arguments appended to args.
func page(offset, limit int, args []any) (string, []any) {
	if offset < 0 {
		offset = 0
	}
	// A fresh slice: args is usually a where's, which the count reuses.
	out := make([]any, 0, len(args)+2)
	out = append(append(out, args...), store.PageLimit(limit), offset)
	return " LIMIT ? OFFSET ?", out
}

// count returns the number of rows from matching w. It is a second
// statement, not a window function in the page query, because an offset
// past the end yields no row to carry the total. The two statements are
// not one snapshot: a write landing between them can make the total differ
// by that write, which a paging UI tolerates better than a slower
// repeatable-read transaction on every list.
func count(ctx context.Context, r runner, from string, w *where) (int, error) {
	var n int
	err := r.queryRow(ctx, "SELECT COUNT(*) FROM "+from+w.String(), w.args...).Scan(&n)
	return n, err
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

func stringArgs(ss []string) []any {
	args := make([]any, len(ss))
	for i, s := range ss {
		args[i] = s
	}
	return args
}

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface{ Scan(...any) error }

// queryAll runs query and scans every row with scan. The rows are closed
// before it returns, so the caller may run its next query on the same
// runner (inside a transaction on SQLite's one writer connection, it must).
func queryAll[T any](ctx context.Context, r runner, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := r.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, rows.Close()
}

// findPage returns one page of selectSQL filtered by w in the given order,
// and the total count of rows in from matching w.
func findPage[T any](ctx context.Context, r runner, scan func(rowScanner) (T, error),
	selectSQL, from string, w *where, order string, offset, limit int) ([]T, int, error) {
	lim, args := page(offset, limit, w.args)
	items, err := queryAll(ctx, r, scan, selectSQL+w.String()+" ORDER BY "+order+lim, args...)
	if err != nil {
		return nil, 0, err
	}
	total, err := count(ctx, r, from, w)
	if err != nil {
		return nil, 0, err
	}
	return items, total, nil
}
