package clientauth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/jwkset"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// AssertionType is the client_assertion_type of a JWT client assertion
// (RFC 7523 §2.2).
const AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// Bounds of a client assertion: its size; how far past the server's now
// its exp may be (a longer-lived assertion is a bearer credential in all
// but name, and its jti would have to be kept as long); the clock skew
// allowed on exp, nbf and iat.
const (
	MaxAssertionBytes    = 16 << 10
	MaxAssertionLifetime = 5 * time.Minute
	AssertionSkew        = time.Minute
)

// AssertionAlgs are the algorithms of private_key_jwt: those of public
// keys only (RFC 8725 §3.1, §3.2: no "none", no HMAC keyed with a public
// key).
var AssertionAlgs = jwkset.Algs

// SecretAlgs are the algorithms of client_secret_jwt: HMAC keyed with the
// octets of the client's secret (OIDC Core §9; RFC 7518 §3.2), and only
// for a client registered for it, so that no key serves two algorithm
// families (RFC 8725 §3.1).
var SecretAlgs = []string{"HS256", "HS384", "HS512"}

// MinSecretBytes is the shortest secret client_secret_jwt accepts: the
// size of HS256's hash output (RFC 7518 §3.2).
const MinSecretBytes = 32

// secretAlgBytes is the hash output size of each of SecretAlgs, the
// shortest key it may have (RFC 7518 §3.2).
var secretAlgBytes = map[string]int{"HS256": 32, "HS384": 48, "HS512": 64}

// SecretAlgsFor are the algorithms of SecretAlgs a secret of n octets may
// key: those whose hash output is no longer than the key (RFC 7518 §3.2:
// a key of the size of the hash output or larger MUST be used).
func SecretAlgsFor(n int) []string {
	var algs []string
	for _, alg := range SecretAlgs {
		if n >= secretAlgBytes[alg] {
			algs = append(algs, alg)
		}
	}
	return algs
}

// assertionCredentials reads a JWT client assertion (RFC 7521 §4.2,
// RFC 7523 §2.2, §3): both parameters, the assertion type of RFC 7523,
// and the client it names in sub, which iss must repeat. The signature
// and the other claims are checked once the client is known
// (VerifyAssertion). The method is private_key_jwt until then: the
// client's registration says whether it is client_secret_jwt.
func assertionCredentials(p form.Params, bodyID string) (Credentials, *oauth.Error) {
	c := Credentials{Method: oauth.AuthPrivateKeyJWT}
	typ, a := p.Get("client_assertion_type"), p.Get("client_assertion")
	switch {
	case typ == "" || a == "":
		return c, oauth.NewError(oauth.ErrInvalidRequest, "client_assertion and client_assertion_type must be sent together")
	case typ != AssertionType:
		return c, oauth.NewError(oauth.ErrInvalidClient, "unsupported client_assertion_type (want "+AssertionType+")")
	case len(a) > MaxAssertionBytes:
		return c, oauth.NewError(oauth.ErrInvalidRequest, "the client_assertion is too long")
	}
	sub, err := PeekAssertion(a)
	if err != nil {
		return c, oauth.NewError(oauth.ErrInvalidClient, "malformed client_assertion: "+err.Error())
	}
	if bodyID != "" && bodyID != sub {
		return c, oauth.NewError(oauth.ErrInvalidRequest, "client_id differs from the client_assertion's sub")
	}
	c.ID, c.Assertion = sub, a
	return c, nil
}

