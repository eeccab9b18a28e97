package runtime

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/pushed"
	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The pushed authorization request endpoint (RFC 9126) and the
// authorization endpoint's side of it: a request_uri used once, by the
// client that pushed it, before it expires.

const azPARPath = "/oauth2/par"

// azPAR enables the pushed authorization request endpoint.
func azPAR(s *Settings, _ *Config) { s.PushedAuthorizationRequests = true }

// azRequirePAR requires pushed requests of every client.
func azRequirePAR(s *Settings, _ *Config) {
	s.PushedAuthorizationRequests, s.RequirePushedAuthorizationRequests = true, true
}

// parPush is one request to the endpoint: its method, content type,
// Basic credentials (nil for none), query and form.
type parPush struct {
	method, contentType, query string
	basic                      *[2]string
	form                       url.Values
}

// push sends rq to the endpoint.
func (env *azEnv) push(t *testing.T, rq parPush) *httptest.ResponseRecorder {
	t.Helper()
	if rq.method == "" {
		rq.method = http.MethodPost
	}
	if rq.contentType == "" {
		rq.contentType = "application/x-www-form-urlencoded"
	}
	target := azPARPath
	if rq.query != "" {
		target += "?" + rq.query
	}
	req := httptest.NewRequest(rq.method, target, strings.NewReader(rq.form.Encode()))
	req.Header.Set("Content-Type", rq.contentType)
	if rq.basic != nil {
		req.SetBasicAuth(rq.basic[0], rq.basic[1])
	}
	w := httptest.NewRecorder()
	env.srv.ServeHTTP(w, req)
	return w
}

// pushWeb pushes the request q as client web, authenticated with its
// secret, and returns the request_uri.
func (env *azEnv) pushWeb(t *testing.T, q url.Values) string {
	t.Helper()
	return parWantCreated(t, env.push(t, parPush{basic: htBasic("web", azWebSecret), form: q}))
}

// parWantCreated checks a successful push (RFC 9126 §2.2) and returns its
// request_uri.
func parWantCreated(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d, want 201: %s", w.Code, w.Body.String())
	}
	for k, want := range map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	uri, _ := body["request_uri"].(string)
	if !strings.HasPrefix(uri, "urn:ietf:params:oauth:request_uri:") || len(uri)-len(pushed.URIPrefix) < 43 {
		t.Errorf("request_uri %q: want the urn prefix and 256 random bits", uri)
	}
	if body["expires_in"] != float64(60) || len(body) != 2 {
		t.Errorf("body %v, want request_uri and expires_in 60", body)
	}
	return uri
}

// parAuthorize is the authorization request that uses a pushed one.
func parAuthorize(clientID, uri string, extra ...string) url.Values {
	q := url.Values{"client_id": {clientID}, "request_uri": {uri}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Add(extra[i], extra[i+1])
	}
	return q
}

