package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/bundle"
	"github.com/debrief-oss/debrief/importers/postmortem"
	"github.com/debrief-oss/debrief/server/httperr"
)

// importAnswer is the answer to POST /api/v1/import: one entry per file.
type importAnswer struct {
	DryRun   bool           `json:"dry_run"`
	Imported int            `json:"imported"`
	Failed   int            `json:"failed"`
	Files    []importedFile `json:"files"`
}

// importedFile is what became of one file: the parsed retrospective (dry
// run) or the incident made of it, its warnings, or why it was not taken.
type importedFile struct {
	File       string               `json:"file"`
	IncidentID int64                `json:"incident_id,omitempty"`
	Draft      *importDraft         `json:"draft,omitempty"`
	Warnings   []postmortem.Warning `json:"warnings"`
	Error      *importError         `json:"error,omitempty"`
}

// importError is a file's failure: the API's error detail, and the line
// of the file when the failure is at one.
type importError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Line    int    `json:"line,omitempty"`
}

// importDraft is a parsed file in the shapes the API takes to create the
// same things (IncidentCreate, SectionCreate, EventCreate, ActionCreate):
// nothing of it is stored yet, so it has no ids, versions or times.
type importDraft struct {
	Incident draftIncident  `json:"incident"`
	Sections []draftSection `json:"sections"`
	Events   []draftEvent   `json:"events"`
	Actions  []draftAction  `json:"actions"`
}

type draftIncident struct {
	Title      string                 `json:"title"`
	Severity   string                 `json:"severity,omitempty"`
	Type       string                 `json:"type,omitempty"`
	Status     debrief.IncidentStatus `json:"status,omitempty"`
	Services   []string               `json:"services"`
	Team       string                 `json:"team"`
	Visibility debrief.Visibility     `json:"visibility,omitempty"`
	TimeZone   string                 `json:"time_zone"`
	Milestones debrief.Milestones     `json:"milestones"`
	Template   string                 `json:"template,omitempty"`
}

