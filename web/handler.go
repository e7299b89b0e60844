// Package web serves Debrief's HTML user interface: server-rendered pages
// built with html/template that work without JavaScript, over the rules in
// package app. Every write is a POST form carrying the version it was made
// from, answered with a redirect on success (Post/Redirect/Get) or the same
// form again, with the user's input and an error next to the field, on
// failure.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"regexp"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/server/httperr"
)

// Handler serves the pages. Create it with New and mount it with Register.
type Handler struct {
	svc    *app.Service
	logger *slog.Logger
	pages  *pages
	static *staticFiles
	// cop refuses cross-origin form posts (CSRF) using the browser's
	// Sec-Fetch-Site and Origin headers, so pages need no hidden tokens.
	cop *http.CrossOriginProtection
	// eventRows and actionRows keep rendered rows of the incident page.
	eventRows  *rowCache[eventView]
	actionRows *rowCache[actionView]
	routes     []route
}

type route struct {
	pattern string
	handler http.Handler
}

// rowCacheBytes bounds the memory of rendered timeline rows: some 10,000
// rows, a few long incidents.
const rowCacheBytes = 32 << 20

// New returns a Handler over svc. It parses every template and fingerprints
// every static file now, and panics if a template does not parse: they are
// compiled into the binary, so a broken one is a programming error that must
// stop the program at start, not on the first visit to a page.
func New(svc *app.Service, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{
		svc:        svc,
		logger:     logger,
		static:     newStaticFiles(),
		cop:        http.NewCrossOriginProtection(),
		eventRows:  newRowCache[eventView](rowCacheBytes),
		actionRows: newRowCache[actionView](rowCacheBytes / 4),
	}
	var err error
	if h.pages, err = parsePages(h.static); err != nil {
		panic("web: " + err.Error())
	}
	h.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.renderError(w, r, debrief.Errorf(debrief.EINVALID, "This form was sent from another site, so it was refused."), http.StatusForbidden)
	}))

	h.get("GET /{$}", h.listIncidents)
	h.get("GET /incidents", h.listIncidents)
	h.get("GET /incidents/new", h.newIncident)
	h.post("POST /incidents", h.createIncident)
	h.get("GET /incidents/{id}", h.showIncident)
	h.get("GET /incidents/{id}/edit", h.editIncident)
	h.post("POST /incidents/{id}/edit", h.updateIncident)
	h.post("POST /incidents/{id}/retrospective", h.updateRetrospective)
	h.get("GET /incidents/{id}/retrospective.md", h.downloadMarkdown)

	h.get("GET /incidents/{id}/sections/{key}/edit", h.editSection)
	h.post("POST /incidents/{id}/sections/{key}/edit", h.updateSection)

	h.get("GET /incidents/{id}/events/new", h.newEvent)
	h.post("POST /incidents/{id}/events", h.createEvent)
	h.get("GET /incidents/{id}/events/{eid}/edit", h.editEvent)
	h.post("POST /incidents/{id}/events/{eid}/edit", h.updateEvent)
	h.post("POST /incidents/{id}/events/delete", h.deleteEvent)

	h.get("GET /incidents/{id}/actions/new", h.newAction)
	h.post("POST /incidents/{id}/actions", h.createAction)
	h.get("GET /incidents/{id}/actions/{aid}/edit", h.editAction)
	h.post("POST /incidents/{id}/actions/{aid}/edit", h.updateAction)
	h.post("POST /incidents/{id}/actions/{aid}/status", h.moveAction)
	h.post("POST /incidents/{id}/actions/delete", h.deleteAction)

	h.get("GET /people", h.listPeople)
	h.post("POST /people", h.createPerson)

	h.routes = append(h.routes, route{"GET " + staticPrefix + "{version}/{path...}", http.HandlerFunc(h.static.serve)})
	// Anything else is a page that does not exist: say so in the product's
	// own words rather than the mux's plain-text "404 page not found".
	h.routes = append(h.routes, route{"/", http.HandlerFunc(h.notFound)})
	return h
}

// Register mounts every page on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	for _, rt := range h.routes {
		mux.Handle(rt.pattern, rt.handler)
	}
}

// Routes lists the method and path patterns Register mounts.
func (h *Handler) Routes() []string {
	out := make([]string, len(h.routes))
	for i, rt := range h.routes {
		out[i] = rt.pattern
	}
	return out
}

// handlerFunc is a page handler that returns its error instead of writing
// it, so the mapping to a status and a page happens once, in serve.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (h *Handler) get(pattern string, fn handlerFunc) {
	h.routes = append(h.routes, route{pattern, h.serve(fn)})
}

// post mounts a form handler behind the cross-origin check and a body limit.
func (h *Handler) post(pattern string, fn handlerFunc) {
	h.routes = append(h.routes, route{pattern, h.cop.Handler(h.serve(func(w http.ResponseWriter, r *http.Request) error {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return err
			}
			return debrief.Errorf(debrief.EINVALID, "The form could not be read: %v", err)
		}
		return fn(w, r)
	}))})
}

func (h *Handler) serve(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.renderError(w, r, err, httperr.Status(err))
		}
	})
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, debrief.Errorf(debrief.ENOTFOUND, "There is no page at this address."), http.StatusNotFound)
}

// errorPage is the 4xx/5xx page.
type errorPage struct {
	layout
	Status  int
	Heading string
	Message string
	// Back is the incident the failed request was about, if any.
	Back string
}

var incidentPathRE = regexp.MustCompile(`^/incidents/[1-9][0-9]*`)

// renderError shows a friendly page for err. Internal errors are logged
// here, once, and never shown: their text may hold details (SQL, paths)
// that are no business of the reader.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, err error, status int) {
	p := &errorPage{Status: status, Message: debrief.ErrorMessage(err)}
	if status != http.StatusNotFound {
		p.Back = incidentPathRE.FindString(r.URL.Path)
	}
	switch {
	case status == http.StatusNotFound:
		p.Heading = "We couldn’t find that"
		if debrief.ErrorCode(err) != debrief.ENOTFOUND {
			p.Message = "There is no page at this address."
		}
	case status == http.StatusConflict:
		p.Heading = "Someone changed this first"
	case status == http.StatusRequestEntityTooLarge:
		p.Heading = "That was too much at once"
		p.Message = "The form was larger than Debrief accepts. Split the text into smaller parts and try again."
	case status >= 500:
		h.logger.ErrorContext(r.Context(), "web: request failed",
			"method", r.Method, "path", r.URL.Path, "status", status, "err", err)
		p.Heading = "Something went wrong on our side"
		p.Message = "The error has been logged. Try again in a moment; if it keeps happening, tell whoever runs Debrief here."
	default:
		p.Heading = "That didn’t work"
	}
	p.Title = p.Heading
	h.render(w, r, status, "error", p)
}
