package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/oauthgen/oauthgen/runtime/storetest/pgtest"
)

// balancer is a round-robin reverse proxy (net/http/httputil) in front of
// the instances, as a load balancer is. A test can send the next request
// to a chosen instance; every request is recorded with the instance that
// served it.
type balancer struct {
	backends []*url.URL
	mu       sync.Mutex
	next     int
	pinned   int // the instance of the next request, or -1
	served   []string
}

// serve sets the instances, by address.
func (b *balancer) serve(addrs ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.backends, b.pinned = nil, -1
	for _, s := range addrs {
		u, _ := url.Parse("http://" + s)
		b.backends = append(b.backends, u)
	}
}

// to sends the next request to instance i.
func (b *balancer) to(i int) {
	b.mu.Lock()
	b.pinned = i
	b.mu.Unlock()
}

func (b *balancer) pick(r *http.Request) *url.URL {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := b.pinned
	if i < 0 {
		i = b.next % len(b.backends)
		b.next++
	}
	b.pinned = -1
	b.served = append(b.served, fmt.Sprintf("%c %s %s", 'A'+i, r.Method, r.URL.Path))
	return b.backends[i]
}

func (b *balancer) proxy() http.Handler {
	return &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(b.pick(pr.In))
		pr.Out.Host = pr.In.Host // the instances serve the balancer's issuer
		pr.SetXForwarded()
	}}
}

// startTwoInstances starts two quickstart processes on one PostgreSQL
// database behind a balancer, whose URL is the issuer, and returns them;
// a is the first instance. The requests each served are logged when the
// test fails.
func startTwoInstances(t *testing.T) (*balancer, string, *process) {
	t.Helper()
	dsn := pgtest.DSN(t)
	lb := &balancer{pinned: -1}
	front := httptest.NewServer(lb.proxy())
	t.Cleanup(front.Close)
	issuer := front.URL
	args := []string{"-issuer", issuer, "-store", dsn, "-trusted-proxy", "127.0.0.1/32"}
	a, b := startProcess(t, args...), startProcess(t, args...)
	lb.serve(a.addr, b.addr)
	t.Cleanup(func() {
		if t.Failed() {
			lb.mu.Lock()
			t.Logf("requests:\n%s", strings.Join(lb.served, "\n"))
			lb.mu.Unlock()
		}
	})
	return lb, issuer, a
}

