package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/importers/evidence"
	"github.com/debrief-oss/debrief/importers/slack"
	"github.com/debrief-oss/debrief/importers/sources"
	"github.com/debrief-oss/debrief/server/auth"
)

// The import flow: upload (the file goes to a temporary file, never to
// memory), then choose channels and window while looking at a preview,
// then confirm. Between the steps the upload waits in a staging area,
// for its uploader only, for an hour.
const (
	maxUploadBytes = 1 << 30
	stagedFor      = time.Hour
	previewRows    = 50
)

type stagedUpload struct {
	path       string
	name       string
	size       int64
	source     string
	incidentID int64
	userID     int64
	created    time.Time
	// defaults are the options given with the upload.
	defaults url.Values
}

// staging holds the uploads between steps. It is one per process: the
// uploads are files in the temporary folder, and a token names each.
type staging struct {
	mu sync.Mutex
	m  map[string]*stagedUpload
}

var uploads = &staging{m: map[string]*stagedUpload{}}

func (s *staging) put(u *stagedUpload) string {
	b := make([]byte, 16)
	rand.Read(b)
	token := hex.EncodeToString(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	s.m[token] = u
	return token
}

// get returns the upload of token if it is the caller's, for this
// incident, and not expired.
func (s *staging) get(token string, incidentID, userID int64) *stagedUpload {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	u := s.m[token]
	if u == nil || u.incidentID != incidentID || u.userID != userID {
		return nil
	}
	return u
}

func (s *staging) drop(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.m[token]; u != nil {
		os.Remove(u.path)
		delete(s.m, token)
	}
}

func (s *staging) sweep() {
	for t, u := range s.m {
		if time.Since(u.created) > stagedFor {
			os.Remove(u.path)
			delete(s.m, t)
		}
	}
}

func (h *Handler) evidenceImportRoutes() {
	h.get("GET /incidents/{id}/import", h.showEvidenceImport)
	// The upload is multipart: not read by post's ParseForm (which would
	// hold the file), but streamed by the handler; the middleware has
	// checked its CSRF field, which the form sends first.
	h.routes = append(h.routes, route{"POST /incidents/{id}/import", h.cop.Handler(h.serve(h.uploadEvidence))})
	h.get("GET /incidents/{id}/import/{token}", h.previewEvidenceImport)
	h.post("POST /incidents/{id}/import/{token}", h.confirmEvidenceImport)
}

// evidenceImportPage is every step of the flow.
type evidenceImportPage struct {
	layout
	Inc      *debrief.Incident
	Path     string
	Step     string // "upload" or "preview"
	Sources  []option
	Errors   formErrors
	Token    string
	FileName string
	Size     string
	Source   string
	Form     evidenceForm
	Channels []channelChoice
	Result   *debrief.ImportResult
	Preview  []previewRow
	More     int
	Zone     string
}

type evidenceForm struct {
	Zone, Skew, Since, Until, WorkspaceURL, AlertID, Alias string
}

type channelChoice struct {
	ID, Name, Days, Size string
	Checked, Private     bool
}

type previewRow struct {
	At                          timeView
	Text, Author, Kind, URL, ID string
}

var importSourceLabels = map[string]string{
	"slack": "Slack export (.zip)", "teams": "Microsoft Teams messages (JSON)", "pagerduty": "PagerDuty log entries or webhooks (JSON)",
	"opsgenie": "Opsgenie alert log or webhooks (JSON)", "alertmanager": "Alertmanager webhook payloads (JSON)",
	"github": "GitHub merged pull requests and deployments (JSON)", "csv": "CSV", "jsonl": "JSON lines",
}

func (h *Handler) newEvidenceImportPage(r *http.Request, inc *debrief.Incident) *evidenceImportPage {
	p := &evidenceImportPage{
		layout: layout{Title: "Import evidence · " + inc.Title, Nav: "incidents"},
		Inc:    inc, Path: incidentPath(inc.ID), Step: "upload", Zone: inc.TimeZone,
		Form: evidenceForm{Zone: inc.TimeZone},
	}
	for _, s := range sources.Names {
		p.Sources = append(p.Sources, option{Value: s, Label: importSourceLabels[s], Selected: s == "slack"})
	}
	return p
}

func (h *Handler) showEvidenceImport(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	if err := h.svc.CheckImport(r.Context(), inc.ID); err != nil {
		return err
	}
	p := h.newEvidenceImportPage(r, inc)
	if r.URL.Query().Get("expired") != "" {
		p.Errors.General = append(p.Errors.General, "That upload is no longer waiting (uploads wait an hour): upload the file again.")
	}
	h.render(w, r, http.StatusOK, "evidence_import", p)
	return nil
}

func actorUserID(r *http.Request) int64 {
	if a := auth.Actor(r.Context()); a != nil && a.User != nil {
		return a.User.ID
	}
	return 0
}

// uploadEvidence streams the multipart upload to a temporary file and
// sends the browser to the preview.
func (h *Handler) uploadEvidence(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	// Decided before the file is read: a refused caller's file is never stored.
	if err := h.svc.CheckImport(r.Context(), inc.ID); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return debrief.Errorf(debrief.EINVALID, "The upload could not be read: send the form with a file.")
	}
	fields := url.Values{}
	var up *stagedUpload
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return uploadError(err)
		}
		name := part.FormName()
		if name == "file" {
			if up != nil {
				return debrief.FieldError("file", "send one file.")
			}
			up, err = spoolUpload(part)
			if err != nil {
				return err
			}
			up.name = part.FileName()
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, 4096))
		if err != nil {
			return uploadError(err)
		}
		fields.Set(name, string(b))
	}
	p := h.newEvidenceImportPage(r, inc)
	source := fields.Get("source")
	switch {
	case !slices.Contains(sources.Names, source):
		p.Errors.add("source", "Choose what the file is.")
	case up == nil || up.size == 0:
		p.Errors.add("file", "Choose a file to upload.")
	}
	if up != nil && p.Errors.Any() {
		os.Remove(up.path)
	}
	if p.Errors.Any() {
		h.render(w, r, http.StatusBadRequest, "evidence_import", p)
		return nil
	}
	if up.name == "" {
		up.name = "upload"
	}
	up.source, up.incidentID, up.userID, up.created = source, inc.ID, actorUserID(r), time.Now()
	fields.Del(auth.CSRFField)
	fields.Del("source")
	up.defaults = fields
	token := uploads.put(up)
	http.Redirect(w, r, fmt.Sprintf("%s/import/%s", incidentPath(inc.ID), token), http.StatusSeeOther)
	return nil
}