type draftSection struct {
	Key    string `json:"key"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	Custom bool   `json:"custom"`
}

type draftEvent struct {
	At      time.Time `json:"at"`
	Text    string    `json:"text"`
	Source  string    `json:"source,omitempty"`
	Author  string    `json:"author,omitempty"`
	URL     string    `json:"url,omitempty"`
	Kind    string    `json:"kind"`
	Starred bool      `json:"starred"`
	Hidden  bool      `json:"hidden"`
}

type draftAction struct {
	Title            string               `json:"title"`
	Description      string               `json:"description,omitempty"`
	DefinitionOfDone string               `json:"definition_of_done,omitempty"`
	Priority         string               `json:"priority,omitempty"`
	DueDate          string               `json:"due_date,omitempty"`
	Status           debrief.ActionStatus `json:"status,omitempty"`
	DropReason       string               `json:"drop_reason,omitempty"`
	TicketURL        string               `json:"ticket_url,omitempty"`
}

// importFiles reads a Markdown file or a zip of them from the body: with
// dry_run, answers each parsed; otherwise imports each whole or not at all
// and answers the new incidents' ids. A file that fails is reported with
// the others, which still go in.
func (h *Handler) importFiles(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "team", "timezone", "dry_run", "filename")
	team, zoneName, dry, filename := q.text("team"), q.text("timezone"), q.boolean("dry_run"), q.text("filename")
	if q.err != nil {
		return q.err
	}
	loc := time.UTC
	if zoneName != nil && *zoneName != "UTC" {
		l, err := time.LoadLocation(*zoneName)
		if err != nil || *zoneName == "Local" || *zoneName == "" {
			return debrief.FieldError("timezone", "must be an IANA time zone such as UTC or Europe/Copenhagen (got %q).", clip(*zoneName))
		}
		loc = l
	}
	dryRun := dry != nil && *dry
	teamSlug := ""
	if team != nil {
		teamSlug = *team
	}
	ctx := r.Context()
	if err := h.svc.CheckPostmortemImport(ctx, teamSlug, dryRun); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, bundle.MaxUpload))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return debrief.Errorf(debrief.ETOOLARGE, "The upload is larger than %d MiB; split it into smaller zips.", bundle.MaxUpload>>20)
		}
		return err
	}
	if len(body) == 0 {
		return debrief.Errorf(debrief.EINVALID, "The body is empty: send one Markdown file, or a zip of them.")
	}
	name := "upload.md"
	if bundle.IsZip(body) {
		name = "upload.zip"
	}
	if filename != nil && *filename != "" {
		name = path.Base(*filename)
	}
	files, err := bundle.FromUpload(name, body, bundle.UploadZipLimits)
	if err != nil {
		return debrief.Errorf(debrief.EINVALID, "%v", err)
	}
	if len(files) == 0 {
		return debrief.Errorf(debrief.EINVALID, "%s holds no Markdown files (.md, .markdown, .txt).", name)
	}
	var store func(*debrief.Report) (*debrief.Incident, error)
	if !dryRun {
		store = func(rep *debrief.Report) (*debrief.Incident, error) { return h.svc.ImportReport(ctx, rep) }
	}
	ans := importAnswer{DryRun: dryRun, Files: make([]importedFile, 0, len(files))}
	for _, o := range bundle.Process(files, bundle.Options{Zone: loc, Team: teamSlug}, store) {
		out := importedFile{File: o.File, Warnings: []postmortem.Warning{}}
		switch {
		case o.ReadErr != nil:
			out.Error = &importError{Code: debrief.EINVALID, Message: o.ReadErr.Error(), Line: bundle.ErrorLine(o.ReadErr)}
		case o.StoreErr != nil:
			out.Error = h.fileError(r, o.File, o.StoreErr)
		case dryRun:
			out.Draft = draftOf(o.Parsed)
		default:
			out.IncidentID = o.Incident.ID
			ans.Imported++
		}
		if o.Parsed != nil {
			out.Warnings = o.Parsed.Warnings
		}
		if o.Failed() {
			ans.Failed++
		}
		ans.Files = append(ans.Files, out)
	}
	h.writeJSON(w, r, http.StatusOK, ans)
	return nil
}

// fileError describes why the service did not take one file. Internal errors are
// logged and not shown, as everywhere in the API.
func (h *Handler) fileError(r *http.Request, file string, err error) *importError {
	if httperr.IsInternal(err) {
		h.logger.ErrorContext(r.Context(), "api: import failed", "file", file, "error", err)
		return &importError{Code: debrief.EINTERNAL, Message: genericMessage}
	}
	msg := debrief.ErrorMessage(err)
	if field := debrief.ErrorField(err); field != "" {
		msg = field + ": " + msg
	}
	return &importError{Code: debrief.ErrorCode(err), Message: fmt.Sprintf("%s: %s", file, msg), Field: debrief.ErrorField(err)}
}

// draftOf puts a parsed file in the API's create shapes.
func draftOf(p *bundle.Parsed) *importDraft {
	inc := p.Incident
	d := &importDraft{
		Incident: draftIncident{Title: inc.Title, Severity: inc.Severity, Type: inc.Type, Status: inc.Status,
			Services: inc.Services, Team: inc.Team, Visibility: inc.Visibility, TimeZone: inc.TimeZone,
			Milestones: inc.Milestones},
		Sections: []draftSection{}, Events: []draftEvent{}, Actions: []draftAction{},
	}
	if d.Incident.Services == nil {
		d.Incident.Services = []string{}
	}
	if p.Retrospective != nil {
		d.Incident.Template = p.Retrospective.Template
		for _, s := range p.Retrospective.Sections {
			d.Sections = append(d.Sections, draftSection{Key: s.Key, Title: s.Title, Body: s.Body, Custom: bundle.CustomSection(s.Key)})
		}
	}
	for _, e := range p.Events {
		kind := e.Kind
		if kind == "" {
			kind = debrief.EventNote
		}
		d.Events = append(d.Events, draftEvent{At: e.At.UTC(), Text: e.Text, Source: e.Source, Author: e.Author,
			URL: absoluteURL(e.URL), Kind: kind, Starred: e.Starred, Hidden: e.Hidden})
	}
	for _, a := range p.Actions {
		d.Actions = append(d.Actions, draftAction{Title: a.Title, Description: a.Description, DefinitionOfDone: a.DefinitionOfDone,
			Priority: a.Priority, DueDate: a.DueDate, Status: a.Status, DropReason: a.DropReason, TicketURL: absoluteURL(a.TicketURL)})
	}
	return d
}

// absoluteURL keeps a link only when it is one the API would take.
func absoluteURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return s
}
