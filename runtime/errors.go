package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// ErrorCode is an OAuth 2.0 error code (RFC 6749 §4.1.2.1, §5.2 and the
// extensions listed in flows.md §4.3). Procedures never write codes as free
// strings: they use the generated per-flow constructors on c.Errors.
type ErrorCode string

// The error codes of the token endpoint and the endpoints built so far.
const (
	ErrInvalidRequest       ErrorCode = "invalid_request"        // RFC 6749 §5.2
	ErrInvalidClient        ErrorCode = "invalid_client"         // RFC 6749 §5.2
	ErrInvalidGrant         ErrorCode = "invalid_grant"          // RFC 6749 §5.2
	ErrUnauthorizedClient   ErrorCode = "unauthorized_client"    // RFC 6749 §5.2
	ErrUnsupportedGrantType ErrorCode = "unsupported_grant_type" // RFC 6749 §5.2
	ErrInvalidScope         ErrorCode = "invalid_scope"          // RFC 6749 §5.2
	ErrInvalidTarget        ErrorCode = "invalid_target"         // RFC 8707 §2
	ErrAccessDenied         ErrorCode = "access_denied"          // RFC 6749 §4.1.2.1
	ErrServerError          ErrorCode = "server_error"           // RFC 6749 §4.1.2.1
	ErrTemporarilyUnavail   ErrorCode = "temporarily_unavailable"
	ErrAuthorizationPending ErrorCode = "authorization_pending" // RFC 8628 §3.5
	ErrSlowDown             ErrorCode = "slow_down"             // RFC 8628 §3.5
	ErrExpiredToken         ErrorCode = "expired_token"         // RFC 8628 §3.5
	ErrInvalidToken         ErrorCode = "invalid_token"         // RFC 6750 §3.1
	ErrInsufficientScope    ErrorCode = "insufficient_scope"    // RFC 6750 §3.1

	// The errors of the authorization endpoint, returned to the redirect URI.
	ErrUnsupportedResponseType  ErrorCode = "unsupported_response_type"  // RFC 6749 §4.1.2.1
	ErrLoginRequired            ErrorCode = "login_required"             // OIDC Core §3.1.2.6
	ErrConsentRequired          ErrorCode = "consent_required"           // OIDC Core §3.1.2.6
	ErrInteractionRequired      ErrorCode = "interaction_required"       // OIDC Core §3.1.2.6
	ErrAccountSelectionRequired ErrorCode = "account_selection_required" // OIDC Core §3.1.2.6
)

// Status returns the HTTP status of the code at the token endpoint
// (flows.md §4.3). invalid_client is 400 here; the endpoint turns it into 401
// when the client used the Authorization header (RFC 6749 §5.2).
func (c ErrorCode) Status() int {
	switch c {
	case ErrServerError:
		return http.StatusInternalServerError
	case ErrTemporarilyUnavail:
		return http.StatusServiceUnavailable
	case ErrInvalidToken:
		return http.StatusUnauthorized
	case ErrInsufficientScope:
		return http.StatusForbidden
	default:
		return http.StatusBadRequest
	}
}

// LogLevel is the level at which the runtime logs an error of this code:
// server_error at Error, client mistakes at Debug (conventions R-02).
func (c ErrorCode) LogLevel() slog.Level {
	switch c {
	case ErrServerError, ErrTemporarilyUnavail:
		return slog.LevelError
	case ErrInvalidClient:
		return slog.LevelInfo
	default:
		return slog.LevelDebug
	}
}

// Error is an OAuth error response. Values are immutable: the With methods
// return copies (conventions R-02). The cause is logged, never serialised.
type Error struct {
	// Code is the "error" member.
	Code ErrorCode
	// Description is the "error_description" member, restricted to the
	// characters RFC 6749 §5.2 allows; others are replaced when written.
	Description string
	// URI is the "error_uri" member.
	URI   string
	cause error
}

// NewError returns an error with the given code and description.
func NewError(code ErrorCode, description string) *Error {
	return &Error{Code: code, Description: description}
}

// Error implements error. It never includes the cause's secrets: the cause is
// only reachable through Unwrap.
func (e *Error) Error() string {
	if e.Description == "" {
		return string(e.Code)
	}
	return string(e.Code) + ": " + e.Description
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.cause }

// WithCause returns a copy of e carrying an internal cause that is logged and
// never sent to the client.
func (e *Error) WithCause(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// WithDescription returns a copy of e with another description.
func (e *Error) WithDescription(d string) *Error {
	c := *e
	c.Description = d
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

// endpointFailure is the error path every endpoint shares (flows.md §4.2).
// err becomes an *Error (AsError); a code the endpoint cannot answer with
// (allowed reports false) becomes server_error, err kept as its cause. The
// error is logged at its code's level (conventions R-02) as "<endpoint>
// request failed", with its description and cause. The result is what may
// be sent: a server_error loses its detail, which stays in the log
// (security.md S-76).
func endpointFailure(ctx context.Context, log *slog.Logger, endpoint string, allowed func(ErrorCode) bool, err error) *Error {
	e := AsError(err)
	if !allowed(e.Code) {
		e = NewError(ErrServerError, "").WithCause(fmt.Errorf("error code %q is not one the %s endpoint answers with: %w", e.Code, endpoint, err))
	}
	if level := e.Code.LogLevel(); log.Enabled(ctx, level) {
		attrs := []slog.Attr{slog.String("error", string(e.Code))}
		if e.Description != "" {
			attrs = append(attrs, slog.String("error_description", e.Description))
		}
		if c := e.Unwrap(); c != nil {
			attrs = append(attrs, slog.String("cause", c.Error()))
		}
		log.LogAttrs(ctx, level, endpoint+" request failed", attrs...)
	}
	if e.Code == ErrServerError {
		e = NewError(ErrServerError, "")
	}
	return e
}

// sanitizeErrorText replaces characters outside %x20-21 / %x23-5B / %x5D-7E
// (RFC 6749 §5.2) with '?'.
func sanitizeErrorText(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if !errorTextChar(s[i]) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if errorTextChar(s[i]) {
			b.WriteByte(s[i])
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}

func errorTextChar(c byte) bool {
	return c == 0x20 || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e)
}
