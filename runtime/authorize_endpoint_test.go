package runtime

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/formpost"
	"github.com/oauthgen/oauthgen/runtime/internal/session"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestAuthorizeHappyPath: login page, login (303, cookie rotated), consent
// page with the client's name and the scope descriptions, approve (303 to
// the redirect URI with code, the exact state and iss), and the code
// redeems at the token endpoint (RFC 6749 §4.1).
func TestAuthorizeHappyPath(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	state := "a+b/c=d%e f&g"
	q := azQuery("state", state, "nonce", "n-123", "resource", "", "ui_locales", "fr en")

	r := b.authorize(q)
	azWantPage(t, r, "Sign in")
	if !strings.Contains(r.body, "Example App") {
		t.Error("the login page does not name the client")
	}
	before := b.cookie()
	if before == "" {
		t.Fatal("no session cookie before the login: the interaction is bound to none")
	}

	r = b.login(r, "alice", azAlicePass)
	if r.status != http.StatusSeeOther {
		t.Fatalf("login answered %d, want 303 (RFC 9700 §4.12)\n%s", r.status, r.body)
	}
	after := b.cookie()
	if after == "" || after == before {
		t.Fatalf("the session cookie was not rotated at login: %q -> %q", before, after)
	}

	loc := r.header.Get("Location")
	page := b.get(loc)
	azWantPage(t, page, "Allow")
	for _, want := range []string{"Example App", "Read your files", "Change your files", "alice"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the consent page lacks %q (RFC 6749 §10.2)", want)
		}
	}
	id, csrf := azFormFields(t, page)
	r = b.post(azAuthorizePath+"/consent", url.Values{"interaction": {id}, "csrf": {csrf}, "decision": {"approve"}})
	got := azWantRedirect(t, r, azWebRedirect)
	if got.Get("state") != state {
		t.Errorf("state = %q, want %q (RFC 6749 §4.1.2)", got.Get("state"), state)
	}
	code := got.Get("code")
	if len(code) < 43 {
		t.Fatalf("code %q is shorter than 256 bits", code)
	}
	if !strings.Contains(r.header.Get("Location"), "state="+url.QueryEscape(state)) {
		t.Errorf("Location %q does not carry the state percent-encoded", r.header.Get("Location"))
	}

	// The context the flow saw.
	a := env.last(t)
	if a.Authentication.Subject != "sub-alice" || !a.Authentication.AuthTime.Equal(htStart) ||
		len(a.Authentication.AMR) != 1 || a.Authentication.AMR[0] != "pwd" || a.Authentication.SessionID == "" {
		t.Errorf("Authentication = %+v", a.Authentication)
	}
	if a.Nonce != "n-123" || a.State != state || !a.RedirectURIProvided || a.RedirectURI.String() != azWebRedirect ||
		a.GrantedScope.String() != "read write" || !a.Code.ExpiresAt.Equal(a.Now.Add(30*time.Second)) || a.CodeChallenge != azChallenge ||
		a.ResponseMode != oauth.ResponseModeQuery || strings.Join(a.UILocales, ",") != "fr,en" || a.Issuer != htIssuer {
		t.Errorf("context = %+v", a)
	}
	if a.Param("nonce") != "n-123" {
		t.Errorf("Param(nonce) = %q", a.Param("nonce"))
	}

	// The code redeems once, for alice, with the request's scope.
	tok := env.redeem(t, code, azWebRedirect)
	if tok.AccessToken == "" || tok.Scope != "read write" || tok.RefreshToken == "" {
		t.Fatalf("token response %+v", tok)
	}
	rec, ok, err := env.srv.AccessTokenActive(context.Background(), Secret(tok.AccessToken))
	if err != nil || !ok || rec.Claims.Subject != "sub-alice" {
		t.Fatalf("access token: %v %v %+v", ok, err, rec.Claims)
	}
	if again := env.redeem(t, code, azWebRedirect); again.Error != string(oauth.ErrInvalidGrant) {
		t.Errorf("second redemption: %+v", again)
	}
}

