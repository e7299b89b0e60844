package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/bundle"
	"github.com/debrief-oss/debrief/server/httperr"
)

// MaxUploadFormBytes bounds a multipart form of the import pages: the upload
// (at most bundle.MaxUpload bytes), or on the confirm step the same upload
// sent back in base64 (a third larger), with room for the other fields.
// The authentication middleware reads only the CSRF token, the form's
// first field; the upload wrapper reads the rest, up to this limit.
const MaxUploadFormBytes = bundle.MaxUpload*4/3 + 1<<20

// uploadEncoding carries the upload from the preview to the confirm step:
// base64 in the URL alphabet without padding, which an HTML attribute holds
// without a single character escaped.
var uploadEncoding = base64.RawURLEncoding

// previewEvents is how many timeline events the preview shows per file.
const previewEvents = 5

// importForm is what the import form holds.
type importForm struct {
	Team     string
	TimeZone string
}

// importPage is the upload form.
type importPage struct {
	layout
	Form   importForm
	Errors formErrors
	Teams  []option
	Zones  []zoneOption
	// NoTeam: the user edits no team, so has nowhere to import to.
	NoTeam  bool
	MaxSize string
}

// previewPage shows each file of an upload as it would be imported, and
// the form that imports them: the upload itself travels in it, so no
// server keeps anything between the two steps.
type previewPage struct {
	layout
	Form     importForm
	TeamName string
	Upload   string // the upload's file name
	Content  string // the upload, base64
	Files    []previewFile
	Ready    int // files that will be imported
	Failing  int // files that will not
}

// previewFile is one file of the preview.
type previewFile struct {
	Name     string
	Error    string
	Title    string
	Severity string
	When     string
	Zone     string
	// OtherTeam is the team a file in Debrief's format names, when it is
	// not the one chosen on the form: the file's own wins.
	OtherTeam  string
	Events     []previewEvent
	EventCount int
	More       int // events not shown
	Sections   []previewSection
	Actions    []string
	Warnings   []previewWarning
}

type previewEvent struct {
	At   string
	Text string
}

type previewSection struct {
	Title  string
	Custom bool
}

type previewWarning struct {
	Line    int
	Message string
}

// importResultPage says what became of each file.
type importResultPage struct {
	layout
	Files    []importedView
	Imported int
	Failed   int
}

type importedView struct {
	Name  string
	Path  string // the new incident's page
	Title string
	Error string
}

// editableTeams are the teams the page offers: those the user may create
// incidents in (the service decides again when the form is sent).
func (h *Handler) editableTeams(r *http.Request, current string) ([]option, error) {
	teams, err := h.svc.FindTeams(r.Context())
	if err != nil {
		return nil, err
	}
	var out []option
	for _, t := range teams {
		if permsOn(r, t.Slug).Edit {
			out = append(out, option{Value: t.Slug, Label: t.Name, Selected: t.Slug == current})
		}
	}
	return out, nil
}

func (h *Handler) renderImport(w http.ResponseWriter, r *http.Request, status int, f importForm, errs formErrors) error {
	teams, err := h.editableTeams(r, f.Team)
	if err != nil {
		return err
	}
	p := &importPage{layout: layout{Title: "Import retrospectives", Nav: "incidents"}, Form: f, Errors: errs,
		Teams: teams, Zones: zoneOptions(time.Now()), NoTeam: len(teams) == 0, MaxSize: megabytes(bundle.MaxUpload)}
	h.render(w, r, status, "import", p)
	return nil
}

func (h *Handler) showImport(w http.ResponseWriter, r *http.Request) error {
	if _, err := actorUser(r); err != nil {
		return err
	}
	return h.renderImport(w, r, http.StatusOK, importForm{TimeZone: "UTC"}, formErrors{})
}

// readImportForm reads the team and zone, and checks with the service that
// the user may import into the team. A refusal for who they are is the
// error page (the form offers only teams they edit); anything else the user
// can fix is a form error.
func (h *Handler) readImportForm(r *http.Request, errs *formErrors) (importForm, *time.Location, error) {
	f := importForm{Team: r.PostFormValue("team"), TimeZone: strings.TrimSpace(r.PostFormValue("time_zone"))}
	if f.TimeZone == "" {
		f.TimeZone = "UTC"
	}
	loc, ok := strictZone(f.TimeZone)
	if !ok {
		errs.add("time_zone", "Time zone must be an IANA name such as UTC, Europe/Copenhagen or America/New_York.")
	}
	if err := h.svc.CheckPostmortemImport(r.Context(), f.Team, false); err != nil {
		if debrief.ErrorCode(err) != debrief.EINVALID {
			return f, nil, err
		}
		errs.add("team", debrief.ErrorMessage(err))
	}
	return f, loc, nil
}

