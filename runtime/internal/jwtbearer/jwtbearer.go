// Package jwtbearer verifies the assertion of a JWT bearer authorization
// grant (RFC 7523 §2.1, §3): a JWT a trusted issuer signed about an end
// user, which a client trades for that user's tokens. Which issuer signed
// it is read first, unverified (Peek), to choose the issuer's keys; the
// signature and every claim are then checked (Verify). Keeping the jti
// single-use is the caller's: it needs the store.
package jwtbearer

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/internal/jwkset"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Bounds of an assertion: its size; how far past the server's now its exp
// may be (its jti is kept that long); the clock skew allowed on exp, nbf
// and iat; the length of iss, sub and jti.
const (
	MaxBytes    = 16 << 10
	MaxLifetime = time.Hour
	Skew        = time.Minute
	MaxIDBytes  = 512
)

// Algs are the algorithms an assertion may be signed with: those of the
// public keys of jwkset (RFC 8725 §3.1, §3.2: no "none", no HMAC keyed with
// a public key).
var Algs = jwkset.Algs

// Failed is the answer to an assertion whose signature has not been
// verified: it says nothing of why, since its sender may not be the
// issuer (RFC 7521 §4.1.1; RFC 7523 §3.1).
func Failed() *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidGrant, "the assertion is not valid")
}

// invalid is the answer to an assertion its issuer signed that cannot be
// accepted (RFC 7523 §3.1).
func invalid(why string) *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidGrant, "invalid assertion: "+why)
}

// Peek returns, unverified, the iss claim of a compact JWS, so that the
// issuer's keys can be chosen. It checks only the form: three parts, a
// JSON object of claims, a string iss within MaxIDBytes.
func Peek(a string) (string, error) {
	if len(a) > MaxBytes {
		return "", errors.New("the assertion is too long")
	}
	parts := strings.Split(a, ".")
	if len(parts) != 3 {
		return "", errors.New("not a compact JWS")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", errors.New("the claims are not base64url")
	}
	var claims struct {
		Iss any `json:"iss"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil {
		return "", errors.New("the claims are not a JSON object")
	}
	iss, _ := claims.Iss.(string)
	switch {
	case iss == "":
		return "", errors.New("iss is missing or not a string")
	case len(iss) > MaxIDBytes:
		return "", errors.New("iss is too long")
	}
	return iss, nil
}

// Check is what Verify checks an assertion against.
type Check struct {
	// Issuer is the trusted issuer the assertion must name in iss.
	Issuer string
	// Audiences are the aud values accepted: the server's issuer, its
	// token endpoint URL, and those the trusted issuer's entry adds.
	Audiences []string
	// Now is the server's instant.
	Now time.Time
	// Keys returns the issuer's keys; refresh asks for a fresh copy after
	// an unknown kid (a jwks_uri set may have been rotated).
	Keys func(refresh bool) (*jwkset.Set, error)
}

// Claims is what a verified assertion says.
type Claims struct {
	Issuer    string
	Subject   string
	Audience  []string
	JTI       string
	ExpiresAt time.Time
	// IssuedAt and NotBefore are zero when the assertion has none.
	IssuedAt  time.Time
	NotBefore time.Time
	// Extra are the claims other than iss, sub, aud, exp, nbf, iat and jti.
	Extra map[string]any
}

// Verify verifies an assertion (RFC 7523 §3): signed by one of the
// issuer's keys with one of Algs, the key chosen by the header's kid among
// the issuer's keys only (never a jwk, jku, x5u or x5c of the header,
// RFC 8725 §3.10); no crit header; iss the issuer; sub present; aud
// containing one of chk.Audiences; exp present, not past and at most
// MaxLifetime ahead; nbf and iat, when present, not in the future; jti
// present. Skew applies to exp, nbf and iat.
//
// Until the signature is verified every failure is Failed(), its cause
// attached for the log; after it the error says what is wrong.
func Verify(a string, chk Check) (Claims, *oauth.Error) {
	if len(a) > MaxBytes {
		return Claims{}, Failed()
	}
	var mc jwt.MapClaims
	_, err := jwt.NewParser(
		jwt.WithValidMethods(Algs),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(chk.Issuer),
		jwt.WithLeeway(Skew),
		jwt.WithTimeFunc(func() time.Time { return chk.Now }),
	).ParseWithClaims(a, &mc, jwkset.KeyFunc(chk.Keys))
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenInvalidClaims):
		return Claims{}, invalid(jwkset.ClaimsProblem(err, "iss is not the trusted issuer"))
	default:
		return Claims{}, Failed().WithCause(err)
	}
	return claimsOf(mc, chk)
}

// claimsOf checks what the parser does not: sub, aud, the lifetime and
// jti; and returns the claims.
func claimsOf(mc jwt.MapClaims, chk Check) (Claims, *oauth.Error) {
	var c Claims
	c.Issuer = chk.Issuer
	sub, err := mc.GetSubject()
	if err != nil {
		return c, invalid("sub must be a string")
	}
	aud, err := mc.GetAudience()
	if err != nil {
		return c, invalid("aud must be a string or an array of strings")
	}
	exp, _ := mc.GetExpirationTime() // required and checked by the parser
	c.Subject, c.Audience, c.ExpiresAt = sub, aud, exp.Time
	if iat, _ := mc.GetIssuedAt(); iat != nil {
		c.IssuedAt = iat.Time
	}
	if nbf, _ := mc.GetNotBefore(); nbf != nil {
		c.NotBefore = nbf.Time
	}
	jti, ok := mc["jti"].(string)
	if _, present := mc["jti"]; present && !ok {
		return c, invalid("jti must be a string")
	}
	c.JTI = jti
	switch {
	case sub == "":
		return c, invalid("sub is required: the end user the grant is for (RFC 7523 §3)")
	case len(sub) > MaxIDBytes:
		return c, invalid("sub is too long")
	case !slices.ContainsFunc([]string(aud), func(a string) bool { return slices.Contains(chk.Audiences, a) }):
		return c, invalid("aud must be this server's issuer or its token endpoint URL (RFC 7523 §3)")
	case c.ExpiresAt.After(chk.Now.Add(MaxLifetime + Skew)):
		return c, invalid(fmt.Sprintf("exp is more than %v in the future", MaxLifetime))
	case jti == "":
		return c, invalid("jti is required: this server accepts each assertion once (RFC 7523 §3)")
	case len(jti) > MaxIDBytes:
		return c, invalid("jti is too long")
	}
	for k, v := range mc {
		switch k {
		case "iss", "sub", "aud", "exp", "nbf", "iat", "jti":
			continue
		}
		if c.Extra == nil {
			c.Extra = make(map[string]any)
		}
		c.Extra[k] = v
	}
	return c, nil
}
