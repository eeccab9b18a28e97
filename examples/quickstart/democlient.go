package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
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
type demoClient struct {
	issuer string
	cfg    oauth2.Config
	log    *slog.Logger

	mu      sync.Mutex
	pending map[string]demoLogin // by state
}

// demoLogin is a sign-in in progress.
type demoLogin struct {
	verifier, nonce string
	started         time.Time
}

// demoPendingMax bounds the sign-ins in progress; older ones are dropped.
const demoPendingMax = 1000

func newDemoClient(issuer string, log *slog.Logger) *demoClient {
	return &demoClient{
		issuer:  issuer,
		cfg:     demoAppOAuth2Config(issuer),
		log:     log,
		pending: make(map[string]demoLogin),
	}
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

func (d *demoClient) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	switch r.URL.Path {
	case "/demo/", "/demo":
		demoPage.Execute(w, demoView{Start: true})
	case "/demo/login":
		d.login(w, r)
	case "/demo/callback":
		d.callback(w, r)
	default:
		http.NotFound(w, r)
	}
}

// login starts a sign-in: a fresh state, PKCE verifier and nonce, then a
// 303 to the authorization endpoint.
func (d *demoClient) login(w http.ResponseWriter, r *http.Request) {
	state, nonce := randomString(), randomString()
	verifier := oauth2.GenerateVerifier()
	d.mu.Lock()
	if len(d.pending) >= demoPendingMax {
		for k := range d.pending {
			delete(d.pending, k)
			break
		}
	}
	d.pending[state] = demoLogin{verifier: verifier, nonce: nonce, started: time.Now()}
	d.mu.Unlock()
	http.Redirect(w, r, d.cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)), http.StatusSeeOther)
}

// callback finishes a sign-in: it checks state and iss, redeems the code,
// verifies the ID token and its nonce, and calls userinfo.
func (d *demoClient) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d.mu.Lock()
	login, ok := d.pending[q.Get("state")]
	delete(d.pending, q.Get("state"))
	d.mu.Unlock()
	switch {
	case !ok:
		d.fail(w, "unknown or reused state: start again")
		return
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
	demoPage.Execute(w, view)
}

func (d *demoClient) fail(w http.ResponseWriter, msg string) {
	w.WriteHeader(http.StatusBadRequest)
	demoPage.Execute(w, demoView{Error: msg})
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
	Start         bool
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
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}a.button{display:inline-block;padding:.6rem 1.2rem;background:#1a4fd6;color:#fff;border-radius:.3rem;text-decoration:none}</style>
</head><body><main>
<h1>oauthgen demo client</h1>
{{if .Start}}<p>This page is an ordinary OAuth client of the quickstart server. Sign in as <code>alice</code> (password <code>alice-password</code>) or <code>bob</code> (<code>bob-password</code>).</p>
<p><a class="button" href="/demo/login">Sign in with the quickstart</a></p>
{{else if .Error}}<h2>Sign-in failed</h2><p role="alert">{{.Error}}</p><p><a href="/demo/">Start again</a></p>
{{else}}<h2>Signed in as {{.Subject}}</h2>
<p>The code was redeemed for an access token{{if .RefreshToken}}, a refresh token{{end}} and an ID token, which verified against the server's JWKS. Scope: <code>{{.Scope}}</code>.</p>
<h3>ID token claims</h3><pre>{{.IDTokenClaims}}</pre>
<h3>Userinfo</h3><pre>{{.UserInfo}}</pre>
<h3>Access token</h3><pre>{{.AccessToken}}</pre>
<p><a href="/demo/">Back</a></p>{{end}}
</main></body></html>
`))
