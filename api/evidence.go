package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/importers/alertmanager"
	"github.com/debrief-oss/debrief/importers/evidence"
	"github.com/debrief-oss/debrief/importers/slack"
	"github.com/debrief-oss/debrief/importers/sources"
)

// Limits of evidence uploads: a Slack export of a busy workspace is large,
// so the upload goes to a temporary file, never to memory.
const (
	MaxImportBytes  = 1 << 30
	MaxPreview      = 50
	MaxWebhookBytes = 4 << 20
)

// SetAlertRule sets what the Alertmanager receiver does with alerts no
// open incident matches.
func (h *Handler) SetAlertRule(rule app.AlertRule) { h.alertRule = rule }

// evidenceRoutes are the routes of timeline evidence and curation.
func (h *Handler) evidenceRoutes() []route {
	return []route{
		{"POST " + Prefix + "/incidents/{id}/events/import", h.importEvidence},
		{"POST " + Prefix + "/incidents/{id}/notes", h.createNote},
		{"GET " + Prefix + "/incidents/{id}/timeline", h.getTimelineState},
		{"PUT " + Prefix + "/incidents/{id}/timeline", h.putTimelineState},
		{"GET " + Prefix + "/incidents/{id}/timeline/milestones", h.proposeMilestones},
		{"POST " + Prefix + "/incidents/{id}/timeline/milestones", h.acceptMilestones},
		{"POST " + Prefix + "/hooks/alertmanager", h.alertmanagerHook},
	}
}

// eventPreview is an event read from a file, not yet stored.
type eventPreview struct {
	At         time.Time `json:"at"`
	Text       string    `json:"text"`
	Source     string    `json:"source"`
	Author     string    `json:"author"`
	URL        string    `json:"url"`
	Kind       string    `json:"kind"`
	OriginalID string    `json:"original_id"`
}

type evidenceAnswer struct {
	Source   string                `json:"source"`
	DryRun   bool                  `json:"dry_run"`
	Result   *debrief.ImportResult `json:"result"`
	Preview  []eventPreview        `json:"preview"`
	Channels []slack.Channel       `json:"channels,omitempty"`
}

// importOptions reads the options of an evidence import from a query
// (the web UI's form has the same names).
func importOptions(get func(string) string) (sources.Options, error) {
	return sources.ParseOptions(get)
}

// spool copies an upload to a temporary file, capped, and returns it open
// at its start with its size; the caller closes and removes it.
func spool(body io.Reader, max int64) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "debrief-import-*")
	if err != nil {
		return nil, 0, err
	}
	n, err := io.Copy(f, evidence.CapReader(body, max, "the upload"))
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		if errors.Is(err, evidence.ErrTooLarge) {
			return nil, 0, &debrief.Error{Code: debrief.ETOOLARGE, Message: fmt.Sprintf("The upload is larger than the limit of %d bytes.", max)}
		}
		return nil, 0, err
	}
	return f, n, nil
}

// RunImport reads an uploaded file of a source and imports it (or, dry,
// previews it): shared by the API and the web UI.
func RunImport(r *http.Request, svc *app.Service, incidentID int64, source, name string, body io.Reader, o sources.Options, dry bool) (*evidenceAnswer, error) {
	f, size, err := spool(body, MaxImportBytes)
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	ans := &evidenceAnswer{Source: source, DryRun: dry, Preview: []eventPreview{}}
	if source == "slack" {
		chans, err := sources.ListSlackChannels(f, size, name)
		if err != nil {
			return nil, sources.AsError(err)
		}
		ans.Channels = chans
	}
	evs, err := sources.Collect(source, f, size, name, o, app.MaxImportEvents)
	if err != nil {
		return nil, err
	}
	for _, ev := range evs[:min(len(evs), MaxPreview)] {
		ans.Preview = append(ans.Preview, eventPreview{At: ev.At, Text: ev.Text, Source: ev.Source, Author: ev.Author, URL: ev.URL, Kind: ev.Kind, OriginalID: ev.OriginalID})
	}
	if dry {
		ans.Result, err = svc.PreviewImport(r.Context(), incidentID, evs)
	} else {
		ans.Result, err = svc.ImportEvents(r.Context(), incidentID, evs)
	}
	if err != nil {
		return nil, err
	}
	return ans, nil
}

