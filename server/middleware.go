package server

import (
	"log/slog"
	"net/http"
	"time"
)

// chain wraps h in the middleware every request passes through, outermost
// first: recovery, logging and metrics, security headers, cross-origin
// protection.
func (s *Server) chain(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	h = cop.Handler(h)
	h = securityHeaders(h)
	h = s.observe(h)
	h = realIP(s.cfg.TrustedProxies, h)
	return s.recoverer(h)
}

// securityHeaders sets the headers that keep a page from being framed,
// sniffed or made to run scripts it did not ship.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs each request and records its metrics. It logs the path
// without the query string: queries can carry search terms users typed.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		took := time.Since(start)
		s.metrics.observe(r, sw.code, took)
		level := slog.LevelDebug
		if sw.code >= 500 {
			level = slog.LevelError
		} else if r.URL.Path != "/healthz" && r.URL.Path != "/readyz" && r.URL.Path != "/metrics" {
			level = slog.LevelInfo
		}
		s.cfg.Logger.Log(r.Context(), level, "request",
			"method", r.Method, "path", r.URL.Path, "route", r.Pattern,
			"status", sw.code, "duration_ms", float64(took.Microseconds())/1000)
	})
}

// recoverer turns a panic in a handler into a 500 and a log line instead of
// a dropped connection.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Logger.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v)
				http.Error(w, "Internal error.", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
