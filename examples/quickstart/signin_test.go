package main

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// The demo user the sign-in tests use.
const (
	demoUser     = "alice"
	demoPassword = "alice-password"
)

// redeemAndVerify redeems a code the way the demo client does (PKCE, then
// the ID token verified against the JWKS from discovery, its nonce and
// at_hash checked, userinfo called) and checks what came back.
func redeemAndVerify(t *testing.T, ctx context.Context, cfg oauth2.Config, issuer, code, verifier, nonce string) demoView {
	t.Helper()
	view, err := redeem(ctx, cfg, issuer, code, verifier, nonce)
	if err != nil {
		t.Fatalf("redeem: %v", err)
	}
	if view.Subject != "user-alice" || !view.RefreshToken || view.AccessToken == "" {
		t.Errorf("redeemed: subject %q, refresh token %v, access token %q; want user-alice, a refresh token and an access token",
			view.Subject, view.RefreshToken, view.AccessToken)
	}
	if view.idToken.Issuer != issuer || view.idToken.Audience[0] != cfg.ClientID {
		t.Errorf("ID token iss %q aud %v", view.idToken.Issuer, view.idToken.Audience)
	}
	if !strings.Contains(view.UserInfo, `"email": "alice@example.com"`) || !strings.Contains(view.UserInfo, `"name": "Alice Example"`) {
		t.Errorf("userinfo lacks the email and profile claims:\n%s", view.UserInfo)
	}
	return view
}

// userAgent is a browser without JavaScript: a cookie jar, and redirects
// followed by hand so each hop can be checked.
type userAgent struct {
	t      *testing.T
	client *http.Client
}

