package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Logout end to end (OpenID Connect RP-Initiated Logout 1.0, Back-Channel
// Logout 1.0): a relying party with a back-channel receiver of its own,
// which verifies each logout token with go-oidc against the server's
// discovered JWK Set, as a relying party would.

// logoutRP is a relying party: its redirect, post-logout and back-channel
// endpoints, and the logout tokens it accepted.
type logoutRP struct {
	ts     *httptest.Server
	secret runtime.Secret
	client *runtime.Client

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
	tokens   []map[string]any
	refused  []string
}

const logoutRPID = "logout-rp"

func newLogoutRP(t *testing.T) *logoutRP {
	rp := &logoutRP{}
	rp.ts = httptest.NewServer(http.HandlerFunc(rp.serve))
	t.Cleanup(rp.ts.Close)
	secret, hash := runtime.NewClientSecret()
	rp.secret = secret
	rp.client = &runtime.Client{
		ID: logoutRPID, Name: "Demo web app (logout)", AuthMethod: oauth.AuthClientSecretBasic,
		RedirectURIs: []string{rp.ts.URL + "/cb"}, GrantTypes: []oauth.GrantType{oauth.GrantAuthorizationCode},
		Scopes: oauth.ScopeSet{"openid", "profile", "email", "offline_access", "read"}, RequirePKCE: true,
		PostLogoutRedirectURIs: []string{rp.ts.URL + "/bye"}, BackchannelLogoutURI: rp.ts.URL + "/backchannel",
		BackchannelLogoutSessionRequired: true,
	}
	rp.client.SetSecretHash(hash)
	return rp
}

// serve is the relying party: /backchannel validates a logout token as
// Back-Channel Logout 1.0 §2.6 says (signature, iss, aud, iat/exp through
// go-oidc; then typ, events, sid or sub, and no nonce), else 400.
func (rp *logoutRP) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/backchannel" {
		w.WriteHeader(http.StatusOK)
		return
	}
	raw := r.PostFormValue("logout_token")
	rp.mu.Lock()
	defer rp.mu.Unlock()
	refuse := func(why string) {
		rp.refused = append(rp.refused, why)
		w.WriteHeader(http.StatusBadRequest)
	}
	if rp.verifier == nil {
		refuse("no verifier")
		return
	}
	tok, err := rp.verifier.Verify(r.Context(), raw)
	if err != nil {
		refuse(err.Error())
		return
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		refuse(err.Error())
		return
	}
	head, _ := base64.RawURLEncoding.DecodeString(strings.SplitN(raw, ".", 2)[0])
	var h map[string]any
	_ = json.Unmarshal(head, &h)
	ev, _ := claims["events"].(map[string]any)
	_, hasEvent := ev["http://schemas.openid.net/event/backchannel-logout"]
	_, hasNonce := claims["nonce"]
	switch {
	case h["typ"] != "logout+jwt":
		refuse("typ")
	case !hasEvent || hasNonce || claims["jti"] == nil || claims["sid"] == nil && claims["sub"] == nil:
		refuse("claims")
	default:
		rp.tokens = append(rp.tokens, claims)
		w.WriteHeader(http.StatusOK)
	}
}

// accepted returns the logout tokens accepted and the reasons of refusals.
func (rp *logoutRP) accepted() ([]map[string]any, []string) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return append([]map[string]any(nil), rp.tokens...), append([]string(nil), rp.refused...)
}

// discover makes the relying party's verifier from the issuer's discovery.
func (rp *logoutRP) discover(t *testing.T, ctx context.Context, issuer string) *oidc.Provider {
	t.Helper()
	p, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	rp.mu.Lock()
	rp.verifier = p.VerifierContext(context.WithoutCancel(ctx), &oidc.Config{ClientID: logoutRPID})
	rp.mu.Unlock()
	return p
}

func (rp *logoutRP) config(issuer string) oauth2.Config {
	return oauth2.Config{
		ClientID: logoutRPID, ClientSecret: rp.secret.Reveal(),
		Endpoint:    oauth2.Endpoint{AuthURL: issuer + "/oauth2/authorize", TokenURL: issuer + "/oauth2/token", AuthStyle: oauth2.AuthStyleInHeader},
		RedirectURL: rp.ts.URL + "/cb", Scopes: []string{"openid", "email", "offline_access"},
	}
}