func (h *Handler) importEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// Decided before the upload is read: a refused caller's file is never stored.
	if err := h.svc.CheckImport(r.Context(), id); err != nil {
		return err
	}
	q := parseQuery(r, "source", "channels", "since", "until", "zone", "skew", "workspace_url", "alert_id", "alias", "dry_run", "name")
	source := q.oneOf("source", sources.Names)
	dry := q.boolean("dry_run")
	if q.err != nil {
		return q.err
	}
	if source == nil {
		return debrief.FieldError("source", "is required: one of %s.", strings.Join(sources.Names, ", "))
	}
	o, err := importOptions(q.values.Get)
	if err != nil {
		return err
	}
	name := q.values.Get("name")
	if name == "" {
		name = "upload"
	}
	ans, err := RunImport(r, h.svc, id, *source, name, r.Body, o, dry != nil && *dry)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if ans.DryRun {
		status = http.StatusOK
	}
	h.writeJSON(w, r, status, ans)
	return nil
}

type noteCreate struct {
	Text string `json:"text"`
}

func (h *Handler) createNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in noteCreate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	ev, err := h.svc.AddNote(r.Context(), id, in.Text)
	if err != nil {
		return err
	}
	w.Header().Set("Location", location("/incidents/%d/events/%d", id, ev.ID))
	h.writeJSON(w, r, http.StatusCreated, ev)
	return nil
}

func (h *Handler) getTimelineState(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	st, err := h.svc.FindTimelineState(r.Context(), id)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, st)
	return nil
}

type timelinePut struct {
	Confirmed *bool `json:"confirmed"`
}

func (h *Handler) putTimelineState(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in timelinePut
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	if in.Confirmed == nil {
		return debrief.FieldError("confirmed", "is required: true or false.")
	}
	st, err := h.svc.ConfirmTimeline(r.Context(), id, *in.Confirmed)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, st)
	return nil
}

func (h *Handler) proposeMilestones(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	props, err := h.svc.ProposeMilestones(r.Context(), id)
	if err != nil {
		return err
	}
	if props == nil {
		props = []debrief.ProposedMilestone{}
	}
	h.writeJSON(w, r, http.StatusOK, map[string]any{"items": props})
	return nil
}

type milestonesAccept struct {
	Names   []string `json:"names"`
	Version int64    `json:"version"`
}

func (h *Handler) acceptMilestones(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in milestonesAccept
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	inc, err := h.svc.AcceptMilestones(r.Context(), id, in.Names, in.Version)
	if err != nil {
		return withCurrent(err, func() (*debrief.Incident, error) { return h.svc.FindIncidentByID(r.Context(), id) })
	}
	h.writeJSON(w, r, http.StatusOK, inc)
	return nil
}

type hookAnswer struct {
	IncidentID *int64                `json:"incident_id"`
	Result     *debrief.ImportResult `json:"result"`
}

// alertmanagerHook receives Alertmanager's webhook: its payload is read
// leniently (Alertmanager adds fields over versions), each alert's events
// filed into the incident its labels match.
func (h *Handler) alertmanagerHook(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.CheckAlerts(r.Context()); err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	if err := checkJSONContentType(r); err != nil {
		return err
	}
	p, err := alertmanager.Decode(http.MaxBytesReader(w, r.Body, MaxWebhookBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return &debrief.Error{Code: debrief.ETOOLARGE, Message: fmt.Sprintf("The payload is larger than the limit of %d bytes.", MaxWebhookBytes)}
		}
		return &debrief.Error{Code: debrief.EINVALID, Message: err.Error()}
	}
	ans := hookAnswer{Result: &debrief.ImportResult{}}
	// Alerts are filed one by one: two alerts of a group may belong to two
	// incidents.
	for i, a := range p.Alerts {
		one := *p
		one.Alerts = []alertmanager.Alert{a}
		evs, err := alertmanager.Events(&one, evidence.Options{})
		if err != nil {
			return debrief.FieldError(fmt.Sprintf("alerts[%d]", i), "%v", err)
		}
		title := a.Labels["alertname"]
		if s := a.Annotations["summary"]; s != "" {
			title += ": " + s
		}
		if strings.TrimSpace(title) == "" {
			title = "Alert from Alertmanager"
		}
		inc, res, err := h.svc.ReceiveAlerts(r.Context(), a.Labels, evidence.Clip(title, 200), evs, h.alertRule)
		if err != nil {
			return err
		}
		if inc != nil {
			id := inc.ID
			ans.IncidentID = &id
		}
		ans.Result.Read += res.Read
		ans.Result.Created += res.Created
		ans.Result.Merged += res.Merged
		ans.Result.Same += res.Same
	}
	h.writeJSON(w, r, http.StatusOK, ans)
	return nil
}
