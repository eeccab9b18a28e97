package generated

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// introspect asks the introspection endpoint about tok as the resource
// server api.
func (e *env) introspect(t testing.TB, tok string) map[string]any {
	t.Helper()
	r := e.do(t, call{path: "/oauth2/introspect", body: form("token", tok), basic: creds(apiID, apiSecret)})
	return wantNoStore(t, r)
}

// revoke asks the revocation endpoint, as client id, to revoke tok.
func (e *env) revoke(t testing.TB, id, secret, tok string) result {
	t.Helper()
	return e.do(t, call{path: "/oauth2/revoke", body: form("token", tok), basic: creds(id, secret)})
}

// TestIntrospectionAndRevocationStubs: the scaffolded procedures work
// unedited over HTTP: introspection answers the standard members of an
// active token and {"active":false} once its grant is revoked through the
// revocation endpoint; the refresh token is then refused (RFC 7662 §2.2;
// RFC 7009 §2.1, §2.2).
func TestIntrospectionAndRevocationStubs(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.svcTokens(t, "read")
	got := e.introspect(t, tok.AccessToken)
	if got["active"] != true || got["client_id"] != svcID || got["scope"] != "read" || got["token_type"] != "Bearer" {
		t.Fatalf("introspection %v", got)
	}
	if got := e.introspect(t, tok.RefreshToken); got["active"] != true {
		t.Fatalf("refresh token introspection %v", got)
	}
	r := e.revoke(t, svcID, svcSecret, tok.RefreshToken)
	if r.status != http.StatusOK || len(r.raw) != 0 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("revocation: %d %q", r.status, r.raw)
	}
	for _, tk := range []string{tok.AccessToken, tok.RefreshToken} {
		if got := e.introspect(t, tk); len(got) != 1 || got["active"] != false {
			t.Errorf("after revocation: %v", got)
		}
	}
	wantError(t, e.refresh(t, tok.RefreshToken, ""), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
}

// TestIntrospectionCallers: a client that may not introspect gets
// unauthorized_client; a wrong secret gets 401 with a Basic challenge.
func TestIntrospectionCallers(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.svcTokens(t, "read").AccessToken
	wantError(t, e.do(t, call{path: "/oauth2/introspect", body: form("token", tok), basic: creds(svcID, svcSecret)}),
		http.StatusBadRequest, oauth.ErrUnauthorizedClient, "")
	r := e.do(t, call{path: "/oauth2/introspect", body: form("token", tok), basic: creds(apiID, "wrong")})
	wantError(t, r, http.StatusUnauthorized, oauth.ErrInvalidClient, "")
	if r.header.Get("WWW-Authenticate") == "" {
		t.Error("no challenge")
	}
	var m map[string]any
	if err := json.Unmarshal(r.raw, &m); err != nil || m["error"] != "invalid_client" {
		t.Errorf("body %s", r.raw)
	}
}