// signInRP signs alice in at the relying party through ua (consent says
// whether the consent page is due) and returns the raw ID token, verified
// with go-oidc, and its sid.
func signInRP(t *testing.T, ctx context.Context, ua *userAgent, rp *logoutRP, p *oidc.Provider, issuer string, consent bool) (string, string) {
	t.Helper()
	cfg := rp.config(issuer)
	verifier := oauth2.GenerateVerifier()
	q := signIn(t, ua, issuer, cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n-1")), consent)
	tok, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("code: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: logoutRPID}).Verify(ctx, raw)
	if err != nil {
		t.Fatalf("ID token: %v", err)
	}
	var c struct {
		SID string `json:"sid"`
	}
	if err := idt.Claims(&c); err != nil || c.SID == "" {
		t.Fatalf("the ID token has no sid (Back-Channel Logout 1.0 §2.4): %v", err)
	}
	return raw, c.SID
}

// wantLoggedOut checks the 303 back to the relying party with state, and
// that the browser must sign in again.
func wantLoggedOut(t *testing.T, ua *userAgent, rp *logoutRP, issuer string, resp *http.Response) {
	t.Helper()
	if want := rp.ts.URL + "/bye?state=" + url.QueryEscape("s+/="); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Fatalf("logout: %d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	cfg := rp.config(issuer)
	if resp, page := ua.get(cfg.AuthCodeURL("again", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))); resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="password"`) {
		t.Errorf("after the logout: %d, want the login page", resp.StatusCode)
	}
}

// TestLogoutEndToEnd: the relying party's ID token (go-oidc) as
// id_token_hint ends the session at once, back to its post-logout URI with
// state; its receiver got one logout token for that sid, which go-oidc
// verifies against the discovered JWK Set. Without a hint the end user
// confirms first.
func TestLogoutEndToEnd(t *testing.T) {
	ctx := t.Context()
	rp := newLogoutRP(t)
	ts := httptest.NewUnstartedServer(nil)
	issuer := "http://" + ts.Listener.Addr().String()
	srv, err := newServer(serverOptions{issuer: issuer, store: runtime.NewMemoryStore(), log: slog.New(slog.DiscardHandler), clients: []*runtime.Client{rp.client}})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = newHandler(srv, issuer, slog.New(slog.DiscardHandler))
	ts.Start()
	t.Cleanup(ts.Close)
	p := rp.discover(t, ctx, issuer)
	var md struct {
		EndSession  string `json:"end_session_endpoint"`
		Backchannel bool   `json:"backchannel_logout_supported"`
		Session     bool   `json:"backchannel_logout_session_supported"`
	}
	if err := p.Claims(&md); err != nil || md.EndSession != issuer+"/oauth2/logout" || !md.Backchannel || !md.Session {
		t.Fatalf("discovery: %+v %v", md, err)
	}

	ua := newUserAgent(t)
	raw, sid := signInRP(t, ctx, ua, rp, p, issuer, true)
	resp, _ := ua.get(md.EndSession + "?" + url.Values{"id_token_hint": {raw}, "post_logout_redirect_uri": {rp.ts.URL + "/bye"}, "state": {"s+/="}}.Encode())
	wantLoggedOut(t, ua, rp, issuer, resp)
	tokens, refused := rp.accepted()
	if len(tokens) != 1 || tokens[0]["sid"] != sid || tokens[0]["sub"] != "user-alice" || len(refused) > 0 {
		t.Fatalf("logout tokens %v, refused %v; want one for sid %s", tokens, refused, sid)
	}

	// Without a hint: the confirmation page, then the same end.
	signInRP(t, ctx, ua, rp, p, issuer, false) // the consent is remembered
	resp, page := ua.get(md.EndSession + "?" + url.Values{"client_id": {logoutRPID}, "post_logout_redirect_uri": {rp.ts.URL + "/bye"}, "state": {"s+/="}}.Encode())
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Sign out?") {
		t.Fatalf("logout without a hint: %d, want the confirmation page", resp.StatusCode)
	}
	resp, _ = ua.submit(issuer, page, nil)
	wantLoggedOut(t, ua, rp, issuer, resp)
	if tokens, _ := rp.accepted(); len(tokens) != 2 {
		t.Errorf("%d logout tokens after the second logout, want 2", len(tokens))
	}
}

// TestLogoutTwoInstances: two quickstart servers on one store behind the
// round-robin balancer: signed in through A, logged out at B; the session
// is gone on both, and the relying party got exactly one logout token.
func TestLogoutTwoInstances(t *testing.T) {
	ctx := t.Context()
	rp := newLogoutRP(t)
	lb := &balancer{pinned: -1}
	front := httptest.NewServer(lb.proxy())
	defer front.Close()
	issuer := front.URL
	store := runtime.NewMemoryStore()
	var addrs []string
	for range 2 {
		srv, err := newServer(serverOptions{issuer: issuer, store: store, log: slog.New(slog.DiscardHandler), clients: []*runtime.Client{rp.client}})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(newHandler(srv, issuer, slog.New(slog.DiscardHandler)))
		t.Cleanup(ts.Close)
		addrs = append(addrs, ts.Listener.Addr().String())
	}
	lb.serve(addrs...)
	const A, B = 0, 1
	p := rp.discover(t, ctx, issuer)
	ua := newUserAgent(t)
	lb.to(A)
	raw, _ := signInRP(t, ctx, ua, rp, p, issuer, true)
	lb.to(B)
	resp, _ := ua.get(issuer + "/oauth2/logout?" + url.Values{"id_token_hint": {raw}, "post_logout_redirect_uri": {rp.ts.URL + "/bye"}, "state": {"s+/="}}.Encode())
	for _, at := range []int{A, B} {
		lb.to(at)
		wantLoggedOut(t, ua, rp, issuer, resp)
	}
	if tokens, refused := rp.accepted(); len(tokens) != 1 || len(refused) > 0 {
		t.Errorf("logout tokens %d, refused %v; want exactly one", len(tokens), refused)
	}
}