// PeekAssertion reads, without verifying anything, the client a JWT
// client assertion names: its sub, which its iss must equal (RFC 7523
// §3), within MaxIDBytes. Whether the client signed it is for
// VerifyAssertion to say.
func PeekAssertion(a string) (string, error) {
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
		Sub any `json:"sub"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil {
		return "", errors.New("the claims are not a JSON object")
	}
	iss, _ := claims.Iss.(string)
	sub, _ := claims.Sub.(string)
	switch {
	case sub == "":
		return "", errors.New("sub must be the client_id")
	case iss != sub:
		return "", errors.New("iss must equal sub, the client_id")
	case len(sub) > MaxIDBytes:
		return "", errors.New("sub is too long")
	}
	return sub, nil
}

// AssertionCheck is what VerifyAssertion checks an assertion against.
type AssertionCheck struct {
	// ClientID is the client the assertion must be issued by and about.
	ClientID string
	// Audiences are the aud values the server accepts: its issuer and the
	// URLs of its endpoints the assertion may be presented to.
	Audiences []string
	// Alg, when set, is the one algorithm the client registered
	// (token_endpoint_auth_signing_alg); otherwise any of AssertionAlgs,
	// or of SecretAlgsFor the Secret's length.
	Alg string
	// Now is the server's instant.
	Now time.Time
	// Keys returns the keys of a private_key_jwt client; refresh asks for
	// a fresh copy after an unknown kid (a jwks_uri set may have been
	// rotated).
	Keys func(refresh bool) (*jwkset.Set, error)
	// Secret, set for a client_secret_jwt client (and only then), is the
	// HMAC key: the octets of its client secret (OIDC Core §9). Keys is
	// then unused, and only HMAC algorithms verify.
	Secret []byte
}

// Assertion is what a verified assertion says: its jti, to be used once,
// and its exp, until when the jti must be remembered.
type Assertion struct {
	JTI string
	Exp time.Time
}

// VerifyAssertion verifies a JWT client assertion (RFC 7523 §3; OIDC Core
// §9): for private_key_jwt, signed by one of the client's keys with one
// of AssertionAlgs, the key chosen by the header's kid among the client's
// keys only (never a jwk, jku, x5u or x5c of the header, RFC 8725 §3.10);
// for client_secret_jwt, MACed with the client's secret by one of
// SecretAlgs (compared in constant time); never "none"; no crit header;
// iss and sub the client; aud containing one of chk.Audiences; exp
// present and at most MaxAssertionLifetime past now; nbf and iat not in
// the future; jti present. Skew applies to exp, nbf and iat.
//
// Until the signature is verified every failure is Failed(), so that an
// assertion that is not the client's learns nothing; after it, the error
// says what is wrong. The caller must still refuse a jti already used.
func VerifyAssertion(a string, chk AssertionCheck) (Assertion, *oauth.Error) {
	algs, keyFunc := AssertionAlgs, jwkset.KeyFunc(chk.Keys)
	if chk.Secret != nil {
		algs, keyFunc = SecretAlgsFor(len(chk.Secret)), secretKeyFunc(chk.Secret)
	}
	if len(algs) == 0 { // a nil list would let the parser take any algorithm
		return Assertion{}, Failed().WithCause(errors.New("the client's secret is too short for HMAC (RFC 7518 §3.2)"))
	}
	if chk.Alg != "" {
		if !slices.Contains(algs, chk.Alg) {
			return Assertion{}, Failed().WithCause(fmt.Errorf("the client's algorithm %s cannot verify its assertions", chk.Alg))
		}
		algs = []string{chk.Alg}
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.NewParser(
		jwt.WithValidMethods(algs),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(chk.ClientID),
		jwt.WithSubject(chk.ClientID),
		jwt.WithLeeway(AssertionSkew),
		jwt.WithTimeFunc(func() time.Time { return chk.Now }),
	).ParseWithClaims(a, &claims, keyFunc)
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenInvalidClaims):
		return Assertion{}, invalidAssertion(jwkset.ClaimsProblem(err, "iss and sub must be the client_id (RFC 7523 §3)"))
	default:
		return Assertion{}, Failed().WithCause(err) // for the log only
	}
	exp := claims.ExpiresAt.Time
	switch {
	case exp.After(chk.Now.Add(MaxAssertionLifetime)):
		return Assertion{}, invalidAssertion(fmt.Sprintf("exp is more than %v in the future", MaxAssertionLifetime))
	case claims.ID == "":
		return Assertion{}, invalidAssertion("jti is required (RFC 7523 §3)")
	case len(claims.ID) > MaxIDBytes:
		return Assertion{}, invalidAssertion("jti is too long")
	case !slices.ContainsFunc(claims.Audience, func(aud string) bool { return slices.Contains(chk.Audiences, aud) }):
		return Assertion{}, invalidAssertion("aud must be this server's issuer or the URL of the endpoint called (RFC 7523 §3)")
	}
	return Assertion{JTI: claims.ID, Exp: exp}, nil
}

// secretKeyFunc is the key function of a client_secret_jwt assertion:
// the client's secret, for an HMAC algorithm only (the parser's valid
// methods already say so; this holds should they not), and no crit
// header (RFC 7515 §4.1.11). golang-jwt compares the MAC with
// hmac.Equal, in constant time.
func secretKeyFunc(secret []byte) jwt.Keyfunc {
	return func(t *jwt.Token) (any, error) {
		if _, ok := t.Header["crit"]; ok {
			return nil, errors.New("crit header not supported")
		}
		if _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok {
			return nil, fmt.Errorf("algorithm %s is not HMAC", t.Method.Alg())
		}
		return secret, nil
	}
}

// invalidAssertion is the answer to an assertion the client signed that
// cannot authenticate it (RFC 7521 §4.2.1).
func invalidAssertion(why string) *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidClient, "invalid client_assertion: "+why)
}
