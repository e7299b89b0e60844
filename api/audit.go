package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// The audit log: every change and every refused attempt, appended and never
// edited. Whether the caller may read it (an incident's entries: whoever may
// see the incident; everything: organisation admins) is the service's to
// decide, as always.

// auditList is the answer of the audit lists. The log is paged by id rather
// than by offset, so that entries appended while a client reads cannot
// shift a page: without after_id the newest entries come first; with it,
// the entries after that id, oldest first, and next_after_id is where the
// next page starts.
type auditList struct {
	Items []*debrief.AuditEntry `json:"items"`
	Limit int                   `json:"limit"`
	// NextAfterID is the after_id of the next page, when this one is
	// full and read oldest first.
	NextAfterID *int64 `json:"next_after_id,omitempty"`
}

// auditExportPage is how many entries the JSON-lines export reads from the
// store at a time: the export holds one page in memory, whatever the size
// of the log. An entry can hold a section's body twice (before and after,
// up to 200,000 characters each), so pages are kept short.
const auditExportPage = 100

// auditWriteWindow is how long the export may take to write one page
// before the connection is given up: the server's write timeout bounds a
// whole answer, which an export of a long log would outlast.
const auditWriteWindow = time.Minute

func (h *Handler) listIncidentAudit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := parseQuery(r, "action", "since", "after_id", "limit")
	f := debrief.AuditFilter{IncidentID: &id}
	return h.findAudit(w, r, q, f)
}

func (h *Handler) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "incident_id", "actor_id", "action", "since", "after_id", "limit")
	f := debrief.AuditFilter{IncidentID: q.id("incident_id"), ActorID: q.id("actor_id")}
	return h.findAudit(w, r, q, f)
}

func (h *Handler) findAudit(w http.ResponseWriter, r *http.Request, q *query, f debrief.AuditFilter) error {
	if s := q.text("action"); s != nil && *s != "" {
		f.Action = s
	}
	f.Since = q.timestamp("since")
	if id := q.id("after_id"); id != nil {
		f.AfterID, f.Oldest = *id, true
	}
	_, f.Limit = q.page()
	if q.err != nil {
		return q.err
	}
	items, err := h.svc.FindAudit(r.Context(), f)
	if err != nil {
		return err
	}
	if items == nil {
		items = []*debrief.AuditEntry{}
	}
	out := auditList{Items: items, Limit: store.PageLimit(f.Limit)}
	if f.AfterID > 0 && len(items) == out.Limit {
		next := items[len(items)-1].ID
		out.NextAfterID = &next
	}
	h.writeJSON(w, r, http.StatusOK, out)
	return nil
}

// exportAudit streams the whole audit log, oldest first, as JSON lines: one
// entry per line, each a complete JSON object. It pages through the store
// by id, so memory holds one page however long the log; after_id resumes an
// export that was cut off after that entry.
//
// The first page is read before anything is sent, so that a refusal (not
// signed in, not an organisation admin) or a failing database is still an
// error answer in the API's shape. A failure after the answer has begun
// cannot change its status: it is logged and the connection is cut, so the
// client sees a broken transfer rather than a log that merely looks short.
func (h *Handler) exportAudit(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "after_id")
	var after int64
	if id := q.id("after_id"); id != nil {
		after = *id
	}
	if q.err != nil {
		return q.err
	}
	page, err := h.auditPage(r, after)
	if err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/x-ndjson")
	hdr.Set("Content-Disposition", `attachment; filename="debrief-audit.jsonl"`)
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf) // Encode ends each value with '\n'
	for {
		buf.Reset()
		for _, e := range page {
			if err := enc.Encode(e); err != nil {
				h.abortExport(r, fmt.Errorf("encode audit entry %d: %w", e.ID, err))
			}
			after = e.ID
		}
		// Give each page its own time to be written: the server's write
		// timeout is meant for one answer of ordinary size, and an export
		// of a long log outlasts it. Where the writer cannot, that
		// timeout stands.
		rc.SetWriteDeadline(time.Now().Add(auditWriteWindow))
		if _, err := w.Write(buf.Bytes()); err != nil {
			return nil // the client went away; nobody is left to tell
		}
		rc.Flush()
		if len(page) < auditExportPage {
			return nil
		}
		if page, err = h.auditPage(r, after); err != nil {
			if r.Context().Err() != nil {
				return nil
			}
			h.abortExport(r, err)
		}
	}
}

// auditPage reads the entries with ids above after (0: from the start),
// oldest first.
func (h *Handler) auditPage(r *http.Request, after int64) ([]*debrief.AuditEntry, error) {
	page, err := h.svc.FindAudit(r.Context(), debrief.AuditFilter{Oldest: true, AfterID: after, Limit: auditExportPage})
	if err != nil {
		return nil, err
	}
	if !ascending(page) {
		return nil, errors.New("api: audit export: a page is not in id order")
	}
	return page, nil
}

func ascending(page []*debrief.AuditEntry) bool {
	for i := 1; i < len(page); i++ {
		if page[i].ID <= page[i-1].ID {
			return false
		}
	}
	return true
}

// abortExport logs why an export that has begun cannot be finished, and
// cuts the connection.
func (h *Handler) abortExport(r *http.Request, err error) {
	h.logger.ErrorContext(r.Context(), "api: audit export cut short",
		"method", r.Method, "path", r.URL.Path, "error", err)
	panic(http.ErrAbortHandler)
}
