package runtime

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"slices"
	"strconv"

	"github.com/oauthgen/oauthgen/runtime/internal/jsonx"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The serialisation of ID tokens (OIDC Core §2) and the left-half hashes
// that bind them to the tokens returned alongside (OIDC Core §3.1.3.6).

// idTokenTyp is the JOSE typ of ID tokens. OIDC Core does not register an
// explicit type; "JWT" (RFC 7519 §5.1) is what relying parties expect, and
// it differs from the access token's "at+jwt", so neither passes for the
// other (RFC 8725 §3.11).
const idTokenTyp = "JWT"

// isUserClaim reports whether name is a member of UserClaims (OIDC Core
// §5.1): one of the claims the profile, email, address and phone scopes
// request (scopeClaims, OIDC Core §5.4).
func isUserClaim(name string) bool {
	for _, sc := range scopeClaims {
		if slices.Contains(sc.claims, name) {
			return true
		}
	}
	return false
}

// isRegisteredIDClaim reports whether name is a claim IDTokenClaims
// serialises itself, or one with a registered meaning an Extra entry must
// not fake (OIDC Core §2, §3.3.2.11, §5.1; RFC 7519 §4.1; RFC 7800 §3;
// Back-Channel Logout 1.0 §2.4).
func isRegisteredIDClaim(name string) bool {
	switch name {
	case "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "auth_time", "nonce", "acr", "amr", "azp",
		"sid", "at_hash", "c_hash", "s_hash", "cnf", "typ", "events", "client_id", "scope":
		return true
	}
	return isUserClaim(name)
}

// checkIDExtraClaims refuses an Extra claim that shadows a registered one;
// it is a procedure bug, so it becomes server_error.
func checkIDExtraClaims(what string, extra map[string]any) error {
	for name := range extra {
		if name == "" || isRegisteredIDClaim(name) {
			return oauth.ServerError("%s: Extra claim %q shadows a registered claim", what, name)
		}
	}
	return nil
}

// idJWTClaims serialises IDTokenClaims as the OIDC Core §2 claims set.
type idJWTClaims struct{ c *IDTokenClaims }

// appendJSON appends the claims set to dst: iss, sub, aud (a string when
// there is one audience, OIDC Core §2 allows it), exp, iat, auth_time, then
// nonce, acr, amr, azp, sid, at_hash and c_hash when set, the standard
// claims of User that are set, and Extra in name order, so that equal
// claims give equal tokens.
func (a idJWTClaims) appendJSON(dst []byte) ([]byte, error) {
	c := a.c
	dst = appendJWTHead(dst, c.Issuer, c.Subject, c.Audience, c.ExpiresAt, c.IssuedAt)
	if !c.AuthTime.IsZero() {
		dst = append(dst, `,"auth_time":`...)
		dst = strconv.AppendInt(dst, c.AuthTime.Unix(), 10)
	}
	for _, m := range [...]struct{ name, value string }{
		{"nonce", c.Nonce}, {"acr", c.ACR},
	} {
		if m.value != "" {
			dst = append(dst, `,"`+m.name+`":`...)
			dst = jsonx.AppendString(dst, m.value)
		}
	}
	if len(c.AMR) > 0 {
		dst = append(dst, `,"amr":`...)
		dst = jsonx.AppendStrings(dst, c.AMR)
	}
	for _, m := range [...]struct{ name, value string }{
		{"azp", c.AuthorizedParty}, {"sid", c.SessionID}, {"at_hash", c.AtHash}, {"c_hash", c.CHash},
	} {
		if m.value != "" {
			dst = append(dst, `,"`+m.name+`":`...)
			dst = jsonx.AppendString(dst, m.value)
		}
	}
	var err error
	if dst, err = appendUserClaims(dst, &c.User); err != nil {
		return nil, err
	}
	return jsonx.AppendMembers(dst, c.Extra)
}

// appendUserClaims appends the members of u that are set, each preceded by
// a comma, to an object being written in dst.
func appendUserClaims(dst []byte, u *UserClaims) ([]byte, error) {
	if *u == (UserClaims{}) {
		return dst, nil
	}
	b, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("encode standard claims: %w", err)
	}
	if len(b) <= 2 { // {}: every member empty
		return dst, nil
	}
	dst = append(dst, ',')
	return append(dst, b[1:len(b)-1]...), nil
}

// idTokenHashFunc returns the hash function of an ID token's JWS algorithm
// for at_hash, c_hash and s_hash (OIDC Core §3.1.3.6: "the hash algorithm
// used in the alg Header Parameter of the ID Token's JOSE Header"). RS256
// and ES256 use SHA-256. EdDSA names no hash of its own: with Ed25519, whose
// signature uses SHA-512 (RFC 8032 §5.1), SHA-512 is used, as the OpenID
// Foundation's errata discussion and common implementations (go-oidc among
// them) do.
func idTokenHashFunc(alg string) func() hash.Hash {
	switch alg {
	case oauth.AlgEdDSA:
		return sha512.New
	default: // RS256, ES256
		return sha256.New
	}
}

// leftHalfHash is base64url(left-most half of hash(ASCII value))
// (OIDC Core §3.1.3.6, §3.3.2.11).
func leftHalfHash(alg, value string) string {
	h := idTokenHashFunc(alg)()
	h.Write([]byte(value))
	sum := h.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}