// TestAuthorizeSessionAndConsentRemembered: a second authorization in the
// same browser skips login and consent; a request for a scope not yet
// approved asks again; prompt=consent asks again.
func TestAuthorizeSessionAndConsentRemembered(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	b.signIn(azQuery("scope", "read"))

	r := b.authorize(azQuery("scope", "read", "state", "second"))
	got := azWantRedirect(t, r, azWebRedirect)
	if got.Get("code") == "" || got.Get("state") != "second" {
		t.Fatalf("second authorization: %v", got)
	}

	// One more scope: the consent page again, no login.
	r = b.authorize(azQuery("scope", "read write"))
	azWantPage(t, r, "Allow")
	if strings.Contains(r.body, `name="password"`) {
		t.Fatal("a login form although the session is live")
	}
	azWantRedirect(t, b.consent(r, "approve"), azWebRedirect)

	// Now both are remembered; prompt=consent still asks.
	azWantRedirect(t, b.authorize(azQuery()), azWebRedirect)
	r = b.authorize(azQuery("prompt", "consent"))
	azWantPage(t, r, "Allow")
	azWantRedirect(t, b.consent(r, "approve"), azWebRedirect)

	// Another browser has no session.
	azWantPage(t, env.browser(t).authorize(azQuery()), "Sign in")
}

// TestAuthorizeDeny: deny is access_denied with state and iss (RFC 6749
// §4.1.2.1; RFC 9207 §2), and the consent is not remembered.
func TestAuthorizeDeny(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	r := b.authorize(azQuery("state", "deny-state"))
	r = b.consent(b.login(r, "alice", azAlicePass), "deny")
	azWantRedirectError(t, r, azWebRedirect, oauth.ErrAccessDenied, "deny-state")
	if env.codes() != 0 {
		t.Error("a code was issued")
	}
	azWantPage(t, b.authorize(azQuery()), "Allow")
}

// TestAuthorizePromptLoginAndMaxAge: prompt=login and an exceeded max_age
// force a new login, which rotates the cookie again; prompt=select_account
// shows the login page.
func TestAuthorizePromptLoginAndMaxAge(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	b.signIn(azQuery())

	for _, q := range []url.Values{azQuery("prompt", "login"), azQuery("prompt", "select_account"), azQuery("max_age", "0")} {
		r := b.authorize(q)
		azWantPage(t, r, "Sign in")
		before := b.cookie()
		r = b.login(r, "alice", azAlicePass)
		azWantRedirect(t, r, azWebRedirect) // consent remembered: straight to the client
		if b.cookie() == before {
			t.Errorf("%v: cookie not rotated at login", q)
		}
	}

	// max_age: within it, no login; beyond it, a login.
	env.clock.Advance(30 * time.Minute)
	azWantRedirect(t, b.authorize(azQuery("max_age", "3600")), azWebRedirect)
	env.clock.Advance(31 * time.Minute)
	azWantRedirectError(t, b.authorize(azQuery("max_age", "3600", "prompt", "none")), azWebRedirect, oauth.ErrLoginRequired, "st-1")
	r := b.authorize(azQuery("max_age", "3600"))
	azWantPage(t, r, "Sign in")
	azWantRedirect(t, b.login(r, "alice", azAlicePass), azWebRedirect)
	if a := env.last(t); !a.Authentication.AuthTime.Equal(env.clock.Now()) {
		t.Errorf("auth_time %v, want the new login's %v", a.Authentication.AuthTime, env.clock.Now())
	}

	// The session ends after 12 hours.
	env.clock.Advance(session.TTL)
	azWantPage(t, b.authorize(azQuery()), "Sign in")
}