// TestPAREndpointErrors: every refusal of the endpoint is RFC 6749 JSON
// with no-store (RFC 9126 §2.3), with the status and code of its cause;
// nothing is kept.
func TestPAREndpointErrors(t *testing.T) {
	web := htBasic("web", azWebSecret)
	spaPKCE := func(kv ...string) url.Values {
		return azQuery(append([]string{"client_id", "spa", "redirect_uri", "https://spa.example/cb"}, kv...)...)
	}
	cases := []struct {
		name   string
		rq     parPush
		status int
		code   oauth.ErrorCode
		desc   string
	}{
		{"GET", parPush{method: http.MethodGet, basic: web}, 405, oauth.ErrInvalidRequest, "POST only"},
		{"not a form", parPush{contentType: "application/json", basic: web, form: azQuery()}, 400, oauth.ErrInvalidRequest, "Content-Type"},
		{"secret in the URL", parPush{query: "client_secret=" + azWebSecret, basic: web, form: azQuery()}, 400, oauth.ErrInvalidRequest, "URL"},
		{"repeated parameter", parPush{basic: web, form: url.Values{"response_type": {"code"}, "scope": {"read", "write"}}}, 400, oauth.ErrInvalidRequest, "'scope' is repeated"},
		{"no credentials", parPush{form: azQuery()}, 400, oauth.ErrInvalidClient, ""},
		{"wrong secret, Basic", parPush{basic: htBasic("web", "wrong"), form: azQuery()}, 401, oauth.ErrInvalidClient, ""},
		{"unknown client", parPush{basic: htBasic("nobody", "x"), form: azQuery("client_id", "")}, 401, oauth.ErrInvalidClient, ""},
		{"another method than registered", parPush{form: azQuery("client_secret", azWebSecret)}, 400, oauth.ErrInvalidClient, ""},
		{"client_id of another client", parPush{basic: web, form: azQuery("client_id", "spa")}, 400, oauth.ErrInvalidRequest, "client_id"},
		{"request_uri pushed", parPush{basic: web, form: azQuery("request_uri", "urn:ietf:params:oauth:request_uri:x")}, 400, oauth.ErrInvalidRequest, "'request_uri' must not be pushed"},
		{"request object", parPush{basic: web, form: azQuery("request", "eyJ.x.y")}, 400, oauth.ErrRequestNotSupported, ""},
		{"redirect_uri missing, two registered", parPush{basic: web, form: azQuery("redirect_uri", "")}, 400, oauth.ErrInvalidRequest, "'redirect_uri' is missing"},
		{"redirect_uri not registered", parPush{basic: web, form: azQuery("redirect_uri", "https://app.example/cb2")}, 400, oauth.ErrInvalidRequest, "not registered"},
		{"redirect_uri malformed", parPush{basic: web, form: azQuery("redirect_uri", "https://app.example/cb#f")}, 400, oauth.ErrInvalidRequest, "malformed"},
		{"response_type missing", parPush{basic: web, form: azQuery("response_type", "")}, 400, oauth.ErrInvalidRequest, "'response_type'"},
		{"response_type token", parPush{basic: web, form: azQuery("response_type", "token")}, 400, oauth.ErrUnsupportedResponseType, ""},
		{"scope not allowed", parPush{basic: web, form: azQuery("scope", "admin")}, 400, oauth.ErrInvalidScope, "admin"},
		{"public client without PKCE", parPush{form: spaPKCE("code_challenge", "", "code_challenge_method", "")}, 400, oauth.ErrInvalidRequest, "code_challenge"},
		{"team property invalid", parPush{basic: web, form: azQuery("campaign", "bad")}, 400, oauth.ErrInvalidRequest, "campaign"},
		{"prompt unknown", parPush{basic: web, form: azQuery("prompt", "everything")}, 400, oauth.ErrInvalidRequest, "prompt"},
		{"too large", parPush{basic: web, form: azQuery("campaign", strings.Repeat("a", maxAuthorizeParamBytes))}, 400, oauth.ErrInvalidRequest, "too large"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := azNewEnv(t, azPAR)
			w := env.push(t, tc.rq)
			b := htWantError(t, w, tc.status, tc.code)
			if !strings.Contains(b.ErrorDescription, tc.desc) {
				t.Errorf("error_description %q, want it to contain %q", b.ErrorDescription, tc.desc)
			}
			if tc.status == 401 && !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("401 without a Basic challenge: %v", w.Header())
			}
			if tc.status == 405 && w.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q", w.Header().Get("Allow"))
			}
			if n := env.pushedCount(); n != 0 {
				t.Errorf("%d pushed requests kept after a refusal", n)
			}
		})
	}
}

// pushedCount is the number of pushed requests the memory store holds.
func (env *azEnv) pushedCount() int {
	return env.store.states.table("pushed").Len()
}

// TestPARThrottlesClientAuthentication: failed client authentications at
// the endpoint count as at the token endpoint, and the throttle answers
// 429 with Retry-After and no challenge.
func TestPARThrottlesClientAuthentication(t *testing.T) {
	env := azNewEnv(t, azPAR)
	for range throttle.ClientAuthLimit {
		htWantError(t, env.push(t, parPush{basic: htBasic("web", "wrong"), form: azQuery()}), 401, oauth.ErrInvalidClient)
	}
	w := env.push(t, parPush{basic: web(), form: azQuery()})
	htWantError(t, w, http.StatusTooManyRequests, oauth.ErrInvalidClient)
	if w.Header().Get("Retry-After") == "" || w.Header().Get("WWW-Authenticate") != "" {
		t.Errorf("throttled answer headers %v", w.Header())
	}
	// And the token endpoint sees the same count.
	tw := azTokenPost(env.srv, "grant_type=authorization_code&code=x&client_id=web&client_secret="+azWebSecret)
	htWantError(t, tw, http.StatusTooManyRequests, oauth.ErrInvalidClient)
}

