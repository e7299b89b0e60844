package api

import (
	"bytes"
	"fmt"
	"net/http"

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
	hdr.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, render.MarkdownFilename(rep.Incident)))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes()) // a failed write is the client gone; nothing to tell it
	return nil
}