// TestAuthorizePromptNone: prompt=none never renders a page (OIDC Core
// §3.1.2.1): login_required without a session, consent_required without
// consent, a code with both.
func TestAuthorizePromptNone(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	r := b.authorize(azQuery("prompt", "none"))
	azWantRedirectError(t, r, azWebRedirect, oauth.ErrLoginRequired, "st-1")
	if r.body != "" || strings.Contains(r.header.Get("Content-Type"), "html") {
		t.Errorf("prompt=none rendered something: %q %q", r.header.Get("Content-Type"), r.body)
	}
	r = b.authorize(azQuery("prompt", "none", "response_mode", "form_post"))
	if !strings.Contains(r.body, `name="error" value="login_required"`) {
		t.Errorf("form_post prompt=none: %s", r.body)
	}

	b.signIn(azQuery("scope", "read"))
	azWantRedirectError(t, b.authorize(azQuery("prompt", "none", "scope", "read write")), azWebRedirect, oauth.ErrConsentRequired, "st-1")
	got := azWantRedirect(t, b.authorize(azQuery("prompt", "none", "scope", "read")), azWebRedirect)
	if got.Get("code") == "" {
		t.Fatalf("prompt=none with session and consent: %v", got)
	}
}

// TestAuthorizeFormPost: response_mode=form_post answers with a page that
// posts code, state and iss to the redirect URI; its script is admitted by
// its CSP hash only, and a noscript button works without it.
func TestAuthorizeFormPost(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	b.signIn(azQuery())
	r := b.authorize(azQuery("response_mode", "form_post", "state", `x"<y>&z`))
	if r.status != http.StatusOK {
		t.Fatalf("status %d\n%s", r.status, r.body)
	}
	azWantPageHeaders(t, r)
	for _, want := range []string{
		`<form method="post" action="https://app.example/cb">`,
		`name="code" value="`,
		`name="state" value="x&#34;&lt;y&gt;&amp;z"`,
		`name="iss" value="https://as.example"`,
		"<noscript>", `<button type="submit">`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("form_post page lacks %q:\n%s", want, r.body)
		}
	}
	hash := formpost.New().ScriptHash()
	csp := r.header.Get("Content-Security-Policy")
	if hash == "" || !strings.Contains(csp, "script-src '"+hash+"'") {
		t.Errorf("CSP %q does not admit the page's script (%s)", csp, hash)
	}
	if !strings.Contains(csp, "form-action https://app.example;") {
		t.Errorf("CSP %q: form-action is not the redirect URI's origin", csp)
	}
	if strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "script-src 'unsafe-inline'") {
		t.Errorf("CSP %q admits arbitrary script", csp)
	}
}

// TestAuthorizePOSTRequest: the authorization request may be a form POST
// (RFC 6749 §3.1).
func TestAuthorizePOSTRequest(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	r := b.post(azAuthorizePath, azQuery())
	azWantPage(t, r, "Sign in")
	r = b.consent(b.login(r, "alice", azAlicePass), "approve")
	azWantRedirect(t, r, azWebRedirect)
}

