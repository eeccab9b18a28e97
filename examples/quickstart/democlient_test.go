package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// demoStart begins a sign-in at the demo client as a browser would: GET
// /demo/login, which sets the sign-in cookie and answers 303 to the
// authorization endpoint. It returns that URL and the cookie.
func demoStart(t *testing.T, ua *userAgent, issuer string) (string, *http.Cookie) {
	t.Helper()
	resp, _ := ua.get(issuer + "/demo/login")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("/demo/login: %d, want 303", resp.StatusCode)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == demoLoginCookie {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatalf("/demo/login set no %s cookie: %v", demoLoginCookie, resp.Header.Values("Set-Cookie"))
	}
	return resp.Header.Get("Location"), cookie
}

// demoCallback signs in at the authorization server from authURL and
// returns the URL of the demo client's callback the server redirects to.
func demoCallback(t *testing.T, ua *userAgent, issuer, authURL string, consent bool) string {
	t.Helper()
	q := signIn(t, ua, issuer, authURL, consent)
	return issuer + "/demo/callback?" + q.Encode()
}

// wantDemoRefused checks the demo client's answer to a callback it must
// refuse: a 400 page that says so, and no sign-in.
func wantDemoRefused(t *testing.T, what string, resp *http.Response, page string) {
	t.Helper()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "not started in this browser") || strings.Contains(page, "Signed in as") {
		t.Errorf("%s: %d, want 400 and the refusal page:\n%s", what, resp.StatusCode, page)
	}
}

// TestDemoClientSignIn: the demo client's own flow. /demo/login keeps the
// sign-in (state, nonce, PKCE verifier) in a short-lived HttpOnly,
// SameSite=Lax cookie (not Secure on an http issuer, where browsers would
// drop it); the callback in the same browser redeems the code and shows
// the user, and clears the cookie, so the same response is refused the
// second time.
func TestDemoClientSignIn(t *testing.T) {
	_, issuer := startServer(t)
	ua := newUserAgent(t)
	authURL, c := demoStart(t, ua, issuer)
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/demo/" ||
		c.MaxAge <= 0 || time.Duration(c.MaxAge)*time.Second > demoLoginTTL {
		t.Errorf("sign-in cookie %+v: want HttpOnly, SameSite=Lax, Path=/demo/, a Max-Age of at most %v", c, demoLoginTTL)
	}
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("state") == "" || q.Get("nonce") == "" || q.Get("code_challenge_method") != "S256" ||
		strings.Contains(c.Value, q.Get("code_challenge")) {
		t.Errorf("authorize URL %s: want state, nonce and an S256 challenge (never the verifier's place)", authURL)
	}

	callback := demoCallback(t, ua, issuer, authURL, true)
	resp, page := ua.get(callback)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Signed in as user-alice") {
		t.Fatalf("callback: %d, want the signed-in page:\n%s", resp.StatusCode, page)
	}
	cleared := false
	for _, c := range resp.Cookies() {
		cleared = cleared || (c.Name == demoLoginCookie && c.MaxAge < 0)
	}
	if !cleared {
		t.Errorf("the callback did not clear the sign-in cookie: %v", resp.Header.Values("Set-Cookie"))
	}
	resp, page = ua.get(callback)
	wantDemoRefused(t, "the same response again", resp, page)
}

// TestDemoClientRefusesAnotherBrowsersResponse: login CSRF (RFC 6749
// §10.12, RFC 9700 §4.7). An attacker signs in with their own account and
// hands their callback URL (code and a valid state) to a victim; the demo
// client refuses it in the victim's browser, whether it has no sign-in in
// progress or one of its own, and redeems nothing: the victim's own
// sign-in still completes, and so, in the attacker's browser, does the
// attacker's.
func TestDemoClientRefusesAnotherBrowsersResponse(t *testing.T) {
	_, issuer := startServer(t)
	attacker := newUserAgent(t)
	authURL, _ := demoStart(t, attacker, issuer)
	forged := demoCallback(t, attacker, issuer, authURL, true)

	victim := newUserAgent(t)
	resp, page := victim.get(forged)
	wantDemoRefused(t, "no sign-in cookie", resp, page)

	ownURL, _ := demoStart(t, victim, issuer)
	resp, page = victim.get(forged)
	wantDemoRefused(t, "another sign-in's cookie", resp, page)

	// A cookie that claims the attacker's state is no better without the
	// attacker's cookie: the state is checked against what this browser holds.
	u, _ := url.Parse(issuer + "/demo/")
	victim.client.Jar.SetCookies(u, []*http.Cookie{{Name: demoLoginCookie, Value: "x", Path: "/demo/"}})
	resp, page = victim.get(forged)
	wantDemoRefused(t, "a malformed cookie", resp, page)
	ownURL, _ = demoStart(t, victim, issuer) // a fresh sign-in replaces it

	resp, page = victim.get(demoCallback(t, victim, issuer, ownURL, false))
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Signed in as user-alice") {
		t.Errorf("the victim's own sign-in: %d\n%s", resp.StatusCode, page)
	}
	resp, page = attacker.get(forged)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Signed in as user-alice") {
		t.Errorf("the refusals redeemed the attacker's code: %d\n%s", resp.StatusCode, page)
	}
}

// wantNoFraming fails unless the response forbids framing both ways
// (X-Frame-Options, CSP frame-ancestors; RFC 6749 §10.13).
func wantNoFraming(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	if resp.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("%s (%d): X-Frame-Options %q, CSP %q; want DENY and frame-ancestors 'none'", what, resp.StatusCode,
			resp.Header.Get("X-Frame-Options"), resp.Header.Get("Content-Security-Policy"))
	}
	wantCSPOnce(t, what, resp.Header.Get("Content-Security-Policy"))
}

