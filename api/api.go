// Package api serves Debrief's JSON API under /api/v1: incidents, their
// timelines, retrospectives and action items, people, the Markdown export,
// accounts, API tokens, teams and the audit log, the configuration a client
// needs to build its forms, and the OpenAPI document that describes all of
// it.
//
// The package is a transport and nothing more: every rule lives in app, every
// error-to-status decision in server/httperr. That includes who may do what:
// the authentication middleware (server/auth) puts the caller in the
// request's context, and every handler passes that context to the service,
// which decides and answers unauthorized, forbidden or not found. What it adds is strict input
// (see decode.go and params.go), so that a request the server cannot read
// exactly is refused with the field at fault and nothing is written.
package api

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// Prefix is the path every route of this API starts with.
const Prefix = "/api/v1"

// Handler serves the JSON API. Create it with New and add its routes to a
// mux with Register.
type Handler struct {
	svc    *app.Service
	logger *slog.Logger
	routes []route
	// alertRule: what the Alertmanager receiver does with unmatched alerts.
	alertRule app.AlertRule
}

// route is one method+path pattern and the function that serves it.
type route struct {
	pattern string
	fn      handlerFunc
}

// handlerFunc serves one route. It writes a success itself and returns any
// failure, so that every error reaches the client through the one writer in
// respond.go, in one shape.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// New returns a Handler over svc. Internal errors are logged to logger;
// when logger is nil they go to slog.Default(), never nowhere.
func New(svc *app.Service, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.Default()
	}
	h := &Handler{svc: svc, logger: logger}
	h.routes = []route{
		{"GET " + Prefix + "/config", h.getConfig},
		{"GET " + Prefix + "/openapi.yaml", h.getOpenAPI},

		{"GET " + Prefix + "/incidents", h.listIncidents},
		{"POST " + Prefix + "/incidents", h.createIncident},
		{"GET " + Prefix + "/incidents/{id}", h.getIncident},
		{"PATCH " + Prefix + "/incidents/{id}", h.updateIncident},
		{"DELETE " + Prefix + "/incidents/{id}", h.deleteIncident},

		{"GET " + Prefix + "/incidents/{id}/events", h.listEvents},
		{"POST " + Prefix + "/incidents/{id}/events", h.createEvent},
		{"GET " + Prefix + "/incidents/{id}/events/{eventID}", h.getEvent},
		{"PATCH " + Prefix + "/incidents/{id}/events/{eventID}", h.updateEvent},
		{"DELETE " + Prefix + "/incidents/{id}/events/{eventID}", h.deleteEvent},

		{"GET " + Prefix + "/incidents/{id}/retrospective", h.getRetrospective},
		{"PATCH " + Prefix + "/incidents/{id}/retrospective", h.updateRetrospective},
		{"GET " + Prefix + "/incidents/{id}/retrospective.md", h.exportMarkdown},
		{"GET " + Prefix + "/incidents/{id}/lint", h.lintRetrospective},
		{"GET " + Prefix + "/incidents/{id}/export", h.exportIncident},
		{"POST " + Prefix + "/import", h.importFiles},
		{"GET " + Prefix + "/incidents/{id}/retrospective/sections", h.listSections},
		{"POST " + Prefix + "/incidents/{id}/retrospective/sections", h.createSection},
		{"GET " + Prefix + "/incidents/{id}/retrospective/sections/{key}", h.getSection},
		{"PATCH " + Prefix + "/incidents/{id}/retrospective/sections/{key}", h.updateSection},
		{"DELETE " + Prefix + "/incidents/{id}/retrospective/sections/{key}", h.deleteSection},

		{"GET " + Prefix + "/incidents/{id}/actions", h.listIncidentActions},
		{"POST " + Prefix + "/incidents/{id}/actions", h.createAction},
		{"GET " + Prefix + "/incidents/{id}/actions/{actionID}/history", h.actionHistory},
		{"POST " + Prefix + "/incidents/{id}/actions/{actionID}/ticket", h.requestTicket},
		{"GET " + Prefix + "/incidents/{id}/linked-actions", h.listLinkedActions},
		{"PUT " + Prefix + "/incidents/{id}/linked-actions/{actionID}", h.linkAction},
		{"DELETE " + Prefix + "/incidents/{id}/linked-actions/{actionID}", h.unlinkAction},
		{"GET " + Prefix + "/incidents/{id}/actions/{actionID}", h.getAction},
		{"PATCH " + Prefix + "/incidents/{id}/actions/{actionID}", h.updateAction},
		{"DELETE " + Prefix + "/incidents/{id}/actions/{actionID}", h.deleteAction},
		{"GET " + Prefix + "/actions", h.listActions},
		{"GET " + Prefix + "/actions/metrics", h.actionMetrics},

		{"GET " + Prefix + "/people", h.listPeople},
		{"POST " + Prefix + "/people", h.createPerson},
		{"GET " + Prefix + "/people/{id}", h.getPerson},
		{"PATCH " + Prefix + "/people/{id}", h.updatePerson},
		{"DELETE " + Prefix + "/people/{id}", h.deletePerson},

		{"GET " + Prefix + "/me", h.getMe},
		{"GET " + Prefix + "/me/tokens", h.listTokens},
		{"POST " + Prefix + "/me/tokens", h.createToken},
		{"DELETE " + Prefix + "/me/tokens/{tokenID}", h.revokeToken},

		{"GET " + Prefix + "/users", h.listUsers},
		{"POST " + Prefix + "/users", h.createUser},
		{"GET " + Prefix + "/users/{userID}", h.getUser},
		{"PATCH " + Prefix + "/users/{userID}", h.updateUser},

		{"GET " + Prefix + "/teams", h.listTeams},
		{"POST " + Prefix + "/teams", h.createTeam},
		{"GET " + Prefix + "/teams/{slug}", h.getTeam},
		{"PATCH " + Prefix + "/teams/{slug}", h.updateTeam},
		{"GET " + Prefix + "/teams/{slug}/members", h.listMembers},
		{"PUT " + Prefix + "/teams/{slug}/members/{userID}", h.putMember},
		{"DELETE " + Prefix + "/teams/{slug}/members/{userID}", h.deleteMember},

		{"GET " + Prefix + "/templates", h.listTemplates},
		{"POST " + Prefix + "/templates", h.createTemplate},
		{"GET " + Prefix + "/templates/{name}", h.getTemplate},
		{"GET " + Prefix + "/templates/{name}/versions", h.listTemplateVersions},
		{"GET " + Prefix + "/template-rules", h.listTemplateRules},
		{"PUT " + Prefix + "/template-rules", h.putTemplateRules},
		{"GET " + Prefix + "/incidents/{id}/requirement", h.getRequirement},

		{"GET " + Prefix + "/incidents/{id}/audit", h.listIncidentAudit},
		{"GET " + Prefix + "/audit", h.listAudit},
		{"GET " + Prefix + "/audit.jsonl", h.exportAudit},
	}
	h.routes = append(h.routes, h.analysisRoutes()...)
	h.routes = append(h.routes, h.evidenceRoutes()...)
	return h
}

