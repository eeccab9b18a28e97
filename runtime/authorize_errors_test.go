package runtime

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestAuthorizeErrorPages: while the client or its redirect URI is not
// established, every error is a 400 page and never a redirect (RFC 6749
// §4.1.2.1).
func TestAuthorizeErrorPages(t *testing.T) {
	env := azNewEnv(t)
	tests := []struct {
		name  string
		query string // raw query; azQuery's when empty
		q     url.Values
	}{
		{name: "client_id missing", q: azQuery("client_id", "")},
		{name: "client_id unknown", q: azQuery("client_id", "nobody")},
		{name: "client_id repeated", query: azQuery().Encode() + "&client_id=web"},
		{name: "redirect_uri repeated", query: azQuery().Encode() + "&redirect_uri=" + url.QueryEscape(azWebRedirect)},
		{name: "redirect_uri omitted, two registered", q: azQuery("redirect_uri", "")},
		{name: "redirect_uri unregistered", q: azQuery("redirect_uri", "https://evil.example/cb")},
		{name: "redirect_uri relative", q: azQuery("redirect_uri", "/cb")},
		{name: "redirect_uri malformed", q: azQuery("redirect_uri", "https://app.example/%zz")},
		{name: "redirect_uri with space", q: azQuery("redirect_uri", "https://app.example/cb ")},
		{name: "registered javascript: URI", q: azQuery("client_id", "evil", "redirect_uri", "javascript:alert(1)")},
		{name: "registered javascript: URI, omitted", q: azQuery("client_id", "evil", "redirect_uri", "")},
		{name: "malformed query", query: "client_id=web&redirect_uri=%zz"},
		{name: "semicolon separator", query: "client_id=web;redirect_uri=x"},
		{name: "too large", q: azQuery("state", strings.Repeat("s", maxAuthorizeParamBytes))},
		// Near misses of the registered https://app.example/cb: redirect URIs
		// are compared as exact strings (RFC 9700 §4.1.3).
		{name: "redirect_uri trailing slash", q: azQuery("redirect_uri", azWebRedirect+"/")},
		{name: "redirect_uri extra query", q: azQuery("redirect_uri", azWebRedirect+"?x=1")},
		{name: "redirect_uri empty query", q: azQuery("redirect_uri", azWebRedirect+"?")},
		{name: "redirect_uri upper-case host", q: azQuery("redirect_uri", "https://APP.example/cb")},
		{name: "redirect_uri upper-case scheme", q: azQuery("redirect_uri", "HTTPS://app.example/cb")},
		{name: "redirect_uri fragment", q: azQuery("redirect_uri", azWebRedirect+"#f")},
		{name: "redirect_uri other host", q: azQuery("redirect_uri", "https://app.example.evil/cb")},
		{name: "redirect_uri port", q: azQuery("redirect_uri", "https://app.example:443/cb")},
		{name: "redirect_uri sub-path", q: azQuery("redirect_uri", azWebRedirect+"/x")},
		{name: "redirect_uri prefix", q: azQuery("redirect_uri", "https://app.example/c")},
		{name: "redirect_uri http", q: azQuery("redirect_uri", "http://app.example/cb")},
		{name: "redirect_uri userinfo", q: azQuery("redirect_uri", "https://app.example@evil.example/cb")},
		{name: "redirect_uri encoded path", q: azQuery("redirect_uri", "https://app.example/%63b")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.query
			if raw == "" {
				raw = tt.q.Encode()
			}
			r := env.browser(t).get(azAuthorizePath + "?" + raw)
			azWantErrorPage(t, r, http.StatusBadRequest)
			if strings.Contains(r.body, "evil") || strings.Contains(r.body, "javascript") {
				t.Errorf("the page echoes the request:\n%s", r.body)
			}
		})
	}
	if env.codes() != 0 {
		t.Error("a code was issued")
	}
}

