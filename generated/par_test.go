package generated

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Pushed authorization requests (RFC 9126) through the generated server:
// the client pushes its authorization request to /oauth2/par, the browser
// brings only client_id and the request_uri to the authorization
// endpoint, the end user signs in and consents on the pages, and the code
// redeems at the token endpoint.

// push pushes the authorization request q to the pushed authorization
// request endpoint with rp's credentials.
func (e *env) push(t testing.TB, q url.Values) result {
	t.Helper()
	return e.do(t, call{path: "/oauth2/par", basic: creds(rpID, rpSecret), body: q.Encode()})
}

// wantPushed checks a successful push (RFC 9126 §2.2) and returns its
// request_uri.
func wantPushed(t testing.TB, r result) string {
	t.Helper()
	m := wantNoStore(t, r)
	if r.status != http.StatusCreated {
		t.Fatalf("push: %d, want 201; body %s", r.status, r.raw)
	}
	uri, _ := m["request_uri"].(string)
	if !strings.HasPrefix(uri, "urn:ietf:params:oauth:request_uri:") || len(uri) < len("urn:ietf:params:oauth:request_uri:")+22 {
		t.Errorf("request_uri %q: want the RFC 9126 urn with at least 128 random bits", uri)
	}
	if n, _ := m["expires_in"].(json.Number); n.String() != "60" {
		t.Errorf("expires_in %v, want 60", m["expires_in"])
	}
	return uri
}

// pushedQuery is the authorization request that uses a pushed one.
func pushedQuery(uri string) url.Values {
	return url.Values{"client_id": {rpID}, "request_uri": {uri}}
}

// TestPARSignIn: push, authorize through the pages with client_id and
// request_uri, then the code, redeemed for tokens whose ID token carries
// the pushed nonce; the pushed team property reaches the procedure as in
// a plain request (authorize_code.go's campaign becomes device_id); the
// request_uri is used once.
func TestPARSignIn(t *testing.T) {
	e := newEnv(t, nil)
	uri := wantPushed(t, e.push(t, authQuery("campaign", "spring")))
	b := e.browser(t)
	code := wantCode(t, b.signIn(http.MethodGet, pushedQuery(uri)), rpState)
	tok := wantToken(t, e.redeemRP(t, code))
	e.verifyIDToken(t, tok.Raw["id_token"].(string), rpNonce)
	if _, claims := e.verifyAccessJWT(t, tok.AccessToken); claims["device_id"] == nil {
		t.Errorf("access token claims %v: the pushed campaign did not reach the procedure", claims)
	}
	// RFC 9126 §4: a request_uri is used once.
	if p := b.authorize(http.MethodGet, pushedQuery(uri)); p.status != http.StatusBadRequest || p.header.Get("Location") != "" {
		t.Errorf("reused request_uri: %d Location %q, want a 400 error page", p.status, p.header.Get("Location"))
	}
}

// TestPARErrors: the push is checked as the authorization request would be
// (RFC 9126 §2.1), errors as JSON (§2.3); a used, expired or other
// client's request_uri is an error page at the authorization endpoint.
func TestPARErrors(t *testing.T) {
	e := newEnv(t, nil)
	wantError(t, e.push(t, authQuery("campaign", "no spaces!")), http.StatusBadRequest, oauth.ErrInvalidRequest, "campaign")
	wantError(t, e.push(t, authQuery("redirect_uri", "https://rp.example/elsewhere")), http.StatusBadRequest, oauth.ErrInvalidRequest, "redirect_uri")
	wantError(t, e.push(t, authQuery("request_uri", "urn:ietf:params:oauth:request_uri:x")), http.StatusBadRequest, oauth.ErrInvalidRequest, "request_uri")
	wantError(t, e.push(t, authQuery("scope", "nope")), http.StatusBadRequest, oauth.ErrInvalidScope, "")
	wantError(t, e.do(t, call{path: "/oauth2/par", basic: creds(rpID, "wrong"), body: authQuery().Encode()}), http.StatusUnauthorized, oauth.ErrInvalidClient, "")
	if r := e.do(t, call{method: http.MethodGet, path: "/oauth2/par", ctype: "-"}); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "POST" {
		t.Errorf("GET /oauth2/par: %d Allow %q", r.status, r.header.Get("Allow"))
	}

	b := e.browser(t)
	expired := wantPushed(t, e.push(t, authQuery()))
	e.clock.Advance(time.Minute)
	other := wantPushed(t, e.push(t, authQuery()))
	for name, q := range map[string]url.Values{
		"expired":        pushedQuery(expired),
		"another client": {"client_id": {svcID}, "request_uri": {other}},
		"no client_id":   {"request_uri": {other}},
	} {
		if p := b.authorize(http.MethodGet, q); p.status != http.StatusBadRequest || p.header.Get("Location") != "" {
			t.Errorf("%s: %d Location %q, want a 400 error page", name, p.status, p.header.Get("Location"))
		}
	}
	// Refused for another client, it is still rp's.
	wantHTML(t, b.authorize(http.MethodGet, pushedQuery(other)), "Sign in", rpName)
}