func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &debrief.Error{Code: debrief.ETOOLARGE, Message: fmt.Sprintf("The file is larger than the limit of %d bytes.", maxUploadBytes)}
	}
	return debrief.Errorf(debrief.EINVALID, "The upload could not be read: %v", err)
}

func spoolUpload(r io.Reader) (*stagedUpload, error) {
	f, err := os.CreateTemp("", "debrief-upload-*")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, err := io.Copy(f, evidence.CapReader(r, maxUploadBytes, "the file"))
	if err != nil {
		os.Remove(f.Name())
		if errors.Is(err, evidence.ErrTooLarge) {
			return nil, &debrief.Error{Code: debrief.ETOOLARGE, Message: fmt.Sprintf("The file is larger than the limit of %d bytes.", maxUploadBytes)}
		}
		return nil, uploadError(err)
	}
	return &stagedUpload{path: f.Name(), size: n}, nil
}

// staged loads the incident and the upload a request names; a missing or
// expired upload sends the browser back to the first step.
func (h *Handler) staged(w http.ResponseWriter, r *http.Request) (*debrief.Incident, *stagedUpload, bool, error) {
	inc, err := h.incident(r)
	if err != nil {
		return nil, nil, false, err
	}
	if err := h.svc.CheckImport(r.Context(), inc.ID); err != nil {
		return nil, nil, false, err
	}
	up := uploads.get(r.PathValue("token"), inc.ID, actorUserID(r))
	if up == nil {
		http.Redirect(w, r, incidentPath(inc.ID)+"/import?expired=1", http.StatusSeeOther)
		return nil, nil, false, nil
	}
	return inc, up, true, nil
}