// TestAuthorizeErrorPagesMisc: method, content type and the OpenID Connect
// requirement of redirect_uri.
func TestAuthorizeErrorPagesMisc(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	req, _ := http.NewRequest(http.MethodPut, env.ts.URL+azAuthorizePath+"?"+azQuery().Encode(), nil)
	r := b.do(req)
	azWantErrorPage(t, r, http.StatusMethodNotAllowed)
	if got := r.header.Get("Allow"); got != "GET, POST" {
		t.Errorf("Allow = %q", got)
	}
	req, _ = http.NewRequest(http.MethodPost, env.ts.URL+azAuthorizePath, strings.NewReader(`{"client_id":"web"}`))
	req.Header.Set("Content-Type", "application/json")
	azWantErrorPage(t, b.do(req), http.StatusBadRequest)

	// OIDC Core §3.1.2.1: an OpenID request must send redirect_uri, even
	// with one registered URI.
	oidc := azNewEnv(t, func(s *Settings, c *Config) {
		s.Scopes = append(s.Scopes, ScopeInfo{Name: "openid", Description: "Sign you in"})
		c.Keys = nil
	})
	q := azQuery("client_id", "oidc", "redirect_uri", "", "scope", "openid read")
	azWantErrorPage(t, oidc.browser(t).authorize(q), http.StatusBadRequest)
	// Without openid, the one registered URI is used.
	q = azQuery("client_id", "oidc", "redirect_uri", "", "scope", "read")
	r = oidc.browser(t).authorize(q)
	azWantPage(t, r, "Sign in")
}

