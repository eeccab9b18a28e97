package contract

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// anyTokens gets an access token the cheapest way the spec allows: for
// itself by client_credentials, else by signing in.
func (h *harness) anyTokens(t *testing.T) (tokens, *client) {
	t.Helper()
	if h.clientCredentials() {
		c := h.confidential[0]
		var scope oauth.ScopeSet
		if p := plainScopes(h.allowed); len(p) > 0 {
			scope = p[:1]
		}
		form := h.withValues("oauth-token-client-credentials", url.Values{"grant_type": {"client_credentials"}, "scope": {scope.String()}})
		return wantTokens(t, h, "RFC 6749 §4.4.3", h.post(t, "oauth-token", form, as(c)), grant{client: c, requested: scope}), c
	}
	tk, a := h.signIn(t)
	return tk, a.client
}

// introspection is an introspection response (RFC 7662 §2.2).
type introspection struct {
	Active   bool   `json:"active"`
	Scope    string `json:"scope"`
	ClientID string `json:"client_id"`
	Sub      string `json:"sub"`
	Exp      int64  `json:"exp"`
}

// checkIntrospection: only an authenticated client may introspect; an
// active token is described truthfully and an unknown one is only
// inactive (RFC 7662 §2.1, §2.2).
func checkIntrospection(t *testing.T, h *harness) {
	tk, c := h.anyTokens(t)
	r := h.post(t, "oauth-introspect", url.Values{"token": {tk.AccessToken}}, auth{})
	if r.status != http.StatusUnauthorized {
		t.Errorf("RFC 7662 §2.1: introspection without client authentication answered %d, want 401", r.status)
	}
	introspect := func(token string) introspection {
		t.Helper()
		r := h.post(t, "oauth-introspect", url.Values{"token": {token}}, as(h.other))
		if r.status != http.StatusOK {
			t.Fatalf("RFC 7662 §2.2: %s answered %d: %.300s", r.req, r.status, r.body)
		}
		var in introspection
		r.json(t, &in)
		return in
	}
	in := introspect(tk.AccessToken)
	if !in.Active {
		t.Fatalf("RFC 7662 §2.2: an access token just issued is introspected inactive")
	}
	if in.ClientID != "" && in.ClientID != c.id {
		t.Errorf("RFC 7662 §2.2: client_id is %q, want %s", in.ClientID, c.id)
	}
	if in.Sub != "" && in.Sub != tk.access.Claims.Subject {
		t.Errorf("RFC 7662 §2.2: sub is %q, the token's is %q", in.Sub, tk.access.Claims.Subject)
	}
	if extra := oauth.ScopeSet(strings.Fields(in.Scope)).Without(tk.granted); len(extra) > 0 {
		t.Errorf("RFC 7662 §2.2: the introspected scope %q has %q, which the token was not granted", in.Scope, extra)
	}
	if in := introspect("contract-unknown-" + randomString()); in.Active || in.ClientID != "" || in.Sub != "" || in.Scope != "" {
		t.Errorf("RFC 7662 §2.2: an unknown token is introspected as %+v, want only active=false", in)
	}
}

// checkRevocation: a client revokes its own token, which then stops
// working; an unknown token is revoked with 200 too (RFC 7009 §2.1, §2.2).
func checkRevocation(t *testing.T, h *harness) {
	tk, c := h.anyTokens(t)
	r := h.post(t, "oauth-revoke", url.Values{"token": {"contract-unknown-" + randomString()}}, as(c))
	if r.status != http.StatusOK {
		t.Errorf("RFC 7009 §2.2: revoking an unknown token answered %d, want 200", r.status)
	}
	if r = h.post(t, "oauth-revoke", url.Values{"token": {tk.AccessToken}}, as(h.other)); r.status != http.StatusOK {
		t.Errorf("RFC 7009 §2.2: revoking another client's token answered %d, want 200 (and nothing revoked)", r.status)
	}
	if !h.active(t, tk.AccessToken) {
		t.Fatalf("RFC 7009 §2.1: another client revoked the token (the server must check it was issued to the client)")
	}
	if r = h.post(t, "oauth-revoke", url.Values{"token": {tk.AccessToken}}, as(c)); r.status != http.StatusOK {
		t.Fatalf("RFC 7009 §2.2: revoking the client's own token answered %d: %.300s", r.status, r.body)
	}
	if h.active(t, tk.AccessToken) {
		t.Errorf("RFC 7009 §2.1: the revoked access token is still active")
	}
}

// checkUserInfo: userinfo needs a valid access token, answers with a
// challenge otherwise, and describes the user who signed in
// (OIDC Core §5.3, RFC 6750 §3).
func checkUserInfo(t *testing.T, h *harness) {
	r := h.get(t, h.url("oauth-userinfo"), "")
	if r.status != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("RFC 6750 §3: userinfo without a token answered %d %q, want 401 with a Bearer challenge", r.status, r.header.Get("WWW-Authenticate"))
	}
	r = h.get(t, h.url("oauth-userinfo"), "contract-unknown-"+randomString())
	if r.status != http.StatusUnauthorized || !strings.Contains(r.header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("RFC 6750 §3.1: userinfo with an unknown token answered %d %q, want 401 with error=\"invalid_token\"", r.status, r.header.Get("WWW-Authenticate"))
	}
	tk, _ := h.signIn(t)
	r = h.get(t, h.url("oauth-userinfo"), tk.AccessToken)
	if r.status != http.StatusOK {
		t.Fatalf("OIDC Core §5.3.2: userinfo answered %d: %.300s", r.status, r.body)
	}
	var claims struct {
		Sub string `json:"sub"`
	}
	r.json(t, &claims)
	if claims.Sub != h.subject {
		t.Errorf("OIDC Core §5.3.2: userinfo's sub is %q, want the user's, %q (it MUST be the ID token's)", claims.Sub, h.subject)
	}
}
