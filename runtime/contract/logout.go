package contract

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Logout (OpenID Connect RP-Initiated Logout 1.0; Back-Channel Logout
// 1.0): the ID token of a session carries its sid; a logout request with
// that ID token ends the session and returns the browser to the
// registered post-logout redirect URI with state exactly; an unregistered
// one gets no redirect.

// postLogoutURI is the post_logout_redirect_uri of the suite's clients,
// with a query of its own that the redirect must keep.
const postLogoutURI = "https://client.example.test/signed-out?from=op"

// logoutState has every character that must round-trip encoded.
const logoutState = "contract+/=%state"

// logoutEnabled reports whether the end-session endpoint is served and a
// session can be made.
func (h *harness) logoutEnabled() bool { return h.suite.Flows.EndSession != nil && h.codeFlow() }

// idTokenSID reads the sid claim of an ID token of the server's own.
func idTokenSID(t *testing.T, idToken string) string {
	t.Helper()
	parts := strings.Split(idToken, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[min(1, len(parts)-1)])
	var c struct {
		SID string `json:"sid"`
	}
	if len(parts) != 3 || err != nil || json.Unmarshal(payload, &c) != nil {
		t.Fatalf("OIDC Core §2: the id_token is not a JWT: %.100s", idToken)
	}
	return c.SID
}

// logout sends a logout request from the browser ua.
func (h *harness) logout(t *testing.T, ua *http.Client, q url.Values) reply {
	t.Helper()
	return h.do(t, ua, mustGet(t, h.url("openid-end-session")+"?"+q.Encode()))
}

// checkLogout: a session's ID token has a sid; a logout with it as
// id_token_hint goes back to the registered URI with state, and the next
// authorization request of the browser needs a login.
func checkLogout(t *testing.T, h *harness) {
	c := h.confidential[0]
	ua := browser(t)
	a := h.authorize(t, ua, c, true)
	tk := wantTokens(t, h, "RFC 6749 §4.1.4", h.post(t, "oauth-token", h.redeem(a.code(t, h), a), as(c)), grant{client: c, requested: a.scope, subject: h.subject})
	if tk.IDToken == "" {
		t.Fatal("OIDC Core §3.1.3.3: the openid scope was granted but the response has no id_token")
	}
	if idTokenSID(t, tk.IDToken) == "" {
		t.Error("OpenID Connect Back-Channel Logout 1.0 §2.1: the server supports sessions in logout tokens, but the ID token has no sid")
	}
	r := h.logout(t, ua, url.Values{"id_token_hint": {tk.IDToken}, "post_logout_redirect_uri": {postLogoutURI}, "state": {logoutState}})
	loc, err := url.Parse(r.header.Get("Location"))
	switch {
	case r.status != http.StatusSeeOther && r.status != http.StatusFound || err != nil:
		t.Fatalf("OpenID Connect RP-Initiated Logout 1.0 §3: a logout with the session's ID token answered %d, want a redirect to the post_logout_redirect_uri", r.status)
	case loc.String() != postLogoutURI && !strings.HasPrefix(loc.String(), postLogoutURI+"&") || loc.Query().Get("from") != "op":
		t.Errorf("OpenID Connect RP-Initiated Logout 1.0 §3: the logout redirects to %q, want the registered %s", loc, postLogoutURI)
	case loc.Query().Get("state") != logoutState:
		t.Errorf("OpenID Connect RP-Initiated Logout 1.0 §3: state came back as %q, want the request's", loc.Query().Get("state"))
	}
	q := h.authorizeQuery(c, h.suite.Flows.Authorize.ID)
	if h.parRequired() {
		q = h.push(t, c, q)
	}
	again := h.do(t, ua, mustGet(t, h.url("oauth-authorize")+"?"+q.Encode()))
	if again.status != http.StatusOK || !strings.Contains(string(again.body), `name="password"`) {
		t.Errorf("OpenID Connect RP-Initiated Logout 1.0 §2: after the logout the authorization request answered %d, want the login page: the session was not ended", again.status)
	}
}

// checkLogoutOpenRedirect: a post_logout_redirect_uri the client did not
// register gets no redirect (OpenID Connect RP-Initiated Logout 1.0 §3;
// RFC 9700 §4.11.2).
func checkLogoutOpenRedirect(t *testing.T, h *harness) {
	c := h.confidential[0]
	for _, u := range []string{"https://attacker.example.test/", postLogoutURI + "x", strings.TrimSuffix(postLogoutURI, "?from=op")} {
		r := h.logout(t, browser(t), url.Values{"client_id": {c.id}, "post_logout_redirect_uri": {u}, "state": {logoutState}})
		if r.status >= 300 && r.status < 400 {
			t.Errorf("OpenID Connect RP-Initiated Logout 1.0 §3, RFC 9700 §4.11.2: the unregistered post_logout_redirect_uri %q got a redirect to %q", u, r.header.Get("Location"))
		}
	}
}
