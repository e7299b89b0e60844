package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/server/auth"
)

//go:embed templates
var templateFS embed.FS

// pages holds one template set per page: the shared layout and partials
// plus the page's own file, which defines "content". Each page gets its own
// clone so that every page can define the same block names.
type pages struct {
	set map[string]*template.Template
}

// layout is embedded in every page's data: what the frame around the
// content needs.
type layout struct {
	// Title is the page's part of the <title>.
	Title string
	// Nav names the navigation entry to mark as current.
	Nav string
	// Bare pages (sign-in, setup) show no navigation.
	Bare bool
	// ReadOnly warns, above a form, that the reader may not save it.
	ReadOnly string

	// Filled by render from the request:
	// User is who is signed in, nil for nobody.
	User *debrief.User
	// CSRF is the token every form carries (see the "csrf" partial).
	CSRF string
	// Initial is the user's first letter, for the avatar.
	Initial string
	// CanCreate shows "New incident": the user edits some team.
	CanCreate bool
}

// frame returns the layout of a page, for render to fill.
func (l *layout) frame() *layout { return l }

func parsePages(st *staticFiles) (*pages, error) {
	funcs := template.FuncMap{
		"asset": st.url,
		// markdown is the only way user text becomes HTML: rendered and
		// sanitised by render.HTML.
		"markdown": render.HTML,
		"label":    render.Label,
		"person":   render.PersonName,
	}
	base, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{set: map[string]*template.Template{}}
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFS, f); err != nil {
			return nil, err
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("%s defines no \"content\" template", f)
		}
		// html/template escapes a template on its first execution, and
		// only then reports an action in a context it cannot escape
		// safely. Execute once now, without data, so such a mistake stops
		// the program at start; errors from the missing data are expected.
		for _, name := range []string{"layout", "event-row"} {
			if t.Lookup(name) == nil {
				continue
			}
			var escErr *template.Error
			if err := t.ExecuteTemplate(io.Discard, name, nil); errors.As(err, &escErr) {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
		}
		p.set[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return p, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page into a buffer first, so a template error becomes a
// clean error page instead of half a page with a 200 status.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if p, ok := data.(interface{ frame() *layout }); ok {
		l := p.frame()
		l.CSRF = auth.CSRFToken(r.Context())
		if a := auth.Actor(r.Context()); a != nil && a.User != nil {
			l.User = a.User
			l.Initial = initial(a.User.Name, a.User.Email)
			l.CanCreate = a.User.OrgAdmin
			for _, role := range a.Teams {
				l.CanCreate = l.CanCreate || role.Includes(debrief.RoleEditor)
			}
		}
	}
	t, ok := h.pages.set[name]
	if !ok {
		h.logger.ErrorContext(r.Context(), "web: no such page template", "page", name)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		// Keep only ordinary-sized buffers: one huge page should not pin
		// megabytes for the life of the process.
		if buf.Cap() <= 4<<20 {
			bufPool.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		if name == "error" {
			h.logger.ErrorContext(r.Context(), "web: rendering the error page", "err", err)
			http.Error(w, "Internal error.", http.StatusInternalServerError)
			return
		}
		h.renderError(w, r, fmt.Errorf("web: rendering %s: %w", name, err), http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	// Pages change with every edit; the browser must ask again, so the Back
	// button after a save never shows the old text as if it were current.
	// They are also one person's view, with their CSRF token: no shared
	// cache may keep them.
	if hdr.Get("Cache-Control") == "" {
		hdr.Set("Cache-Control", "private, no-cache")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
