package api_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/api"
)

// FuzzDecode drives the body decoder with arbitrary bytes for every request
// type. It must never panic; a refusal must be an EINVALID *debrief.Error
// with a message, and with a field path made of the request's own keys; and
// it may accept only valid JSON. Seeds are in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"title":"Database outage","milestones":{"detected":"2024-05-01T14:03:00Z"},"responders":[{"person_id":1,"role":"Scribe"}]}`))
	f.Add([]byte(`{"at":"2024-05-01T14:03:00","text":"x"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, target := range api.DecodeTargets {
			err := api.Decode(body, target)
			if err == nil {
				if !json.Valid(body) {
					t.Fatalf("%s: accepted invalid JSON %q", target, body)
				}
				continue
			}
			var de *debrief.Error
			if !errors.As(err, &de) || de.Code != debrief.EINVALID || de.Message == "" {
				t.Fatalf("%s: %q: refusal %#v is not an EINVALID *debrief.Error with a message", target, body, err)
			}
			// The field names something the client sent: in a body that
			// is a JSON object, its first part is one of the object's keys.
			// Keys may hold '.' or '[' themselves, so look for a key the
			// path starts with rather than splitting the path.
			var top map[string]json.RawMessage
			if de.Field != "" && json.Unmarshal(body, &top) == nil {
				found := false
				for k := range top {
					if de.Field == k || strings.HasPrefix(de.Field, k+".") || strings.HasPrefix(de.Field, k+"[") {
						found = true
						break
					}
				}
				if !found {
					t.Fatalf("%s: %q: field %q is not a key of the body", target, body, de.Field)
				}
			}
		}
	})
}