// wantCSPOnce checks that a Content-Security-Policy names each directive
// once and each source once in its directive: the login page's form-action
// lists the server and the demo client's redirect URI, one origin.
func wantCSPOnce(t *testing.T, what, csp string) {
	t.Helper()
	directives := map[string]bool{}
	for _, d := range strings.Split(csp, ";") {
		fields := strings.Fields(strings.ToLower(d))
		if len(fields) == 0 {
			continue
		}
		if directives[fields[0]] {
			t.Errorf("%s: CSP %q names %s twice", what, csp, fields[0])
		}
		directives[fields[0]] = true
		sources := map[string]bool{}
		for _, src := range fields[1:] {
			if sources[src] {
				t.Errorf("%s: CSP %q lists %s twice in %s", what, csp, src, fields[0])
			}
			sources[src] = true
		}
	}
}

// TestQuickstartPagesRefuseFraming: every page the quickstart serves to a
// browser refuses to be framed (clickjacking, RFC 6749 §10.13), and its CSP
// lists no source twice: the demo
// client's pages (entry redirect, sign-in redirect, refusal, error, signed in, not found)
// and the authorization server's (login, consent, error).
func TestQuickstartPagesRefuseFraming(t *testing.T) {
	_, issuer := startServer(t)
	ua := newUserAgent(t)
	for _, path := range []string{"/demo/", "/demo/nothing", "/demo/callback?state=x&code=y"} {
		resp, _ := ua.get(issuer + path)
		wantNoFraming(t, path, resp)
	}
	resp, _ := ua.get(issuer + "/demo/login")
	wantNoFraming(t, "/demo/login", resp)
	authURL := resp.Header.Get("Location")

	resp, page := ua.get(authURL)
	wantNoFraming(t, "the login page", resp)
	resp, page = ua.submit(issuer, page, url.Values{"username": {demoUser}, "password": {demoPassword}})
	resp, page = ua.follow(issuer, resp, page)
	if !strings.Contains(page, `value="approve"`) {
		t.Fatalf("after login: %d, want the consent page", resp.StatusCode)
	}
	wantNoFraming(t, "the consent page", resp)
	resp, page = ua.submit(issuer, page, url.Values{"decision": {"approve"}})
	resp, _ = ua.follow(issuer, resp, page)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	resp, page = ua.get(issuer + "/demo/callback?" + loc.RawQuery)
	if !strings.Contains(page, "Signed in as") {
		t.Fatalf("callback: %d, want the signed-in page", resp.StatusCode)
	}
	wantNoFraming(t, "the signed-in page", resp)

	resp, _ = ua.get(issuer + "/oauth2/authorize?client_id=nobody&response_type=code")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown client: %d, want the 400 error page", resp.StatusCode)
	}
	wantNoFraming(t, "the authorization server's error page", resp)
}

// TestDemoClientCookieOverHTTPS: on an https issuer the sign-in cookie is
// Secure and __Host- prefixed (so Path=/), and the callback reads it
// under that name.
func TestDemoClientCookieOverHTTPS(t *testing.T) {
	const issuer = "https://as.example"
	d := newDemoClient(issuer, slog.New(slog.DiscardHandler))
	w := httptest.NewRecorder()
	d.ServeHTTP(w, httptest.NewRequest(http.MethodGet, issuer+"/demo/login", nil))
	cookies := w.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies %v, want one", cookies)
	}
	c := cookies[0]
	if c.Name != "__Host-"+demoLoginCookie || !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("sign-in cookie %+v: want __Host-, Secure, HttpOnly, Path=/, no Domain, SameSite=Lax", c)
	}
	loc, err := url.Parse(w.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	callback := issuer + "/demo/callback?" + url.Values{"state": {loc.Query().Get("state")}, "code": {"c"}, "iss": {"https://other.example"}}.Encode()

	w = httptest.NewRecorder()
	d.ServeHTTP(w, httptest.NewRequest(http.MethodGet, callback, nil))
	wantDemoRefused(t, "no cookie", w.Result(), w.Body.String())

	// With the cookie the state passes, and the next check (iss) refuses.
	r := httptest.NewRequest(http.MethodGet, callback, nil)
	r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	w = httptest.NewRecorder()
	d.ServeHTTP(w, r)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "iss is not this client") {
		t.Errorf("callback with the cookie: %d, want the iss refusal:\n%s", w.Code, w.Body)
	}
	if cs := w.Result().Cookies(); len(cs) != 1 || cs[0].Name != c.Name || cs[0].MaxAge >= 0 || cs[0].Path != "/" || !cs[0].Secure {
		t.Errorf("the callback did not clear the cookie: %v", cs)
	}
}

// TestDemoClientOneEntryPoint: /demo/login is the demo client's one entry
// point; /demo/ sends the browser there (303) and sets no cookie, so the
// two addresses cannot drift apart.
func TestDemoClientOneEntryPoint(t *testing.T) {
	_, issuer := startServer(t)
	ua := newUserAgent(t)
	resp, _ := ua.get(issuer + "/demo/")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != demoEntry || len(resp.Cookies()) != 0 {
		t.Errorf("/demo/: %d Location %q cookies %v, want 303 to %s and none", resp.StatusCode, resp.Header.Get("Location"), resp.Cookies(), demoEntry)
	}
	if authURL, _ := demoStart(t, ua, issuer); !strings.HasPrefix(authURL, issuer+"/oauth2/authorize?") {
		t.Errorf("%s: 303 to %q, want the authorization endpoint", demoEntry, authURL)
	}
}
