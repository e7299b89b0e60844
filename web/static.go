package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

const staticPrefix = "/static/"

// staticFiles serves the stylesheet, script and fonts under a path that
// carries a hash of all of them (/static/3f2a9c1b0d/app.css). A new build
// with any changed file gets a new path, so browsers may keep each one
// forever; and because the stylesheet's relative font URLs resolve under the
// same versioned path, they are fingerprinted too without rewriting the CSS.
type staticFiles struct {
	version string
	files   map[string][]byte
}

func newStaticFiles() *staticFiles {
	s := &staticFiles{files: map[string][]byte{}}
	sum := sha256.New()
	// WalkDir visits in lexical order, so the hash is stable across builds.
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		s.files[name] = b
		sum.Write([]byte(name))
		sum.Write(b)
		return nil
	})
	if err != nil {
		panic("web: reading static files: " + err.Error())
	}
	s.version = hex.EncodeToString(sum.Sum(nil))[:12]
	return s
}

// url returns the versioned address of a static file.
func (s *staticFiles) url(name string) string {
	return staticPrefix + s.version + "/" + name
}

func (s *staticFiles) serve(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path")
	b, ok := s.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", contentType(name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.PathValue("version") == s.version {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// An old or made-up version still gets the file (a page cached
		// across a deploy keeps its looks) but nobody may keep it.
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", `"`+s.version+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// contentType is fixed per extension rather than taken from the system's
// mime.types, which differs between machines and lacks woff2 on some.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".woff2":
		return "font/woff2"
	case ".svg":
		return "image/svg+xml"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}
