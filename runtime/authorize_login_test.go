package runtime

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/session"
	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/oauth"

	"golang.org/x/crypto/bcrypt"
)

// TestAuthorizeLoginCSRF: a login or consent form with a missing or wrong
// CSRF token, an unknown interaction, a replayed form, a form from another
// browser (login CSRF) or an expired one gets 403 and nothing is issued
// (RFC 6749 §10.12).
func TestAuthorizeLoginCSRF(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	page := b.authorize(azQuery())
	id, csrf := azFormFields(t, page)
	login := func(b *azBrowser, id, csrf string) azResponse {
		f := url.Values{"username": {"alice"}, "password": {azAlicePass}}
		if id != "" {
			f.Set("interaction", id)
		}
		if csrf != "" {
			f.Set("csrf", csrf)
		}
		return b.post(azAuthorizePath+"/login", f)
	}
	for name, r := range map[string]azResponse{
		"csrf missing":        login(b, id, ""),
		"csrf wrong":          login(b, id, azTamper(csrf)),
		"csrf of another":     login(b, id, id),
		"interaction missing": login(b, "", csrf),
		"interaction unknown": login(b, "x"+id, csrf),
		"another browser":     login(env.browser(t), id, csrf), // login CSRF
	} {
		t.Run(name, func(t *testing.T) { azWantErrorPage(t, r, http.StatusForbidden) })
	}
	// The real form still works once, and only once.
	r := login(b, id, csrf)
	if r.status != http.StatusSeeOther {
		t.Fatalf("login: %d\n%s", r.status, r.body)
	}
	azWantErrorPage(t, login(b, id, csrf), http.StatusForbidden)

	// The consent form likewise (no code is issued).
	page = b.get(r.header.Get("Location"))
	id, csrf = azFormFields(t, page)
	consent := func(b *azBrowser, id, csrf string) azResponse {
		return b.post(azAuthorizePath+"/consent", url.Values{"interaction": {id}, "csrf": {csrf}, "decision": {"approve"}})
	}
	for name, r := range map[string]azResponse{
		"consent csrf missing":    b.post(azAuthorizePath+"/consent", url.Values{"interaction": {id}, "decision": {"approve"}}),
		"consent csrf wrong":      consent(b, id, azTamper(csrf)),
		"consent another browser": consent(env.browser(t), id, csrf),
	} {
		t.Run(name, func(t *testing.T) { azWantErrorPage(t, r, http.StatusForbidden) })
	}
	if env.codes() != 0 {
		t.Fatal("a code was issued after a refused consent form")
	}
	azWantRedirect(t, consent(b, id, csrf), azWebRedirect)
	azWantErrorPage(t, consent(b, id, csrf), http.StatusForbidden)
	if env.codes() != 1 {
		t.Errorf("%d codes, want 1", env.codes())
	}
	// The login page's form (a consent form for a login interaction) is refused too.
	azWantErrorPage(t, b.get(azAuthorizePath+"/consent?interaction="+url.QueryEscape(id)), http.StatusForbidden)
}

