package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/server/httperr"
)

// genericMessage is all a client learns of an internal error: the details
// are for the log, where an operator can read them, not for whoever sent the
// request.
const genericMessage = "Internal error: the server could not answer. It has been logged; try again later."

// list is the envelope every list answers in. Total counts every item the
// filter matches, not only this page's, so a client can page.
type list[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

func newList[T any](items []T, total, offset, limit int) list[T] {
	if items == nil {
		items = []T{} // "items": [] rather than null: a client can always range over it
	}
	return list[T]{Items: items, Total: total, Offset: offset, Limit: limit}
}

// errorBody is the shape of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
	// Current is the object as stored now, sent with a conflict so that a
	// client whose write was refused can merge its change into it without
	// another round trip.
	Current any `json:"current,omitempty"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// conflictError is a conflict with the current state of the object attached.
type conflictError struct {
	err     error
	current any
}

func (e *conflictError) Error() string { return e.err.Error() }
func (e *conflictError) Unwrap() error { return e.err }

// withCurrent attaches the current object to err when err is a conflict and
// the object can be read; otherwise it returns err as it is.
func withCurrent[T any](err error, find func() (T, error)) error {
	if debrief.ErrorCode(err) != debrief.ECONFLICT {
		return err
	}
	cur, ferr := find()
	if ferr != nil {
		return err
	}
	return &conflictError{err: err, current: cur}
}

// serve adapts a handlerFunc to http.Handler: it writes any returned error
// as JSON, logs the internal ones, and turns a panic into an internal error
// so that a bug answers 500 in the API's shape instead of a dropped
// connection.
func (h *Handler) serve(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v) // the server's own way to abort a response
				}
				h.writeError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if err := fn(w, r); err != nil {
			h.writeError(w, r, err)
		}
	})
}

// writeJSON answers v as JSON with status. The body is encoded before the
// header is written, so an encoding failure can still become a 500.
func (h *Handler) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		h.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(buf.Bytes()) // a failed write is the client gone; nothing to tell it
}

// writeError answers err in the API's error shape, with the status
// httperr.Status gives. Only internal errors are logged: the others are the
// caller's to fix, and logging them would let any client fill the log.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := httperr.Status(err)
	body := errorBody{Error: errorDetail{
		Code:    debrief.ErrorCode(err),
		Message: httperr.Message(err),
		Field:   debrief.ErrorField(err),
	}}
	var mna methodNotAllowed
	var ce *conflictError
	switch {
	case errors.As(err, &mna):
		status = http.StatusMethodNotAllowed
		body.Error = errorDetail{Code: debrief.EINVALID, Message: mna.Error()}
	case httperr.IsInternal(err):
		h.logger.ErrorContext(r.Context(), "api: internal error",
			"method", r.Method, "path", r.URL.Path, "error", err)
		body.Error = errorDetail{Code: debrief.EINTERNAL, Message: genericMessage}
	case errors.As(err, &ce):
		body.Current = ce.current
	}
	buf, merr := json.Marshal(body)
	if merr != nil {
		// Only Current can fail to encode, and it is a courtesy: drop it.
		body.Current = nil
		buf, _ = json.Marshal(body)
	}
	hdr := w.Header()
	hdr.Del("Content-Disposition") // an error is never the attachment a handler began
	hdr.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(buf, '\n'))
}
