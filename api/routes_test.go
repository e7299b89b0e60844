package api_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief/api"
)

// TestRoutesMatchDocument fails when a registered route is missing from
// openapi.yaml, or when the document lists a path and method that is not
// registered: the document is the API's contract and must say all of it,
// and only it.
func TestRoutesMatchDocument(t *testing.T) {
	doc, _ := loadDoc(t)
	h := api.New(nil, nil)

	registered := map[string]bool{}
	for _, p := range h.Routes() {
		method, path, ok := strings.Cut(p, " ")
		if !ok || method == "" || !strings.HasPrefix(path, api.Prefix+"/") {
			t.Errorf("route %q: want METHOD /api/v1/...", p)
			continue
		}
		if registered[p] {
			t.Errorf("route %q listed twice", p)
		}
		registered[p] = true
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented[method+" "+path] = true
			if op.OperationID == "" || op.Summary == "" {
				t.Errorf("%s %s: operationId and summary are required", method, path)
			}
			// Every path wildcard is a documented path parameter.
			params := map[string]bool{}
			for _, pr := range append(item.Parameters, op.Parameters...) {
				if pr.Value.In == "path" {
					params[pr.Value.Name] = true
				}
			}
			for _, m := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(path, -1) {
				if !params[m[1]] {
					t.Errorf("%s %s: path parameter %q is not documented", method, path, m[1])
				}
			}
		}
	}
	for p := range registered {
		if !documented[p] {
			t.Errorf("registered route %q is missing from openapi.yaml", p)
		}
	}
	for p := range documented {
		if !registered[p] {
			t.Errorf("openapi.yaml lists %q, which is not registered", p)
		}
	}
	// The two lists are compared both ways above; this only guards
	// against both being empty (a document that failed to load).
	if len(registered) == 0 || len(documented) == 0 {
		t.Fatalf("%d routes registered, %d documented", len(registered), len(documented))
	}
}

// TestRegisterServesRoutes checks that Register puts every pattern Routes
// reports on the mux, and that the catch-all takes nothing else.
func TestRegisterServesRoutes(t *testing.T) {
	mux := http.NewServeMux()
	h := api.New(nil, nil)
	h.Register(mux)
	sample := strings.NewReplacer("{id}", "7", "{eventID}", "8", "{actionID}", "9", "{key}", "summary",
		"{tokenID}", "10", "{userID}", "11", "{slug}", "payments")
	for _, p := range h.Routes() {
		method, path, _ := strings.Cut(p, " ")
		r := httptest.NewRequest(method, sample.Replace(path), nil)
		if _, got := mux.Handler(r); got != p {
			t.Errorf("%s %s is served by %q, want %q", method, sample.Replace(path), got, p)
		}
	}
}