func web() *[2]string { return htBasic("web", azWebSecret) }

// TestPARPublicQuota: pushes for public clients from one source stop at
// the quota with 429 (RFC 9126 §2.3); another source and a confidential
// client are not affected.
func TestPARPublicQuota(t *testing.T) {
	env := azNewEnv(t, azPAR)
	q := azQuery("client_id", "spa", "redirect_uri", "https://spa.example/cb")
	for range pushed.PerSource {
		parWantCreated(t, env.push(t, parPush{form: q}))
	}
	w := env.push(t, parPush{form: q})
	htWantError(t, w, http.StatusTooManyRequests, oauth.ErrInvalidRequest)
	if got := w.Header().Get("Retry-After"); got != strconv.Itoa(int(pushed.TTL/time.Second)) {
		t.Errorf("Retry-After = %q", got)
	}
	env.pushWeb(t, azQuery())
	env.clock.Advance(pushed.TTL)
	parWantCreated(t, env.push(t, parPush{form: q}))
}

// TestPARSignIn: a pushed request, used by client_id and request_uri,
// runs the whole sign-in with the pushed parameters: the request's other
// parameters are ignored (RFC 9126 §4), the login and consent forms
// continue it, and the code it ends with redeems at the token endpoint.
func TestPARSignIn(t *testing.T) {
	for _, opt := range []azOption{azPAR, azRequirePAR} {
		env := azNewEnv(t, opt)
		uri := env.pushWeb(t, azQuery("state", "pushed-state", "redirect_uri", "https://app.example/other", "campaign", "spring"))
		b := env.browser(t)
		r := b.authorize(parAuthorize("web", uri, "redirect_uri", azWebRedirect, "state", "ignored", "scope", "admin", "campaign", "bad"))
		azWantPage(t, r, "Sign in")
		r = b.login(r, "alice", azAlicePass)
		r = b.consent(r, "approve")
		q := azWantRedirect(t, r, "https://app.example/other")
		if q.Get("state") != "pushed-state" || q.Get("code") == "" {
			t.Fatalf("redirect query %v: want the pushed state and a code", q)
		}
		a := env.last(t)
		if a.Param("campaign") != "spring" || a.GrantedScope.String() != "read write" || a.Param("request_uri") != "" {
			t.Errorf("the flow saw campaign %q, scope %q, request_uri %q", a.Param("campaign"), a.GrantedScope, a.Param("request_uri"))
		}
		tok := env.redeem(t, q.Get("code"), "https://app.example/other")
		if tok.AccessToken == "" {
			t.Fatalf("token response %+v", tok)
		}
		// The request_uri was used up when the request arrived.
		azWantErrorPage(t, b.authorize(parAuthorize("web", uri)), http.StatusBadRequest)
	}
}

// TestPARAuthorizeErrors: a request_uri used again, after its lifetime,
// with another client's client_id or without one, or repeated, is an
// error page and never a redirect: the redirect URI is in the pushed
// request (RFC 9126 §4). A refusal for another client consumes nothing.
func TestPARAuthorizeErrors(t *testing.T) {
	env := azNewEnv(t, azPAR)
	b := env.browser(t)

	used := env.pushWeb(t, azQuery())
	azWantPage(t, b.authorize(parAuthorize("web", used)), "Sign in")
	azWantErrorPage(t, b.authorize(parAuthorize("web", used)), http.StatusBadRequest)

	expired := env.pushWeb(t, azQuery())
	env.clock.Advance(pushed.TTL)
	azWantErrorPage(t, b.authorize(parAuthorize("web", expired)), http.StatusBadRequest)

	uri := env.pushWeb(t, azQuery())
	azWantErrorPage(t, b.authorize(parAuthorize("spa", uri)), http.StatusBadRequest)
	azWantErrorPage(t, b.authorize(parAuthorize("", uri)), http.StatusBadRequest)
	azWantErrorPage(t, b.authorize(parAuthorize("web", uri, "client_id", "web")), http.StatusBadRequest)
	azWantErrorPage(t, b.authorize(parAuthorize("web", uri, "request_uri", uri)), http.StatusBadRequest)
	azWantErrorPage(t, b.authorize(parAuthorize("web", "urn:ietf:params:oauth:request_uri:forged")), http.StatusBadRequest)
	azWantErrorPage(t, b.authorize(parAuthorize("web", "https://attacker.example/req")), http.StatusBadRequest)
	// None of those used it up.
	azWantPage(t, b.authorize(parAuthorize("web", uri)), "Sign in")
}

