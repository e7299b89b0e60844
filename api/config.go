package api

import (
	"net/http"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/store"
)

// config is what a client needs to build its forms without hard-coding
// Debrief's vocabularies: the scales and statuses to offer, the templates to
// choose from, and the limits to show counters for.
type config struct {
	Severities            []string           `json:"severities"`
	IncidentStatuses      []string           `json:"incident_statuses"`
	Milestones            []string           `json:"milestones"`
	EventKinds            []string           `json:"event_kinds"`
	RetrospectiveStatuses []string           `json:"retrospective_statuses"`
	SectionKinds          []string           `json:"section_kinds"`
	ActionStatuses        []string           `json:"action_statuses"`
	Priorities            []string           `json:"priorities"`
	Templates             []debrief.Template `json:"templates"`
	DefaultTemplate       string             `json:"default_template"`
	Limits                limits             `json:"limits"`
}

// limits are the sizes the app and this API accept.
type limits struct {
	Title        int `json:"title"`
	ShortText    int `json:"short_text"`
	EventText    int `json:"event_text"`
	ActionText   int `json:"action_text"`
	SectionBody  int `json:"section_body"`
	URL          int `json:"url"`
	Services     int `json:"services"`
	Responders   int `json:"responders"`
	BodyBytes    int `json:"body_bytes"`
	DefaultLimit int `json:"default_page_limit"`
	MaxLimit     int `json:"max_page_limit"`
}

func (h *Handler) getConfig(w http.ResponseWriter, r *http.Request) error {
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	c := config{
		Severities:            h.svc.Severities(),
		IncidentStatuses:      stringsOf(debrief.IncidentStatuses),
		Milestones:            debrief.MilestoneNames,
		EventKinds:            debrief.EventKinds,
		RetrospectiveStatuses: stringsOf(debrief.RetrospectiveStatuses),
		SectionKinds:          []string{debrief.SectionText, debrief.SectionTimeline, debrief.SectionActions},
		ActionStatuses:        stringsOf(debrief.ActionStatuses),
		Priorities:            debrief.Priorities,
		Templates:             h.svc.Templates(),
		DefaultTemplate:       debrief.DefaultTemplateName,
		Limits: limits{
			Title: app.MaxTitle, ShortText: app.MaxShortText, EventText: app.MaxEventText,
			ActionText: app.MaxActionText, SectionBody: app.MaxSectionBody, URL: app.MaxURL,
			Services: app.MaxServices, Responders: app.MaxResponders, BodyBytes: MaxBodyBytes,
			DefaultLimit: store.DefaultLimit, MaxLimit: store.MaxLimit,
		},
	}
	h.writeJSON(w, r, http.StatusOK, c)
	return nil
}
