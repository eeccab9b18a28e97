package oauth

import (
	"errors"
	"fmt"
	"strings"
)

// Error is an OAuth error response: the "error", "error_description" and
// "error_uri" members (RFC 6749 §4.1.2.1, §5.2). Values are immutable: the
// With methods return copies. The cause is logged, never sent to the
// client.
type Error struct {
	// Code is the "error" member.
	Code ErrorCode
	// Description is the "error_description" member. Characters RFC 6749
	// §5.2 does not allow there are replaced when it is written (SafeText).
	Description string
	// URI is the "error_uri" member.
	URI   string
	cause error
}

// NewError returns an error with the code and description.
func NewError(code ErrorCode, description string) *Error {
	return &Error{Code: code, Description: description}
}

// Error implements error. It never includes the cause, which may hold
// secrets: the cause is reachable only through Unwrap.
func (e *Error) Error() string {
	if e.Description == "" {
		return string(e.Code)
	}
	return string(e.Code) + ": " + e.Description
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.cause }

// WithCause returns a copy of e carrying an internal cause, logged and
// never sent to the client.
func (e *Error) WithCause(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// AsError returns err as an *Error: itself when it is one (anywhere in its
// chain), otherwise server_error carrying err as its cause.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: ErrServerError, cause: err}
}

// ServerError returns a server_error whose cause is the formatted message:
// a fault of the server, or of a procedure's use of the runtime, that the
// client sees only as server_error while the log tells what happened.
func ServerError(format string, args ...any) *Error {
	return &Error{Code: ErrServerError, cause: fmt.Errorf(format, args...)}
}

// SafeText replaces the characters that error_description and error_uri
// may not contain, anything outside %x20-21 / %x23-5B / %x5D-7E (RFC 6749
// §5.2), with '?'.
func SafeText(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if !safeTextChar(s[i]) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if safeTextChar(s[i]) {
			b.WriteByte(s[i])
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}

func safeTextChar(c byte) bool {
	return c == 0x20 || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e)
}
