// Package httperr maps application errors to HTTP statuses, in exactly one
// place, for the JSON API and the web pages alike.
package httperr

import (
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
}

// Status returns the HTTP status for err.
func Status(err error) int {
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