// TestPARPromptNone: a pushed prompt=none without a session answers
// login_required at the pushed redirect URI, with the pushed state.
func TestPARPromptNone(t *testing.T) {
	env := azNewEnv(t, azPAR)
	uri := env.pushWeb(t, azQuery("prompt", "none", "state", "s-none"))
	azWantRedirectError(t, env.browser(t).authorize(parAuthorize("web", uri)), azWebRedirect, oauth.ErrLoginRequired, "s-none")
}

// TestPARRequired: where pushed requests are required, server-wide or by
// the client, a plain authorization request is invalid_request at its
// redirect URI (RFC 9126 §4); a pushed one goes through.
func TestPARRequired(t *testing.T) {
	t.Run("server", func(t *testing.T) {
		env := azNewEnv(t, azRequirePAR)
		b := env.browser(t)
		q := azWantRedirectError(t, b.authorize(azQuery()), azWebRedirect, oauth.ErrInvalidRequest, "st-1")
		if !strings.Contains(q.Get("error_description"), "pushed") {
			t.Errorf("error_description %q", q.Get("error_description"))
		}
		azWantPage(t, b.authorize(parAuthorize("web", env.pushWeb(t, azQuery()))), "Sign in")
		if !*env.srv.Metadata().RequirePushedAuthorizationRequests {
			t.Error("metadata: require_pushed_authorization_requests is not true")
		}
	})
	t.Run("client", func(t *testing.T) {
		env := azNewEnv(t, azPAR, func(_ *Settings, c *Config) {
			cs := azNewClients()
			cs["web"].RequirePushedAuthorizationRequests = true
			c.Clients = cs
		})
		b := env.browser(t)
		azWantRedirectError(t, b.authorize(azQuery()), azWebRedirect, oauth.ErrInvalidRequest, "st-1")
		azWantPage(t, b.authorize(azQuery("client_id", "spa", "redirect_uri", "https://spa.example/cb")), "Sign in")
		// Through the login and consent forms, which check the request again.
		r := b.authorize(parAuthorize("web", env.pushWeb(t, azQuery())))
		r = b.consent(b.login(r, "alice", azAlicePass), "approve")
		if q := azWantRedirect(t, r, azWebRedirect); q.Get("code") == "" {
			t.Fatalf("no code: %v", q)
		}
	})
}

// TestPARDisabled: without the endpoint, its path is 404, the metadata
// has neither member, and a request_uri is request_uri_not_supported.
func TestPARDisabled(t *testing.T) {
	env := azNewEnv(t)
	if w := env.push(t, parPush{basic: web(), form: azQuery()}); w.Code != http.StatusNotFound {
		t.Errorf("POST %s = %d, want 404", azPARPath, w.Code)
	}
	raw, err := json.Marshal(env.srv.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "pushed_authorization") {
		t.Errorf("metadata advertises PAR: %s", raw)
	}
	azWantRedirectError(t, env.browser(t).authorize(azQuery("request_uri", "urn:ietf:params:oauth:request_uri:x")), azWebRedirect, oauth.ErrRequestURINotSupported, "st-1")
}

// TestPARMetadata: both RFC 9126 §5 members when the endpoint is enabled,
// at both metadata locations.
func TestPARMetadata(t *testing.T) {
	env := azNewEnv(t, azPAR)
	md := env.srv.Metadata()
	if md.PushedAuthorizationRequestEndpoint != htIssuer+azPARPath {
		t.Errorf("pushed_authorization_request_endpoint = %q", md.PushedAuthorizationRequestEndpoint)
	}
	if md.RequirePushedAuthorizationRequests == nil || *md.RequirePushedAuthorizationRequests {
		t.Errorf("require_pushed_authorization_requests = %v, want false", md.RequirePushedAuthorizationRequests)
	}
	*md.RequirePushedAuthorizationRequests = true
	if *env.srv.Metadata().RequirePushedAuthorizationRequests {
		t.Error("changing a returned document changed the server's")
	}
	w := httptest.NewRecorder()
	env.srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, env.srv.MetadataPath(), nil))
	var doc map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["pushed_authorization_request_endpoint"] != htIssuer+azPARPath || doc["require_pushed_authorization_requests"] != false {
		t.Errorf("metadata document %v", doc)
	}
	if got := env.srv.Settings().Paths[parEndpointID]; got != azPARPath {
		t.Errorf("Settings().Paths[%q] = %q", parEndpointID, got)
	}
}