// TestAuthorizeFlowOutcomes: the flow's errors go back to the client; a
// panic, a code the endpoint cannot return, or no code are server_error
// without detail; a procedure cannot bind a code to another client, another
// redirect URI or more scope than granted.
func TestAuthorizeFlowOutcomes(t *testing.T) {
	tests := []struct {
		name string
		hook func(ctx context.Context, a *AuthorizeContext) (*AuthorizeResponse, error)
		want oauth.ErrorCode
	}{
		{"access denied", func(context.Context, *AuthorizeContext) (*AuthorizeResponse, error) {
			return nil, oauth.NewError(oauth.ErrAccessDenied, "not today")
		}, oauth.ErrAccessDenied},
		{"panic", func(context.Context, *AuthorizeContext) (*AuthorizeResponse, error) {
			panic("boom")
		}, oauth.ErrServerError},
		{"token endpoint code", func(context.Context, *AuthorizeContext) (*AuthorizeResponse, error) {
			return nil, oauth.NewError(oauth.ErrInvalidGrant, "secret detail")
		}, oauth.ErrServerError},
		{"plain error", func(context.Context, *AuthorizeContext) (*AuthorizeResponse, error) {
			return nil, errors.New("database on fire")
		}, oauth.ErrServerError},
		{"nil response", func(context.Context, *AuthorizeContext) (*AuthorizeResponse, error) { return nil, nil }, oauth.ErrServerError},
		{"empty code", func(context.Context, *AuthorizeContext) (*AuthorizeResponse, error) {
			return &AuthorizeResponse{}, nil
		}, oauth.ErrServerError},
		{"other client", func(ctx context.Context, a *AuthorizeContext) (*AuthorizeResponse, error) {
			a.Code.ClientID = "spa"
			return a.Default(ctx)
		}, oauth.ErrServerError},
		{"other redirect", func(ctx context.Context, a *AuthorizeContext) (*AuthorizeResponse, error) {
			a.Code.RedirectURI = "https://app.example/other"
			return a.Default(ctx)
		}, oauth.ErrServerError},
		{"more scope", func(ctx context.Context, a *AuthorizeContext) (*AuthorizeResponse, error) {
			a.Code.Scope = oauth.ScopeSet{"read", "write"}
			return a.Default(ctx)
		}, oauth.ErrServerError},
		{"PKCE dropped", func(ctx context.Context, a *AuthorizeContext) (*AuthorizeResponse, error) {
			a.Code.CodeChallenge, a.Code.CodeChallengeMethod = "", ""
			return a.Default(ctx)
		}, oauth.ErrInvalidRequest},
		{"lifetime too long", func(ctx context.Context, a *AuthorizeContext) (*AuthorizeResponse, error) {
			a.Code.ExpiresAt = a.Now.Add(time.Hour)
			return a.Default(ctx)
		}, oauth.ErrServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := azNewEnv(t, azRequirePKCE)
			b := env.browser(t)
			b.signIn(azQuery("scope", "read"))
			env.setHook(tt.hook)
			q := azWantRedirectError(t, b.authorize(azQuery("scope", "read", "state", "s")), azWebRedirect, tt.want, "s")
			if tt.want == oauth.ErrServerError && q.Get("error_description") != "" {
				t.Errorf("server_error carries a description: %q", q.Get("error_description"))
			}
			if env.codes() != 1 { // the sign-in's only
				t.Errorf("%d codes stored, want 1", env.codes())
			}
		})
	}
	t.Run("procedure narrows the scope", func(t *testing.T) {
		env := azNewEnv(t)
		b := env.browser(t)
		b.signIn(azQuery())
		env.setHook(func(ctx context.Context, a *AuthorizeContext) (*AuthorizeResponse, error) {
			a.Code.Scope = oauth.ScopeSet{"read"}
			return a.Default(ctx)
		})
		got := azWantRedirect(t, b.authorize(azQuery()), azWebRedirect)
		if tok := env.redeem(t, got.Get("code"), azWebRedirect); tok.Scope != "read" {
			t.Errorf("scope %q, want read", tok.Scope)
		}
	})
}

// TestAuthorizeMetadata: the RFC 8414 document advertises the endpoint,
// response type code, the two response modes and iss (RFC 9207 §3).
func TestAuthorizeMetadata(t *testing.T) {
	env := azNewEnv(t)
	m := env.srv.Metadata()
	if m.AuthorizationEndpoint != htIssuer+azAuthorizePath || strings.Join(m.ResponseTypesSupported, ",") != "code" ||
		strings.Join(m.ResponseModesSupported, ",") != "query,form_post" || !m.AuthorizationResponseIssParameterSupported {
		t.Errorf("metadata %+v", m)
	}
	// Without the authorization flow, none of it.
	plain := htNewEnv(t).srv.Metadata()
	if plain.AuthorizationEndpoint != "" || len(plain.ResponseTypesSupported) != 0 || plain.AuthorizationResponseIssParameterSupported {
		t.Errorf("metadata without the endpoint %+v", plain)
	}
}

