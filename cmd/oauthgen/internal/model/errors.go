package model

import (
	"fmt"

	"github.com/oauthgen/oauthgen/spec"
)

// errorCodes are the error codes flowkit has a constructor type for, with
// the section that defines each.
var errorCodes = map[string]string{
	"invalid_request":         "RFC 6749 §5.2",
	"invalid_client":          "RFC 6749 §5.2",
	"invalid_grant":           "RFC 6749 §5.2",
	"unauthorized_client":     "RFC 6749 §5.2",
	"unsupported_grant_type":  "RFC 6749 §5.2",
	"invalid_scope":           "RFC 6749 §5.2",
	"invalid_target":          "RFC 8707 §2",
	"access_denied":           "RFC 6749 §4.1.2.1",
	"server_error":            "RFC 6749 §4.1.2.1",
	"temporarily_unavailable": "RFC 6749 §4.1.2.1",
	"authorization_pending":   "RFC 8628 §3.5",
	"slow_down":               "RFC 8628 §3.5",
	"expired_token":           "RFC 8628 §3.5",
	"invalid_token":           "RFC 6750 §3.1",
	"insufficient_scope":      "RFC 6750 §3.1",
	"unsupported_token_type":  "RFC 7009 §2.2.1",

	"unsupported_response_type":  "RFC 6749 §4.1.2.1",
	"login_required":             "OIDC Core §3.1.2.6",
	"consent_required":           "OIDC Core §3.1.2.6",
	"interaction_required":       "OIDC Core §3.1.2.6",
	"account_selection_required": "OIDC Core §3.1.2.6",
}

// extensionGrantErrors are the error codes of an extension grant: the token
// endpoint's common set (RFC 6749 §5.2, RFC 8707 §2).
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
	ref, ok := errorCodes[code]
	if !ok {
		return ErrorCode{}, fmt.Errorf("error code %q has no constructor in the runtime", code)
	}
	m := spec.GoName(code)
	return ErrorCode{Code: code, Method: m, Type: fk(m + "Code"), Spec: ref}, nil
}
