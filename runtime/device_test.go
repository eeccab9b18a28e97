package runtime

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/session"
	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The device authorization grant (RFC 8628): the device authorization
// endpoint, the device's polls at the token endpoint, and the
// verification page.

// TestDeviceAuthorizationErrors: every refusal of the device authorization
// endpoint is an RFC 6749 §5.2 JSON error with no-store, with its status
// (RFC 8628 §3.2), and starts nothing.
func TestDeviceAuthorizationErrors(t *testing.T) {
	env := dvNewEnv(t)
	tv := url.Values{"client_id": {"tv"}}
	with := func(kv ...string) url.Values {
		f := url.Values{"client_id": {"tv"}}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Add(kv[i], kv[i+1])
		}
		return f
	}
	cases := []struct {
		name       string
		method, ct string
		query      string
		form       url.Values
		id, secret string
		status     int
		code       oauth.ErrorCode
	}{
		{"GET", http.MethodGet, "", "", tv, "", "", 405, oauth.ErrInvalidRequest},
		{"not a form", "", "application/json", "", tv, "", "", 400, oauth.ErrInvalidRequest},
		{"no client", "", "", "", url.Values{}, "", "", 400, oauth.ErrInvalidClient},
		{"unknown client", "", "", "", url.Values{"client_id": {"nobody"}}, "", "", 400, oauth.ErrInvalidClient},
		{"confidential without secret", "", "", "", url.Values{"client_id": {"tvc"}}, "", "", 400, oauth.ErrInvalidClient},
		{"confidential, wrong secret", "", "", "", url.Values{}, "tvc", "wrong", 401, oauth.ErrInvalidClient},
		{"secret in the URL", "", "", "client_secret=x", tv, "", "", 400, oauth.ErrInvalidRequest},
		{"repeated scope", "", "", "", with("scope", "read", "scope", "write"), "", "", 400, oauth.ErrInvalidRequest},
		{"client not registered for the grant", "", "", "", url.Values{"client_id": {"spa"}}, "", "", 400, oauth.ErrUnauthorizedClient},
		{"scope beyond the client's", "", "", "", with("scope", "read admin"), "", "", 400, oauth.ErrInvalidScope},
		{"malformed scope", "", "", "", with("scope", "read\x01"), "", "", 400, oauth.ErrInvalidScope},
		{"resource not the client's", "", "", "", with("resource", "https://other.example"), "", "", 400, oauth.ErrInvalidTarget},
		{"team property invalid", "", "", "", with("room", "bad"), "", "", 400, oauth.ErrInvalidRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			target := dvPath
			if tc.query != "" {
				target += "?" + tc.query
			}
			req := httptest.NewRequest(method, target, strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.ct != "" {
				req.Header.Set("Content-Type", tc.ct)
			}
			if tc.secret != "" {
				req.SetBasicAuth(tc.id, tc.secret)
			}
			w := httptest.NewRecorder()
			env.srv.ServeHTTP(w, req)
			dvWantError(t, w, tc.status, tc.code)
		})
	}
	if n := env.dvEntries(); n != 0 {
		t.Errorf("%d device authorizations stored after refusals", n)
	}
}

