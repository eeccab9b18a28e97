package generated

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The flow oauth-token-jwt-bearer (RFC 7523 §2.1) through the generated
// jwtBearerFlow and the unedited stub in jwt_bearer.go, with the trusted
// issuers of the reference spec: the partner's, whose public key the spec
// holds inline and whose private key is in testdata.

const (
	partnerIssuer = "https://idp.partner.example"
	jwtBearer     = "urn:ietf:params:oauth:grant-type:jwt-bearer"
)

// partnerKey is the private key of the partner's identity provider.
func partnerKey(t testing.TB) crypto.Signer {
	t.Helper()
	b, err := os.ReadFile("testdata/partner_issuer_key.pem")
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatal("testdata/partner_issuer_key.pem: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(crypto.Signer)
}

// partnerAssertion is an assertion of the partner's provider about sub,
// issued at now and valid for five minutes, for the server's issuer; edit
// may change its claims and header.
func (e *env) partnerAssertion(t testing.TB, sub, jti string, edit func(c jwt.MapClaims, h map[string]any)) string {
	t.Helper()
	now := e.clock.Now()
	c := jwt.MapClaims{"iss": partnerIssuer, "sub": sub, "aud": "http://127.0.0.1:8080", "jti": jti,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, c)
	tok.Header["kid"] = "partner-1"
	if edit != nil {
		edit(c, tok.Header)
	}
	s, err := tok.SignedString(partnerKey(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// assertionGrant sends the JWT bearer grant for partner with kv added.
func (e *env) assertionGrant(t testing.TB, assertion string, kv ...string) result {
	t.Helper()
	return e.token(t, creds(partnerID, partnerSecret), append([]string{"grant_type", jwtBearer, "assertion", assertion}, kv...)...)
}

// TestJWTBearerTokens: a valid assertion gets an access token for its sub,
// with the client's audience and the requested scope, no refresh token (the
// flow's default), and with openid an ID token of that sub for the client.
func TestJWTBearerTokens(t *testing.T) {
	e := newEnv(t, nil)
	tok := wantToken(t, e.assertionGrant(t, e.partnerAssertion(t, "p-user-7", "j1", nil), "scope", "read write"))
	if tok.Scope != "read write" || tok.RefreshToken != "" {
		t.Errorf("scope %q, refresh_token %q; want read write and none", tok.Scope, tok.RefreshToken)
	}
	_, c := e.verifyAccessJWT(t, tok.AccessToken)
	if c["sub"] != "p-user-7" || c["client_id"] != partnerID || c["aud"] != "https://api.example" {
		t.Errorf("sub %v, client_id %v, aud %v; want p-user-7, %s, https://api.example", c["sub"], partnerID, c["aud"], c["aud"])
	}

	// An audience of the issuer's own (audience in the spec), and openid.
	a := e.partnerAssertion(t, "p-user-8", "j2", func(c jwt.MapClaims, _ map[string]any) {
		c["aud"] = "urn:example:partner-assertions"
	})
	tok = wantToken(t, e.assertionGrant(t, a, "scope", "openid read"))
	raw, ok := tok.Raw["id_token"].(string)
	if !ok {
		t.Fatal("no id_token with openid")
	}
	if id := e.idTokenClaims(t, raw, partnerID); id["sub"] != "p-user-8" {
		t.Errorf("ID token sub %v, want p-user-8", id["sub"])
	}
}

// TestJWTBearerRefused: every way an assertion or its request can fail, with
// its status and error; a failure before the signature verifies says no
// more than invalid_grant (RFC 7523 §3.1).
func TestJWTBearerRefused(t *testing.T) {
	e := newEnv(t, nil)
	used := e.partnerAssertion(t, "u", "used", nil)
	wantToken(t, e.assertionGrant(t, used))

	cases := []struct {
		name      string
		assertion string
		creds     []string
		extra     []string
		status    int
		code      oauth.ErrorCode
		desc      string
	}{
		{"missing", "", nil, nil, 400, oauth.ErrInvalidRequest, "assertion"},
		{"not a JWT", "not-a-jwt", nil, nil, 400, oauth.ErrInvalidGrant, ""},
		{"replayed jti", used, nil, nil, 400, oauth.ErrInvalidGrant, "jti"},
		{"untrusted issuer", e.partnerAssertion(t, "u", "a1", func(c jwt.MapClaims, _ map[string]any) { c["iss"] = "https://evil.example" }), nil, nil, 400, oauth.ErrInvalidGrant, ""},
		{"another issuer's claim", e.partnerAssertion(t, "u", "a2", func(c jwt.MapClaims, _ map[string]any) { c["iss"] = "https://login.example.net" }), nil, nil, 400, oauth.ErrInvalidGrant, ""},
		{"expired", e.partnerAssertion(t, "u", "a3", func(c jwt.MapClaims, _ map[string]any) { c["exp"] = e.clock.Now().Add(-2 * time.Minute).Unix() }), nil, nil, 400, oauth.ErrInvalidGrant, ""},
		{"not for this server", e.partnerAssertion(t, "u", "a4", func(c jwt.MapClaims, _ map[string]any) { c["aud"] = "https://other.example" }), nil, nil, 400, oauth.ErrInvalidGrant, ""},
		{"no jti", e.partnerAssertion(t, "u", "", func(c jwt.MapClaims, _ map[string]any) { delete(c, "jti") }), nil, nil, 400, oauth.ErrInvalidGrant, ""},
		{"no sub", e.partnerAssertion(t, "", "a5", func(c jwt.MapClaims, _ map[string]any) { delete(c, "sub") }), nil, nil, 400, oauth.ErrInvalidGrant, ""},
		{"unknown kid", e.partnerAssertion(t, "u", "a6", func(_ jwt.MapClaims, h map[string]any) { h["kid"] = "partner-2" }), nil, nil, 400, oauth.ErrInvalidGrant, ""},
		{"scope beyond the client's", e.partnerAssertion(t, "u", "a7", nil), nil, []string{"scope", "admin"}, 400, oauth.ErrInvalidScope, ""},
		{"client not registered for the grant", e.partnerAssertion(t, "u", "a8", nil), creds(mobileID, mobileSecret), nil, 400, oauth.ErrUnauthorizedClient, ""},
		{"wrong client secret", e.partnerAssertion(t, "u", "a9", nil), creds(partnerID, "wrong"), nil, 401, oauth.ErrInvalidClient, ""},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			basic := creds(partnerID, partnerSecret)
			if tt.creds != nil {
				basic = tt.creds
			}
			kv := []string{"grant_type", jwtBearer}
			if tt.assertion != "" {
				kv = append(kv, "assertion", tt.assertion)
			}
			wantError(t, e.token(t, basic, append(kv, tt.extra...)...), tt.status, tt.code, tt.desc)
		})
	}
	// A signature of another key, under the partner's kid.
	forged := e.partnerAssertion(t, "u", "f1", nil)
	forged = forged[:strings.LastIndex(forged, ".")+1] + strings.Repeat("A", 86)
	wantError(t, e.assertionGrant(t, forged), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
	if logs := e.logs.String(); strings.Contains(logs, forged) || strings.Contains(logs, used) {
		t.Error("an assertion reached the log")
	}
}
