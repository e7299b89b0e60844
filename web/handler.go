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

// Options configures the pages.
type Options struct {
	// SSO offers "Sign in with single sign-on" (/auth/oidc/login) on the
	// sign-in page.
	SSO bool
	// Demo says the server runs with --demo: the incident list and the
	// profile say what the visitor is looking at and how they are signed in.
	Demo bool
}

// Handler serves the pages. Create it with New and mount it with Register.
//
// Who is signed in is found by the authentication middleware
// (server/auth), which must wrap the handler: it puts the actor in each
// request's context and refuses forged forms. The pages pass that context
// to the service, which decides what the actor may see and do; a page never
// decides a permission itself. It only hides controls the actor could not
// use (see perms.go), and the service refuses them anyway.
type Handler struct {
	svc    *app.Service
	logger *slog.Logger
	opts   Options
	pages  *pages
	static *staticFiles
	// cop refuses cross-origin form posts using the browser's
	// Sec-Fetch-Site and Origin headers, in addition to the CSRF token
	// every form carries (checked by the middleware).
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
func New(svc *app.Service, logger *slog.Logger, opts Options) *Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{
		svc:        svc,
		logger:     logger,
		opts:       opts,
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
	h.post("POST /incidents/{id}/retrospective/request", h.requestRetrospective)
	h.get("GET /incidents/{id}/export", h.exportIncident)
	h.get("GET /incidents/export.zip", h.exportAll)

	h.get("GET /import", h.showImport)
	h.upload("POST /import/preview", h.previewImport)
	h.upload("POST /import", h.importFiles)

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
	h.post("POST /incidents/{id}/actions/{aid}/ticket", h.requestTicket)
	h.post("POST /incidents/{id}/links", h.linkAction)
	h.post("POST /incidents/{id}/links/remove", h.unlinkAction)
	h.post("POST /incidents/{id}/actions/delete", h.deleteAction)

	h.get("GET /actions", h.showBoard)
	h.get("GET /actions/metrics", h.showMetrics)

	h.get("GET /incidents/{id}/audit", h.showAudit)
	h.post("POST /incidents/{id}/access", h.updateAccess)

	// Timeline evidence (issue 7): curation, the picture, the import flow.
	h.get("GET /incidents/{id}/evidence", h.showEvidence)
	h.post("POST /incidents/{id}/evidence/curate", h.curateEvent)
	h.post("POST /incidents/{id}/notes", h.addNote)
	h.post("POST /incidents/{id}/timeline/confirm", h.confirmTimeline)
	h.post("POST /incidents/{id}/milestones/accept", h.acceptMilestones)
	h.get("GET /incidents/{id}/timeline.svg", h.timelineSVG)
	h.evidenceImportRoutes()

	h.get("GET /people", h.listPeople)
	h.post("POST /people", h.createPerson)

	h.get("GET /login", h.showLogin)
	h.post("POST /login", h.login)
	h.post("POST /logout", h.logout)
	h.get("GET /setup", h.showSetup)
	h.post("POST /setup", h.setup)

	h.get("GET /profile", h.showProfile)
	h.post("POST /profile/password", h.changePassword)
	h.post("POST /profile/tokens", h.createToken)
	h.post("POST /profile/tokens/{tid}/revoke", h.revokeToken)

	h.get("GET /teams", h.listTeams)
	h.post("POST /teams", h.createTeam)
	h.get("GET /teams/{slug}", h.showTeam)
	h.post("POST /teams/{slug}", h.updateTeam)
	h.post("POST /teams/{slug}/members", h.setMember)
	h.post("POST /teams/{slug}/members/remove", h.removeMember)

	h.get("GET /templates", h.listTemplates)
	h.post("POST /templates", h.saveTemplate)
	h.get("GET /templates/{name}", h.showTemplate)
	h.post("POST /templates/rules", h.changeRules)

	h.get("GET /admin/users", h.listUsers)
	h.post("POST /admin/users", h.createUser)
	h.post("POST /admin/users/{uid}", h.updateUser)

	h.analysisRoutes()

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

// ServeError writes err as the friendly error page, with the status the
// one mapping gives it (a GET refused for want of a session redirects to
// the sign-in page). The authentication middleware uses it for refusals it
// makes itself, such as a form without its CSRF token.
func (h *Handler) ServeError(w http.ResponseWriter, r *http.Request, err error) {
	h.renderError(w, r, err, httperr.Status(err))
}

// errorPage is the 4xx/5xx page.
type errorPage struct {
	layout
	Status  int
	Heading string
	Message string
	// Back is the incident the failed request was about, if any.
	Back string
	// SignIn links to the sign-in page, coming back to Next.
	SignIn bool
	Next   string
}

var incidentPathRE = regexp.MustCompile(`^/incidents/[1-9][0-9]*`)

// renderError shows a friendly page for err. Internal errors are logged
// here, once, and never shown: their text may hold details (SQL, paths)
// that are no business of the reader.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, err error, status int) {
	if status == http.StatusUnauthorized && (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.URL.Path != "/login" {
		// Signed out (or the session ended): sign in, then come back.
		http.Redirect(w, r, loginURL(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
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
		// An incident that is missing and one the reader may not see
		// must look the same, to the byte.
		if m := incidentNotFoundRE.FindStringSubmatch(p.Message); m != nil {
			p.Message = "Incident " + m[1] + " not found."
		}
	case status == http.StatusUnauthorized:
		p.Heading = "Please sign in"
		p.SignIn, p.Next = true, localNext(r.Referer(), r)
		if p.Message == "" || p.Message == "Sign in first." {
			p.Message = "You are not signed in, so nothing was changed. Sign in and try again."
		}
		p.Back = ""
	case status == http.StatusForbidden:
		p.Heading = "You can’t do that here"
	case status == http.StatusTooManyRequests:
		p.Heading = "Too many attempts"
	case status == http.StatusConflict:
		p.Heading = "Someone changed this first"
	case status == http.StatusRequestEntityTooLarge:
		p.Heading = "That was too much at once"
		p.Message = "The form was larger than Debrief accepts. Split the text into smaller parts and try again."
		if r.URL.Path == "/import" || r.URL.Path == "/import/preview" {
			p.Message = importTooLarge
		}
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

var incidentNotFoundRE = regexp.MustCompile(`(?i)^incident ([0-9]+) not found\.?$`)