// TestDeviceAuthorizationResponse: the response has every member RFC 8628
// §3.2 asks for: a 256-bit device code, a user code XXXX-XXXX of the 20
// consonants (§6.1), the verification URIs, expires_in (10 minutes by
// default) and interval (5 s); a confidential client authenticates; the
// metadata advertises the endpoint and the grant type (§4).
func TestDeviceAuthorizationResponse(t *testing.T) {
	env := dvNewEnv(t)
	d := env.dvStart(t, "tv", "scope", "read")
	if len(d.DeviceCode) < 43 {
		t.Errorf("device_code %q: want 256 random bits", d.DeviceCode)
	}
	if !dvUserCode.MatchString(d.UserCode) {
		t.Errorf("user_code %q is not XXXX-XXXX of the consonants", d.UserCode)
	}
	if want := htIssuer + dvVerifyPath; d.VerificationURI != want {
		t.Errorf("verification_uri = %q, want %q", d.VerificationURI, want)
	}
	if want := d.VerificationURI + "?user_code=" + d.UserCode; d.VerificationURIComplete != want {
		t.Errorf("verification_uri_complete = %q, want %q", d.VerificationURIComplete, want)
	}
	if d.ExpiresIn != 600 || d.Interval != 5 {
		t.Errorf("expires_in %d, interval %d; want 600 and 5", d.ExpiresIn, d.Interval)
	}
	w := env.dvPost(dvPath, url.Values{"scope": {"read"}}, "tvc", azWebSecret)
	if w.Code != http.StatusOK {
		t.Errorf("confidential client: %d %s", w.Code, w.Body)
	}
	md := env.srv.Metadata()
	if md.DeviceAuthorizationEndpoint != htIssuer+dvPath {
		t.Errorf("device_authorization_endpoint = %q", md.DeviceAuthorizationEndpoint)
	}
	if !slices.Contains(md.GrantTypesSupported, oauth.GrantDeviceCode) {
		t.Errorf("grant_types_supported %v lacks the device code grant", md.GrantTypesSupported)
	}
	for _, p := range []string{dvPath, dvVerifyPath, dvVerifyPath + "/login", dvVerifyPath + "/consent"} {
		if f := env.srv.router.routes[p].flow; f != "oauth-device-authorization" {
			t.Errorf("route %s: metrics and spans label the flow %q", p, f)
		}
	}
	if azNewEnv(t).srv.Metadata().DeviceAuthorizationEndpoint != "" {
		t.Error("device_authorization_endpoint advertised without the device flow")
	}
}

// TestDeviceFlow: the whole grant (RFC 8628 §3): polls are
// authorization_pending until alice approves on the verification page,
// then one poll gets tokens for alice with the approved scope, a refresh
// token and an ID token; the device code is then used up (invalid_grant).
func TestDeviceFlow(t *testing.T) {
	env := dvNewEnv(t)
	d := env.dvStart(t, "tv", "scope", "openid offline_access read")
	if b := env.dvPoll(t, "tv", d.DeviceCode); b.Error != string(oauth.ErrAuthorizationPending) {
		t.Fatalf("before approval: %+v, want authorization_pending", b)
	}
	b := env.browser(t)
	r := b.dvApprove(d, "approve")
	azWantPage(t, r, "Device connected")
	if !strings.Contains(r.body, "Living Room TV") {
		t.Errorf("the result page does not name the client:\n%s", r.body)
	}
	env.clock.Advance(5 * time.Second)
	tok := env.dvPoll(t, "tv", d.DeviceCode)
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Raw["id_token"] == nil {
		t.Fatalf("after approval: %+v, want access, refresh and ID tokens", tok)
	}
	if tok.Scope != "openid offline_access read" {
		t.Errorf("scope %q", tok.Scope)
	}
	if sub := htJWTClaims(t, tok.AccessToken)["sub"]; sub != "sub-alice" {
		t.Errorf("access token sub %v, want sub-alice", sub)
	}
	env.clock.Advance(5 * time.Second)
	if again := env.dvPoll(t, "tv", d.DeviceCode); again.Error != string(oauth.ErrInvalidGrant) {
		t.Errorf("second redemption: %+v, want invalid_grant", again)
	}

	// Signed in already: the code form leads straight to the consent page.
	d2 := env.dvStart(t, "tv", "scope", "read")
	r = b.dvApprove(d2, "deny")
	azWantPage(t, r, "Request denied")
	env.clock.Advance(5 * time.Second)
	if p := env.dvPoll(t, "tv", d2.DeviceCode); p.Error != string(oauth.ErrAccessDenied) {
		t.Errorf("after denial: %+v, want access_denied", p)
	}
}

