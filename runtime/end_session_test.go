package runtime

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauthgen/oauthgen/runtime/internal/backchannel"
	"github.com/oauthgen/oauthgen/runtime/internal/testclock"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// esClaims decodes a JWT of the server verified against its key set: the
// header and the claims.
func esVerify(t *testing.T, ks *KeySet, raw, typ string) jwt.MapClaims {
	t.Helper()
	var m jwt.MapClaims
	tok, err := jwt.NewParser(jwt.WithValidMethods([]string{oauth.AlgRS256}), jwt.WithTimeFunc(func() time.Time { return htStart })).
		ParseWithClaims(raw, &m, func(tok *jwt.Token) (any, error) {
			kid, _ := tok.Header["kid"].(string)
			k, ok := ks.byKID[kid]
			if !ok {
				return nil, errors.New("unknown kid")
			}
			return k.pub, nil
		})
	if err != nil {
		t.Fatalf("verify %s: %v", typ, err)
	}
	if got := tok.Header["typ"]; got != typ {
		t.Errorf("typ = %v, want %s", got, typ)
	}
	return m
}

// TestEndSessionWithHint: a logout with the ID token of the current
// session ends it on the spot: 303 to the registered URI with state
// appended to its query, the cookie cleared, the session deleted from the
// store, and each relying party of the session (rp and rp2, not plain)
// sent a logout token (Back-Channel Logout 1.0 §2.4): typ logout+jwt, iss,
// aud, iat, short exp, jti, events, the ID token's sid and sub, no nonce.
func TestEndSessionWithHint(t *testing.T) {
	env := esNewEnv(t)
	b := env.browser(t)
	idToken := env.signIn(t, b, env.azEnv, "rp", esRPRedirect)
	env.signIn(t, b, env.azEnv, "rp2", "https://rp2.example/cb")
	env.signIn(t, b, env.azEnv, "plain", "https://plain.example/cb")
	id := esVerify(t, env.keys, idToken, "JWT")
	sid, _ := id["sid"].(string)
	if sid == "" {
		t.Fatalf("the ID token has no sid: %v", id)
	}

	const state = "a+b/=%&c"
	r := b.logout(esQuery("id_token_hint", idToken, "post_logout_redirect_uri", esAfterQuery, "state", state))
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303\n%s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	if want := esAfterQuery + "&state=" + url.QueryEscape(state); loc != want {
		t.Errorf("Location %q, want %q", loc, want)
	}
	if u, _ := url.Parse(loc); u.Query().Get("state") != state || u.Query().Get("lang") != "fr" {
		t.Errorf("state or the registered query lost: %q", loc)
	}
	if sc := strings.Join(r.header.Values("Set-Cookie"), "\n"); !strings.Contains(sc, "Max-Age=0") {
		t.Errorf("the cookie is not cleared: %q", sc)
	}
	if b.signedIn(env.azEnv) {
		t.Error("the session is still live")
	}
	c := env.seen[0]
	if c.ClientID != "rp" || c.IDTokenHint == nil || c.IDTokenHint.SessionID != sid || c.State != state || c.Authentication.SessionID != sid {
		t.Errorf("context %+v", c)
	}

	tokens, _ := env.receiver.received()
	if len(tokens) != 2 {
		t.Fatalf("%d logout tokens, want 2 (rp and rp2)", len(tokens))
	}
	var auds []string
	for _, raw := range tokens {
		m := esVerify(t, env.keys, raw, backchannel.Typ)
		aud, _ := m["aud"].(string)
		auds = append(auds, aud)
		ev, _ := m["events"].(map[string]any)
		if _, ok := ev[backchannel.EventURI]; !ok || len(ev) != 1 {
			t.Errorf("events %v", m["events"])
		}
		iat, _ := m["iat"].(float64)
		exp, _ := m["exp"].(float64)
		if m["iss"] != htIssuer || m["sid"] != sid || m["sub"] != "sub-alice" || m["jti"] == "" || exp <= iat || exp-iat > 300 {
			t.Errorf("logout token claims %v", m)
		}
		if _, ok := m["nonce"]; ok {
			t.Error("a logout token carries nonce (Back-Channel Logout 1.0 §2.4: MUST NOT)")
		}
	}
	slices.Sort(auds)
	if !slices.Equal(auds, []string{"rp", "rp2"}) {
		t.Errorf("aud %v, want rp and rp2", auds)
	}
	if logs := env.logs.String(); strings.Contains(logs, tokens[0]) || strings.Contains(logs, idToken) {
		t.Error("a token reached the log")
	}
}

