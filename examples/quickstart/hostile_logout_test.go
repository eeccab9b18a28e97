package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// hLogout is the end-session endpoint (OpenID Connect RP-Initiated Logout
// 1.0), and hSignedOut demo-app's registered post_logout_redirect_uri.
const (
	hLogout    = "/oauth2/logout"
	hSignedOut = "http://127.0.0.1:9090/signed-out"
)

// logout is a logout request with the parameters kv.
func logout(kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Add(kv[i], kv[i+1])
	}
	return hLogout + "?" + q.Encode()
}

// hostileLogoutCases: every malformed, forged or open-redirect logout
// request is an error page (RP-Initiated Logout 1.0 §2, §3; RFC 9700
// §4.11.2), never a redirect; a valid one without a session goes back to
// the exact registered URI with state.
func hostileLogoutCases() []hostileCase {
	idToken := func(e *hostileEnv) { e.tokens("", "demo-app", "openid") }
	backTo := hostileWant{kind: aPlain, status: http.StatusSeeOther}.with(func(t *testing.T, _ *hostileEnv, r hostileResponse) {
		if loc := r.header.Get("Location"); loc != hSignedOut+"?state=s%2B%2F%3D" {
			t.Errorf("Location %q, want the registered URI with state", loc)
		}
	})
	return []hostileCase{
		{name: "PUT", req: hostileRequest{method: "PUT", target: logout()}, want: hostileWant{kind: aPage, status: 405, allow: "GET, POST"}},
		{name: "GET of the confirmation form", req: hostileRequest{method: "GET", target: hLogout + "/confirm"}, want: hostileWant{kind: aPage, status: 405, allow: "POST"}},
		{name: "POST not a form", req: hostileRequest{target: hLogout, body: `{"client_id":"demo-app"}`, contentType: "application/json"}, want: page(400)},
		{name: "tampered id_token_hint", setup: idToken, req: hostileRequest{method: "GET", target: hLogout + "?id_token_hint={id_token}x"}, want: page(400)},
		{name: "access token as id_token_hint", setup: idToken, req: hostileRequest{method: "GET", target: hLogout + "?id_token_hint={access}"}, want: page(400)},
		{name: "unsigned id_token_hint", req: hostileRequest{method: "GET", target: logout("id_token_hint", "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.")}, want: page(400)},
		{name: "id_token_hint of another client", setup: idToken, req: hostileRequest{method: "GET", target: hLogout + "?id_token_hint={id_token}&client_id=demo-spa"}, want: page(400)},
		{name: "unknown client_id", req: hostileRequest{method: "GET", target: logout("client_id", "nobody")}, want: page(400)},
		{name: "unregistered post_logout_redirect_uri", req: hostileRequest{method: "GET", target: logout("client_id", "demo-app", "post_logout_redirect_uri", "https://evil.example/")}, want: page(400)},
		{name: "post_logout_redirect_uri on another port", req: hostileRequest{method: "GET", target: logout("client_id", "demo-app", "post_logout_redirect_uri", "http://127.0.0.1:9091/signed-out")}, want: page(400)},
		{name: "post_logout_redirect_uri with a suffix", req: hostileRequest{method: "GET", target: logout("client_id", "demo-app", "post_logout_redirect_uri", hSignedOut+"/..")}, want: page(400)},
		{name: "post_logout_redirect_uri without a client", req: hostileRequest{method: "GET", target: logout("post_logout_redirect_uri", hSignedOut)}, want: page(400)},
		{name: "repeated post_logout_redirect_uri", req: hostileRequest{method: "GET", target: logout("client_id", "demo-app", "post_logout_redirect_uri", hSignedOut, "post_logout_redirect_uri", hSignedOut)}, want: page(400)},
		{name: "oversized query", req: hostileRequest{method: "GET", target: logout("client_id", "demo-app", "state", strings.Repeat("s", 9<<10))}, want: page(400)},
		{name: "confirmation without interaction", req: hostileRequest{target: hLogout + "/confirm", body: "interaction=x&csrf=y"}, want: page(403)},
		{name: "no session: back to the registered URI", req: hostileRequest{method: "GET", target: logout("client_id", "demo-app", "post_logout_redirect_uri", hSignedOut, "state", "s+/=")}, want: backTo},
	}
}