// TestDevicePollErrors: the token endpoint's answers to a device's polls
// (RFC 8628 §3.5), each an error with no-store.
func TestDevicePollErrors(t *testing.T) {
	env := dvNewEnv(t)
	d := env.dvStart(t, "tv")
	poll := func(form url.Values) htTokenBody {
		return htDecode(t, env.dvPost("/oauth2/token", form, "", ""))
	}
	grant := string(oauth.GrantDeviceCode)
	for _, tc := range []struct {
		name string
		form url.Values
		want oauth.ErrorCode
	}{
		{"no device_code", url.Values{"grant_type": {grant}, "client_id": {"tv"}}, oauth.ErrInvalidRequest},
		{"unknown device_code", url.Values{"grant_type": {grant}, "client_id": {"tv"}, "device_code": {"nope"}}, oauth.ErrInvalidGrant},
		{"another client's", url.Values{"grant_type": {grant}, "client_id": {"tvother"}, "device_code": {d.DeviceCode}}, oauth.ErrInvalidGrant},
		{"client not registered for the grant", url.Values{"grant_type": {grant}, "client_id": {"spa"}, "device_code": {d.DeviceCode}}, oauth.ErrUnauthorizedClient},
	} {
		if b := poll(tc.form); b.Error != string(tc.want) {
			t.Errorf("%s: %+v, want %s", tc.name, b, tc.want)
		}
	}

	// Polling rate: a poll within the interval is slow_down, and the
	// interval grows by 5 s for every later poll (RFC 8628 §3.5).
	if b := env.dvPoll(t, "tv", d.DeviceCode); b.Error != string(oauth.ErrAuthorizationPending) {
		t.Fatalf("first poll: %+v", b)
	}
	if b := env.dvPoll(t, "tv", d.DeviceCode); b.Error != string(oauth.ErrSlowDown) {
		t.Fatalf("poll at once: %+v, want slow_down", b)
	}
	env.clock.Advance(5 * time.Second)
	if b := env.dvPoll(t, "tv", d.DeviceCode); b.Error != string(oauth.ErrSlowDown) {
		t.Errorf("poll after 5 s, the interval being 10 s: %+v, want slow_down", b)
	}
	env.clock.Advance(15 * time.Second)
	if b := env.dvPoll(t, "tv", d.DeviceCode); b.Error != string(oauth.ErrAuthorizationPending) {
		t.Errorf("poll after 15 s: %+v, want authorization_pending", b)
	}

	// Expiry: expired_token, and the page refuses the code.
	env.clock.Advance(10 * time.Minute)
	if b := env.dvPoll(t, "tv", d.DeviceCode); b.Error != string(oauth.ErrExpiredToken) {
		t.Errorf("after expiry: %+v, want expired_token", b)
	}
	br := env.browser(t)
	r := br.get(dvVerifyPath)
	r = br.dvSubmitCode(r, d.UserCode)
	azWantPage(t, r, "That code is not valid")
}

// TestDeviceRedeemedOnce: of concurrent polls after approval, exactly one
// gets tokens (RFC 8628 §5.2 single use, atomic in the store).
func TestDeviceRedeemedOnce(t *testing.T) {
	env := dvNewEnv(t)
	d := env.dvStart(t, "tv")
	env.browser(t).dvApprove(d, "approve")
	const n = 8
	var wg sync.WaitGroup
	results := make(chan htTokenBody, n)
	for range n {
		wg.Go(func() { results <- env.dvPoll(t, "tv", d.DeviceCode) })
	}
	wg.Wait()
	close(results)
	tokens := 0
	for b := range results {
		switch {
		case b.AccessToken != "":
			tokens++
		case b.Error != string(oauth.ErrInvalidGrant) && b.Error != string(oauth.ErrSlowDown):
			t.Errorf("poll: %+v", b)
		}
	}
	if tokens != 1 {
		t.Errorf("%d polls got tokens, want 1", tokens)
	}
}