// TestPARNewServerRefusals: the endpoint needs the authorization flow,
// requiring pushed requests needs the endpoint, and a path for a disabled
// endpoint is refused.
func TestPARNewServerRefusals(t *testing.T) {
	s := htSettings()
	s.PushedAuthorizationRequests = true
	if _, err := NewServer(Config{Clients: htClients(t)}, s, Flows{Token: []Registration[TokenContext, TokenResponse]{
		{ID: "oauth-token-client-credentials", Wire: "client_credentials", Grant: htCCGrant, Flow: htCCFlow{}},
	}}); err == nil || !strings.Contains(err.Error(), "PushedAuthorizationRequests needs the authorize flow") {
		t.Errorf("PAR without the authorize flow: %v", err)
	}
	for _, o := range []azOption{
		func(s *Settings, _ *Config) { s.RequirePushedAuthorizationRequests = true },
		func(s *Settings, _ *Config) { s.Paths[parEndpointID] = "/par" },
	} {
		st := htSettings()
		st.Paths["oauth-authorize"] = azAuthorizePath
		var cfg Config
		o(&st, &cfg)
		env := &azEnv{}
		fl := Flows{
			Token:     []Registration[TokenContext, TokenResponse]{{ID: "oauth-token-authorization-code", Wire: "authorization_code", Grant: htCodeGrant, Flow: htDefaultFlow{}}},
			Authorize: &Registration[AuthorizeContext, AuthorizeResponse]{ID: "oauth-authorize-authorization-code", Flow: azFlow{env}},
		}
		if _, err := NewServer(Config{Clients: htClients(t), Users: NewMemoryUsersMust(t)}, st, fl); err == nil {
			t.Errorf("NewServer accepted %+v", st)
		}
	}
}

// NewMemoryUsersMust is an empty user store.
func NewMemoryUsersMust(t *testing.T) *MemoryUsers {
	t.Helper()
	u, err := NewMemoryUsers()
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestPARTwoServersOneStore: a request pushed to one server is used at
// the other, once: a second use is refused on either.
func TestPARTwoServersOneStore(t *testing.T) {
	a := azNewEnv(t, azPAR)
	b := azNewEnv(t, azPAR, func(_ *Settings, c *Config) { c.Store = a.store })
	uri := a.pushWeb(t, azQuery())
	br := b.browser(t)
	r := br.authorize(parAuthorize("web", uri))
	azWantPage(t, r, "Sign in")
	azWantErrorPage(t, br.authorize(parAuthorize("web", uri)), http.StatusBadRequest)
	azWantErrorPage(t, a.browser(t).authorize(parAuthorize("web", uri)), http.StatusBadRequest)
	r = br.consent(br.login(r, "alice", azAlicePass), "approve")
	if q := azWantRedirect(t, r, azWebRedirect); q.Get("code") == "" {
		t.Fatalf("no code: %v", q)
	}

	// And the other way round, raced: of many uses, one gets the page.
	uri = b.pushWeb(t, azQuery())
	results := make(chan int, 8)
	for i := range 8 {
		env := a
		if i%2 == 1 {
			env = b
		}
		go func() {
			req, _ := http.NewRequest(http.MethodGet, env.ts.URL+azAuthorizePath+"?"+parAuthorize("web", uri).Encode(), nil)
			resp, err := env.ts.Client().Do(req)
			if err != nil {
				results <- 0
				return
			}
			resp.Body.Close()
			results <- resp.StatusCode
		}()
	}
	ok := 0
	for range 8 {
		if <-results == http.StatusOK {
			ok++
		}
	}
	if ok != 1 {
		t.Errorf("%d of 8 concurrent uses of one request_uri got the sign-in page, want 1", ok)
	}
}
