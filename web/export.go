package web

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/bundle"
	"github.com/debrief-oss/debrief/store"
)

// exportIncident sends the incident's retrospective as a file in the format
// the ?format= asks for (markdown, markdown-zip, debrief, json or svg), the same bytes as
// `debrief export --format` and the API. The file is made in full first,
// so a failure is still an error page.
func (h *Handler) exportIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	form := r.URL.Query().Get("format")
	if form == "" {
		form = bundle.Markdown
	}
	if !bundle.ValidFormat(form) {
		return debrief.Errorf(debrief.EINVALID, "There is no export format %q: choose markdown, markdown-zip, debrief, json or svg.", clipText(form, 40))
	}
	rep, err := h.svc.FindReport(r.Context(), id, bundle.IncludeHidden(form))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := bundle.Write(&buf, rep, form); err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("Content-Type", bundle.ContentType(form))
	hdr.Set("Content-Disposition", `attachment; filename="`+bundle.Filename(rep.Incident, form)+`"`)
	hdr.Set("Cache-Control", "private, no-cache")
	w.Write(buf.Bytes())
	return nil
}

// exportAll streams a zip of every incident the user may see, each in
// Debrief's own format. Which incidents, and whose write-ups, is the
// service's decision: the list is the user's, and a write-up the service
// will not give them (restricted to its readers) is left out and named in
// README.txt, never guessed at here.
func (h *Handler) exportAll(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	page := func(offset int) ([]*debrief.Incident, int, error) {
		return h.svc.FindIncidents(ctx, debrief.IncidentFilter{Offset: offset, Limit: store.MaxLimit})
	}
	// The first page is asked before anything is sent, so that a refusal
	// (signed out) or a failure is still a page of its own.
	incs, total, err := page(0)
	if err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/zip")
	hdr.Set("Content-Disposition", `attachment; filename="debrief-export-`+time.Now().UTC().Format("2006-01-02")+`.zip"`)
	hdr.Set("Cache-Control", "private, no-cache")
	zw := zip.NewWriter(w)
	var left []string
	n := 0
	for offset := 0; ; {
		for _, inc := range incs {
			rep, err := h.svc.FindReport(ctx, inc.ID, true)
			switch code := debrief.ErrorCode(err); {
			case code == debrief.EFORBIDDEN || code == debrief.ENOTFOUND:
				left = append(left, fmt.Sprintf("#%d", inc.ID))
				continue
			case err != nil:
				h.abortDownload(r, err)
			}
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: bundle.Filename(inc, bundle.Debrief), Method: zip.Deflate, Modified: inc.UpdatedAt})
			if err == nil {
				err = bundle.Write(fw, rep, bundle.Debrief)
			}
			if err != nil {
				h.abortDownload(r, err)
			}
			n++
		}
		offset += len(incs)
		if len(incs) == 0 || offset >= total {
			break
		}
		if incs, total, err = page(offset); err != nil {
			h.abortDownload(r, err)
		}
	}
	readme := fmt.Sprintf("Exported from Debrief on %s: %d incidents, one file each in Debrief's own format.\nImport them again with `debrief import` or on the Import page.\n",
		time.Now().UTC().Format(time.RFC3339), n)
	if len(left) > 0 {
		readme += fmt.Sprintf("\nLeft out, because their write-up is restricted to its readers: %s.\n", strings.Join(left, ", "))
	}
	if fw, err := zw.Create("README.txt"); err == nil {
		fw.Write([]byte(readme))
	}
	if err := zw.Close(); err != nil {
		h.abortDownload(r, err)
	}
	return nil
}

// abortDownload ends a download that failed after it began: the status is
// already sent, so the connection is cut and the browser reports a failed
// download rather than saving a broken zip as if it were whole.
func (h *Handler) abortDownload(r *http.Request, err error) {
	h.logger.ErrorContext(r.Context(), "web: export failed after it began", "path", r.URL.Path, "err", err)
	panic(http.ErrAbortHandler)
}