// TestEndSessionConfirm: without a hint of the current session, the end
// user confirms first (logout CSRF, RP-Initiated Logout 1.0 §6): the
// procedure has not run and the session is live until the form is
// posted; then the logout finishes, to the signed-out page without a
// redirect URI.
func TestEndSessionConfirm(t *testing.T) {
	for _, tc := range []struct {
		name  string
		query url.Values
		want  string // Location, or "" for the signed-out page
	}{
		{"nothing", esQuery(), ""},
		{"client and redirect", esQuery("client_id", "rp", "post_logout_redirect_uri", esAfterLogout, "state", "s1"), esAfterLogout + "?state=s1"},
		{"hint of another session", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := esNewEnv(t)
			b := env.browser(t)
			env.signIn(t, b, env.azEnv, "rp", esRPRedirect)
			q := tc.query
			if q == nil {
				q = esQuery("id_token_hint", env.hint(t, nil, map[string]any{"sid": "another"}))
			}
			r := b.logout(q)
			azWantPage(t, r, "Sign out?")
			if env.calls() != 0 || !b.signedIn(env.azEnv) {
				t.Fatal("the logout happened before the confirmation")
			}
			if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self'") {
				t.Errorf("CSP %q", csp)
			}
			r = b.confirm(r)
			if tc.want == "" {
				azWantPage(t, r, "You are signed out")
			} else if r.status != http.StatusSeeOther || r.header.Get("Location") != tc.want {
				t.Fatalf("%d to %q, want 303 to %q", r.status, r.header.Get("Location"), tc.want)
			}
			if b.signedIn(env.azEnv) || env.calls() != 1 {
				t.Error("the confirmed logout did not end the session")
			}
		})
	}
}

// TestEndSessionConfirmCSRF: the confirmation form is refused with 403 and
// ends nothing when its CSRF token is missing or wrong, when it is posted
// a second time, and when another browser posts it (RFC 6749 §10.12).
func TestEndSessionConfirmCSRF(t *testing.T) {
	env := esNewEnv(t)
	b := env.browser(t)
	env.signIn(t, b, env.azEnv, "rp", esRPRedirect)
	page := b.logout(esQuery())
	id, csrf := azFormFields(t, page)
	other := env.browser(t)
	env.signIn(t, other, env.azEnv, "rp", esRPRedirect)
	for _, tc := range []struct {
		name string
		b    *azBrowser
		form url.Values
	}{
		{"no csrf", b, url.Values{"interaction": {id}}},
		{"wrong csrf", b, url.Values{"interaction": {id}, "csrf": {csrf + "x"}}},
		{"no interaction", b, url.Values{"csrf": {csrf}}},
		{"another browser", other, url.Values{"interaction": {id}, "csrf": {csrf}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			azWantErrorPage(t, tc.b.post(esPath+"/confirm", tc.form), http.StatusForbidden)
		})
	}
	if env.calls() != 0 || !b.signedIn(env.azEnv) || !other.signedIn(env.azEnv) {
		t.Fatal("a refused form ended a session")
	}
	b.confirm(page)
	other2 := env.browser(t)
	env.signIn(t, other2, env.azEnv, "rp", esRPRedirect)
	b.signIn(azQuery("client_id", "rp", "redirect_uri", esRPRedirect, "scope", "openid read", "nonce", "n"))
	azWantErrorPage(t, b.post(esPath+"/confirm", url.Values{"interaction": {id}, "csrf": {csrf}}), http.StatusForbidden)
	if env.calls() != 1 || !b.signedIn(env.azEnv) {
		t.Error("a replayed form ended the new session")
	}
}

