package runtime

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/golang-jwt/jwt/v5"
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
			return issuerFault("access token: Extra claim %q shadows a registered claim", name)
		}
	}
	return nil
}

// accessJWTClaims serialises AccessTokenClaims as the RFC 9068 §2.2 claims set
// without reflection. It implements jwt.Claims so it can also go through
// SigningKey.Sign.
type accessJWTClaims struct{ c *AccessTokenClaims }

// MarshalJSON implements json.Marshaler.
func (a accessJWTClaims) MarshalJSON() ([]byte, error) { return a.appendJSON(nil) }

// appendJSON appends the claims set to dst: iss, sub, aud (a string when
// there is one audience, RFC 7519 §4.1.3), exp, iat, jti, client_id, scope
// (one space-separated string, RFC 9068 §2.2.3, omitted when empty),
// auth_time, acr and amr when set (RFC 9068 §2.2.1), then Extra in name
// order so that equal claims give equal tokens.
func (a accessJWTClaims) appendJSON(dst []byte) ([]byte, error) {
	c := a.c
	dst = append(dst, `{"iss":`...)
	dst = jwtAppendString(dst, c.Issuer)
	dst = append(dst, `,"sub":`...)
	dst = jwtAppendString(dst, c.Subject)
	dst = append(dst, `,"aud":`...)
	if len(c.Audience) == 1 {
		dst = jwtAppendString(dst, c.Audience[0])
	} else {
		dst = jwtAppendStrings(dst, c.Audience)
	}
	dst = append(dst, `,"exp":`...)
	dst = strconv.AppendInt(dst, c.ExpiresAt.Unix(), 10)
	dst = append(dst, `,"iat":`...)
	dst = strconv.AppendInt(dst, c.IssuedAt.Unix(), 10)
	dst = append(dst, `,"jti":`...)
	dst = jwtAppendString(dst, c.JTI)
	dst = append(dst, `,"client_id":`...)
	dst = jwtAppendString(dst, c.ClientID)
	if len(c.Scope) > 0 {
		dst = append(dst, `,"scope":"`...)
		for i, s := range c.Scope {
			if i > 0 {
				dst = append(dst, ' ')
			}
			dst = appendJSONStringBody(dst, s)
		}
		dst = append(dst, '"')
	}
	if !c.AuthTime.IsZero() {
		dst = append(dst, `,"auth_time":`...)
		dst = strconv.AppendInt(dst, c.AuthTime.Unix(), 10)
	}
	if c.ACR != "" {
		dst = append(dst, `,"acr":`...)
		dst = jwtAppendString(dst, c.ACR)
	}
	if len(c.AMR) > 0 {
		dst = append(dst, `,"amr":`...)
		dst = jwtAppendStrings(dst, c.AMR)
	}
	if len(c.Extra) > 0 {
		names := make([]string, 0, len(c.Extra))
		for name := range c.Extra {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			v, err := json.Marshal(c.Extra[name])
			if err != nil {
				return nil, fmt.Errorf("encode claim %q: %w", name, err)
			}
			dst = append(dst, ',')
			dst = jwtAppendString(dst, name)
			dst = append(dst, ':')
			dst = append(dst, v...)
		}
	}
	return append(dst, '}'), nil
}

// GetExpirationTime implements jwt.Claims.
func (a accessJWTClaims) GetExpirationTime() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(a.c.ExpiresAt), nil
}

// GetIssuedAt implements jwt.Claims.
func (a accessJWTClaims) GetIssuedAt() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(a.c.IssuedAt), nil
}

// GetNotBefore implements jwt.Claims; access tokens carry no nbf.
func (a accessJWTClaims) GetNotBefore() (*jwt.NumericDate, error) { return nil, nil }

// GetIssuer implements jwt.Claims.
func (a accessJWTClaims) GetIssuer() (string, error) { return a.c.Issuer, nil }

// GetSubject implements jwt.Claims.
func (a accessJWTClaims) GetSubject() (string, error) { return a.c.Subject, nil }

// GetAudience implements jwt.Claims.
func (a accessJWTClaims) GetAudience() (jwt.ClaimStrings, error) {
	return jwt.ClaimStrings(a.c.Audience), nil
}

// jwtAppendStrings appends ss as a JSON array of strings.
func jwtAppendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jwtAppendString(dst, s)
	}
	return append(dst, ']')
}

// jwtAppendString appends s as a JSON string (RFC 8259 §7).
func jwtAppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendJSONStringBody(dst, s)
	return append(dst, '"')
}