// TestDeviceVerificationPage: the page's refusals. A GET of
// verification_uri_complete approves nothing (RFC 8628 §5.4); forms
// without their CSRF token are 403; wrong codes are counted and, past the
// limit, refused with 429 and Retry-After (RFC 8628 §5.1); input is read
// case- and dash-insensitively (§6.1); a code is decided once.
func TestDeviceVerificationPage(t *testing.T) {
	env := dvNewEnv(t)
	d := env.dvStart(t, "tv")
	b := env.browser(t)

	u, _ := url.Parse(d.VerificationURIComplete)
	r := b.get(u.RequestURI())
	azWantPage(t, r, "Connect a device")
	env.clock.Advance(5 * time.Second)
	if p := env.dvPoll(t, "tv", d.DeviceCode); p.Error != string(oauth.ErrAuthorizationPending) {
		t.Fatalf("after a GET of verification_uri_complete: %+v, want authorization_pending", p)
	}
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Error("the page may be framed")
	}

	// CSRF: a form without its token, or posted twice, is refused.
	id, csrf := azFormFields(t, r)
	for name, form := range map[string]url.Values{
		"no csrf":    {"interaction": {id}, "user_code": {d.UserCode}},
		"wrong csrf": {"interaction": {id}, "csrf": {"x" + csrf}, "user_code": {d.UserCode}},
	} {
		if got := b.post(dvVerifyPath, form); got.status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, got.status)
		}
	}
	other := env.browser(t)
	if got := other.post(dvVerifyPath, url.Values{"interaction": {id}, "csrf": {csrf}, "user_code": {d.UserCode}}); got.status != http.StatusForbidden {
		t.Errorf("another browser's form: %d, want 403", got.status)
	}

	// Wrong codes, then the throttle.
	for i := range throttle.UserCodeLimit {
		r = b.dvSubmitCode(r, "BCDF-GHJK")
		if i < throttle.UserCodeLimit {
			azWantPage(t, r, "That code is not valid")
		}
	}
	r = b.dvSubmitCode(r, d.UserCode)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "Too many wrong codes") {
		t.Fatalf("after %d wrong codes: %d %v, want 429 with Retry-After", throttle.UserCodeLimit, r.status, r.header)
	}

	// Another browser is not throttled; lower case without the dash works.
	b2 := env.browser(t)
	r = b2.get(dvVerifyPath)
	r = b2.dvSubmitCode(r, strings.ToLower(strings.ReplaceAll(d.UserCode, "-", " ")))
	r = b2.dvLogin(r, "alice", "wrong")
	azWantPage(t, r, "Sign-in failed")
	r = b2.dvLogin(r, "alice", azAlicePass)
	loc := r.header.Get("Location")
	consent := b2.get(loc)
	cid, ccsrf := azFormFields(t, consent)
	if got := b2.post(dvVerifyPath+"/consent", url.Values{"interaction": {cid}, "decision": {"approve"}}); got.status != http.StatusForbidden {
		t.Errorf("consent without csrf: %d, want 403", got.status)
	}
	if got := b2.post(dvVerifyPath+"/consent", url.Values{"interaction": {cid}, "csrf": {ccsrf}, "decision": {"maybe"}}); got.status != http.StatusBadRequest {
		t.Errorf("consent without a decision: %d, want 400", got.status)
	}

	// Decided once: a second consent page of the same code, in a third
	// browser, cannot decide again.
	d3 := env.dvStart(t, "tv")
	b3, b4 := env.browser(t), env.browser(t)
	r3 := b3.dvSubmitCode(b3.get(dvVerifyPath), d3.UserCode)
	r3 = b3.dvLogin(r3, "alice", azAlicePass)
	r4 := b4.dvSubmitCode(b4.get(dvVerifyPath), d3.UserCode)
	r4 = b4.dvLogin(r4, "bob", azBobPass)
	p3, p4 := b3.get(r3.header.Get("Location")), b4.get(r4.header.Get("Location"))
	id3, csrf3 := azFormFields(t, p3)
	id4, csrf4 := azFormFields(t, p4)
	if got := b3.post(dvVerifyPath+"/consent", url.Values{"interaction": {id3}, "csrf": {csrf3}, "decision": {"approve"}}); got.status != http.StatusOK {
		t.Fatalf("first decision: %d", got.status)
	}
	if got := b4.post(dvVerifyPath+"/consent", url.Values{"interaction": {id4}, "csrf": {csrf4}, "decision": {"deny"}}); got.status == http.StatusOK {
		t.Errorf("second decision on one code: %d, want a refusal", got.status)
	}
	env.clock.Advance(5 * time.Second)
	tok := env.dvPoll(t, "tv", d3.DeviceCode)
	if sub := htJWTClaims(t, tok.AccessToken)["sub"]; sub != "sub-alice" {
		t.Errorf("the first decision's user: sub %v, want sub-alice", sub)
	}
}

