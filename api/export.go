package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief/render"
)

// exportMarkdown answers the retrospective as one Markdown document, as a
// download. The document is rendered in full before anything is sent, so a
// failure is still answered as a JSON error and never as half a document.
func (h *Handler) exportMarkdown(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	rep, err := h.svc.FindReport(r.Context(), id, false)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := render.Markdown(&buf, rep); err != nil {
		return fmt.Errorf("api: render markdown of incident %d: %w", id, err)
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/markdown; charset=utf-8")
	hdr.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, exportFilename(rep.Incident.ID, rep.Incident.Title)))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes()) // a failed write is the client gone; nothing to tell it
	return nil
}

// maxSlug bounds the title part of a file name: enough to recognise the
// incident, short enough for any file system.
const maxSlug = 50

// exportFilename names the download "incident-42-checkout-outage.md". Only
// a-z, 0-9 and '-' come from the title, so the name needs no quoting or
// escaping in the header and is safe to save on any system.
func exportFilename(id int64, title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if b.Len() >= maxSlug {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	slug := strings.TrimSuffix(b.String(), "-")
	if slug == "" {
		return fmt.Sprintf("incident-%d.md", id)
	}
	return fmt.Sprintf("incident-%d-%s.md", id, slug)
}
