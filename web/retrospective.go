package web

import (
	"bytes"
	"net/http"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
)

// updateRetrospective changes the write-up's status or writer; the
// incident page has one small form for each.
func (h *Handler) updateRetrospective(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.confirmLint(r, id); err != nil {
		return err
	}
	upd := debrief.RetrospectiveUpdate{Version: formVersion(r.PostFormValue("version"))}
	if s := r.PostFormValue("status"); s != "" {
		st := debrief.RetrospectiveStatus(s)
		upd.Status = &st
	}
	if r.PostForm.Has("writer_id") {
		wid, _ := optionalID(r.PostFormValue("writer_id"))
		upd.WriterID = &wid
	}
	if _, err := h.svc.UpdateRetrospective(r.Context(), id, upd); err != nil {
		if debrief.ErrorCode(err) == debrief.ECONFLICT {
			return debrief.Errorf(debrief.ECONFLICT, "Someone changed this retrospective after you opened the page, so your change was not made. Go back to the incident, which now shows their change, and try again.")
		}
		return err
	}
	http.Redirect(w, r, incidentPath(id)+"#retrospective", http.StatusSeeOther)
	return nil
}

// downloadMarkdown sends the write-up as one Markdown file, without hidden
// events, the same document the export command writes.
func (h *Handler) downloadMarkdown(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rep, err := h.svc.FindReport(r.Context(), id, false)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := render.Markdown(&buf, rep); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+render.MarkdownFilename(rep.Incident)+`"`)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(buf.Bytes())
	return nil
}
