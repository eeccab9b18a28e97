package runtime

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/internal/session"
	"github.com/oauthgen/oauthgen/runtime/internal/testclock"
	"github.com/oauthgen/oauthgen/runtime/oauth"

	"golang.org/x/crypto/bcrypt"
)

// The harness of the authorization endpoint tests (prefix az): a server
// with the authorization flow and the token flows, end users, a fake
// clock, and a browser (a cookie jar that does not follow redirects)
// talking to it over TLS through httptest.

const (
	azAuthorizePath = "/oauth2/authorize"
	azWebSecret     = "web-secret-0123456789"
	azWebRedirect   = "https://app.example/cb"
	azAlicePass     = "alice-password"
	azBobPass       = "bob-password"
)

// azChallenge is the S256 challenge of htVerifier.
var azChallenge = oauth.S256Challenge(htVerifier)

// azHashes are bcrypt hashes of the test passwords at the minimum cost.
var azHashes = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, pw := range []string{azAlicePass, azBobPass} {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		if err != nil {
			panic(err)
		}
		out[pw] = string(h)
	}
	return out
})

// azClients is a client registry that does not validate, so tests can
// register what a careless registry might hold.
type azClients map[string]*Client

func (c azClients) Client(_ context.Context, id string) (*Client, error) { return c[id], nil }

// The kinds of azClient.
const (
	azConfidential = false
	azPublic       = true
)

func azClient(id string, public bool, redirects ...string) *Client {
	c := &Client{
		ID:            id,
		AuthMethod:    oauth.AuthNone,
		GrantTypes:    []oauth.GrantType{oauth.GrantAuthorizationCode, oauth.GrantRefreshToken},
		Scopes:        oauth.ScopeSet{"read", "write"},
		DefaultScopes: oauth.ScopeSet{"read"},
		RedirectURIs:  redirects,
	}
	if !public {
		c.AuthMethod = oauth.AuthClientSecretBasic
		c.SetSecretHash(HashClientSecret(azWebSecret))
	}
	return c
}

func azNewClients() azClients {
	web := azClient("web", azConfidential, azWebRedirect, "https://app.example/other")
	web.Name = "Example App"
	cc := azClient("cconly", azConfidential, "https://cc.example/cb")
	cc.GrantTypes = []oauth.GrantType{oauth.GrantClientCredentials}
	pkce := azClient("pkce", azConfidential, "https://pkce.example/cb")
	pkce.RequirePKCE = true
	nodef := azClient("nodefault", azPublic, "https://nd.example/cb")
	nodef.DefaultScopes = nil
	aud := azClient("aud", azConfidential, "https://aud.example/cb")
	aud.Audiences = []string{"https://api.example"}
	oidc := azClient("oidc", azConfidential, "https://rp.example/cb")
	oidc.Scopes = oauth.ScopeSet{"openid", "read"}
	return azClients{
		"web":       web,
		"spa":       azClient("spa", azPublic, "https://spa.example/cb"),
		"native":    azClient("native", azPublic, "http://127.0.0.1/cb", "http://[::1]/cb", "http://localhost/cb", "com.example.app:/cb"),
		"query":     azClient("query", azConfidential, "https://q.example/cb?tenant=a"),
		"evil":      azClient("evil", azConfidential, "javascript:alert(1)"),
		"cconly":    cc,
		"pkce":      pkce,
		"nodefault": nodef,
		"aud":       aud,
		"oidc":      oidc,
	}
}

// azFlow mirrors the generated authorization flow: it reads a team
// property, then runs hook, or the default procedure.
type azFlow struct{ env *azEnv }

// Prepare mirrors the generated parsing of a team property (campaign must
// not be "bad"), and returns the call of hook, or of the default
// procedure.
func (f azFlow) Prepare(a *AuthorizeContext) (func(context.Context) (*AuthorizeResponse, error), error) {
	if a.Param("campaign") == "bad" {
		return nil, flowkit.InvalidParameter("campaign", errors.New("must satisfy alphanum"))
	}
	return func(ctx context.Context) (*AuthorizeResponse, error) {
		f.env.mu.Lock()
		f.env.seen = append(f.env.seen, a)
		hook := f.env.hook
		f.env.mu.Unlock()
		if hook != nil {
			return hook(ctx, a)
		}
		return a.Default(ctx)
	}, nil
}

