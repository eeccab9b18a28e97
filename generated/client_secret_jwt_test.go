package generated

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The reference spec enables client_secret_jwt (endpoints.token.auth_methods):
// the client signer MACs its assertions with its secret (RFC 7523 §2.2, §3;
// OpenID Connect Core §9), hand-written with golang-jwt as a client would,
// at the token, introspection and revocation endpoints over HTTP.

const jwtAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// signerAssertion is an assertion of signer for the endpoint at path, MACed
// by alg with key, with a fresh jti, good for a minute from testStart.
func signerAssertion(t testing.TB, alg jwt.SigningMethod, key any, path string) string {
	t.Helper()
	s, err := jwt.NewWithClaims(alg, jwt.MapClaims{
		"iss": signerID, "sub": signerID, "aud": specIssuer + path,
		"iat": testStart.Unix(), "exp": testStart.Add(time.Minute).Unix(), "jti": rand.Text(),
	}).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// assertionBody is the form of a request with the assertion, and kv.
func assertionBody(assertion string, kv ...string) string {
	return form(append([]string{"client_assertion_type", jwtAssertionType, "client_assertion", assertion}, kv...)...)
}

// TestClientSecretJWT: signer gets a token with an HS256 assertion, then
// introspects and revokes it, each request with its own assertion whose
// aud is the endpoint called.
func TestClientSecretJWT(t *testing.T) {
	e := newEnv(t, nil)
	key := []byte(signerSecret)
	tok := wantToken(t, e.do(t, call{body: assertionBody(signerAssertion(t, jwt.SigningMethodHS256, key, "/oauth2/token"), "grant_type", "client_credentials")}))

	introspect := func() bool {
		r := e.do(t, call{path: "/oauth2/introspect", body: assertionBody(signerAssertion(t, jwt.SigningMethodHS256, key, "/oauth2/introspect"), "token", tok.AccessToken)})
		m := wantNoStore(t, r)
		if r.status != http.StatusOK {
			t.Fatalf("introspect: %d %s", r.status, r.raw)
		}
		return m["active"] == true
	}
	if !introspect() {
		t.Fatal("the new token is not active")
	}
	r := e.do(t, call{path: "/oauth2/revoke", body: assertionBody(signerAssertion(t, jwt.SigningMethodHS256, key, "/oauth2/revoke"), "token", tok.AccessToken)})
	if r.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	if introspect() {
		t.Error("the revoked token is still active")
	}
}

// TestClientSecretJWTRefused: every way signer's authentication fails
// over HTTP is invalid_client, at each endpoint that authenticates
// clients (401 at introspection, RFC 7662 §2.3), and a jti is used once.
func TestClientSecretJWTRefused(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key := []byte(signerSecret)
	for _, path := range []string{"/oauth2/token", "/oauth2/introspect", "/oauth2/revoke"} {
		extra := []string{"token", "x"}
		status := http.StatusBadRequest
		if path == "/oauth2/token" {
			extra = []string{"grant_type", "client_credentials"}
		}
		if path == "/oauth2/introspect" {
			status = http.StatusUnauthorized
		}
		for _, tc := range []struct {
			name, body string
			status     int
			desc       string
		}{
			{"wrong secret", assertionBody(signerAssertion(t, jwt.SigningMethodHS256, []byte(svcSecret+svcSecret), path), extra...), status, "client authentication failed"},
			{"HS512 with a secret too short for it", assertionBody(signerAssertion(t, jwt.SigningMethodHS512, key, path), extra...), status, "client authentication failed"},
			{"ES256", assertionBody(signerAssertion(t, jwt.SigningMethodES256, ec, path), extra...), status, "client authentication failed"},
			{"another endpoint's aud", assertionBody(signerAssertion(t, jwt.SigningMethodHS256, key, "/oauth2/userinfo"), extra...), status, "aud"},
			{"its secret by client_secret_post", form(append([]string{"client_id", signerID, "client_secret", signerSecret}, extra...)...), status, "client authentication failed"},
		} {
			t.Run(fmt.Sprintf("%s%s", tc.name, path), func(t *testing.T) {
				e := newEnv(t, nil)
				wantError(t, e.do(t, call{path: path, body: tc.body}), tc.status, oauth.ErrInvalidClient, tc.desc)
			})
		}
		t.Run("replay"+path, func(t *testing.T) {
			e := newEnv(t, nil)
			body := assertionBody(signerAssertion(t, jwt.SigningMethodHS256, key, path), extra...)
			if r := e.do(t, call{path: path, body: body}); r.status != http.StatusOK {
				t.Fatalf("first use: %d %s", r.status, r.raw)
			}
			wantError(t, e.do(t, call{path: path, body: body}), status, oauth.ErrInvalidClient, "already used")
		})
	}
}
