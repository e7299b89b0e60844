package api

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/debrief-oss/debrief/importers/bundle"
)

// exportIncident answers the incident's retrospective as a file in the
// format asked for: markdown (to read), debrief (Debrief's own format, to
// keep in git and import again; hidden events included) or json (the
// report in this API's schema). The file is made in full before anything is
// sent, so a failure is still a JSON error.
func (h *Handler) exportIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := parseQuery(r, "format")
	form := q.oneOf("format", bundle.Formats)
	if q.err != nil {
		return q.err
	}
	f := bundle.Markdown
	if form != nil {
		f = *form
	}
	rep, err := h.svc.FindReport(r.Context(), id, bundle.IncludeHidden(f))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := bundle.Write(&buf, rep, f); err != nil {
		return fmt.Errorf("api: export incident %d as %s: %w", id, f, err)
	}
	hdr := w.Header()
	hdr.Set("Content-Type", bundle.ContentType(f))
	hdr.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, bundle.Filename(rep.Incident, f)))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}
