package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/debrief-oss/debrief"
)

// seedIncident makes an incident of the usual size: a commander, three
// responders, two services, four milestones.
func seedIncident(b *testing.B, e *env) string {
	b.Helper()
	e.newTeam("payments", debrief.VisibleToTeam)
	var responders []map[string]any
	var commander int64
	for i, name := range []string{"Ada Lovelace", "Bob Ross", "Grace Hopper", "Alan Turing"} {
		p := e.person(name, fmt.Sprintf("p%d", i))
		if i == 0 {
			commander = p.ID
		} else {
			responders = append(responders, map[string]any{"person_id": p.ID, "role": "Responder"})
		}
	}
	inc := e.incident(map[string]any{
		"title": "Checkout failing for card payments", "severity": "SEV2", "team": "payments",
		"services": []string{"checkout", "payments"}, "time_zone": "Europe/Copenhagen",
		"commander_id": commander, "responders": responders,
		"milestones": map[string]any{
			"started": "2024-05-01T13:58:00Z", "detected": "2024-05-01T14:03:00Z",
			"mitigated": "2024-05-01T15:29:00Z", "resolved": "2024-05-02T09:00:00Z",
		},
	})
	return fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
}

// signedIn returns ctx carrying the admin as the actor, as the
// authentication middleware would: the benchmarks of the API itself leave
// the middleware out (BenchmarkGetIncidentWithToken measures it).
func signedIn(b *testing.B, e *env) context.Context {
	a, _, _ := e.actorOf(e.admin)
	return debrief.WithActor(context.Background(), a)
}

// BenchmarkGetIncident is GET /api/v1/incidents/{id} through the API's
// handler on a mux, over a seeded SQLite file: routing, the id, the query
// check, the service (with its permission check), the store's reads and the
// JSON.
func BenchmarkGetIncident(b *testing.B) {
	e := newEnv(b)
	path := seedIncident(b, e)
	req := httptest.NewRequestWithContext(signedIn(b, e), "GET", path, nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.mux.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkGetIncidentBare writes the same bytes from a bare handler on the
// same mux pattern: the floor a Go HTTP handler costs, against which the
// API's own cost (BenchmarkGetIncident) can be read as a ratio.
func BenchmarkGetIncidentBare(b *testing.B) {
	e := newEnv(b)
	path := seedIncident(b, e)
	rec := httptest.NewRecorder()
	e.mux.ServeHTTP(rec, httptest.NewRequestWithContext(signedIn(b, e), "GET", path, nil))
	body := bytes.Clone(rec.Body.Bytes())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/incidents/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	req := httptest.NewRequest("GET", path, nil)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Body.Len() != len(body) {
			b.Fatal("bare handler")
		}
	}
}

// BenchmarkGetIncidentService is the service call and the JSON encoding
// alone, without HTTP: what of BenchmarkGetIncident is the database.
func BenchmarkGetIncidentService(b *testing.B) {
	e := newEnv(b)
	path := seedIncident(b, e)
	var id int64
	fmt.Sscanf(path, "/api/v1/incidents/%d", &id)
	ctx := signedIn(b, e)
	b.ReportAllocs()
	for b.Loop() {
		inc, err := e.svc.FindIncidentByID(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(inc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetIncidentWithToken is BenchmarkGetIncident through the whole
// server as it is served: its middleware, and the authentication of an API
// token (a hash, the token, its user and memberships read) before the API.
func BenchmarkGetIncidentWithToken(b *testing.B) {
	e := newEnv(b)
	path := seedIncident(b, e)
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}
