// Package server runs Debrief's HTTP service: the listener and its
// lifecycle, the middleware every request passes through, and the
// operational endpoints (/healthz, /readyz, /metrics). The JSON API and the
// web pages register their own routes on the mux it builds.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Registrar is a transport that adds its routes to the mux, and lists
// them (method and path patterns) so that tests can walk every route.
type Registrar interface {
	Register(mux *http.ServeMux)
	Routes() []string
}

// Config configures a Server.
type Config struct {
	// Addr is host:port to listen on; port 0 picks a free one.
	Addr   string
	Logger *slog.Logger
	// Ready checks the server's dependencies (the database) for /readyz.
	Ready func(ctx context.Context) error
	// Routes are the transports to serve.
	Routes []Registrar
	// Wrap are middleware applied inside the server's own (recovery,
	// logging, security headers), around the routes: authentication goes
	// here. The first wraps the others.
	Wrap []func(http.Handler) http.Handler
	// TrustedProxies are the reverse proxies whose X-Forwarded-For
	// entries are believed (see realIP); none by default.
	TrustedProxies []netip.Prefix
}

// Server is a running HTTP service.
type Server struct {
	cfg      Config
	ln       net.Listener
	http     *http.Server
	mux      *http.ServeMux
	registry *prometheus.Registry
	metrics  *httpMetrics
}

// New builds a server; Open starts it.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), registry: prometheus.NewRegistry()}
	s.metrics = newHTTPMetrics(s.registry)
	s.mux.HandleFunc("GET /healthz", s.handleHealthz)
	s.mux.HandleFunc("GET /readyz", s.handleReadyz)
	s.mux.Handle("GET /metrics", s.metricsHandler())
	for _, r := range cfg.Routes {
		r.Register(s.mux)
	}
	s.http = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Handler returns the whole service as one handler, middleware included.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	for i := len(s.cfg.Wrap) - 1; i >= 0; i-- {
		h = s.cfg.Wrap[i](h)
	}
	return s.chain(h)
}

// Routes lists every route the server serves: its own operational ones and
// those of every transport.
func (s *Server) Routes() []string {
	routes := []string{"GET /healthz", "GET /readyz", "GET /metrics"}
	for _, r := range s.cfg.Routes {
		routes = append(routes, r.Routes()...)
	}
	return routes
}

// Registry returns the Prometheus registry, for other packages' metrics.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// Open listens and serves in the background.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.Logger.Error("http server stopped", "err", err)
		}
	}()
	return nil
}

// URL returns the address the server listens on, as a URL.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Shutdown stops accepting connections and waits for requests in flight,
// until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.http.Shutdown(ctx)
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// handleReadyz answers 200 only when the database answers, so a load
// balancer sends no traffic to an instance that cannot serve it.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.cfg.Ready(ctx); err != nil {
			s.cfg.Logger.Warn("not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database unavailable")
			return
		}
	}
	fmt.Fprintln(w, "ready")
}