func newUserAgent(t *testing.T) *userAgent {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &userAgent{t: t, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// get fetches a URL and returns the response with its body read.
func (ua *userAgent) get(u string) (*http.Response, string) {
	ua.t.Helper()
	resp, err := ua.client.Get(u)
	if err != nil {
		ua.t.Fatalf("GET %s: %v", u, err)
	}
	return resp, readBody(ua.t, resp)
}

// submit posts the page's form (hidden fields plus fields) to its action.
func (ua *userAgent) submit(base, page string, fields url.Values) (*http.Response, string) {
	ua.t.Helper()
	action := formAttr.FindStringSubmatch(page)
	if action == nil {
		ua.t.Fatalf("no form on the page:\n%s", page)
	}
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	for k, v := range fields {
		form[k] = v
	}
	target, err := url.Parse(base)
	if err != nil {
		ua.t.Fatal(err)
	}
	target, err = target.Parse(html.UnescapeString(action[1]))
	if err != nil {
		ua.t.Fatal(err)
	}
	resp, err := ua.client.PostForm(target.String(), form)
	if err != nil {
		ua.t.Fatalf("POST %s: %v", target, err)
	}
	return resp, readBody(ua.t, resp)
}

// follow follows 303s that stay on the server (its own pages), as a
// browser would, and stops at a page or at a redirect elsewhere (the
// client's redirect URI).
func (ua *userAgent) follow(issuer string, resp *http.Response, body string) (*http.Response, string) {
	ua.t.Helper()
	base, err := url.Parse(issuer)
	if err != nil {
		ua.t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if resp.StatusCode != http.StatusSeeOther {
			return resp, body
		}
		loc, err := base.Parse(resp.Header.Get("Location"))
		if err != nil {
			ua.t.Fatal(err)
		}
		if loc.Host != base.Host || !strings.HasPrefix(loc.Path, "/oauth2/") {
			return resp, body
		}
		resp, body = ua.get(loc.String())
	}
	ua.t.Fatal("too many redirects on the server")
	return nil, ""
}

var (
	formAttr    = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// signIn runs the browser side of the code flow: the authorize URL, the
// login form, the consent form (when shown), and returns the final
// redirect's query.
func signIn(t *testing.T, ua *userAgent, issuer, authURL string, consent bool) url.Values {
	t.Helper()
	resp, page := ua.get(authURL)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="password"`) {
		t.Fatalf("authorize: %d, want the login page:\n%s", resp.StatusCode, page)
	}
	resp, page = ua.submit(issuer, page, url.Values{"username": {demoUser}, "password": {demoPassword}})
	resp, page = ua.follow(issuer, resp, page)
	if consent {
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `value="approve"`) {
			t.Fatalf("after login: %d, want the consent page:\n%s", resp.StatusCode, page)
		}
		for _, want := range []string{"Demo web app", "See your email address", "Keep access while you are away"} {
			if !strings.Contains(page, html.EscapeString(want)) {
				t.Errorf("consent page lacks %q (client name and scope descriptions, RFC 6749 §10.2)", want)
			}
		}
		resp, page = ua.submit(issuer, page, url.Values{"decision": {"approve"}})
		resp, _ = ua.follow(issuer, resp, page)
	}
	if resp.StatusCode != http.StatusSeeOther { // never 307 (RFC 9700 §4.12)
		t.Fatalf("final response %d, want 303", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query()
}

// TestSignInEndToEnd: a cookie-jar user agent follows the authorize URL
// golang.org/x/oauth2 builds (PKCE S256, state, nonce), signs in as a demo
// user, consents, and gets a code back with state and iss; the code
// redeems for an access token, a refresh token and an ID token that go-oidc
// verifies, and userinfo answers. The typed code data (ui_locales) comes
// back as a claim. A second sign-in skips login and consent; prompt=consent
// asks again.
func TestSignInEndToEnd(t *testing.T) {
	ctx := t.Context()
	_, issuer := startServer(t)
	cfg := demoAppOAuth2Config(issuer)
	ua := newUserAgent(t)

	verifier, state, nonce := oauth2.GenerateVerifier(), "st+/=%ate", "n-0S6_WzA2Mj"
	authURL := cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce), oauth2.SetAuthURLParam("ui_locales", "fr-CA en"))
	q := signIn(t, ua, issuer, authURL, true)
	if q.Get("state") != state || q.Get("iss") != issuer || q.Get("code") == "" {
		t.Fatalf("redirect query %v: want code, state %q and iss %q", q, state, issuer)
	}
	view := redeemAndVerify(t, ctx, cfg, issuer, q.Get("code"), verifier, nonce)
	_, jwksURI := metadata(t, ctx, issuer)
	if _, claims := accessTokenClaims(t, ctx, jwksURI, view.AccessToken); claims["locale"] != "fr-CA" {
		t.Errorf("access token lacks the locale claim carried on the code")
	}

	// The session and the remembered consent: straight back with a code.
	verifier = oauth2.GenerateVerifier()
	resp, _ := ua.get(cfg.AuthCodeURL("second", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n2")))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second authorize: %d, want a 303 with no page", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	redeemAndVerify(t, ctx, cfg, issuer, loc.Query().Get("code"), verifier, "n2")

	// prompt=consent asks again.
	resp, page := ua.get(cfg.AuthCodeURL("third", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("prompt", "consent")))
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `value="approve"`) {
		t.Errorf("prompt=consent: %d, want the consent page", resp.StatusCode)
	}
}

// TestAuthorizeErrorsEndToEnd: the authorization errors a client meets,
// each delivered the way RFC 6749 §4.1.2.1 says: an error page for an
// unknown client or a bad redirect URI, a redirect with error, state and
// iss for the rest; and the token endpoint's answers to a replayed code, a
// wrong verifier and a wrong redirect_uri.
func TestAuthorizeErrorsEndToEnd(t *testing.T) {
	ctx := t.Context()
	_, issuer := startServer(t)
	cfg := demoAppOAuth2Config(issuer)
	verifier := oauth2.GenerateVerifier()
	pkce := oauth2.S256ChallengeOption(verifier)

	page := func(name string, mutate func(*oauth2.Config) string) {
		t.Run(name, func(t *testing.T) {
			c := cfg
			resp, _ := newUserAgent(t).get(mutate(&c))
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
				t.Errorf("status %d, Location %q: want a 400 page and no redirect (RFC 6749 §4.1.2.1)", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
	page("unknown client", func(c *oauth2.Config) string { c.ClientID = "nobody"; return c.AuthCodeURL("s", pkce) })
	page("unregistered redirect_uri", func(c *oauth2.Config) string {
		c.RedirectURL = issuer + "/demo/elsewhere"
		return c.AuthCodeURL("s", pkce)
	})
	page("redirect_uri with a trailing slash", func(c *oauth2.Config) string {
		c.RedirectURL += "/"
		return c.AuthCodeURL("s", pkce)
	})

	redirect := func(name, wantErr string, ua *userAgent, authURL string) {
		t.Run(name, func(t *testing.T) {
			resp, _ := ua.get(authURL)
			loc, _ := url.Parse(resp.Header.Get("Location"))
			q := loc.Query()
			if resp.StatusCode != http.StatusSeeOther || q.Get("error") != wantErr || q.Get("state") != "s" || q.Get("iss") != issuer || q.Get("code") != "" {
				t.Errorf("status %d, redirect %s: want 303 with error=%s, state and iss", resp.StatusCode, loc, wantErr)
			}
		})
	}
	redirect("missing PKCE", "invalid_request", newUserAgent(t), cfg.AuthCodeURL("s"))
	redirect("PKCE plain", "invalid_request", newUserAgent(t), cfg.AuthCodeURL("s",
		oauth2.SetAuthURLParam("code_challenge", strings.Repeat("a", 43)), oauth2.SetAuthURLParam("code_challenge_method", "plain")))
	redirect("scope the client may not have", "invalid_scope", newUserAgent(t), cfg.AuthCodeURL("s", pkce, oauth2.SetAuthURLParam("scope", "openid admin")))
	redirect("prompt=none without a session", "login_required", newUserAgent(t), cfg.AuthCodeURL("s", pkce, oauth2.SetAuthURLParam("prompt", "none")))

	// A signed-in user who has not consented to a new client: consent_required.
	ua := newUserAgent(t)
	q := signIn(t, ua, issuer, cfg.AuthCodeURL("s", pkce), true)
	spa := oauth2.Config{ClientID: "demo-spa", RedirectURL: "http://127.0.0.1:9090/spa-callback",
		Endpoint: cfg.Endpoint, Scopes: []string{"openid", "profile"}}
	redirect("prompt=none without consent", "consent_required", ua, spa.AuthCodeURL("s", pkce, oauth2.SetAuthURLParam("prompt", "none")))

	// The token endpoint: wrong verifier and wrong redirect_uri burn the code;
	// a replay is refused.
	tokenErr := func(name, want string, err error) {
		t.Helper()
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.ErrorCode != want {
			t.Errorf("%s: err = %v; want %s", name, err, want)
		}
	}
	_, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier()))
	tokenErr("wrong verifier", "invalid_grant", err)
	_, err = cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	tokenErr("code already used", "invalid_grant", err)

	q = signIn(t, ua, issuer, cfg.AuthCodeURL("s", pkce, oauth2.SetAuthURLParam("prompt", "login")), false)
	other := cfg
	other.RedirectURL = "http://127.0.0.1:9090/callback"
	_, err = other.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	tokenErr("wrong redirect_uri at the token endpoint", "invalid_grant", err)
}