// TestEndSessionErrors: every malformed request is a 400 (405 for a
// method) error page, never a redirect, and ends nothing.
func TestEndSessionErrors(t *testing.T) {
	env := esNewEnv(t)
	b := env.browser(t)
	idToken := env.signIn(t, b, env.azEnv, "rp", esRPRedirect)
	forger, err := GenerateSigningKey(oauth.AlgRS256)
	if err != nil {
		t.Fatal(err)
	}
	evil := "https://evil.example/"
	for _, tc := range []struct {
		name   string
		method string
		query  string
		ctype  string
		status int
	}{
		{"malformed hint", "GET", "id_token_hint=a.b.c", "", 400},
		{"garbage hint", "GET", "id_token_hint=" + url.QueryEscape("not a jwt"), "", 400},
		{"forged hint", "GET", "id_token_hint=" + env.hint(t, forger, nil), "", 400},
		{"hint of another issuer", "GET", "id_token_hint=" + env.hint(t, nil, map[string]any{"iss": "https://other.example"}), "", 400},
		{"hint without sub", "GET", "id_token_hint=" + env.hint(t, nil, map[string]any{"sub": nil}), "", 400},
		{"hint with a wrong-typed claim", "GET", "id_token_hint=" + env.hint(t, nil, map[string]any{"sid": 7}), "", 400},
		{"hint of an unknown client", "GET", "id_token_hint=" + env.hint(t, nil, map[string]any{"aud": "ghost"}), "", 400},
		{"unknown client_id", "GET", "client_id=ghost", "", 400},
		{"hint and client_id mismatch", "GET", "id_token_hint=" + idToken + "&client_id=rp2", "", 400},
		{"unregistered post_logout_redirect_uri", "GET", "client_id=rp&post_logout_redirect_uri=" + url.QueryEscape(evil), "", 400},
		{"post_logout_redirect_uri prefix", "GET", "client_id=rp&post_logout_redirect_uri=" + url.QueryEscape(esAfterLogout+"/x"), "", 400},
		{"post_logout_redirect_uri of another client", "GET", "client_id=rp2&post_logout_redirect_uri=" + url.QueryEscape(esAfterLogout), "", 400},
		{"post_logout_redirect_uri without a client", "GET", "post_logout_redirect_uri=" + url.QueryEscape(esAfterLogout), "", 400},
		{"repeated state", "GET", "client_id=rp&state=a&state=b", "", 400},
		{"repeated hint", "GET", "id_token_hint=" + idToken + "&id_token_hint=" + idToken, "", 400},
		{"repeated client_id", "POST", "client_id=rp&client_id=rp", "application/x-www-form-urlencoded", 400},
		{"POST not a form", "POST", "client_id=rp", "application/json", 400},
		{"method", "PUT", "", "", 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r azResponse
			switch tc.method {
			case "GET":
				r = b.get(esPath + "?" + tc.query)
			default:
				req, _ := http.NewRequest(tc.method, env.ts.URL+esPath, strings.NewReader(tc.query))
				req.Header.Set("Content-Type", tc.ctype)
				r = b.do(req)
			}
			azWantErrorPage(t, r, tc.status)
			if strings.Contains(r.body, "evil.example") {
				t.Error("the page shows the request's URI")
			}
		})
	}
	req, _ := http.NewRequest(http.MethodGet, env.ts.URL+esPath+"/confirm", nil)
	azWantErrorPage(t, b.do(req), http.StatusMethodNotAllowed)
	if env.calls() != 0 || !b.signedIn(env.azEnv) {
		t.Error("a refused request ended the session")
	}
	if strings.Contains(env.logs.String(), idToken) {
		t.Error("the hint reached the log")
	}
}

