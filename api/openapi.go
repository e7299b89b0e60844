package api

import (
	_ "embed"
	"net/http"
)

// openapiYAML is the OpenAPI 3.0.3 document describing this API. It is
// written by hand; the tests hold it to the routes and check every response
// against it.
//
//go:embed openapi.yaml
var openapiYAML []byte

// OpenAPI returns a copy of the OpenAPI document served at
// /api/v1/openapi.yaml, for tools and other packages that want it.
func OpenAPI() []byte { return append([]byte(nil), openapiYAML...) }

func (h *Handler) getOpenAPI(w http.ResponseWriter, r *http.Request) error {
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	w.Header().Set("Content-Type", "application/yaml")
	w.WriteHeader(http.StatusOK)
	w.Write(openapiYAML) // a failed write is the client gone; nothing to tell it
	return nil
}
