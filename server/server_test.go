package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief/server"
)

type routes func(mux *http.ServeMux)

func (r routes) Register(mux *http.ServeMux) { r(mux) }
func (r routes) Routes() []string            { return []string{"GET /things/{id}", "GET /boom", "POST /things"} }

func newServer(t *testing.T, ready func(context.Context) error) *httptest.Server {
	t.Helper()
	srv := server.New(server.Config{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Ready:  ready,
		Routes: []server.Registrar{routes(func(mux *http.ServeMux) {
			mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "thing") })
			mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
			mux.HandleFunc("POST /things", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) })
		})},
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestSecurityHeaders(t *testing.T) {
	ts := newServer(t, nil)
	resp, err := http.Get(ts.URL + "/things/1")
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp)
	for h, want := range map[string]string{
		"X-Frame-Options":        "DENY",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
}

func TestReadiness(t *testing.T) {
	down := errors.New("connection refused")
	var state error
	ts := newServer(t, func(context.Context) error { return state })
	if resp, _ := http.Get(ts.URL + "/readyz"); resp.StatusCode != 200 {
		t.Errorf("/readyz with the database up = %d", resp.StatusCode)
	}
	state = down
	resp, _ := http.Get(ts.URL + "/readyz")
	if b := body(t, resp); resp.StatusCode != 503 || strings.Contains(b, "refused") {
		t.Errorf("/readyz with the database down = %d %q (want 503, without internals)", resp.StatusCode, b)
	}
	if resp, _ := http.Get(ts.URL + "/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz = %d; liveness must not depend on the database", resp.StatusCode)
	}
}

func TestPanicBecomes500(t *testing.T) {
	ts := newServer(t, nil)
	resp, err := http.Get(ts.URL + "/boom")
	if err != nil {
		t.Fatal(err)
	}
	if b := body(t, resp); resp.StatusCode != 500 || strings.Contains(b, "boom") {
		t.Errorf("panic = %d %q", resp.StatusCode, b)
	}
	// The server keeps serving.
	if resp, _ := http.Get(ts.URL + "/things/2"); resp.StatusCode != 200 {
		t.Errorf("after a panic: %d", resp.StatusCode)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	ts := newServer(t, nil)
	req, _ := http.NewRequest("POST", ts.URL+"/things", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", resp.StatusCode)
	}
}

func TestMetricsByRoutePattern(t *testing.T) {
	ts := newServer(t, nil)
	for _, id := range []string{"1", "2", "3"} {
		resp, _ := http.Get(ts.URL + "/things/" + id)
		body(t, resp)
	}
	resp, _ := http.Get(ts.URL + "/metrics")
	m := body(t, resp)
	if !strings.Contains(m, `debrief_http_requests_total{code="200",method="GET",route="GET /things/{id}"} 3`) {
		t.Errorf("metrics lack the per-pattern count; got:\n%s", m)
	}
	if strings.Contains(m, `/things/1"`) {
		t.Error("metrics are labelled by raw path, which explodes the series")
	}
}