// azTamper changes the first character of s.
func azTamper(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

// TestAuthorizeInteractionExpires: a page left open past its TTL is refused.
func TestAuthorizeInteractionExpires(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	page := b.authorize(azQuery())
	env.clock.Advance(session.InteractionTTL)
	azWantErrorPage(t, b.login(page, "alice", azAlicePass), http.StatusForbidden)
}

// TestAuthorizeLoginFailure: a wrong password shows the login page again,
// pre-filled, with a generic message and a new CSRF token; the old token
// is spent.
func TestAuthorizeLoginFailure(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	page := b.authorize(azQuery("login_hint", "alice"))
	if !strings.Contains(page.body, `value="alice"`) {
		t.Error("login_hint does not pre-fill the username")
	}
	id, csrf := azFormFields(t, page)
	r := b.login(page, "alice", "wrong")
	azWantPage(t, r, loginFailedMessage)
	if !strings.Contains(r.body, `role="alert"`) {
		t.Error("the failure message is not announced")
	}
	id2, csrf2 := azFormFields(t, r)
	if id2 != id || csrf2 == csrf {
		t.Errorf("after a failure: interaction %q->%q, csrf rotated %v", id, id2, csrf2 != csrf)
	}
	azWantErrorPage(t, b.post(azAuthorizePath+"/login", url.Values{"interaction": {id}, "csrf": {csrf},
		"username": {"alice"}, "password": {azAlicePass}}), http.StatusForbidden)
	r = b.login(r, "alice", azAlicePass)
	if r.status != http.StatusSeeOther {
		t.Fatalf("login after a failure: %d", r.status)
	}
}

// azCSRFMask hides the values that differ between two renderings.
var azCSRFMask = regexp.MustCompile(`name="csrf" value="[^"]*"`)

// TestAuthorizeNoAccountEnumeration: an unknown user and a wrong password
// get the same status and page.
func TestAuthorizeNoAccountEnumeration(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	page := b.authorize(azQuery())
	wrong := b.login(page, "alice", "wrong")
	unknown := b.login(wrong, "alice", "wrong")
	unknown2 := b.login(unknown, "nobody", "wrong")
	// The username field echoes what was typed; compare with it masked too.
	mask := func(s string) string {
		s = azCSRFMask.ReplaceAllString(s, "")
		return strings.ReplaceAll(strings.ReplaceAll(s, `value="nobody"`, `value="X"`), `value="alice"`, `value="X"`)
	}
	if wrong.status != unknown2.status || mask(wrong.body) != mask(unknown2.body) {
		t.Errorf("wrong password and unknown user differ:\n%d %s\n%d %s", wrong.status, wrong.body, unknown2.status, unknown2.body)
	}
	for _, k := range []string{"Content-Type", "Content-Security-Policy", "Cache-Control"} {
		if wrong.header.Get(k) != unknown2.header.Get(k) {
			t.Errorf("header %s differs", k)
		}
	}
}

// TestMemoryUsersDummyHash: an unknown user runs a bcrypt comparison
// against the dummy hash; so does a password over 72 bytes.
func TestMemoryUsersDummyHash(t *testing.T) {
	users, err := NewMemoryUsers(User{Subject: "s1", Username: "alice", PasswordHash: azHashes()[azAlicePass]})
	if err != nil {
		t.Fatal(err)
	}
	var compared [][]byte
	users.compare = func(hash, pw []byte) error {
		compared = append(compared, hash)
		return bcrypt.CompareHashAndPassword(hash, pw)
	}
	ctx := context.Background()
	tests := []struct {
		user, pass string
		ok         bool
		dummy      bool
	}{
		{"alice", azAlicePass, true, false},
		{"alice", "wrong", false, false},
		{"nobody", azAlicePass, false, true},
		{"", "", false, true},
		{"alice", azAlicePass + strings.Repeat("x", 72), false, false},
	}
	for _, tt := range tests {
		compared = nil
		sub, ok, err := users.Authenticate(ctx, tt.user, Secret(tt.pass))
		if err != nil || ok != tt.ok || (ok && sub != "s1") || (!ok && sub != "") {
			t.Errorf("Authenticate(%q) = %q %v %v", tt.user, sub, ok, err)
		}
		if len(compared) != 1 {
			t.Fatalf("Authenticate(%q) ran %d comparisons, want 1", tt.user, len(compared))
		}
		if isDummy := string(compared[0]) == string(users.dummyHash); isDummy != tt.dummy {
			t.Errorf("Authenticate(%q) compared against the dummy hash: %v, want %v", tt.user, isDummy, tt.dummy)
		}
	}
	if cost, _ := bcrypt.Cost(users.dummyHash); cost != 4 {
		t.Errorf("dummy hash cost %d, want the users' (4)", cost)
	}
	if c, ok, _ := users.Claims(ctx, "s1"); !ok || c != (UserClaims{}) {
		t.Errorf("Claims = %+v %v", c, ok)
	}
	if _, ok, _ := users.Claims(ctx, "nobody"); ok {
		t.Error("Claims of an unknown subject")
	}
}

// TestNewMemoryUsersErrors: bad user lists are refused.
func TestNewMemoryUsersErrors(t *testing.T) {
	h := azHashes()[azAlicePass]
	for name, users := range map[string][]User{
		"no subject":        {{Username: "a", PasswordHash: h}},
		"no username":       {{Subject: "a", PasswordHash: h}},
		"repeated subject":  {{Subject: "a", Username: "a", PasswordHash: h}, {Subject: "a", Username: "b", PasswordHash: h}},
		"repeated username": {{Subject: "a", Username: "a", PasswordHash: h}, {Subject: "b", Username: "a", PasswordHash: h}},
		"not bcrypt":        {{Subject: "a", Username: "a", PasswordHash: "plain"}},
	} {
		if _, err := NewMemoryUsers(users...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := HashPassword(Secret(strings.Repeat("x", 73))); err == nil {
		t.Error("HashPassword accepted 73 bytes")
	}
}

// TestHashPassword: the hash verifies through MemoryUsers.
func TestHashPassword(t *testing.T) {
	if testing.Short() {
		t.Skip("bcrypt at the default cost")
	}
	h, err := HashPassword("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	users, err := NewMemoryUsers(User{Subject: "s", Username: "u", PasswordHash: h})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := users.Authenticate(context.Background(), "u", "s3cret"); !ok {
		t.Error("HashPassword's hash does not verify")
	}
}

// TestAuthorizeLoginThrottle: wrong passwords for one account from one
// address make it wait there, progressively longer, even with the right
// password, and the page says how long; another account is unaffected;
// the wait ends (RFC 6749 §10.10).
func TestAuthorizeLoginThrottle(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	page := b.authorize(azQuery())
	for i := 0; i <= throttle.LoginFree; i++ {
		page = b.login(page, "alice", "guess")
		azWantPage(t, page, loginFailedMessage)
	}
	throttled := b.login(page, "alice", azAlicePass)
	azWantPage(t, throttled, "Too many failed sign-in attempts. Try again in a few seconds.")
	// bob signs in from the same address.
	r := b.login(throttled, "bob", azBobPass)
	if r.status != http.StatusSeeOther {
		t.Fatalf("bob is throttled too: %d", r.status)
	}
	// After the wait, alice signs in.
	env.clock.Advance(throttle.LoginDelay)
	b2 := env.browser(t)
	page = b2.authorize(azQuery())
	if r := b2.login(page, "alice", azAlicePass); r.status != http.StatusSeeOther {
		t.Fatalf("alice after the wait: %d\n%s", r.status, r.body)
	}
}

// TestAuthorizeLoginThrottleProgressive: each failure past the free ones
// doubles the wait, and the page tells it.
func TestAuthorizeLoginThrottleProgressive(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	page := b.authorize(azQuery())
	for range throttle.LoginFree {
		page = b.login(page, "alice", "guess")
	}
	wait := throttle.LoginDelay
	for range 8 {
		page = b.login(page, "alice", "guess")
		azWantPage(t, page, loginFailedMessage)
		env.clock.Advance(wait - time.Millisecond)
		page = b.login(page, "alice", azAlicePass)
		azWantPage(t, page, loginThrottledMessage(time.Millisecond))
		env.clock.Advance(time.Millisecond)
		wait *= 2
	}
	for d, want := range map[time.Duration]string{
		time.Second: "a few seconds", 30 * time.Second: "30 seconds", 4*time.Minute + time.Second: "5 minutes",
	} {
		if got := loginThrottledMessage(d); !strings.Contains(got, want) {
			t.Errorf("loginThrottledMessage(%v) = %q; want it to say %q", d, got, want)
		}
	}
}

// TestAuthorizeLoginAccountUnderAttack: failures for one account spread
// over many addresses do not lock the account: its owner signs in from an
// address with no failures, while the attacking addresses are refused
// (docs/throttling.md).
func TestAuthorizeLoginAccountUnderAttack(t *testing.T) {
	env := azNewEnv(t, azTrustLoopback)
	b := env.browser(t)
	page := b.authorize(azQuery())
	const addrs = throttle.LoginAccountLimit / (throttle.LoginFree + 1) // each fails until it would wait
	for i := range throttle.LoginAccountLimit {
		b.forwardedFor = fmt.Sprintf("198.51.100.%d", i%addrs)
		page = b.login(page, "alice", "guess")
		azWantPage(t, page, loginFailedMessage)
		env.clock.Advance(time.Second)
	}
	// The attacking addresses are refused for alice, even with her password,
	// once their own waits are over...
	b.forwardedFor = "198.51.100.3"
	azWantPage(t, b.login(page, "alice", azAlicePass), "Too many failed sign-in attempts.")
	// ...but not for bob.
	if r := b.login(b.authorize(azQuery()), "bob", azBobPass); r.status != http.StatusSeeOther {
		t.Fatalf("bob from an attacking address: %d", r.status)
	}

	owner := env.browser(t)
	owner.forwardedFor = "203.0.113.50"
	page = owner.authorize(azQuery())
	if r := owner.login(page, "alice", azAlicePass); r.status != http.StatusSeeOther {
		t.Fatalf("the owner from a clean address: %d\n%s", r.status, r.body)
	}
}

// TestAuthorizeUserStoreError: a failing user store shows the generic
// failure, logs the cause, and does not count against the throttle.
func TestAuthorizeUserStoreError(t *testing.T) {
	env := azNewEnv(t, func(_ *Settings, c *Config) { c.Users = failingUsers{} })
	b := env.browser(t)
	page := b.authorize(azQuery())
	azWantPage(t, b.login(page, "alice", azAlicePass), loginFailedMessage)
	if !strings.Contains(env.logs.String(), "user store failed") {
		t.Error("the user store's failure is not logged")
	}
}

type failingUsers struct{}

func (failingUsers) Authenticate(context.Context, string, Secret) (string, bool, error) {
	return "", false, errors.New("ldap down")
}

func (failingUsers) Claims(context.Context, string) (UserClaims, bool, error) {
	return UserClaims{}, false, nil
}

// TestAuthorizeSessionCookie: the cookie's attributes,
// its rotation at every login, the old session's end, and a forged cookie.
func TestAuthorizeSessionCookie(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	page := b.authorize(azQuery())
	pre := page.header.Get("Set-Cookie")
	for _, want := range []string{"__Host-oauthgen-session=", "Path=/", "HttpOnly", "Secure", "SameSite=Lax"} {
		if !strings.Contains(pre, want) {
			t.Errorf("Set-Cookie %q lacks %s", pre, want)
		}
	}
	if strings.Contains(pre, "Domain=") {
		t.Errorf("Set-Cookie %q has a Domain", pre)
	}
	r := b.login(page, "alice", azAlicePass)
	post := r.header.Get("Set-Cookie")
	if !strings.Contains(post, "__Host-oauthgen-session=") || strings.Split(post, ";")[0] == strings.Split(pre, ";")[0] {
		t.Fatalf("login did not rotate the cookie: %q -> %q", pre, post)
	}
	azWantRedirect(t, b.consent(r, "approve"), azWebRedirect)

	// A second login (prompt=login) rotates again and ends the old session.
	old := b.cookie()
	r = b.authorize(azQuery("prompt", "login"))
	azWantRedirect(t, b.login(r, "alice", azAlicePass), azWebRedirect)
	if b.cookie() == old {
		t.Fatal("the cookie was not rotated at the second login")
	}
	b.setCookie(old)
	azWantRedirectError(t, b.authorize(azQuery("prompt", "none")), azWebRedirect, oauth.ErrLoginRequired, "st-1")

	// A forged cookie (valid id, wrong MAC) is no session.
	b2 := env.browser(t)
	b2.signIn(azQuery())
	cur := b2.cookie()
	idPart, macPart, _ := strings.Cut(cur, ".")
	b2.setCookie(idPart + "." + azTamper(macPart))
	azWantRedirectError(t, b2.authorize(azQuery("prompt", "none")), azWebRedirect, oauth.ErrLoginRequired, "st-1")
	b2.setCookie(cur)
	azWantRedirect(t, b2.authorize(azQuery("prompt", "none")), azWebRedirect)
}

// TestAuthorizeSessionCookieLoopbackHTTP: with an http loopback issuer the
// cookie has no __Host- prefix and no Secure attribute, which browsers
// would refuse over http.
func TestAuthorizeSessionCookieLoopbackHTTP(t *testing.T) {
	env := azNewEnv(t, func(_ *Settings, c *Config) { c.Issuer = "http://127.0.0.1:8080" })
	r := env.browser(t).authorize(azQuery())
	c := r.header.Get("Set-Cookie")
	if !strings.HasPrefix(c, "oauthgen-session=") || strings.Contains(c, "Secure") ||
		!strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
		t.Errorf("Set-Cookie %q", c)
	}
}

// TestAuthorizeLoginMethods: the login endpoint takes POST forms only;
// the consent form needs a decision.
func TestAuthorizeLoginMethods(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	r := b.get(azAuthorizePath + "/login")
	azWantErrorPage(t, r, http.StatusMethodNotAllowed)
	if r.header.Get("Allow") != "POST" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	req, _ := http.NewRequest(http.MethodPost, env.ts.URL+azAuthorizePath+"/login", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	azWantErrorPage(t, b.do(req), http.StatusBadRequest)

	r = b.login(b.authorize(azQuery()), "alice", azAlicePass)
	page := b.get(r.header.Get("Location"))
	id, csrf := azFormFields(t, page)
	azWantErrorPage(t, b.post(azAuthorizePath+"/consent", url.Values{"interaction": {id}, "csrf": {csrf}}), http.StatusBadRequest)
	if env.codes() != 0 {
		t.Error("a code was issued without a decision")
	}
}

// azPages records what the runtime passes to Pages, and the headers set
// before the call.
type azPages struct {
	mu      sync.Mutex
	inner   Pages
	login   []LoginPage
	consent []ConsentPage
	logout  []LogoutPage
	headers []http.Header
}

func (p *azPages) Logout(w http.ResponseWriter, r *http.Request, lp LogoutPage) {
	p.mu.Lock()
	p.logout, p.headers = append(p.logout, lp), append(p.headers, w.Header().Clone())
	p.mu.Unlock()
	p.inner.Logout(w, r, lp)
}

func (p *azPages) Login(w http.ResponseWriter, r *http.Request, lp LoginPage) {
	p.mu.Lock()
	p.login, p.headers = append(p.login, lp), append(p.headers, w.Header().Clone())
	p.mu.Unlock()
	p.inner.Login(w, r, lp)
}

func (p *azPages) Consent(w http.ResponseWriter, r *http.Request, cp ConsentPage) {
	p.mu.Lock()
	p.consent, p.headers = append(p.consent, cp), append(p.headers, w.Header().Clone())
	p.mu.Unlock()
	p.inner.Consent(w, r, cp)
}

func (p *azPages) Device(w http.ResponseWriter, r *http.Request, dp DevicePage) {
	p.mu.Lock()
	p.headers = append(p.headers, w.Header().Clone())
	p.mu.Unlock()
	p.inner.Device(w, r, dp)
}

func (p *azPages) Error(w http.ResponseWriter, r *http.Request, ep ErrorPage) {
	p.mu.Lock()
	p.headers = append(p.headers, w.Header().Clone())
	p.mu.Unlock()
	p.inner.Error(w, r, ep)
}

// TestAuthorizePagesInput: a team's Pages gets the fields (login_hint,
// ui_locales, the client's name, the scopes with descriptions) and the
// security headers are set before it runs.
func TestAuthorizePagesInput(t *testing.T) {
	pages := &azPages{inner: defaultPages()}
	env := azNewEnv(t, func(_ *Settings, c *Config) { c.Pages = pages })
	b := env.browser(t)
	r := b.authorize(azQuery("login_hint", "alice@example", "ui_locales", "de-CH fr"))
	r = b.login(r, "alice", azAlicePass)
	b.consent(r, "approve")

	pages.mu.Lock()
	defer pages.mu.Unlock()
	lp := pages.login[0]
	if lp.Action != azAuthorizePath+"/login" || lp.Username != "alice@example" || lp.ClientName != "Example App" ||
		strings.Join(lp.UILocales, " ") != "de-CH fr" || lp.Interaction == "" || lp.CSRF == "" || lp.Error != "" {
		t.Errorf("LoginPage %+v", lp)
	}
	cp := pages.consent[0]
	if cp.Action != azAuthorizePath+"/consent" || cp.Username != "alice" || len(cp.Scopes) != 2 ||
		cp.Scopes[0] != (ScopeInfo{"read", "Read your files"}) || cp.Scopes[1] != (ScopeInfo{"write", "Change your files"}) {
		t.Errorf("ConsentPage %+v", cp)
	}
	for _, h := range pages.headers {
		if h.Get("X-Frame-Options") != "DENY" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			h.Get("Cache-Control") != "no-store" {
			t.Errorf("headers before Pages ran: %v", h)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https://as.example https://app.example;") {
			t.Errorf("form-action of %q", csp)
		}
	}
}

// TestAuthorizeInteractionOtherTab: a login page opened before a login in
// another tab of the same browser still works after it.
func TestAuthorizeInteractionOtherTab(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	tab1 := b.authorize(azQuery("state", "one"))
	tab2 := b.authorize(azQuery("state", "two"))
	b.consent(b.login(tab1, "alice", azAlicePass), "approve")
	r := b.login(tab2, "alice", azAlicePass)
	if got := azWantRedirect(t, r, azWebRedirect); got.Get("state") != "two" {
		t.Errorf("state %q", got.Get("state"))
	}
}
