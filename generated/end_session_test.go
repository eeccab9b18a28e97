package generated

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The flow openid-end-session through the generated endSessionFlow and the
// procedure in end_session.go (OpenID Connect RP-Initiated Logout 1.0),
// over HTTP: a logout with the ID token of the browser's session, a
// logout that needs the end user's confirmation, and the requests that
// get an error page.

// idTokenOfSession signs alice in at rp through b and returns the ID token
// of the session, which carries its sid (Back-Channel Logout 1.0 §2.4).
func (e *env) idTokenOfSession(t *testing.T, b *browser) string {
	t.Helper()
	code := wantCode(t, b.signIn(http.MethodGet, authQuery()), rpState)
	id, _ := wantToken(t, e.redeemRP(t, code)).Raw["id_token"].(string)
	if c := e.verifyIDToken(t, id, rpNonce); c["sid"] == nil || c["sid"] == "" {
		t.Fatalf("ID token without sid: %v", c)
	}
	return id
}

// logoutRedirect checks a 303 to rp's post-logout redirect URI with state
// added to its query (RP-Initiated Logout 1.0 §3).
func logoutRedirect(t *testing.T, p page, state string) {
	t.Helper()
	loc := p.header.Get("Location")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, rpLogoutRedirect+"&") {
		t.Fatalf("status %d to %q, want a 303 to %s\n%s", p.status, loc, rpLogoutRedirect, p.body)
	}
	u, _ := url.Parse(loc)
	if u.Query().Get("state") != state || u.Query().Get("from") != "op" {
		t.Errorf("Location %q: state or the registered query lost", loc)
	}
}

// TestEndSessionHint: a logout with the session's ID token ends it at
// once; the next authorization request needs a login again.
func TestEndSessionHint(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser(t)
	hint := e.idTokenOfSession(t, b)
	p := b.send(http.MethodGet, "/oauth2/logout?"+url.Values{
		"id_token_hint": {hint}, "post_logout_redirect_uri": {rpLogoutRedirect}, "state": {rpState},
	}.Encode(), nil)
	logoutRedirect(t, p, rpState)
	wantHTML(t, b.authorize(http.MethodGet, authQuery()), "Sign in")
}

// TestEndSessionConfirmation: without a hint, by POST, the end user
// confirms first; the session lives until they do.
func TestEndSessionConfirmation(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signedIn(t)
	p := b.send(http.MethodPost, "/oauth2/logout", url.Values{"client_id": {rpID}, "post_logout_redirect_uri": {rpLogoutRedirect}, "state": {"s"}})
	wantHTML(t, p, "Sign out?", rpName)
	b.authorizeNow(http.MethodGet, authQuery()) // still signed in
	logoutRedirect(t, b.submit(p, nil), "s")
	wantHTML(t, b.authorize(http.MethodGet, authQuery()), "Sign in")
	if again := b.submit(p, nil); again.status != http.StatusForbidden {
		t.Errorf("the confirmation posted twice: %d, want 403", again.status)
	}
}

// TestEndSessionErrors: an unregistered post-logout redirect URI, a
// redirect URI without a client, a forged hint and a hint for another
// client are error pages, never redirects.
func TestEndSessionErrors(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser(t)
	hint := e.idTokenOfSession(t, b)
	forged := hint[:strings.LastIndexByte(hint, '.')+1] + "AAAA"
	for name, q := range map[string]url.Values{
		"unregistered":       {"client_id": {rpID}, "post_logout_redirect_uri": {"https://evil.example/"}},
		"no client":          {"post_logout_redirect_uri": {rpLogoutRedirect}},
		"forged hint":        {"id_token_hint": {forged}},
		"another client":     {"id_token_hint": {hint}, "client_id": {svcID}},
		"repeated parameter": {"state": {"a", "b"}},
	} {
		p := b.send(http.MethodGet, "/oauth2/logout?"+q.Encode(), nil)
		if p.status != http.StatusBadRequest || p.header.Get("Location") != "" {
			t.Errorf("%s: status %d, Location %q", name, p.status, p.header.Get("Location"))
		}
	}
	b.authorizeNow(http.MethodGet, authQuery()) // still signed in
}
