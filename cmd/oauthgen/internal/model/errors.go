package model

import (
	"fmt"

	"github.com/oauthgen/oauthgen/spec"
)

// errorCodeInfo is what the generator knows about an OAuth error code: its
// runtime constant and the section that defines it (flows.md §4.3).
type errorCodeInfo struct {
	Const string
	Spec  string
}

// errorCodes are the error codes the runtime defines a constant for.
var errorCodes = map[string]errorCodeInfo{
	"invalid_request":         {"ErrInvalidRequest", "RFC 6749 §5.2"},
	"invalid_client":          {"ErrInvalidClient", "RFC 6749 §5.2"},
	"invalid_grant":           {"ErrInvalidGrant", "RFC 6749 §5.2"},
	"unauthorized_client":     {"ErrUnauthorizedClient", "RFC 6749 §5.2"},
	"unsupported_grant_type":  {"ErrUnsupportedGrantType", "RFC 6749 §5.2"},
	"invalid_scope":           {"ErrInvalidScope", "RFC 6749 §5.2"},
	"invalid_target":          {"ErrInvalidTarget", "RFC 8707 §2"},
	"access_denied":           {"ErrAccessDenied", "RFC 6749 §4.1.2.1"},
	"server_error":            {"ErrServerError", "RFC 6749 §4.1.2.1"},
	"temporarily_unavailable": {"ErrTemporarilyUnavail", "RFC 6749 §4.1.2.1"},
	"authorization_pending":   {"ErrAuthorizationPending", "RFC 8628 §3.5"},
	"slow_down":               {"ErrSlowDown", "RFC 8628 §3.5"},
	"expired_token":           {"ErrExpiredToken", "RFC 8628 §3.5"},
	"invalid_token":           {"ErrInvalidToken", "RFC 6750 §3.1"},
	"insufficient_scope":      {"ErrInsufficientScope", "RFC 6750 §3.1"},

	"unsupported_response_type":  {"ErrUnsupportedResponseType", "RFC 6749 §4.1.2.1"},
	"login_required":             {"ErrLoginRequired", "OIDC Core §3.1.2.6"},
	"consent_required":           {"ErrConsentRequired", "OIDC Core §3.1.2.6"},
	"interaction_required":       {"ErrInteractionRequired", "OIDC Core §3.1.2.6"},
	"account_selection_required": {"ErrAccountSelectionRequired", "OIDC Core §3.1.2.6"},
}

// extensionGrantErrors are the error codes of an extension grant: the token
// endpoint's common set (flows.md §7.10).
var extensionGrantErrors = []string{
	"invalid_request",
	"invalid_client",
	"invalid_grant",
	"unauthorized_client",
	"invalid_scope",
	"invalid_target",
}

// errorCode resolves an error code of the catalogue.
func errorCode(code string) (ErrorCode, error) {
	info, ok := errorCodes[code]
	if !ok {
		return ErrorCode{}, fmt.Errorf("error code %q has no runtime constant", code)
	}
	return ErrorCode{Code: code, Method: spec.GoName(code), Const: info.Const, Spec: info.Spec}, nil
}