// TestEndSessionHintKeys: an expired hint is accepted (RP-Initiated Logout
// 1.0 §2), and so is one signed by a key that no longer signs but is still
// published; the hint's audience names the client when client_id is
// absent.
func TestEndSessionHintKeys(t *testing.T) {
	env := esNewEnv(t)
	retired, err := GenerateSigningKey(oauth.AlgRS256)
	if err != nil {
		t.Fatal(err)
	}
	if env.keys, err = NewKeySet(htKeys(t).Active(), oidcKeys(t, oauth.AlgRS256).ForAlg(oauth.AlgRS256), retired); err != nil {
		t.Fatal(err)
	}
	env.azEnv = env.instance(t, testclock.New(htStart), NewMemoryStore())
	for _, key := range []*SigningKey{nil, retired} {
		b := env.browser(t)
		env.signIn(t, b, env.azEnv, "rp", esRPRedirect)
		ls, _ := b.session()
		env.clock.Advance(2 * time.Hour) // past the hint's exp
		hint := env.hint(t, key, map[string]any{"sid": ls.SID})
		r := b.logout(esQuery("id_token_hint", hint, "post_logout_redirect_uri", esAfterLogout))
		if r.status != http.StatusSeeOther || r.header.Get("Location") != esAfterLogout {
			t.Fatalf("status %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
		}
		if b.signedIn(env.azEnv) {
			t.Error("the session is live")
		}
	}
}

// TestEndSessionNoSession: a browser without a session is sent back (or
// shown the signed-out page) without a confirmation: there is nothing to
// end, and no one is notified.
func TestEndSessionNoSession(t *testing.T) {
	env := esNewEnv(t)
	b := env.browser(t)
	r := b.logout(esQuery("client_id", "rp", "post_logout_redirect_uri", esAfterLogout, "state", "x"))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != esAfterLogout+"?state=x" {
		t.Fatalf("status %d to %q", r.status, r.header.Get("Location"))
	}
	azWantPage(t, b.logout(esQuery()), "You are signed out")
	if tokens, calls := env.receiver.received(); len(tokens)+calls != 0 {
		t.Error("a logout without a session notified")
	}
}

// TestEndSessionProcedure: a procedure's redirect URI the client did not
// register is server_error (a page, never a redirect); its invalid_request
// is a 400 page.
func TestEndSessionProcedure(t *testing.T) {
	env := esNewEnv(t)
	b := env.browser(t)
	q := esQuery("client_id", "rp", "post_logout_redirect_uri", esAfterLogout)
	env.setHook(func(context.Context, *EndSessionContext) (*EndSessionResponse, error) {
		return &EndSessionResponse{PostLogoutRedirectURI: "https://evil.example/"}, nil
	})
	azWantErrorPage(t, b.logout(q), http.StatusInternalServerError)
	env.setHook(func(context.Context, *EndSessionContext) (*EndSessionResponse, error) {
		return nil, oauth.NewError(oauth.ErrInvalidRequest, "no")
	})
	azWantErrorPage(t, b.logout(q), http.StatusBadRequest)
	env.setHook(func(context.Context, *EndSessionContext) (*EndSessionResponse, error) { panic("boom") })
	azWantErrorPage(t, b.logout(q), http.StatusInternalServerError)
}

// TestEndSessionRetries: a receiver that fails twice gets the token at the
// third attempt, after the schedule's waits on the server's clock; one
// that always fails gets len(Schedule)+1 attempts, and the delivery's
// slot is freed. Neither outcome logs the token.
func TestEndSessionRetries(t *testing.T) {
	for _, tc := range []struct {
		fail, wantTokens, wantCalls int
		wantLog                     string
	}{
		{2, 1, 3, "back-channel logout delivered"},
		{100, 0, len(backchannel.DefaultSchedule) + 1, "back-channel logout not delivered"},
	} {
		env := esNewEnv(t)
		b := env.browser(t)
		idToken := env.signIn(t, b, env.azEnv, "rp", esRPRedirect)
		env.receiver.fail = tc.fail
		start := env.clock.Now()
		b.logout(esQuery("id_token_hint", idToken))
		env.srv.backchannel.Wait()
		tokens, calls := env.receiver.received()
		if len(tokens) != tc.wantTokens || calls != tc.wantCalls {
			t.Errorf("fail %d: %d tokens in %d calls, want %d in %d", tc.fail, len(tokens), calls, tc.wantTokens, tc.wantCalls)
		}
		if waited := env.clock.Now().Sub(start); waited < time.Second {
			t.Errorf("the retries waited %v on the clock", waited)
		}
		logs := env.logs.String()
		if !strings.Contains(logs, tc.wantLog) || !strings.Contains(logs, "retrying") {
			t.Errorf("logs lack %q", tc.wantLog)
		}
		for slot := range backchannel.Slots {
			if _, ok, _ := env.store.State(context.Background(), "logout", esSlotKey(slot), env.clock.Now()); ok {
				t.Errorf("slot %d still taken", slot)
			}
		}
		for _, tok := range tokens {
			if strings.Contains(logs, tok) {
				t.Error("a logout token reached the log")
			}
		}
	}
}

// TestEndSessionTwoInstances: signed in on one instance, logged out on the
// other: the session is gone on both, and the relying party gets one
// logout token, even when the first instance then looks for deliveries to
// resume.
func TestEndSessionTwoInstances(t *testing.T) {
	env := esNewEnv(t)
	second := env.instance(t, env.clock, env.store)
	b := env.browser(t)
	idToken := env.signIn(t, b, env.azEnv, "rp", esRPRedirect)
	b.env = second // the same cookies, sent to the other instance
	r := b.logout(esQuery("id_token_hint", idToken, "post_logout_redirect_uri", esAfterLogout))
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d", r.status)
	}
	if b.signedIn(env.azEnv) || b.signedIn(second) {
		t.Error("the session is live on an instance")
	}
	env.clock.Advance(time.Hour)
	env.srv.backchannel.Resume(context.Background())
	second.srv.backchannel.Resume(context.Background())
	env.srv.backchannel.Wait()
	second.srv.backchannel.Wait()
	if tokens, calls := env.receiver.received(); len(tokens) != 1 || calls != 1 {
		t.Errorf("%d tokens in %d calls, want one", len(tokens), calls)
	}
}

