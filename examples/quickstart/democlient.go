package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// demoClient is the quickstart's example relying party, served at /demo/ so
// that signing in from a browser ends somewhere useful: it sends the browser
// to the authorization endpoint (PKCE, state, nonce), redeems the code it
// gets back, verifies the ID token against the server's JWKS, calls
// userinfo, and shows the result. It is an ordinary OAuth client built on
// golang.org/x/oauth2 and go-oidc, talking to the server over HTTP.
//
// It keeps nothing between requests: a sign-in in progress (its state,
// nonce and PKCE verifier) lives in a cookie of the browser that started
// it (demoLoginCookie), so the callback accepts a state only from that
// browser (RFC 6749 §10.12; RFC 9700 §4.7), on any instance.
type demoClient struct {
	issuer string
	cfg    oauth2.Config
	log    *slog.Logger
	// cookie is the name of the sign-in cookie; secure says whether it is
	// Secure and __Host- prefixed (an https issuer).
	cookie string
	secure bool
}

// demoLogin is a sign-in in progress, as its cookie carries it.
type demoLogin struct {
	state, nonce, verifier string
}

// The sign-in cookie: its name without and with the __Host- prefix (which
// makes the browser insist on Secure, Path=/ and no Domain, RFC 6265bis
// §4.1.3.2), and its lifetime, which bounds how long the end user may take
// to sign in.
const (
	demoLoginCookie       = "oauthgen-demo-login"
	demoLoginCookieSecure = "__Host-" + demoLoginCookie
	demoLoginTTL          = 10 * time.Minute
)

// demoEntry is the demo client's one entry point, which starts a sign-in;
// /demo/ answers 303 to it.
const demoEntry = "/demo/login"

func newDemoClient(issuer string, log *slog.Logger) *demoClient {
	d := &demoClient{
		issuer: issuer,
		cfg:    demoAppOAuth2Config(issuer),
		log:    log,
		cookie: demoLoginCookie,
	}
	if u, err := url.Parse(issuer); err == nil && u.Scheme == "https" {
		d.cookie, d.secure = demoLoginCookieSecure, true
	}
	return d
}

// demoAppOAuth2Config is demo-app's client configuration for an issuer:
// its redirect URI is on the issuer's own host, under /demo/callback
// (registered as http://127.0.0.1/demo/callback: any loopback port
// matches, RFC 8252 §7.3).
func demoAppOAuth2Config(issuer string) oauth2.Config {
	return oauth2.Config{
		ClientID:     "demo-app",
		ClientSecret: demoAppSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:   issuer + "/oauth2/authorize",
			TokenURL:  issuer + "/oauth2/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
		RedirectURL: issuer + "/demo/callback",
		Scopes:      []string{"openid", "profile", "email", "offline_access", "read"},
	}
}

// demoPageHeaders are the headers of every response under /demo/: no page
// may be framed (X-Frame-Options, CSP frame-ancestors; RFC 6749 §10.13), none
// is cached or sends its URL (which carries the code) as a Referer, and
// nothing but the page's inline style runs; its one image is its empty
// data: icon, so that the browser asks for no /favicon.ico.
func demoPageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Type", "text/html; charset=utf-8")
}

func (d *demoClient) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	demoPageHeaders(w.Header())
	switch r.URL.Path {
	case "/demo/", "/demo":
		// One entry point: /demo/login. The directory sends the browser
		// there, so that both addresses start the same sign-in.
		http.Redirect(w, r, demoEntry, http.StatusSeeOther)
	case demoEntry:
		d.login(w, r)
	case "/demo/callback":
		d.callback(w, r)
	default:
		http.NotFound(w, r)
	}
}

// login starts a sign-in: a fresh state, PKCE verifier and nonce, kept in
// this browser's sign-in cookie, then a 303 to the authorization endpoint.
// A sign-in started earlier in the same browser is replaced.
func (d *demoClient) login(w http.ResponseWriter, r *http.Request) {
	l := demoLogin{state: randomString(), nonce: randomString(), verifier: oauth2.GenerateVerifier()}
	d.setLoginCookie(w, l.state+"."+l.nonce+"."+l.verifier, int(demoLoginTTL/time.Second))
	http.Redirect(w, r, d.cfg.AuthCodeURL(l.state, oauth2.S256ChallengeOption(l.verifier), oidc.Nonce(l.nonce)), http.StatusSeeOther)
}

// setLoginCookie sets (maxAge > 0) or clears (maxAge < 0) the sign-in
// cookie: HttpOnly, SameSite=Lax (the callback is a top-level GET from the
// authorization server, which Lax lets through), Secure over https, and
// sent back only under /demo/ unless the __Host- prefix demands Path=/.
func (d *demoClient) setLoginCookie(w http.ResponseWriter, value string, maxAge int) {
	path := "/demo/"
	if d.secure {
		path = "/"
	}
	http.SetCookie(w, &http.Cookie{
		Name:     d.cookie,
		Value:    value,
		Path:     path,
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   d.secure,
		SameSite: http.SameSiteLaxMode,
	})
}

