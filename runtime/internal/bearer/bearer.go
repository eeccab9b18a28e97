// Package bearer finds the access token a request to a protected resource
// presents (RFC 6750 §2).
package bearer

import (
	"net/http"
	"strings"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// FromRequest returns the access token of a request: from
// "Authorization: Bearer" (RFC 6750 §2.1) or, in a POST with a form body,
// the access_token parameter (RFC 6750 §2.2), the body read within limit.
// The URI query method (RFC 6750 §2.3) is refused, as is a token sent two
// ways (RFC 6750 §2: "Clients MUST NOT use more than one method"); both
// are invalid_request (RFC 6750 §3.1). "" without error means no token was
// sent.
func FromRequest(w http.ResponseWriter, r *http.Request, limit int64) (string, *oauth.Error) {
	if r.URL.RawQuery != "" && form.QueryHasParam(r.URL.RawQuery, "access_token") {
		return "", oauth.NewError(oauth.ErrInvalidRequest, "the access token must not be sent in the URL")
	}
	var fromHeader string
	switch auth := r.Header.Values("Authorization"); len(auth) {
	case 0:
	case 1:
		scheme, cred, _ := strings.Cut(auth[0], " ")
		if !strings.EqualFold(scheme, "Bearer") {
			break // another scheme carries no bearer token (RFC 9110 §11.1: schemes are case-insensitive)
		}
		cred = strings.TrimLeft(cred, " ")
		if !isB64Token(cred) {
			return "", oauth.NewError(oauth.ErrInvalidRequest, "malformed bearer token")
		}
		fromHeader = cred
	default:
		return "", oauth.NewError(oauth.ErrInvalidRequest, "the Authorization header is repeated")
	}
	var fromForm string
	if r.Method == http.MethodPost && form.IsFormContentType(r.Header.Get("Content-Type")) {
		body, e := form.ReadBody(w, r, limit)
		if e != nil {
			return "", e
		}
		params, e := form.Parse(body)
		if e != nil {
			return "", e
		}
		fromForm = params.Get("access_token")
	}
	if fromHeader != "" && fromForm != "" {
		return "", oauth.NewError(oauth.ErrInvalidRequest, "the access token was sent in more than one way")
	}
	if fromHeader != "" {
		return fromHeader, nil
	}
	return fromForm, nil
}

// isB64Token reports whether s is an RFC 6750 §2.1 b64token:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}
