package main

import (
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// demoTVConfig is demo-tv as golang.org/x/oauth2 sees it: a public client
// of the device authorization grant (RFC 8628).
func demoTVConfig(issuer string) oauth2.Config {
	return oauth2.Config{
		ClientID: "demo-tv",
		Endpoint: oauth2.Endpoint{
			DeviceAuthURL: issuer + "/oauth2/device",
			TokenURL:      issuer + "/oauth2/token",
			AuthStyle:     oauth2.AuthStyleInParams,
		},
		Scopes: []string{oidc.ScopeOpenID, "profile", oidc.ScopeOfflineAccess, "read"},
	}
}

// approveDevice is a person at a browser (a cookie jar) completing the
// verification page for the user code: the page verification_uri_complete
// opens, with the code filled in and confirmed (RFC 8628 §5.4), the login
// page, the consent page naming the TV, and the result.
func approveDevice(t *testing.T, ua *userAgent, issuer, complete, userCode, decision string) string {
	t.Helper()
	resp, page := ua.get(complete)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `value="`+userCode+`"`) {
		t.Fatalf("verification_uri_complete: %d, want the code form filled in with %s:\n%s", resp.StatusCode, userCode, page)
	}
	resp, page = ua.submit(issuer, page, url.Values{"user_code": {userCode}})
	if strings.Contains(page, `name="password"`) {
		resp, page = ua.submit(issuer, page, url.Values{"username": {demoUser}, "password": {demoPassword}})
	}
	resp, page = ua.follow(issuer, resp, page)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `value="approve"`) || !strings.Contains(page, html.EscapeString("Demo TV")) {
		t.Fatalf("after the code and login: %d, want the consent page naming the TV:\n%s", resp.StatusCode, page)
	}
	resp, page = ua.submit(issuer, page, url.Values{"decision": {decision}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("consent: %d\n%s", resp.StatusCode, page)
	}
	return page
}

// TestDeviceEndToEnd: golang.org/x/oauth2's DeviceAuth starts a device
// authorization as demo-tv; the token request is authorization_pending
// until a person approves on the verification page in a browser; then
// DeviceAccessToken, polling at the interval the server gave, gets an
// access token, a refresh token and an ID token for alice that go-oidc
// verifies; the refresh token refreshes. The device code is then used up.
func TestDeviceEndToEnd(t *testing.T) {
	ctx := t.Context()
	_, issuer := startServer(t)
	cfg := demoTVConfig(issuer)
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		t.Fatalf("DeviceAuth: %v", err)
	}
	if da.VerificationURI != issuer+"/oauth2/device/verify" || da.Interval != 5 || da.Expiry.IsZero() || len(da.UserCode) != 9 {
		t.Fatalf("device authorization %+v", da)
	}
	_, _, body := postForm(t, ctx, cfg.Endpoint.TokenURL, "", "", "",
		url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {da.DeviceCode}, "client_id": {"demo-tv"}})
	if !strings.Contains(string(body), "authorization_pending") {
		t.Fatalf("before approval: %s, want authorization_pending", body)
	}

	result := approveDevice(t, newUserAgent(t), issuer, da.VerificationURIComplete, da.UserCode, "approve")
	if !strings.Contains(result, "Device connected") {
		t.Fatalf("result page:\n%s", result)
	}
	tok, err := cfg.DeviceAccessToken(ctx, da)
	if err != nil {
		t.Fatalf("DeviceAccessToken: %v", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	keys := oidc.NewRemoteKeySet(ctx, issuer+"/oauth2/jwks")
	idt, err := oidc.NewVerifier(issuer, keys, &oidc.Config{ClientID: "demo-tv"}).Verify(ctx, rawID)
	if err != nil || idt.Subject != "user-alice" {
		t.Fatalf("ID token: %v", err)
	}
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token, though offline_access was granted")
	}
	if _, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if _, err := cfg.DeviceAccessToken(ctx, da); !isOAuthError(err, "invalid_grant") {
		t.Errorf("the device code again: %v, want invalid_grant", err)
	}
}

// TestDeviceDeniedEndToEnd: a person who denies on the verification page
// makes DeviceAccessToken fail with access_denied (RFC 8628 §3.5).
func TestDeviceDeniedEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the polling interval; skipped with -short")
	}
	ctx := t.Context()
	_, issuer := startServer(t)
	cfg := demoTVConfig(issuer)
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		t.Fatalf("DeviceAuth: %v", err)
	}
	if result := approveDevice(t, newUserAgent(t), issuer, da.VerificationURIComplete, da.UserCode, "deny"); !strings.Contains(result, "Request denied") {
		t.Fatalf("result page:\n%s", result)
	}
	if _, err := cfg.DeviceAccessToken(ctx, da); !isOAuthError(err, "access_denied") {
		t.Errorf("DeviceAccessToken after a denial: %v, want access_denied", err)
	}
}

// TestDeviceSurvivesRestart: on a SQLite store, a device authorization
// started and approved before a restart is redeemed after it, once: its
// record, decision and single use are in the store, not in the process.
func TestDeviceSurvivesRestart(t *testing.T) {
	ctx := t.Context()
	location := "sqlite:" + filepath.Join(t.TempDir(), "quickstart.db")
	issuer, stop := serveStore(t, "127.0.0.1:0", location)
	cfg := demoTVConfig(issuer)
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		t.Fatalf("DeviceAuth: %v", err)
	}
	approveDevice(t, newUserAgent(t), issuer, da.VerificationURIComplete, da.UserCode, "approve")
	stop()

	issuer2, _ := serveStore(t, strings.TrimPrefix(issuer, "http://"), location)
	poll := func() []byte {
		_, _, body := postForm(t, ctx, issuer2+"/oauth2/token", "", "", "",
			url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {da.DeviceCode}, "client_id": {"demo-tv"}})
		return body
	}
	if body := poll(); !strings.Contains(string(body), "access_token") {
		t.Fatalf("after the restart: %s, want tokens", body)
	}
	if body := poll(); !strings.Contains(string(body), "invalid_grant") {
		t.Errorf("the device code again: %s, want invalid_grant", body)
	}
}