// Register adds every route to mux, plus a catch-all under Prefix so that an
// unknown path or a wrong method is answered in the API's JSON error shape
// rather than the mux's plain text.
func (h *Handler) Register(mux *http.ServeMux) {
	// probe holds the API's routes alone: the catch-all asks it which
	// methods a path has, to tell "no such path" from "wrong method".
	probe := http.NewServeMux()
	for _, rt := range h.routes {
		mux.Handle(rt.pattern, h.serve(rt.fn))
		probe.Handle(rt.pattern, http.NotFoundHandler())
	}
	mux.Handle(Prefix+"/", h.serve(func(w http.ResponseWriter, r *http.Request) error {
		return notRouted(w, r, probe)
	}))
}

// Routes returns the method+path pattern of every route Register adds, in
// the form http.ServeMux takes ("GET /api/v1/incidents/{id}"). The
// catch-all is not a route and is not listed.
func (h *Handler) Routes() []string {
	out := make([]string, len(h.routes))
	for i, rt := range h.routes {
		out[i] = rt.pattern
	}
	return out
}

// notRouted answers a request under Prefix that matched no route: 405 with
// an Allow header when the path exists for other methods, else 404.
func notRouted(w http.ResponseWriter, r *http.Request, probe *http.ServeMux) error {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, pattern := probe.Handler(r2); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		return debrief.Errorf(debrief.ENOTFOUND, "There is no %s in this API.", r.URL.Path)
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	return methodNotAllowed{method: r.Method, allowed: allowed}
}

// methodNotAllowed is a routing failure rather than an application error,
// so it carries its own status (405); httperr has no code for it.
type methodNotAllowed struct {
	method  string
	allowed []string
}

func (e methodNotAllowed) Error() string {
	return "method " + e.method + " is not allowed here; use " + strings.Join(e.allowed, ", ") + "."
}