// azEnv is one test server with its browser-facing TLS listener.
type azEnv struct {
	srv   *Server
	ts    *httptest.Server
	clock *testclock.Clock
	store *MemoryStore
	users *MemoryUsers
	logs  *htLockedBuffer

	mu   sync.Mutex
	hook func(ctx context.Context, a *AuthorizeContext) (*AuthorizeResponse, error)
	seen []*AuthorizeContext
	// deviceHook replaces the device authorization flow's default
	// procedure (dvEnable).
	deviceHook func(ctx context.Context, c *DeviceAuthorizationContext) (*DeviceAuthorizationResponse, error)
}

// setHook makes the flow run hook instead of the default procedure.
func (env *azEnv) setHook(hook func(ctx context.Context, a *AuthorizeContext) (*AuthorizeResponse, error)) {
	env.mu.Lock()
	defer env.mu.Unlock()
	env.hook = hook
}

// last returns the context the flow saw last.
func (env *azEnv) last(t *testing.T) *AuthorizeContext {
	t.Helper()
	env.mu.Lock()
	defer env.mu.Unlock()
	if len(env.seen) == 0 {
		t.Fatal("the flow was not called")
	}
	return env.seen[len(env.seen)-1]
}

// azOption adjusts the settings and config of a test server.
type azOption func(s *Settings, cfg *Config)

func azNewEnv(t *testing.T, opts ...azOption) *azEnv {
	t.Helper()
	env := &azEnv{clock: testclock.New(htStart), store: NewMemoryStore(), logs: &htLockedBuffer{}}
	users, err := NewMemoryUsers(
		User{Subject: "sub-alice", Username: "alice", PasswordHash: azHashes()[azAlicePass], Claims: UserClaims{Name: "Alice"}},
		User{Subject: "sub-bob", Username: "bob", PasswordHash: azHashes()[azBobPass]},
	)
	if err != nil {
		t.Fatalf("NewMemoryUsers: %v", err)
	}
	env.users = users
	s := htSettings()
	s.Paths["oauth-authorize"] = azAuthorizePath
	s.Scopes = []ScopeInfo{{Name: "read", Description: "Read your files"}, {Name: "write", Description: "Change your files"}}
	cfg := Config{
		Clients: azNewClients(),
		Store:   env.store,
		Keys:    htKeys(t),
		Clock:   env.clock,
		Logger:  slog.New(slog.NewJSONHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Users:   users,
	}
	for _, o := range opts {
		o(&s, &cfg)
	}
	fl := Flows{
		Token: []Registration[TokenContext, TokenResponse]{
			{ID: "oauth-token-authorization-code", Wire: string(oauth.GrantAuthorizationCode), Policy: htPolicy(), Grant: htCodeGrant, Flow: htDefaultFlow{}},
			{ID: "oauth-token-refresh", Wire: string(oauth.GrantRefreshToken), Policy: htPolicy(), Grant: htRefreshGrant, Flow: htDefaultFlow{}},
		},
		Authorize: &Registration[AuthorizeContext, AuthorizeResponse]{ID: "oauth-authorize-authorization-code", Wire: "code", Policy: TokenPolicy{CodeTTL: 30 * time.Second}, Flow: azFlow{env}},
	}
	if _, ok := s.Paths[deviceEndpointID]; ok { // dvEnable
		dvAddFlows(env, &fl)
	}
	srv, err := NewServer(cfg, s, fl)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	env.srv = srv
	env.ts = httptest.NewTLSServer(srv)
	t.Cleanup(env.ts.Close)
	return env
}

// azTrustLoopback trusts the loopback proxy, so that a browser's
// forwardedFor is the address the server sees.
func azTrustLoopback(_ *Settings, c *Config) {
	c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("192.0.2.0/24")}
}

