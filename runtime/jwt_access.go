package runtime

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/jsonx"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// accessTokenTyp is the JOSE typ of JWT access tokens (RFC 9068 §2.1).
const accessTokenTyp = "at+jwt"

// isRegisteredAccessClaim reports whether name is a claim AccessTokenClaims
// serialises itself or one with a registered meaning an Extra entry must not
// fake (RFC 7519 §4.1, RFC 9068 §2.2, RFC 8693 §4, RFC 7800 §3).
func isRegisteredAccessClaim(name string) bool {
	switch name {
	case "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope",
		"auth_time", "acr", "amr", "cnf", "act", "typ":
		return true
	}
	return false
}

// checkExtraClaims refuses an Extra claim that shadows a registered one; it
// is a procedure bug, so it becomes server_error.
func checkExtraClaims(extra map[string]any) error {
	for name := range extra {
		if name == "" || isRegisteredAccessClaim(name) {
			return oauth.ServerError("access token: Extra claim %q shadows a registered claim", name)
		}
	}
	return nil
}

// accessJWTClaims serialises AccessTokenClaims as the RFC 9068 §2.2 claims set
// without reflection.
type accessJWTClaims struct{ c *AccessTokenClaims }

// appendJSON appends the claims set to dst: the head of appendJWTHead, jti,
// client_id, scope (one space-separated string, RFC 9068 §2.2.3, omitted
// when empty), auth_time, acr and amr when set (RFC 9068 §2.2.1), act when
// set (RFC 8693 §4.1), then Extra
// in name order so that equal claims give equal tokens.
func (a accessJWTClaims) appendJSON(dst []byte) ([]byte, error) {
	c := a.c
	dst = appendJWTHead(dst, c.Issuer, c.Subject, c.Audience, c.ExpiresAt, c.IssuedAt)
	dst = append(dst, `,"jti":`...)
	dst = jsonx.AppendString(dst, c.JTI)
	dst = append(dst, `,"client_id":`...)
	dst = jsonx.AppendString(dst, c.ClientID)
	if len(c.Scope) > 0 {
		dst = append(dst, `,"scope":`...)
		dst = jsonx.AppendJoined(dst, c.Scope)
	}
	if !c.AuthTime.IsZero() {
		dst = append(dst, `,"auth_time":`...)
		dst = strconv.AppendInt(dst, c.AuthTime.Unix(), 10)
	}
	if c.ACR != "" {
		dst = append(dst, `,"acr":`...)
		dst = jsonx.AppendString(dst, c.ACR)
	}
	if len(c.AMR) > 0 {
		dst = append(dst, `,"amr":`...)
		dst = jsonx.AppendStrings(dst, c.AMR)
	}
	if c.Act != nil {
		act, err := json.Marshal(c.Act)
		if err != nil {
			return nil, err
		}
		dst = append(dst, `,"act":`...)
		dst = append(dst, act...)
	}
	return jsonx.AppendMembers(dst, c.Extra)
}

// appendJWTHead opens a JWT claims set with the members access tokens and
// ID tokens both start with: iss, sub, aud (a string when there is one
// audience, RFC 7519 §4.1.3; OIDC Core §2), exp and iat.
func appendJWTHead(dst []byte, iss, sub string, aud []string, exp, iat time.Time) []byte {
	dst = append(dst, `{"iss":`...)
	dst = jsonx.AppendString(dst, iss)
	dst = append(dst, `,"sub":`...)
	dst = jsonx.AppendString(dst, sub)
	dst = append(dst, `,"aud":`...)
	if len(aud) == 1 {
		dst = jsonx.AppendString(dst, aud[0])
	} else {
		dst = jsonx.AppendStrings(dst, aud)
	}
	dst = append(dst, `,"exp":`...)
	dst = strconv.AppendInt(dst, exp.Unix(), 10)
	dst = append(dst, `,"iat":`...)
	return strconv.AppendInt(dst, iat.Unix(), 10)
}