// read parses the staged file with the options in get.
func readStaged(up *stagedUpload, o sources.Options) ([]*debrief.Event, error) {
	f, err := os.Open(up.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return sources.Collect(up.source, f, up.size, up.name, o, app.MaxImportEvents)
}

// formOrDefaults reads an option from the request, else from the upload.
func formOrDefaults(r *http.Request, up *stagedUpload) func(string) string {
	return func(name string) string {
		if r.Method == http.MethodPost {
			return r.PostFormValue(name)
		}
		if r.URL.Query().Has(name) || r.URL.Query().Has("step") {
			if name == "channels" {
				return strings.Join(r.URL.Query()["channels"], ",")
			}
			return r.URL.Query().Get(name)
		}
		return up.defaults.Get(name)
	}
}

func (h *Handler) previewEvidenceImport(w http.ResponseWriter, r *http.Request) error {
	inc, up, ok, err := h.staged(w, r)
	if !ok {
		return err
	}
	get := formOrDefaults(r, up)
	p := h.newEvidenceImportPage(r, inc)
	p.Step, p.Token, p.FileName, p.Source = "preview", r.PathValue("token"), up.name, importSourceLabels[up.source]
	p.Size = sizeLabel(up.size)
	p.Form = evidenceForm{Zone: get("zone"), Skew: get("skew"), Since: get("since"), Until: get("until"),
		WorkspaceURL: get("workspace_url"), AlertID: get("alert_id"), Alias: get("alias")}
	if p.Form.Zone == "" {
		p.Form.Zone = inc.TimeZone
	}
	chosen := strings.Split(get("channels"), ",")
	if up.source == "slack" {
		f, err := os.Open(up.path)
		if err != nil {
			return err
		}
		chans, err := slack.ListZipChannels(f, up.size, up.name)
		f.Close()
		if err != nil {
			p.Errors.add("file", err.Error())
		}
		for _, c := range chans {
			p.Channels = append(p.Channels, channelChoice{ID: c.ID, Name: c.Name, Private: c.Private,
				Days: fmt.Sprintf("%d days", c.Days), Size: sizeLabel(c.Bytes), Checked: slices.Contains(chosen, c.Name)})
		}
	}
	status := http.StatusOK
	if !p.Errors.Any() && (up.source != "slack" || hasChoice(chosen)) {
		o, err := sources.ParseOptions(func(n string) string {
			if n == "zone" {
				return p.Form.Zone
			}
			return get(n)
		})
		var evs []*debrief.Event
		if err == nil {
			evs, err = readStaged(up, o)
		}
		if err == nil {
			p.Result, err = h.svc.PreviewImport(r.Context(), inc.ID, evs)
		}
		if err != nil {
			if !p.Errors.fromApp(err, importLabels) {
				p.Errors.General = append(p.Errors.General, debrief.ErrorMessage(err))
			}
			status = http.StatusBadRequest
		}
		loc := zone(inc.TimeZone)
		for _, ev := range evs[:min(len(evs), previewRows)] {
			p.Preview = append(p.Preview, previewRow{At: newTimeView(ev.At, loc), Text: ev.Text, Author: ev.Author, Kind: ev.Kind, URL: ev.URL, ID: ev.OriginalID})
		}
		p.More = len(evs) - len(p.Preview)
	}
	h.render(w, r, status, "evidence_import", p)
	return nil
}

func hasChoice(chosen []string) bool {
	for _, c := range chosen {
		if strings.TrimSpace(c) != "" {
			return true
		}
	}
	return false
}

var importLabels = map[string]string{
	"zone": "Time zone", "skew": "Clock skew", "since": "From", "until": "Until",
	"workspace_url": "Workspace address", "file": "File", "source": "Source",
}

func (h *Handler) confirmEvidenceImport(w http.ResponseWriter, r *http.Request) error {
	inc, up, ok, err := h.staged(w, r)
	if !ok {
		return err
	}
	r.PostForm["channels"] = []string{strings.Join(r.PostForm["channels"], ",")}
	o, err := sources.ParseOptions(r.PostFormValue)
	if err != nil {
		return err
	}
	if up.source == "slack" && len(o.Channels) == 0 {
		return debrief.FieldError("channels", "choose at least one channel.")
	}
	evs, err := readStaged(up, o)
	if err != nil {
		return err
	}
	res, err := h.svc.ImportEvents(r.Context(), inc.ID, evs)
	if err != nil {
		return err
	}
	uploads.drop(r.PathValue("token"))
	msg := fmt.Sprintf("%d events read, %d added, %d merged into another source's copy, %d already there", res.Read, res.Created, res.Merged, res.Same)
	http.Redirect(w, r, incidentPath(inc.ID)+"/evidence?imported="+url.QueryEscape(msg), http.StatusSeeOther)
	return nil
}

func sizeLabel(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