// azRequirePKCE sets Settings.RequirePKCE.
func azRequirePKCE(s *Settings, _ *Config) { s.RequirePKCE = true }

// azBrowser is a user agent: a cookie jar, no automatic redirects.
type azBrowser struct {
	t   *testing.T
	env *azEnv
	c   *http.Client
	// forwardedFor, when set, is sent as X-Forwarded-For: the address the
	// server sees when it trusts the loopback proxy.
	forwardedFor string
}

func (env *azEnv) browser(t *testing.T) *azBrowser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &azBrowser{t: t, env: env, c: &http.Client{
		Jar:       jar,
		Transport: env.ts.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// azResponse is a response with its body read.
type azResponse struct {
	status int
	header http.Header
	body   string
}

func (b *azBrowser) do(req *http.Request) azResponse {
	b.t.Helper()
	if b.forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", b.forwardedFor)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return azResponse{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// get fetches a path (with its query) of the server.
func (b *azBrowser) get(pathQuery string) azResponse {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.env.ts.URL+pathQuery, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post submits a form to a path of the server.
func (b *azBrowser) post(path string, form url.Values) azResponse {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.env.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// authorize sends an authorization request by GET.
func (b *azBrowser) authorize(q url.Values) azResponse {
	b.t.Helper()
	return b.get(azAuthorizePath + "?" + q.Encode())
}

// cookie returns the value of the session cookie the jar holds for the server.
func (b *azBrowser) cookie() string {
	u, _ := url.Parse(b.env.ts.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if strings.HasSuffix(c.Name, session.CookieName) {
			return c.Value
		}
	}
	return ""
}

// azQuery builds an authorization request of client web with PKCE.
func azQuery(kv ...string) url.Values {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {"web"},
		"redirect_uri":          {azWebRedirect},
		"scope":                 {"read write"},
		"state":                 {"st-1"},
		"code_challenge":        {azChallenge},
		"code_challenge_method": {"S256"},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	return q
}

var azHidden = regexp.MustCompile(`name="(interaction|csrf)" value="([^"]*)"`)

// formFields returns the interaction id and CSRF token of a page.
func azFormFields(t *testing.T, r azResponse) (string, string) {
	t.Helper()
	var id, csrf string
	for _, m := range azHidden.FindAllStringSubmatch(r.body, -1) {
		if m[1] == "interaction" {
			id = m[2]
		} else {
			csrf = m[2]
		}
	}
	if id == "" || csrf == "" {
		t.Fatalf("no interaction or csrf field in page (status %d):\n%s", r.status, r.body)
	}
	return id, csrf
}

// azWantPage checks a login or consent page: 200, HTML and the page headers
// that forbid framing (RFC 9700 §4.16).
func azWantPage(t *testing.T, r azResponse, heading string) {
	t.Helper()
	if r.status != http.StatusOK || !strings.Contains(r.body, heading) {
		t.Fatalf("want a page with %q, got %d %v\n%s", heading, r.status, r.header, r.body)
	}
	azWantPageHeaders(t, r)
}

func azWantPageHeaders(t *testing.T, r azResponse) {
	t.Helper()
	h := r.header
	if got := h.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "style-src 'unsafe-inline'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	for k, want := range map[string]string{"X-Frame-Options": "DENY", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if h.Get("Location") != "" {
		t.Errorf("a page carries Location %q", h.Get("Location"))
	}
}

// azWantErrorPage checks an error page: the status, HTML, no redirect
// (RFC 6749 §4.1.2.1).
func azWantErrorPage(t *testing.T, r azResponse, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; Location %q\n%s", r.status, status, r.header.Get("Location"), r.body)
	}
	azWantPageHeaders(t, r)
	if !strings.Contains(r.body, "<h1>") {
		t.Errorf("error page without a heading:\n%s", r.body)
	}
	// Its way back is history.back(), the one script its CSP admits.
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src '"+errorPageScript+"'; ") ||
		!strings.Contains(csp, "form-action 'none'") {
		t.Errorf("error page CSP %q: want script-src of its back script only, form-action 'none'", csp)
	}
	if !strings.Contains(r.body, `id="back"`) {
		t.Errorf("error page without a way back:\n%s", r.body)
	}
}

// wantRedirect checks a 303 to the redirect URI and returns its query.
func azWantRedirect(t *testing.T, r azResponse, redirect string) url.Values {
	t.Helper()
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303\n%s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, redirect+"?") && !strings.HasPrefix(loc, redirect+"&") {
		t.Fatalf("Location %q does not go to %q", loc, redirect)
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("redirect Cache-Control = %q", got)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if got := q.Get("iss"); got != htIssuer {
		t.Errorf("iss = %q, want %q (RFC 9207 §2)", got, htIssuer)
	}
	return q
}

// wantRedirectError checks an error redirect with state and iss.
func azWantRedirectError(t *testing.T, r azResponse, redirect string, code oauth.ErrorCode, state string) url.Values {
	t.Helper()
	q := azWantRedirect(t, r, redirect)
	if q.Get("error") != string(code) {
		t.Fatalf("error = %q (%s), want %s", q.Get("error"), q.Get("error_description"), code)
	}
	if q.Has("code") {
		t.Error("an error redirect carries a code")
	}
	if q.Get("state") != state || (state == "" && q.Has("state")) {
		t.Errorf("state = %q (present %v), want %q", q.Get("state"), q.Has("state"), state)
	}
	return q
}

// login submits the login page r with the credentials.
func (b *azBrowser) login(r azResponse, username, password string) azResponse {
	b.t.Helper()
	id, csrf := azFormFields(b.t, r)
	return b.post(azAuthorizePath+"/login", url.Values{"interaction": {id}, "csrf": {csrf}, "username": {username}, "password": {password}})
}

// consent follows a 303 to the consent page if r is one, and submits it.
func (b *azBrowser) consent(r azResponse, decision string) azResponse {
	b.t.Helper()
	if r.status == http.StatusSeeOther {
		loc := r.header.Get("Location")
		if !strings.HasPrefix(loc, azAuthorizePath+"/consent?") {
			b.t.Fatalf("303 to %q, want the consent page", loc)
		}
		r = b.get(loc)
	}
	azWantPage(b.t, r, "Allow")
	id, csrf := azFormFields(b.t, r)
	return b.post(azAuthorizePath+"/consent", url.Values{"interaction": {id}, "csrf": {csrf}, "decision": {decision}})
}

// signIn runs a whole authorization of q as alice, approving consent when
// asked, and returns the redirect's query.
func (b *azBrowser) signIn(q url.Values) url.Values {
	b.t.Helper()
	r := b.authorize(q)
	azWantPage(b.t, r, "Sign in")
	r = b.login(r, "alice", azAlicePass)
	if strings.HasPrefix(r.header.Get("Location"), azAuthorizePath+"/consent?") {
		r = b.consent(r, "approve")
	}
	return azWantRedirect(b.t, r, q.Get("redirect_uri"))
}

// codes returns the number of codes the store holds.
func (env *azEnv) codes() int {
	env.store.mu.Lock()
	defer env.store.mu.Unlock()
	return len(env.store.codes)
}

// redeem exchanges a code of client web at the token endpoint.
func (env *azEnv) redeem(t *testing.T, code, redirect string) htTokenBody {
	t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {htVerifier}}
	req := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("web", azWebSecret)
	w := httptest.NewRecorder()
	env.srv.ServeHTTP(w, req)
	return htDecode(t, w)
}

// azTokenPost sends a form to the token endpoint of srv.
func azTokenPost(srv *Server, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	return w
}

// setCookie replaces the session cookie the jar holds for the server.
func (b *azBrowser) setCookie(value string) {
	u, _ := url.Parse(b.env.ts.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if strings.HasSuffix(c.Name, session.CookieName) {
			b.c.Jar.SetCookies(u, []*http.Cookie{{Name: c.Name, Value: value, Path: "/", Secure: true}})
			return
		}
	}
	b.t.Fatal("no session cookie to replace")
}