// TestDeviceProcedure: the team's procedure may narrow the scope or refuse
// a client (RFC 8628 §3.2 error response), and cannot answer with a device
// code Default did not issue.
func TestDeviceProcedure(t *testing.T) {
	env := dvNewEnv(t)
	env.setDeviceHook(func(ctx context.Context, c *DeviceAuthorizationContext) (*DeviceAuthorizationResponse, error) {
		c.GrantedScope = oauth.ScopeSet{"read"}
		return c.Default(ctx)
	})
	d := env.dvStart(t, "tv", "scope", "read write")
	env.browser(t).dvApprove(d, "approve")
	if tok := env.dvPoll(t, "tv", d.DeviceCode); tok.Scope != "read" {
		t.Errorf("narrowed scope: token scope %q, want read", tok.Scope)
	}

	env.setDeviceHook(func(ctx context.Context, c *DeviceAuthorizationContext) (*DeviceAuthorizationResponse, error) {
		return nil, oauth.NewError(oauth.ErrUnauthorizedClient, "not this TV")
	})
	dvWantError(t, env.dvPost(dvPath, url.Values{"client_id": {"tv"}}, "", ""), 400, oauth.ErrUnauthorizedClient)

	env.setDeviceHook(func(ctx context.Context, c *DeviceAuthorizationContext) (*DeviceAuthorizationResponse, error) {
		resp, err := c.Default(ctx)
		if err == nil {
			resp.DeviceCode = "forged"
		}
		return resp, err
	})
	dvWantError(t, env.dvPost(dvPath, url.Values{"client_id": {"tv"}}, "", ""), 500, oauth.ErrServerError)

	env.setDeviceHook(func(ctx context.Context, c *DeviceAuthorizationContext) (*DeviceAuthorizationResponse, error) {
		c.GrantedScope = oauth.ScopeSet{"admin"}
		return c.Default(ctx)
	})
	dvWantError(t, env.dvPost(dvPath, url.Values{"client_id": {"tv"}}, "", ""), 500, oauth.ErrServerError)
}

// TestDeviceNewServer: NewServer refuses the device authorization flow
// without the token flow that redeems device codes and the other way
// round, and a lifetime outside (0, 30 min].
func TestDeviceNewServer(t *testing.T) {
	base := func() (Config, Settings, Flows) {
		users, _ := NewMemoryUsers()
		cfg := Config{Clients: azNewClients(), Keys: htKeys(t), Users: users}
		s := htSettings()
		env := &azEnv{}
		var fl Flows
		dvAddFlows(env, &fl)
		return cfg, s, fl
	}
	cfg, s, fl := base()
	if _, err := NewServer(cfg, s, fl); err != nil {
		t.Fatalf("device flows alone: %v", err)
	}
	for name, edit := range map[string]func(*Config, *Flows){
		"no token flow":   func(_ *Config, f *Flows) { f.Token = nil },
		"no endpoint":     func(_ *Config, f *Flows) { f.DeviceAuthorization = nil },
		"lifetime 31 min": func(_ *Config, f *Flows) { f.DeviceAuthorization.Policy.DeviceCodeTTL = 31 * time.Minute },
		"no users":        func(c *Config, _ *Flows) { c.Users = nil },
	} {
		cfg, s, fl := base()
		edit(&cfg, &fl)
		if _, err := NewServer(cfg, s, fl); err == nil {
			t.Errorf("%s: NewServer accepted it", name)
		}
	}
}