// TestEndSessionResume: an instance that stops between two attempts
// leaves its delivery in the store; another instance takes it over once
// it is overdue, and sends the next attempt once.
func TestEndSessionResume(t *testing.T) {
	env := esNewEnv(t)
	second := env.instance(t, env.clock, env.store)
	// The first instance stops while it waits for its second attempt.
	env.srv.backchannel.Pause = func(context.Context, time.Duration) error { return context.Canceled }
	b := env.browser(t)
	idToken := env.signIn(t, b, env.azEnv, "rp", esRPRedirect)
	env.receiver.fail = 1
	b.logout(esQuery("id_token_hint", idToken))
	env.srv.backchannel.Wait()
	second.srv.backchannel.Resume(context.Background())
	second.srv.backchannel.Wait()
	if tokens, _ := env.receiver.received(); len(tokens) != 0 {
		t.Fatal("the delivery was taken over before it was overdue")
	}
	env.clock.Advance(time.Second + backchannel.Grace + time.Second)
	second.srv.backchannel.Resume(context.Background())
	second.srv.backchannel.Resume(context.Background())
	second.srv.backchannel.Wait()
	if tokens, calls := env.receiver.received(); len(tokens) != 1 || calls != 2 {
		t.Errorf("%d tokens in %d calls, want 1 in 2", len(tokens), calls)
	}
}

// TestEndSessionMetadata: end_session_endpoint and the back-channel members
// are advertised exactly when the endpoint is enabled (Back-Channel Logout
// 1.0 §2.1).
func TestEndSessionMetadata(t *testing.T) {
	md := esNewEnv(t).srv.Metadata()
	if md.EndSessionEndpoint != htIssuer+esPath || !md.BackchannelLogoutSupported || !md.BackchannelLogoutSessionSupported {
		t.Errorf("metadata %+v", md)
	}
	md = azNewEnv(t).srv.Metadata()
	if md.EndSessionEndpoint != "" || md.BackchannelLogoutSupported || md.BackchannelLogoutSessionSupported {
		t.Errorf("metadata without the endpoint %+v", md)
	}
}

// TestEndSessionNewServer: the end-session flow needs the authorization
// flow and OpenID Connect, and a Flow.
func TestEndSessionNewServer(t *testing.T) {
	reg := &Registration[EndSessionContext, EndSessionResponse]{ID: "openid-end-session"}
	_, err := NewServer(Config{Clients: azNewClients(), Keys: htKeys(t)}, htSettings(), Flows{
		Token:      []Registration[TokenContext, TokenResponse]{{ID: "cc", Wire: "client_credentials", Policy: htPolicy(), Grant: htCCGrant, Flow: htDefaultFlow{}}},
		EndSession: reg,
	})
	if err == nil || !strings.Contains(err.Error(), "end session flow: needs the authorize flow") || !strings.Contains(err.Error(), "Flow is nil") {
		t.Errorf("NewServer: %v", err)
	}
}

// TestClientLogoutURIs: the registry checks post_logout_redirect_uris like
// redirect URIs, and a backchannel_logout_uri is https or loopback http.
func TestClientLogoutURIs(t *testing.T) {
	for _, tc := range []struct {
		post []string
		back string
		ok   bool
	}{
		{[]string{"https://rp.example/bye"}, "https://rp.example/bc", true},
		{nil, "http://127.0.0.1:8080/bc", true},
		{[]string{"https://rp.example/bye#x"}, "", false},
		{[]string{"http://rp.example/bye"}, "", false},
		{nil, "http://rp.example/bc", false},
		{nil, "https://rp.example/bc#f", false},
		{nil, "https://user@rp.example/bc", false},
		{nil, "/bc", false},
	} {
		c := azClient("c", azPublic, "https://rp.example/cb")
		c.PostLogoutRedirectURIs, c.BackchannelLogoutURI = tc.post, tc.back
		if _, err := NewMemoryClients(c); (err == nil) != tc.ok {
			t.Errorf("%v %q: %v", tc.post, tc.back, err)
		}
	}
}