// TestTwoInstancesOneDatabase: two quickstart processes on one PostgreSQL
// database behind a round-robin proxy run the whole authorization-code
// flow with each step on another instance than the one before: authorize
// on A, login on B, consent page on B and its form on A, the code
// redeemed at B, the ID token verified with A's JWK Set, refresh at A,
// revocation at B seen by introspection at A, a code replay at A after
// the redemption at B, a logout at B that ends the session on A too, and
// client authentication failures counted across both.
func TestTwoInstancesOneDatabase(t *testing.T) {
	ctx := t.Context()
	lb, issuer, a := startTwoInstances(t)
	const A, B = 0, 1

	cfg := demoAppOAuth2Config(issuer)
	ua := newUserAgent(t)
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n-1"))

	lb.to(A)
	resp, page := ua.get(authURL)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="password"`) {
		t.Fatalf("authorize at A: %d, want the login page", resp.StatusCode)
	}
	lb.to(B)
	resp, page = ua.submit(issuer, page, url.Values{"username": {demoUser}, "password": {demoPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login at B: %d, want 303 to the consent page:\n%s", resp.StatusCode, page)
	}
	lb.to(B)
	resp, page = ua.follow(issuer, resp, page)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `value="approve"`) {
		t.Fatalf("consent page at B: %d", resp.StatusCode)
	}
	lb.to(A)
	resp, _ = ua.submit(issuer, page, url.Values{"decision": {"approve"}})
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("consent at A: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	code := loc.Query().Get("code")

	lb.to(B)
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("code at B: %v", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	keysOfA := oidc.NewRemoteKeySet(ctx, "http://"+a.addr+"/oauth2/jwks")
	idt, err := oidc.NewVerifier(issuer, keysOfA, &oidc.Config{ClientID: cfg.ClientID}).Verify(ctx, rawID)
	if err != nil || idt.Nonce != "n-1" || idt.Subject != "user-alice" {
		t.Fatalf("ID token with A's JWK Set: %v", err)
	}

	lb.to(A)
	refreshed, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil || refreshed.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh at A: %v", err)
	}

	introspect := func(at int, token string) bool {
		t.Helper()
		lb.to(at)
		status, _, body := postForm(t, ctx, issuer+"/oauth2/introspect", "demo-api", demoAPISecret, "", url.Values{"token": {token}})
		var m struct{ Active bool }
		if status != http.StatusOK || json.Unmarshal(body, &m) != nil {
			t.Fatalf("introspection: %d %s", status, body)
		}
		return m.Active
	}
	if !introspect(A, refreshed.AccessToken) {
		t.Fatal("the refreshed access token is not active at A")
	}
	lb.to(B)
	if status, _, body := postForm(t, ctx, issuer+"/oauth2/revoke", "", "", "",
		url.Values{"token": {refreshed.AccessToken}, "client_id": {"demo-app"}, "client_secret": {demoAppSecret}}); status != http.StatusOK {
		t.Fatalf("revocation at B: %d %s", status, body)
	}
	if introspect(A, refreshed.AccessToken) {
		t.Error("a token revoked at B is active at A")
	}

	// The code again, at A: refused, and the grant it made at B is
	// revoked (RFC 6749 §4.1.2), so the refresh token fails at B.
	lb.to(A)
	if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier)); !isOAuthError(err, "invalid_grant") {
		t.Errorf("code replay at A: %v, want invalid_grant", err)
	}
	lb.to(B)
	if _, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: refreshed.RefreshToken}).Token(); !isOAuthError(err, "invalid_grant") {
		t.Errorf("refresh at B after the replay: %v, want invalid_grant", err)
	}

	// Logout at B with A's ID token (OpenID Connect RP-Initiated Logout
	// 1.0): back to the registered URI, and the session is gone on both.
	lb.to(B)
	resp, _ = ua.get(issuer + "/oauth2/logout?" + url.Values{"id_token_hint": {rawID}, "post_logout_redirect_uri": {hSignedOut}}.Encode())
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != hSignedOut {
		t.Errorf("logout at B: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, at := range []int{A, B} {
		lb.to(at)
		if resp, page := ua.get(authURL); resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="password"`) {
			t.Errorf("authorize at %c after the logout: %d, want the login page", 'A'+at, resp.StatusCode)
		}
	}

	// Failed client authentications, alternating between the instances,
	// block the client from this address on both.
	wrong := clientcredentials.Config{ClientID: "demo-service", ClientSecret: "wrong", TokenURL: issuer + "/oauth2/token"}
	for i := range 10 {
		lb.to(i % 2)
		if _, err := wrong.Token(ctx); !isOAuthError(err, "invalid_client") {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	right := wrong
	right.ClientSecret = demoServiceSecret
	for _, at := range []int{A, B} {
		lb.to(at)
		_, err := right.Token(ctx)
		var re *oauth2.RetrieveError
		if !isOAuthError(err, "invalid_client") || !errors.As(err, &re) || re.Response.StatusCode != http.StatusTooManyRequests {
			t.Errorf("instance %c after 10 failures across both: %v, want 429", 'A'+at, err)
		}
	}
}

// TestTwoInstancesDeviceFlow: the device authorization grant (RFC 8628)
// across two quickstart processes on one PostgreSQL database: the device
// authorization at A, the code form at B, the login at A, the consent
// page at B and its form at A; the device's polls alternate, pending at B
// before the decision, the tokens at A, and the used-up device code
// refused at B. The decision, the user code and the single use hold
// across instances because they are in the shared store.
func TestTwoInstancesDeviceFlow(t *testing.T) {
	ctx := t.Context()
	lb, issuer, _ := startTwoInstances(t)
	const A, B = 0, 1

	cfg := demoTVConfig(issuer)
	lb.to(A)
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		t.Fatalf("device authorization at A: %v", err)
	}
	poll := func(at int) string {
		t.Helper()
		lb.to(at)
		_, _, body := postForm(t, ctx, cfg.Endpoint.TokenURL, "", "", "",
			url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {da.DeviceCode}, "client_id": {"demo-tv"}})
		return string(body)
	}
	if body := poll(B); !strings.Contains(body, "authorization_pending") {
		t.Fatalf("poll at B before the decision: %s", body)
	}

	ua := newUserAgent(t)
	lb.to(A)
	resp, page := ua.get(da.VerificationURIComplete)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("verification page at A: %d", resp.StatusCode)
	}
	lb.to(B)
	resp, page = ua.submit(issuer, page, url.Values{"user_code": {da.UserCode}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="password"`) {
		t.Fatalf("code form at B: %d, want the login page:\n%s", resp.StatusCode, page)
	}
	lb.to(A)
	resp, page = ua.submit(issuer, page, url.Values{"username": {demoUser}, "password": {demoPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login at A: %d, want 303 to the consent page", resp.StatusCode)
	}
	lb.to(B)
	resp, page = ua.follow(issuer, resp, page)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `value="approve"`) {
		t.Fatalf("consent page at B: %d", resp.StatusCode)
	}
	lb.to(A)
	if resp, page = ua.submit(issuer, page, url.Values{"decision": {"approve"}}); resp.StatusCode != http.StatusOK || !strings.Contains(page, "Device connected") {
		t.Fatalf("consent at A: %d\n%s", resp.StatusCode, page)
	}

	lb.to(A)
	tok, err := cfg.DeviceAccessToken(ctx, da)
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("tokens at A: %v", err)
	}
	if body := poll(B); !strings.Contains(body, "invalid_grant") {
		t.Errorf("the used device code at B: %s, want invalid_grant", body)
	}
}

// TestTwoInstancesPushedAuthorization: a request pushed to A (RFC 9126) is
// used at B, once: the browser's authorization request at B gets the
// login page, the sign-in completes across both, the code is redeemed at
// A, and the same request_uri is refused at A and at B afterwards, since
// the pushed request is taken from the shared store when it is used.
func TestTwoInstancesPushedAuthorization(t *testing.T) {
	ctx := t.Context()
	lb, issuer, _ := startTwoInstances(t)
	const A, B = 0, 1

	cfg := demoAppOAuth2Config(issuer)
	verifier := oauth2.GenerateVerifier()
	push := url.Values{
		"client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}, "response_type": {"code"},
		"redirect_uri": {cfg.RedirectURL}, "scope": {"openid read"}, "state": {"st"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"},
	}
	lb.to(A)
	status, _, body := postForm(t, ctx, issuer+"/oauth2/par", "", "", "", push)
	var pushedReq struct {
		RequestURI string `json:"request_uri"`
		ExpiresIn  int    `json:"expires_in"`
	}
	if status != http.StatusCreated || json.Unmarshal(body, &pushedReq) != nil || pushedReq.RequestURI == "" || pushedReq.ExpiresIn <= 0 {
		t.Fatalf("push at A: %d %s", status, body)
	}
	authURL := issuer + "/oauth2/authorize?" + url.Values{"client_id": {cfg.ClientID}, "request_uri": {pushedReq.RequestURI}}.Encode()

	ua := newUserAgent(t)
	lb.to(B)
	resp, page := ua.get(authURL)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="password"`) {
		t.Fatalf("authorize at B with A's request_uri: %d, want the login page", resp.StatusCode)
	}
	lb.to(A)
	resp, page = ua.submit(issuer, page, url.Values{"username": {demoUser}, "password": {demoPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login at A: %d:\n%s", resp.StatusCode, page)
	}
	lb.to(B)
	resp, page = ua.follow(issuer, resp, page)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `value="approve"`) {
		t.Fatalf("consent page at B: %d", resp.StatusCode)
	}
	resp, _ = ua.submit(issuer, page, url.Values{"decision": {"approve"}})
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || err != nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != "st" {
		t.Fatalf("consent at B: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	lb.to(A)
	if _, err := cfg.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier)); err != nil {
		t.Fatalf("the code at A: %v", err)
	}

	for _, at := range []int{A, B} {
		lb.to(at)
		if resp, _ := ua.get(authURL); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("the used request_uri at %c: %d, want the 400 error page", 'A'+at, resp.StatusCode)
		}
	}
}
