package oauth

import (
	"log/slog"
	"net/http"
)

// ErrorCode is an OAuth 2.0 error code. Procedures never write codes as
// free strings: the generated c.Errors constructors name exactly the codes
// a flow may return.
type ErrorCode string

// The error codes the runtime answers with.
const (
	ErrInvalidRequest       ErrorCode = "invalid_request"         // RFC 6749 §5.2
	ErrInvalidClient        ErrorCode = "invalid_client"          // RFC 6749 §5.2
	ErrInvalidGrant         ErrorCode = "invalid_grant"           // RFC 6749 §5.2
	ErrUnauthorizedClient   ErrorCode = "unauthorized_client"     // RFC 6749 §5.2
	ErrUnsupportedGrantType ErrorCode = "unsupported_grant_type"  // RFC 6749 §5.2
	ErrInvalidScope         ErrorCode = "invalid_scope"           // RFC 6749 §5.2
	ErrInvalidTarget        ErrorCode = "invalid_target"          // RFC 8707 §2
	ErrAccessDenied         ErrorCode = "access_denied"           // RFC 6749 §4.1.2.1
	ErrServerError          ErrorCode = "server_error"            // RFC 6749 §4.1.2.1
	ErrTemporarilyUnavail   ErrorCode = "temporarily_unavailable" // RFC 6749 §4.1.2.1
	ErrAuthorizationPending ErrorCode = "authorization_pending"   // RFC 8628 §3.5
	ErrSlowDown             ErrorCode = "slow_down"               // RFC 8628 §3.5
	ErrExpiredToken         ErrorCode = "expired_token"           // RFC 8628 §3.5
	ErrInvalidToken         ErrorCode = "invalid_token"           // RFC 6750 §3.1
	ErrInsufficientScope    ErrorCode = "insufficient_scope"      // RFC 6750 §3.1
	ErrUnsupportedTokenType ErrorCode = "unsupported_token_type"  // RFC 7009 §2.2.1
	ErrInvalidDPoPProof     ErrorCode = "invalid_dpop_proof"      // RFC 9449 §5
	ErrUseDPoPNonce         ErrorCode = "use_dpop_nonce"          // RFC 9449 §8

	// The errors of the authorization endpoint, returned to the redirect URI.
	ErrUnsupportedResponseType  ErrorCode = "unsupported_response_type"  // RFC 6749 §4.1.2.1
	ErrLoginRequired            ErrorCode = "login_required"             // OIDC Core §3.1.2.6
	ErrConsentRequired          ErrorCode = "consent_required"           // OIDC Core §3.1.2.6
	ErrInteractionRequired      ErrorCode = "interaction_required"       // OIDC Core §3.1.2.6
	ErrAccountSelectionRequired ErrorCode = "account_selection_required" // OIDC Core §3.1.2.6
	ErrRequestNotSupported      ErrorCode = "request_not_supported"      // OIDC Core §3.1.2.6
	ErrRequestURINotSupported   ErrorCode = "request_uri_not_supported"  // OIDC Core §3.1.2.6
)

// Status returns the HTTP status of an error with the code in a JSON
// response: 500 for server_error, 503 for temporarily_unavailable, 401 for
// invalid_token and 403 for insufficient_scope (RFC 6750 §3.1), 400 for the
// others. invalid_client is 400 here; an endpoint answers 401 where RFC
// 6749 §5.2 or RFC 7662 §2.3 asks for it.
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

// LogLevel is the level at which the runtime logs an error of the code:
// server faults at Error, failed client authentication at Info, other
// client mistakes at Debug.
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
