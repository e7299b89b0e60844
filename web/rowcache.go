package web

import (
	"bytes"
	"fmt"
	"html/template"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// The timeline and the action items are the parts of a page that grow to
// thousands of rows, and html/template spends about a microsecond of
// reflection on every value it prints: a 2,000-event timeline costs tens
// of milliseconds to execute. Rows rarely change between two views of a
// page, so rendered rows are kept in a rowCache and only new or changed
// ones are executed, in parallel on all CPUs.

// rowCache remembers rendered rows. The key is the row's whole view (a
// comparable struct): any change to what a row shows, its text, its time,
// the zone, its number or the item's version, is another key, so nothing
// ever needs invalidating. Memory is bounded by two generations: when the
// current one passes half the limit it becomes the previous one, and rows
// not shown since are dropped with it.
type rowCache[K comparable] struct {
	mu        sync.Mutex
	cur, prev map[K]string
	size, max int
}

func newRowCache[K comparable](maxBytes int) *rowCache[K] {
	return &rowCache[K]{cur: map[K]string{}, max: maxBytes}
}

// lookup fills rows[i] for every cached keys[i] and returns the indexes of
// the others.
func (c *rowCache[K]) lookup(keys []K, rows []string) (missing []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, k := range keys {
		if html, ok := c.cur[k]; ok {
			rows[i] = html
			continue
		}
		if html, ok := c.prev[k]; ok {
			rows[i] = html
			c.addLocked(k, html)
			continue
		}
		missing = append(missing, i)
	}
	return missing
}

func (c *rowCache[K]) store(keys []K, rows []string, which []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, i := range which {
		c.addLocked(keys[i], rows[i])
	}
}

func (c *rowCache[K]) addLocked(k K, html string) {
	if _, ok := c.cur[k]; ok {
		return
	}
	if c.size > c.max/2 {
		c.prev, c.cur, c.size = c.cur, make(map[K]string, len(c.cur)), 0
	}
	c.cur[k] = html
	// The key's strings are about as long as the row's text, which the
	// HTML holds: counting the HTML twice is a fair estimate.
	var zero K
	c.size += 2*len(html) + int(unsafe.Sizeof(zero))
}

// rowsPerWorker is the least number of rows worth a goroutine of its own.
const rowsPerWorker = 200

// renderRows returns each view rendered by the named template of t, taking
// cached rows from c and executing the others, in parallel when there are
// many. Each row is html/template's own escaped output.
func renderRows[K comparable](c *rowCache[K], t *template.Template, name string, views []K) ([]string, error) {
	rows := make([]string, len(views))
	missing := c.lookup(views, rows)
	workers := max(1, min(runtime.GOMAXPROCS(0), len(missing)/rowsPerWorker))
	errs := make([]error, workers)
	render := func(w int) {
		var buf bytes.Buffer
		for k := w; k < len(missing); k += workers {
			i := missing[k]
			buf.Reset()
			if err := t.ExecuteTemplate(&buf, name, &views[i]); err != nil {
				errs[w] = fmt.Errorf("web: rendering %s: %w", name, err)
				return
			}
			rows[i] = buf.String()
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() { render(w) })
	}
	render(0)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	c.store(views, rows, missing)
	return rows, nil
}

// joinRows concatenates rendered rows. They are html/template's escaped
// output, so the result holds no text that was not escaped.
func joinRows(rows []string) template.HTML {
	n := 0
	for _, r := range rows {
		n += len(r)
	}
	b := make([]byte, 0, n)
	for _, r := range rows {
		b = append(b, r...)
	}
	return template.HTML(b)
}

// renderTables fills the incident page's timeline days and action table
// with their rendered rows, the action rows' forms with csrf, the
// reader's CSRF token.
func (h *Handler) renderTables(p *incidentPage, csrf string) error {
	t := h.pages.set["incident"]
	var events []eventView
	for _, d := range p.Timeline.Days {
		events = append(events, d.Events...)
	}
	rows, err := renderRows(h.eventRows, t, "event-row", events)
	if err != nil {
		return err
	}
	for i := range p.Timeline.Days {
		n := len(p.Timeline.Days[i].Events)
		p.Timeline.Days[i].Rows = joinRows(rows[:n])
		rows = rows[n:]
	}
	rows, err = renderRows(h.actionRows, t, "action-row", p.Actions.Rows)
	if err != nil {
		return err
	}
	p.Actions.RowsHTML = fillCSRF(joinRows(rows), csrf)
	return nil
}

// csrfHole is what the "csrf" partial writes for a row rendered without a
// token (actionView.CSRF is ""). Rows are cached and shared by every
// reader, so the token, which is one session's, is never rendered into
// them: fillCSRF puts it in per request. User text cannot forge the hole:
// html/template writes every quote in it as &#34;.
const csrfHole = `name="csrf_token" value=""`

func fillCSRF(rows template.HTML, token string) template.HTML {
	if token == "" {
		return rows
	}
	return template.HTML(strings.ReplaceAll(string(rows), csrfHole, `name="csrf_token" value="`+template.HTMLEscapeString(token)+`"`))
}
