package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// hostileAuthorizeCases are hostile requests to the authorization endpoint
// and its login and consent forms. Until the client and its redirect URI
// are known to be right, every error is a page and never a redirect (RFC
// 6749 §4.1.2.1; RFC 9700 §4.11): unknown clients and every variant of a
// registered redirect URI. After that, errors go back to the redirect URI
// with iss (RFC 9207 §2): response types, PKCE downgrades, repeated
// parameters, request objects.
func hostileAuthorizeCases() []hostileCase {
	spa := func(changes ...string) string {
		return authz(append([]string{"client_id", "demo-spa", "redirect_uri", hSPARedirect}, changes...)...)
	}
	noPKCE := []string{"code_challenge", "-", "code_challenge_method", "-"}
	redirectURI := func(name, uri string) hostileCase {
		return hostileCase{name: "redirect_uri " + name, req: hostileRequest{method: "GET", target: authz("redirect_uri", uri)}, want: page(400)}
	}
	loginPage := page(200).with(func(t *testing.T, _ *hostileEnv, r hostileResponse) {
		if !strings.Contains(string(r.body), `name="password"`) {
			t.Errorf("want the login page:\n%s", r.body)
		}
	})
	spaErr := func(code string) hostileWant {
		w := redirectErr(code)
		w.location = hSPARedirect
		return w
	}
	formPost := hostileWant{kind: aFormPost, status: 200, err: "invalid_request"}
	noState := func(w hostileWant) hostileWant {
		return w.with(func(t *testing.T, _ *hostileEnv, r hostileResponse) {
			if loc, _ := url.Parse(r.header.Get("Location")); loc.Query().Has("state") {
				t.Errorf("a repeated state was echoed: %s", loc)
			}
		})
	}
	crlfState := "a\r\nSet-Cookie: injected=1"
	markup := `"><script>alert(1)</script>`
	escaped := func(w hostileWant) hostileWant {
		return w.with(func(t *testing.T, _ *hostileEnv, r hostileResponse) {
			if strings.Contains(string(r.body), "<script>alert(1)") {
				t.Errorf("the page carries the request's markup unescaped:\n%s", r.body)
			}
		})
	}
	query := func(changes ...string) string { return strings.TrimPrefix(authz(changes...), hAuthorize+"?") }

	return []hostileCase{
		// Methods: GET and POST (RFC 6749 §3.1); another is a 405 page.
		{name: "PUT", req: hostileRequest{method: "PUT", target: authz()}, want: hostileWant{kind: aPage, status: 405, allow: "GET, POST"}},
		{name: "DELETE", req: hostileRequest{method: "DELETE", target: authz()}, want: hostileWant{kind: aPage, status: 405, allow: "GET, POST"}},
		{name: "HEAD", req: hostileRequest{method: "HEAD", target: authz()}, want: hostileWant{kind: aPage, status: 405, allow: "GET, POST"}},
		{name: "a valid request shows the login page", req: hostileRequest{method: "GET", target: authz()}, want: loginPage},
		{name: "POST of a valid request shows the login page", req: hostileRequest{target: hAuthorize, body: query()}, want: loginPage},

		// The login and consent forms: POST with a live interaction and its
		// CSRF token, else 403 and nothing happens (RFC 6749 §10.12).
		{name: "login GET", req: hostileRequest{method: "GET", target: hAuthorize + "/login"}, want: hostileWant{kind: aPage, status: 405, allow: "POST"}},
		{name: "login without an interaction", req: hostileRequest{target: hAuthorize + "/login", body: form("username", "alice", "password", "alice-password")}, want: page(403)},
		{name: "login with a forged interaction and CSRF token", req: hostileRequest{target: hAuthorize + "/login",
			body: form("interaction", "AAAAAAAAAAAAAAAAAAAAAA", "csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "username", "alice", "password", "alice-password")}, want: page(403)},
		{name: "login with a JSON body", req: hostileRequest{target: hAuthorize + "/login", body: `{"username":"alice"}`, contentType: "application/json"}, want: page(400)},
		{name: "login with repeated fields", req: hostileRequest{target: hAuthorize + "/login", body: form("username", "alice", "username", "bob")}, want: page(400)},
		{name: "consent PUT", req: hostileRequest{method: "PUT", target: hAuthorize + "/consent"}, want: hostileWant{kind: aPage, status: 405, allow: "GET, POST"}},
		{name: "consent GET without an interaction", req: hostileRequest{method: "GET", target: hAuthorize + "/consent?interaction=forged"}, want: page(403)},
		{name: "consent approval without a session", req: hostileRequest{target: hAuthorize + "/consent", body: form("interaction", "forged", "csrf", "forged", "decision", "approve")}, want: page(403)},

		// The client: pages.
		{name: "no client_id", req: hostileRequest{method: "GET", target: authz("client_id", "-")}, want: page(400)},
		{name: "empty client_id", req: hostileRequest{method: "GET", target: authz("client_id", "")}, want: page(400)},
		{name: "unknown client_id", req: hostileRequest{method: "GET", target: authz("client_id", "nobody")}, want: page(400)},
		{name: "unknown client_id with markup", req: hostileRequest{method: "GET", target: authz("client_id", markup)}, want: escaped(page(400))},
		{name: "client_id in another case", req: hostileRequest{method: "GET", target: authz("client_id", "DEMO-APP")}, want: page(400)},
		{name: "client_id repeated", req: hostileRequest{method: "GET", target: authz("+client_id", "demo-app")}, want: page(400)},
		{name: "client_id repeated with another client", req: hostileRequest{method: "GET", target: authz("+client_id", "demo-spa")}, want: page(400)},
		{name: "client_id with invalid UTF-8", req: hostileRequest{method: "GET", target: hAuthorize + "?response_type=code&client_id=%FF%FE&redirect_uri=" + url.QueryEscape(hAppRedirect)}, want: page(400)},
		{name: "client without redirect URIs", req: hostileRequest{method: "GET", target: authz("client_id", "demo-service", "scope", "read")}, want: page(400)},
		{name: "resource server as the client", req: hostileRequest{method: "GET", target: authz("client_id", "demo-api", "scope", "-")}, want: page(400)},

		// The redirect URI: compared as an exact string (RFC 9700 §4.1.3),
		// but for the port of a loopback IP (RFC 8252 §7.3). Every variant
		// is a page: never a redirect to an unregistered URI.
		redirectURI("with a trailing slash", hAppRedirect+"/"),
		redirectURI("with the scheme in upper case", "HTTP://127.0.0.1:9090/callback"),
		redirectURI("with the path in another case", "http://127.0.0.1:9090/Callback"),
		redirectURI("with an extra query", hAppRedirect+"?next=https://evil.example"),
		redirectURI("with an empty query", hAppRedirect+"?"),
		redirectURI("with a fragment", hAppRedirect+"#frag"),
		redirectURI("with an empty fragment", hAppRedirect+"#"),
		redirectURI("on https instead of http", "https://127.0.0.1:9090/callback"),
		redirectURI("with userinfo", "http://user@127.0.0.1:9090/callback"),
		redirectURI("with the host as userinfo", "http://127.0.0.1:9090@evil.example/callback"),
		redirectURI("on localhost instead of the IP", "http://localhost:9090/callback"),
		redirectURI("on the IPv6 loopback instead", "http://[::1]:9090/callback"),
		redirectURI("on another loopback address", "http://127.0.0.2:9090/callback"),
		redirectURI("on a longer host", "http://127.0.0.10:9090/callback"),
		redirectURI("on a host with a suffix", "http://127.0.0.1.evil.example:9090/callback"),
		redirectURI("with a dot segment", "http://127.0.0.1:9090/callback/../callback"),
		redirectURI("with a percent-encoded path", "http://127.0.0.1:9090/%63allback"),
		redirectURI("with a port out of range", "http://127.0.0.1:99999/callback"),
		redirectURI("with a port with a leading zero", "http://127.0.0.1:09090/callback"),
		redirectURI("with a space", hAppRedirect+" "),
		redirectURI("with a NUL", hAppRedirect+"\x00"),
		redirectURI("javascript", "javascript:alert(1)//127.0.0.1:9090/callback"),
		redirectURI("data", "data:text/html,<script>alert(1)</script>"),
		redirectURI("relative", "/callback"),
		redirectURI("scheme-relative", "//127.0.0.1:9090/callback"),
		redirectURI("percent-encoded whole", url.QueryEscape(hAppRedirect)),
		redirectURI("of another client", hSPARedirect),
		{name: "redirect_uri repeated", req: hostileRequest{method: "GET", target: authz("+redirect_uri", hAppRedirect)}, want: page(400)},
		{name: "redirect_uri repeated with another", req: hostileRequest{method: "GET", target: authz("+redirect_uri", "http://127.0.0.1/demo/callback")}, want: page(400)},
		{name: "redirect_uri missing in an OpenID request", req: hostileRequest{method: "GET", target: authz("redirect_uri", "-")}, want: page(400)},
		{name: "redirect_uri missing with two registered", req: hostileRequest{method: "GET", target: authz("redirect_uri", "-", "scope", "read")}, want: page(400)},
		{name: "redirect_uri on another loopback port is accepted", req: hostileRequest{method: "GET", target: authz("redirect_uri", "http://127.0.0.1:9191/callback")}, want: loginPage},

		// response_type (RFC 6749 §3.1.1, §4.1.2.1): back to the redirect URI.
		{name: "response_type missing", req: hostileRequest{method: "GET", target: authz("response_type", "-")}, want: redirectErr("invalid_request")},
		{name: "response_type token", req: hostileRequest{method: "GET", target: authz("response_type", "token")}, want: redirectErr("unsupported_response_type")},
		{name: "response_type id_token", req: hostileRequest{method: "GET", target: authz("response_type", "id_token")}, want: redirectErr("unsupported_response_type")},
		{name: "response_type code id_token", req: hostileRequest{method: "GET", target: authz("response_type", "code id_token")}, want: redirectErr("unsupported_response_type")},
		{name: "response_type none", req: hostileRequest{method: "GET", target: authz("response_type", "none")}, want: redirectErr("unsupported_response_type")},
		{name: "response_type in upper case", req: hostileRequest{method: "GET", target: authz("response_type", "CODE")}, want: redirectErr("unsupported_response_type")},
		{name: "response_type repeated", req: hostileRequest{method: "GET", target: authz("+response_type", "code")}, want: redirectErr("invalid_request")},

		// PKCE: S256 required (RFC 7636 §4.3, §4.4.1; RFC 9700 §2.1.1).
		{name: "PKCE missing", req: hostileRequest{method: "GET", target: authz(noPKCE...)}, want: redirectErr("invalid_request")},
		{name: "PKCE missing for a public client", req: hostileRequest{method: "GET", target: spa(noPKCE...)}, want: spaErr("invalid_request")},
		{name: "PKCE plain", req: hostileRequest{method: "GET", target: authz("code_challenge", hVerifier, "code_challenge_method", "plain")}, want: redirectErr("invalid_request")},
		{name: "PKCE plain for a public client", req: hostileRequest{method: "GET", target: spa("code_challenge", hVerifier, "code_challenge_method", "plain")}, want: spaErr("invalid_request")},
		{name: "PKCE method omitted, meaning plain", req: hostileRequest{method: "GET", target: authz("code_challenge_method", "-")}, want: redirectErr("invalid_request")},
		{name: "PKCE method without a challenge", req: hostileRequest{method: "GET", target: authz("code_challenge", "-")}, want: redirectErr("invalid_request")},
		{name: "PKCE method in lower case", req: hostileRequest{method: "GET", target: authz("code_challenge_method", "s256")}, want: redirectErr("invalid_request")},
		{name: "PKCE method unknown", req: hostileRequest{method: "GET", target: authz("code_challenge_method", "S512")}, want: redirectErr("invalid_request")},
		{name: "PKCE challenge too short", req: hostileRequest{method: "GET", target: authz("code_challenge", hChallenge[:42])}, want: redirectErr("invalid_request")},
		{name: "PKCE challenge too long", req: hostileRequest{method: "GET", target: authz("code_challenge", hChallenge+"A")}, want: redirectErr("invalid_request")},
		{name: "PKCE challenge of verifier length", req: hostileRequest{method: "GET", target: authz("code_challenge", strings.Repeat("A", 128))}, want: redirectErr("invalid_request")},
		{name: "PKCE challenge in the base64 alphabet", req: hostileRequest{method: "GET", target: authz("code_challenge", strings.Repeat("+/", 21)+"A")}, want: redirectErr("invalid_request")},
		{name: "PKCE challenge padded", req: hostileRequest{method: "GET", target: authz("code_challenge", hChallenge[:42]+"=")}, want: redirectErr("invalid_request")},
		{name: "PKCE challenge repeated", req: hostileRequest{method: "GET", target: authz("+code_challenge", hChallenge)}, want: redirectErr("invalid_request")},

		// Repeated parameters (RFC 6749 §3.1), once the redirect URI is known.
		{name: "state repeated", req: hostileRequest{method: "GET", target: authz("+state", "other")}, want: noState(redirectErr("invalid_request"))},
		{name: "scope repeated", req: hostileRequest{method: "GET", target: authz("+scope", "read")}, want: redirectErr("invalid_request")},
		{name: "nonce repeated", req: hostileRequest{method: "GET", target: authz("nonce", "n1", "+nonce", "n2")}, want: redirectErr("invalid_request")},
		{name: "response_mode repeated", req: hostileRequest{method: "GET", target: authz("response_mode", "form_post", "+response_mode", "form_post")}, want: redirectErr("invalid_request")},

		// Request objects are not supported (OIDC Core §6; RFC 9101).
		{name: "request object", req: hostileRequest{method: "GET", target: authz("request", "eyJhbGciOiJub25lIn0.eyJyZWRpcmVjdF91cmkiOiJodHRwczovL2V2aWwuZXhhbXBsZSJ9.")}, want: redirectErr("request_not_supported")},
		// With pushed authorization requests a request_uri names a pushed
		// request; one the server did not issue is an error page, never a
		// redirect to a redirect_uri it cannot trust (RFC 9126 §4).
		{name: "request_uri", req: hostileRequest{method: "GET", target: authz("request_uri", "https://evil.example/request.jwt")}, want: page(400)},
		{name: "pushed request_uri", req: hostileRequest{method: "GET", target: authz("request_uri", "urn:ietf:params:oauth:request_uri:forged")}, want: page(400)},

		// Response modes: query and form_post only.
		{name: "response_mode fragment", req: hostileRequest{method: "GET", target: authz("response_mode", "fragment")}, want: redirectErr("invalid_request")},
		{name: "response_mode jwt", req: hostileRequest{method: "GET", target: authz("response_mode", "jwt")}, want: redirectErr("invalid_request")},
		{name: "error delivered by form_post", req: hostileRequest{method: "GET", target: authz(append([]string{"response_mode", "form_post"}, noPKCE...)...)}, want: formPost},

		// Scope, resource, prompt, max_age, state.
		{name: "scope not allowed", req: hostileRequest{method: "GET", target: authz("scope", "openid admin")}, want: redirectErr("invalid_scope")},
		{name: "scope malformed", req: hostileRequest{method: "GET", target: authz("scope", `openid "read"`)}, want: redirectErr("invalid_scope")},
		{name: "resource not allowed", req: hostileRequest{method: "GET", target: authz("resource", "https://evil.example")}, want: redirectErr("invalid_target")},
		{name: "prompt none without a session", req: hostileRequest{method: "GET", target: authz("prompt", "none")}, want: redirectErr("login_required")},
		{name: "prompt unknown", req: hostileRequest{method: "GET", target: authz("prompt", "bogus")}, want: redirectErr("invalid_request")},
		{name: "prompt none with login", req: hostileRequest{method: "GET", target: authz("prompt", "none login")}, want: redirectErr("invalid_request")},
		{name: "max_age negative", req: hostileRequest{method: "GET", target: authz("max_age", "-1")}, want: redirectErr("invalid_request")},
		{name: "max_age not a number", req: hostileRequest{method: "GET", target: authz("max_age", "1e3")}, want: redirectErr("invalid_request")},
		{name: "login_hint with markup is escaped", req: hostileRequest{method: "GET", target: authz("login_hint", markup)}, want: escaped(page(200))},
		{name: "state with markup in a form_post error is escaped", req: hostileRequest{method: "GET", target: authz(append([]string{"response_mode", "form_post", "state", markup}, noPKCE...)...)}, want: escaped(formPost)},
		{name: "prompt with a hostile value", req: hostileRequest{method: "GET", target: authz("prompt", "x\"\\\u2028\x7f")}, want: redirectErr("invalid_request")},
		{name: "state with CR LF is echoed encoded", req: hostileRequest{method: "GET", target: authz(append([]string{"state", crlfState}, noPKCE...)...)},
			want: redirectErr("invalid_request").with(func(t *testing.T, _ *hostileEnv, r hostileResponse) {
				loc, _ := url.Parse(r.header.Get("Location"))
				if loc.Query().Get("state") != crlfState || r.header.Get("Set-Cookie") != "" {
					t.Errorf("state %q, Set-Cookie %q: want the state back exactly and no header injected", loc.Query().Get("state"), r.header.Get("Set-Cookie"))
				}
			})},

		// Bad encodings and sizes: nothing can be trusted to redirect to.
		{name: "bad percent-encoding", req: hostileRequest{method: "GET", target: authz() + "&x=%zz"}, want: page(400)},
		{name: "semicolon separator", req: hostileRequest{method: "GET", target: authz() + ";x=1"}, want: page(400)},
		{name: "oversized parameter", req: hostileRequest{method: "GET", target: authz("login_hint", strings.Repeat("h", 9<<10))}, want: page(400)},
		{name: "query over the header limit", req: hostileRequest{method: "GET", target: authz("login_hint", strings.Repeat("h", 64<<10))}, want: plain(http.StatusRequestHeaderFieldsTooLarge)},
		{name: "POST with a JSON body", req: hostileRequest{target: hAuthorize, body: `{"client_id":"demo-app"}`, contentType: "application/json"}, want: page(400)},
		{name: "POST with an oversized body", req: hostileRequest{target: hAuthorize, body: query() + "&pad=" + strings.Repeat("p", 70<<10)}, want: page(400)},
		{name: "POST error goes back to the redirect URI", req: hostileRequest{target: hAuthorize, body: query(noPKCE...)}, want: redirectErr("invalid_request")},
	}
}
