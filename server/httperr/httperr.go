// Package httperr maps application errors to HTTP statuses, in exactly one
// place, for the JSON API and the web pages alike.
package httperr

import (
	"context"
	"errors"
	"net/http"

	"github.com/debrief-oss/debrief"
)

var statuses = map[string]int{
	debrief.EINVALID:  http.StatusBadRequest,
	debrief.ENOTFOUND: http.StatusNotFound,
	debrief.ECONFLICT: http.StatusConflict,
	debrief.ETOOLARGE: http.StatusRequestEntityTooLarge,
	debrief.EINTERNAL: http.StatusInternalServerError,
	// Not signed in or bad credentials; signed in but not allowed; too
	// many attempts (login rate limit).
	debrief.EUNAUTHORIZED: http.StatusUnauthorized,
	debrief.EFORBIDDEN:    http.StatusForbidden,
	debrief.ETOOMANY:      http.StatusTooManyRequests,
}

// StatusClientClosed is the status logged when the client went away before
// the answer was ready (nginx's 499): nobody reads it, and it is no fault of
// the server's.
const StatusClientClosed = 499

// Status returns the HTTP status for err.
func Status(err error) int {
	if errors.Is(err, context.Canceled) {
		return StatusClientClosed
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge
	}
	if s, ok := statuses[debrief.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// IsInternal reports whether err is the server's fault, and so worth logging;
// errors caused by the request are the caller's to fix and are not logged.
func IsInternal(err error) bool { return Status(err) >= 500 }

// Message returns what the client may be told about err: the error's own
// message, or a generic one for internal errors, whose details stay in the
// server's log.
func Message(err error) string {
	if Status(err) == StatusClientClosed {
		return "The request was cancelled."
	}
	return debrief.ErrorMessage(err)
}