// previewImport parses the uploaded file and shows what would be imported.
func (h *Handler) previewImport(w http.ResponseWriter, r *http.Request) error {
	var errs formErrors
	f, loc, err := h.readImportForm(r, &errs)
	if err != nil {
		return err
	}
	name, data := "", []byte(nil)
	if r.MultipartForm != nil && len(r.MultipartForm.File["file"]) > 0 {
		fh := r.MultipartForm.File["file"][0]
		name = path.Base(strings.ReplaceAll(fh.Filename, `\`, "/"))
		if fh.Size > bundle.MaxUpload {
			errs.add("file", fmt.Sprintf("%s is %s, more than the %s an import takes. Split it into smaller files or zips.", name, megabytes(fh.Size), megabytes(bundle.MaxUpload)))
		} else if data, err = readUpload(fh); err != nil {
			return err
		}
	}
	if name == "" {
		errs.add("file", "Choose a file to import: a Markdown file (.md) or a .zip of them.")
	} else if len(data) == 0 && errs.Field("file").Msg == "" {
		errs.add("file", name+" is empty.")
	}
	var files []bundle.File
	if !errs.Any() {
		if files, err = bundle.FromUpload(name, data, bundle.UploadZipLimits); err != nil {
			errs.add("file", err.Error())
		} else if len(files) == 0 {
			errs.add("file", name+" holds no Markdown files (.md, .markdown, .txt).")
		}
	}
	if errs.Any() {
		return h.renderImport(w, r, http.StatusBadRequest, f, errs)
	}
	p := &previewPage{layout: layout{Title: "Check the import", Nav: "incidents"}, Form: f, TeamName: f.Team,
		Upload: name, Content: uploadEncoding.EncodeToString(data)}
	if teams, err := h.editableTeams(r, f.Team); err == nil {
		for _, t := range teams {
			if t.Value == f.Team {
				p.TeamName = t.Label
			}
		}
	}
	for _, o := range bundle.Process(files, bundle.Options{Zone: loc, Team: f.Team}, nil) {
		pf := previewOf(o, f.Team)
		if pf.Error != "" {
			p.Failing++
		} else {
			p.Ready++
		}
		p.Files = append(p.Files, pf)
	}
	h.render(w, r, http.StatusOK, "import_preview", p)
	return nil
}

// readUpload reads an uploaded file, no more than the limit.
func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	rc, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, bundle.MaxUpload+1))
}

// previewOf describes one parsed file for the preview.
func previewOf(o bundle.Outcome, team string) previewFile {
	pf := previewFile{Name: o.File}
	if o.ReadErr != nil {
		pf.Error = o.ReadErr.Error()
		return pf
	}
	p := o.Parsed
	inc := p.Incident
	loc := zone(inc.TimeZone)
	pf.Title, pf.Severity, pf.Zone = inc.Title, inc.Severity, zoneLabel(inc.TimeZone, incidentTime(inc, time.Now()))
	if inc.Team != team {
		pf.OtherTeam = inc.Team
	}
	switch {
	case inc.Milestones.Started != nil:
		pf.When = inc.Milestones.Started.In(loc).Format("Mon 2 Jan 2006, 15:04 MST")
	case len(p.Events) > 0:
		pf.When = p.Events[0].At.In(loc).Format("Mon 2 Jan 2006, 15:04 MST")
	}
	pf.EventCount = len(p.Events)
	for i, e := range p.Events {
		if i == previewEvents {
			pf.More = len(p.Events) - i
			break
		}
		pf.Events = append(pf.Events, previewEvent{At: e.At.In(loc).Format("2 Jan 15:04 MST"), Text: clipText(e.Text, 160)})
	}
	if p.Retrospective != nil {
		for _, s := range p.Retrospective.Sections {
			pf.Sections = append(pf.Sections, previewSection{Title: s.Title, Custom: bundle.CustomSection(s.Key)})
		}
	}
	for _, a := range p.Actions {
		pf.Actions = append(pf.Actions, clipText(a.Title, 160))
	}
	for _, w := range p.Warnings {
		// The parser speaks to the command line; here the zone was chosen
		// on the form.
		msg := strings.ReplaceAll(w.Message, "(--timezone)", "(the zone chosen for times without one)")
		pf.Warnings = append(pf.Warnings, previewWarning{Line: w.Line, Message: msg})
	}
	return pf
}

// clipText shortens s to n characters for a preview.
func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// megabytes writes a size for people: "8 MiB", "1.5 MiB", "12 KiB".
func megabytes(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MiB"
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// importFiles imports the upload the preview carried back: each file whole
// or not at all. One file imported goes to its incident; several, or any
// failure, are reported file by file.
func (h *Handler) importFiles(w http.ResponseWriter, r *http.Request) error {
	var errs formErrors
	f, loc, err := h.readImportForm(r, &errs)
	if err != nil {
		return err
	}
	if errs.Any() {
		return h.renderImport(w, r, http.StatusBadRequest, f, errs)
	}
	name := path.Base(r.PostFormValue("name"))
	content := r.PostFormValue("content")
	if len(content) > uploadEncoding.EncodedLen(bundle.MaxUpload) {
		return debrief.Errorf(debrief.ETOOLARGE, "%s is larger than the %s an import takes.", name, megabytes(bundle.MaxUpload))
	}
	data, err := uploadEncoding.DecodeString(content)
	if err != nil || len(data) == 0 || name == "" || name == "." || name == "/" {
		return debrief.Errorf(debrief.EINVALID, "The upload did not come back from the preview intact. Go back to the import page and choose the file again.")
	}
	files, err := bundle.FromUpload(name, data, bundle.UploadZipLimits)
	if err != nil {
		return debrief.Errorf(debrief.EINVALID, "%v", err)
	}
	ctx := r.Context()
	out := bundle.Process(files, bundle.Options{Zone: loc, Team: f.Team}, func(rep *debrief.Report) (*debrief.Incident, error) {
		return h.svc.ImportReport(ctx, rep)
	})
	if len(out) == 1 && !out[0].Failed() {
		http.Redirect(w, r, incidentPath(out[0].Incident.ID), http.StatusSeeOther)
		return nil
	}
	p := &importResultPage{layout: layout{Title: "Import finished", Nav: "incidents"}}
	for _, o := range out {
		v := importedView{Name: o.File}
		switch {
		case o.ReadErr != nil:
			v.Error = o.ReadErr.Error()
		case o.StoreErr != nil:
			if httperr.IsInternal(o.StoreErr) {
				h.logger.ErrorContext(ctx, "web: import failed", "file", o.File, "err", o.StoreErr)
			}
			v.Error = storeErrorText(o.StoreErr)
		default:
			v.Path, v.Title = incidentPath(o.Incident.ID), o.Incident.Title
		}
		if v.Error != "" {
			p.Failed++
		} else {
			p.Imported++
		}
		p.Files = append(p.Files, v)
	}
	h.render(w, r, http.StatusOK, "import_result", p)
	return nil
}

// storeErrorText is the service's refusal of a file, in words.
func storeErrorText(err error) string {
	msg := debrief.ErrorMessage(err)
	if field := debrief.ErrorField(err); field != "" {
		msg = field + ": " + msg
	}
	return msg
}

// upload mounts a form handler that takes a file: a multipart form, read
// in memory up to MaxUploadFormBytes, behind the cross-origin check. (The
// authentication middleware has usually read it already, for its CSRF
// token.) A plain form is read too, as post does.
func (h *Handler) upload(pattern string, fn handlerFunc) {
	h.routes = append(h.routes, route{pattern, h.cop.Handler(h.serve(func(w http.ResponseWriter, r *http.Request) error {
		if r.MultipartForm == nil && r.PostForm == nil {
			r.Body = http.MaxBytesReader(w, r.Body, MaxUploadFormBytes)
		}
		err := r.ParseMultipartForm(MaxUploadFormBytes)
		if errors.Is(err, http.ErrNotMultipart) {
			err = r.ParseForm()
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return debrief.Errorf(debrief.ETOOLARGE, "The file is larger than the %s an import takes. Split it into smaller files or zips, and try again.", megabytes(bundle.MaxUpload))
			}
			return debrief.Errorf(debrief.EINVALID, "The form could not be read: %v", err)
		}
		return fn(w, r)
	}))})
}

// importTooLarge explains a refused upload: the body was too large to read,
// so its file's name is not known, but the form has one file.
var importTooLarge = "The file you chose is larger than the " + megabytes(bundle.MaxUpload) + " an import takes, so it was not read and nothing was imported. Split it into smaller files or zips, and try again."
