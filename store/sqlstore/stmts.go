package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxCachedStmts bounds the cache: filters build their SQL from the fields
// set, so the set of distinct queries is small but not fixed, and a search
// with many words must not grow the cache without end.
const maxCachedStmts = 256

// stmtCache keeps one prepared statement per query text on one handle.
// SQLite parses SQL on every unprepared query, and a profile of reading one
// incident showed half the time spent in the parser; database/sql re-prepares
// a cached statement on each pooled connection as needed.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}}
}

// get returns the prepared statement for query, or nil when the cache is
// full and the caller should run the query unprepared.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.RLock()
	st, ok := c.m[query]
	full := len(c.m) >= maxCachedStmts
	c.mu.RUnlock()
	if ok {
		return st, nil
	}
	if full {
		return nil, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[query]; ok {
		// Another goroutine prepared it first; keep one.
		st.Close()
		return old, nil
	}
	if len(c.m) >= maxCachedStmts {
		st.Close()
		return nil, nil
	}
	c.m[query] = st
	return st, nil
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, st := range c.m {
		errs = append(errs, st.Close())
		delete(c.m, q)
	}
	return errors.Join(errs...)
}