// TestDeviceVerificationRefusals: more refusals of the verification page,
// each with its status and nothing decided: a code already decided or
// expired between the forms, a client no longer registered for the
// grant, another browser's consent page, and a source past its quota of
// pending forms (429 with Retry-After).
func TestDeviceVerificationRefusals(t *testing.T) {
	env := dvNewEnv(t, azTrustLoopback)
	toConsent := func(b *azBrowser, d dvStarted) azResponse {
		t.Helper()
		r := b.dvSubmitCode(b.get(dvVerifyPath), d.UserCode)
		if strings.Contains(r.body, "Sign in") {
			r = b.dvLogin(r, "alice", azAlicePass)
		}
		return r
	}

	// Decided in one tab: the other tab's consent form and a new code form
	// refuse it.
	d := env.dvStart(t, "tv")
	b := env.browser(t)
	first := toConsent(b, d)
	second := b.dvSubmitCode(b.get(dvVerifyPath), d.UserCode)
	b.dvConsent(first, "approve")
	if r := b.get(second.header.Get("Location")); r.status != http.StatusBadRequest || !strings.Contains(r.body, "can no longer be used") {
		t.Errorf("consent page of a decided code: %d\n%s", r.status, r.body)
	}
	if r := b.dvSubmitCode(b.get(dvVerifyPath), d.UserCode); !strings.Contains(r.body, "That code is not valid") {
		t.Errorf("a decided code entered again: %d, want the wrong-code message", r.status)
	}

	// Expired between the code form and the consent form (a procedure
	// that gives its codes a minute).
	env.setDeviceHook(func(ctx context.Context, c *DeviceAuthorizationContext) (*DeviceAuthorizationResponse, error) {
		c.ExpiresIn = time.Minute
		return c.Default(ctx)
	})
	d2 := env.dvStart(t, "tv")
	env.setDeviceHook(nil)
	r := toConsent(b, d2)
	page := b.get(r.header.Get("Location"))
	id, csrf := azFormFields(t, page)
	env.clock.Advance(2 * time.Minute)
	if got := b.post(dvVerifyPath+"/consent", url.Values{"interaction": {id}, "csrf": {csrf}, "decision": {"approve"}}); got.status != http.StatusBadRequest {
		t.Errorf("consent after expiry: %d, want 400", got.status)
	}

	// Another browser's consent page.
	d3 := env.dvStart(t, "tv")
	r = toConsent(b, d3)
	if got := env.browser(t).get(r.header.Get("Location")); got.status != http.StatusForbidden {
		t.Errorf("another browser's consent page: %d, want 403", got.status)
	}

	// The client no longer registered for the grant.
	d4 := env.dvStart(t, "tvother")
	env.srv.clients.(azClients)["tvother"].GrantTypes = nil
	if got := b.dvSubmitCode(b.get(dvVerifyPath), d4.UserCode); got.status != http.StatusBadRequest || !strings.Contains(got.body, "can no longer use it") {
		t.Errorf("a code of a client no longer registered: %d\n%s", got.status, got.body)
	}

	// A source's quota of pending forms.
	flood := env.browser(t)
	flood.forwardedFor = "198.51.100.9"
	for i := range session.InteractionsPerSource {
		if got := flood.get(dvVerifyPath); got.status != http.StatusOK {
			t.Fatalf("code page %d: %d", i, got.status)
		}
	}
	if got := flood.get(dvVerifyPath); got.status != http.StatusTooManyRequests || got.header.Get("Retry-After") == "" {
		t.Errorf("past the quota: %d %v, want 429 with Retry-After", got.status, got.header)
	}
}
