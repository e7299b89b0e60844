package httperr_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/server/httperr"
)

func TestStatus(t *testing.T) {
	tests := []struct {
		err      error
		status   int
		internal bool
	}{
		{debrief.FieldError("title", "is required."), 400, false},
		{debrief.Errorf(debrief.ENOTFOUND, "Incident 9 not found."), 404, false},
		{fmt.Errorf("update: %w", debrief.Errorf(debrief.ECONFLICT, "changed")), 409, false},
		{&http.MaxBytesError{Limit: 10}, 413, false},
		{debrief.Errorf(debrief.EUNAUTHORIZED, "Sign in first."), 401, false},
		{fmt.Errorf("token: %w", debrief.Errorf(debrief.EFORBIDDEN, "read-only")), 403, false},
		{debrief.Errorf(debrief.ETOOMANY, "Too many attempts."), 429, false},
		{errors.New("disk on fire"), 500, true},
		{fmt.Errorf("find incident: %w", context.Canceled), httperr.StatusClientClosed, false},
	}
	for _, tt := range tests {
		if got := httperr.Status(tt.err); got != tt.status {
			t.Errorf("Status(%v) = %d, want %d", tt.err, got, tt.status)
		}
		if got := httperr.IsInternal(tt.err); got != tt.internal {
			t.Errorf("IsInternal(%v) = %v, want %v", tt.err, got, tt.internal)
		}
	}
	if msg := httperr.Message(errors.New("secret path /var/db")); msg != "Internal error." {
		t.Errorf("internal message leaked: %q", msg)
	}
}