// pendingLogin reads the browser's sign-in cookie.
func (d *demoClient) pendingLogin(r *http.Request) (demoLogin, bool) {
	c, err := r.Cookie(d.cookie)
	if err != nil {
		return demoLogin{}, false
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return demoLogin{}, false
	}
	return demoLogin{state: parts[0], nonce: parts[1], verifier: parts[2]}, true
}

// callback finishes a sign-in: the state must be the one this browser's
// sign-in cookie holds (else a 400 and nothing is redeemed: another
// browser's response, or a forged one, is refused). The cookie is then
// cleared, so a response is used once; a refused response leaves it, so
// that a forged callback cannot cancel the end user's own sign-in. Then
// iss is checked, the code redeemed, the ID token and its nonce verified,
// and userinfo called.
func (d *demoClient) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	login, ok := d.pendingLogin(r)
	if !ok || subtle.ConstantTimeCompare([]byte(login.state), []byte(q.Get("state"))) != 1 {
		d.fail(w, "This sign-in was not started in this browser, or it took too long. Nothing was signed in: start again.")
		return
	}
	d.setLoginCookie(w, "", -1)
	switch {
	case q.Get("iss") != d.issuer: // RFC 9207 §2.4: the mix-up defence
		d.fail(w, "the response's iss is not this client's server")
		return
	case q.Get("error") != "":
		d.fail(w, q.Get("error")+": "+q.Get("error_description"))
		return
	}
	view, err := redeem(r.Context(), d.cfg, d.issuer, q.Get("code"), login.verifier, login.nonce)
	if err != nil {
		d.log.Warn("demo client sign-in failed", "err", err)
		d.fail(w, err.Error())
		return
	}
	d.page(w, http.StatusOK, view)
}

func (d *demoClient) fail(w http.ResponseWriter, msg string) {
	d.page(w, http.StatusBadRequest, demoView{Error: msg})
}

// page renders the demo page with status.
func (d *demoClient) page(w http.ResponseWriter, status int, v demoView) {
	var buf bytes.Buffer
	if err := demoPage.Execute(&buf, v); err != nil {
		d.log.Error("demo page", "err", err)
		http.Error(w, "The page cannot be shown.", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// redeem exchanges a code, verifies the ID token (signature from the JWKS
// found through discovery, iss, aud, exp, nonce, at_hash) and calls
// userinfo. The browser test and the end-to-end tests use it too.
func redeem(ctx context.Context, cfg oauth2.Config, issuer, code, verifier, nonce string) (demoView, error) {
	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return demoView{}, err
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return demoView{}, err
	}
	raw, _ := tok.Extra("id_token").(string)
	idToken, err := provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}).Verify(ctx, raw)
	if err != nil {
		return demoView{}, err
	}
	if idToken.Nonce != nonce {
		return demoView{}, errNonce
	}
	if err := idToken.VerifyAccessToken(tok.AccessToken); err != nil {
		return demoView{}, err
	}
	info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return demoView{}, err
	}
	scope, _ := tok.Extra("scope").(string)
	var idClaims, infoClaims map[string]any
	if err := idToken.Claims(&idClaims); err != nil {
		return demoView{}, err
	}
	if err := info.Claims(&infoClaims); err != nil {
		return demoView{}, err
	}
	return demoView{
		Subject:       idToken.Subject,
		AccessToken:   tok.AccessToken,
		RefreshToken:  tok.RefreshToken != "",
		Scope:         scope,
		IDTokenClaims: prettyJSON(idClaims),
		UserInfo:      prettyJSON(infoClaims),
		idToken:       idToken,
	}, nil
}

var errNonce = errors.New("the ID token's nonce is not the one this client sent")

func prettyJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func randomString() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// demoView is what the demo page shows.
type demoView struct {
	Error         string
	Subject       string
	AccessToken   string
	RefreshToken  bool
	Scope         string
	IDTokenClaims string
	UserInfo      string

	idToken *oidc.IDToken
}

var demoPage = template.Must(template.New("demo").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>oauthgen demo client</title>
<link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}a.button{display:inline-block;padding:.6rem 1.2rem;background:#1a4fd6;color:#fff;border-radius:.3rem;text-decoration:none}</style>
</head><body><main>
<h1>oauthgen demo client</h1>
{{if .Error}}<h2>Sign-in failed</h2><p role="alert">{{.Error}}</p><p><a href="/demo/login">Start again</a></p>
{{else}}<h2>Signed in as {{.Subject}}</h2>
<p>The code was redeemed for an access token{{if .RefreshToken}}, a refresh token{{end}} and an ID token, which verified against the server's JWKS. Scope: <code>{{.Scope}}</code>.</p>
<h3>ID token claims</h3><pre>{{.IDTokenClaims}}</pre>
<h3>Userinfo</h3><pre>{{.UserInfo}}</pre>
<h3>Access token</h3><pre>{{.AccessToken}}</pre>
<p><a href="/demo/login">Sign in again</a></p>{{end}}
</main></body></html>
`))