// TestAuthorizeNewServer: the registration and settings are checked.
func TestAuthorizeNewServer(t *testing.T) {
	users, _ := NewMemoryUsers()
	base := func() (Config, Settings, Flows) {
		return Config{Clients: azNewClients(), Keys: htKeys(t), Users: users}, htSettings(),
			Flows{
				Token:     []Registration[TokenContext, TokenResponse]{{ID: "c", Wire: string(oauth.GrantAuthorizationCode), Grant: htCodeGrant, Flow: htDefaultFlow{}}},
				Authorize: &Registration[AuthorizeContext, AuthorizeResponse]{ID: "a", Flow: azFlow{}},
			}
	}
	tests := []struct {
		name string
		edit func(*Config, *Settings, *Flows)
		ok   bool
	}{
		{"defaults", func(*Config, *Settings, *Flows) {}, true},
		{"nil flow", func(_ *Config, _ *Settings, f *Flows) { f.Authorize.Flow = nil }, false},
		{"response type code", func(_ *Config, _ *Settings, f *Flows) { f.Authorize.Wire = "code" }, true},
		{"other response type", func(_ *Config, _ *Settings, f *Flows) { f.Authorize.Wire = "token" }, false},
		{"no flow redeems codes", func(_ *Config, _ *Settings, f *Flows) { f.Token = nil }, false},
		{"short session key", func(c *Config, _ *Settings, _ *Flows) { c.SessionKey = make([]byte, 31) }, false},
		{"session key", func(c *Config, _ *Settings, _ *Flows) { c.SessionKey = make([]byte, 32) }, true},
		{"relative path", func(_ *Config, s *Settings, _ *Flows) { s.Paths["oauth-authorize"] = "authorize" }, false},
		{"path with query", func(_ *Config, s *Settings, _ *Flows) { s.Paths["oauth-authorize"] = "/a?b" }, false},
		{"path clashes", func(_ *Config, s *Settings, _ *Flows) { s.Paths["oauth-authorize"] = s.Paths["oauth-token"] }, false},
		{"login page clashes", func(_ *Config, s *Settings, _ *Flows) { s.Paths["oauth-jwks"] = "/oauth2/authorize/login" }, false},
		{"code TTL too long", func(_ *Config, _ *Settings, f *Flows) { f.Authorize.Policy.CodeTTL = time.Hour }, false},
		{"no users", func(c *Config, _ *Settings, _ *Flows) { c.Users = nil }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s, f := base()
			tt.edit(&c, &s, &f)
			srv, err := NewServer(c, s, f)
			if (err == nil) != tt.ok {
				t.Fatalf("NewServer error = %v, want ok %v", err, tt.ok)
			}
			if err == nil && (srv.Settings().Paths["oauth-authorize"] != defaultAuthorizePath || srv.authorize.Policy.CodeTTL != defaultCodeTTL || srv.pages == nil) {
				t.Errorf("defaults not filled: %q %v", srv.Settings().Paths["oauth-authorize"], srv.authorize.Policy.CodeTTL)
			}
		})
	}
}

// TestAuthorizeFlowCheckBeforePages: the flow's own properties are checked
// when the request arrives (the flow's Prepare), so a malformed one is
// invalid_request at once, with state and iss, before any login page, and
// prompt=none gets it rather than login_required.
func TestAuthorizeFlowCheckBeforePages(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	r := b.authorize(azQuery("campaign", "bad"))
	azWantRedirectError(t, r, azWebRedirect, oauth.ErrInvalidRequest, "st-1")
	if strings.Contains(r.body, `name="password"`) {
		t.Error("a login page was shown for a request with a malformed property")
	}
	azWantRedirectError(t, b.authorize(azQuery("campaign", "bad", "prompt", "none")), azWebRedirect, oauth.ErrInvalidRequest, "st-1")
	// A well-formed value goes on to the login page.
	if r := b.authorize(azQuery("campaign", "good")); !strings.Contains(r.body, `name="password"`) {
		t.Errorf("campaign=good: want the login page, got %d %s", r.status, r.body)
	}
}
