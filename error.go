package debrief

import (
	"errors"
	"fmt"
)

// Error codes. Every error that crosses a package boundary carries one, so
// transports can map it to a status in exactly one place.
const (
	EINVALID  = "invalid"
	ENOTFOUND = "not_found"
	ECONFLICT = "conflict"
	EINTERNAL = "internal"
	ETOOLARGE = "too_large"
	// EUNAUTHORIZED: the caller is not signed in, or its credentials are
	// bad (401). EFORBIDDEN: signed in, and may see the thing, but not do
	// this to it (403). A caller who may not see a thing gets ENOTFOUND,
	// never a hint that it exists.
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	// ETOOMANY: too many attempts; try again later (429).
	ETOOMANY = "too_many_requests"
)

// Error is the application's error: a code for machines, a message for
// people, and the field it concerns when one input was at fault.
type Error struct {
	Code    string
	Message string
	// Field names the offending input, as the API spells it ("title",
	// "milestones.detected", "events[3].at").
	Field string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("debrief: %s: %s", e.Field, e.Message)
	}
	return fmt.Sprintf("debrief: %s", e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one input field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of an *Error, or a generic one so internal
// details never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the field an *Error names, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