// TestAuthorizeErrorRedirects: once the redirect URI is known, errors go
// back to it with error, error_description, state and iss (RFC 6749
// §4.1.2.1; RFC 9207 §2).
func TestAuthorizeErrorRedirects(t *testing.T) {
	long := azChallenge + "A"
	tests := []struct {
		name     string
		q        url.Values
		raw      string // appended to the query
		redirect string // azWebRedirect when empty
		code     oauth.ErrorCode
		state    string // "st-1" when empty; "-" for none
		pkce     bool   // Settings.RequirePKCE
	}{
		{name: "response_type missing", q: azQuery("response_type", ""), code: oauth.ErrInvalidRequest},
		{name: "response_type token", q: azQuery("response_type", "token"), code: oauth.ErrUnsupportedResponseType},
		{name: "response_type code id_token", q: azQuery("response_type", "code id_token"), code: oauth.ErrUnsupportedResponseType},
		{name: "client without the grant", q: azQuery("client_id", "cconly", "redirect_uri", "https://cc.example/cb"),
			redirect: "https://cc.example/cb", code: oauth.ErrUnauthorizedClient},
		{name: "repeated scope", q: azQuery(), raw: "&scope=read", code: oauth.ErrInvalidRequest},
		{name: "repeated state", q: azQuery(), raw: "&state=other", code: oauth.ErrInvalidRequest, state: "-"},
		{name: "repeated response_type", q: azQuery(), raw: "&response_type=code", code: oauth.ErrInvalidRequest},
		{name: "response_mode fragment", q: azQuery("response_mode", "fragment"), code: oauth.ErrInvalidRequest},
		{name: "response_mode unknown", q: azQuery("response_mode", "web_message"), code: oauth.ErrInvalidRequest},
		{name: "response_mode repeated", q: azQuery("response_mode", "form_post"), raw: "&response_mode=form_post", code: oauth.ErrInvalidRequest},
		{name: "scope malformed", q: azQuery("scope", `read "x"`), code: oauth.ErrInvalidScope},
		{name: "scope not allowed", q: azQuery("scope", "read admin"), code: oauth.ErrInvalidScope},
		{name: "scope omitted, no default", q: azQuery("client_id", "nodefault", "redirect_uri", "https://nd.example/cb", "scope", ""),
			redirect: "https://nd.example/cb", code: oauth.ErrInvalidScope},
		{name: "resource not allowed", q: azQuery("resource", "https://other.example"), code: oauth.ErrInvalidTarget},
		{name: "resource relative", q: azQuery("client_id", "aud", "redirect_uri", "https://aud.example/cb", "resource", "/api"),
			redirect: "https://aud.example/cb", code: oauth.ErrInvalidTarget},
		{name: "request object", q: azQuery("request", "eyJ.e30."), code: oauth.ErrRequestNotSupported},
		{name: "request_uri", q: azQuery("request_uri", "urn:x"), code: oauth.ErrRequestURINotSupported},
		{name: "prompt none with login", q: azQuery("prompt", "none login"), code: oauth.ErrInvalidRequest},
		{name: "prompt unknown", q: azQuery("prompt", "create"), code: oauth.ErrInvalidRequest},
		{name: "max_age negative", q: azQuery("max_age", "-1"), code: oauth.ErrInvalidRequest},
		{name: "max_age not a number", q: azQuery("max_age", "1h"), code: oauth.ErrInvalidRequest},
		// PKCE (RFC 7636 §4.4.1; RFC 9700 §2.1.1).
		{name: "public client without challenge", q: azQuery("client_id", "spa", "redirect_uri", "https://spa.example/cb",
			"code_challenge", "", "code_challenge_method", ""), redirect: "https://spa.example/cb", code: oauth.ErrInvalidRequest},
		{name: "PKCE-requiring client without challenge", q: azQuery("client_id", "pkce", "redirect_uri", "https://pkce.example/cb",
			"code_challenge", "", "code_challenge_method", ""), redirect: "https://pkce.example/cb", code: oauth.ErrInvalidRequest},
		{name: "RequirePKCE setting, confidential without challenge", q: azQuery("code_challenge", "", "code_challenge_method", ""),
			code: oauth.ErrInvalidRequest, pkce: true},
		{name: "method plain", q: azQuery("code_challenge_method", "plain"), code: oauth.ErrInvalidRequest},
		{name: "method omitted", q: azQuery("code_challenge_method", ""), code: oauth.ErrInvalidRequest},
		{name: "method lower case", q: azQuery("code_challenge_method", "s256"), code: oauth.ErrInvalidRequest},
		{name: "method without challenge", q: azQuery("code_challenge", ""), code: oauth.ErrInvalidRequest},
		{name: "challenge 42 characters", q: azQuery("code_challenge", azChallenge[:42]), code: oauth.ErrInvalidRequest},
		{name: "challenge 44 characters", q: azQuery("code_challenge", long), code: oauth.ErrInvalidRequest},
		{name: "challenge with +", q: azQuery("code_challenge", "+"+azChallenge[1:]), code: oauth.ErrInvalidRequest},
		// Delivery keeps the registered query (RFC 6749 §3.1.2).
		{name: "redirect URI with a query", q: azQuery("client_id", "query", "redirect_uri", "https://q.example/cb?tenant=a", "response_type", "token"),
			redirect: "https://q.example/cb?tenant=a", code: oauth.ErrUnsupportedResponseType},
		// Without state, none comes back.
		{name: "no state", q: azQuery("state", "", "response_type", ""), code: oauth.ErrInvalidRequest, state: "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []azOption
			if tt.pkce {
				opts = append(opts, azRequirePKCE)
			}
			env := azNewEnv(t, opts...)
			redirect, state := tt.redirect, tt.state
			if redirect == "" {
				redirect = azWebRedirect
			}
			switch state {
			case "":
				state = "st-1"
			case "-":
				state = ""
			}
			r := env.browser(t).get(azAuthorizePath + "?" + tt.q.Encode() + tt.raw)
			q := azWantRedirectError(t, r, redirect, tt.code, state)
			if q.Get("error_description") == "" {
				t.Error("no error_description")
			}
			if env.codes() != 0 {
				t.Error("a code was issued")
			}
			if strings.HasPrefix(redirect, "https://q.example") && q.Get("tenant") != "a" {
				t.Errorf("the registered query was lost: %v", q)
			}
		})
	}
}

// TestAuthorizeErrorFormPost: with response_mode=form_post, errors come
// back by the form_post page too.
func TestAuthorizeErrorFormPost(t *testing.T) {
	env := azNewEnv(t)
	r := env.browser(t).authorize(azQuery("response_mode", "form_post", "scope", "admin"))
	if r.status != http.StatusOK || r.header.Get("Location") != "" {
		t.Fatalf("status %d, Location %q", r.status, r.header.Get("Location"))
	}
	for _, want := range []string{`name="error" value="invalid_scope"`, `name="state" value="st-1"`, `name="iss" value="https://as.example"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("form_post error page lacks %q:\n%s", want, r.body)
		}
	}
}

// TestAuthorizePKCEAccepted: a confidential client without PKCE passes when
// neither it nor the settings require PKCE; S256 passes for all.
func TestAuthorizePKCEAccepted(t *testing.T) {
	env := azNewEnv(t)
	for _, q := range []url.Values{
		azQuery("code_challenge", "", "code_challenge_method", ""),
		azQuery("client_id", "spa", "redirect_uri", "https://spa.example/cb"),
	} {
		azWantPage(t, env.browser(t).authorize(q), "Sign in")
	}
}
