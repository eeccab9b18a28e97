package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// redeemBody is a token request of demo-app redeeming {code}: right in every
// way but the changes (see params).
func redeemBody(changes ...string) string {
	return params([]string{
		"grant_type", "authorization_code", "code", "{code}", "redirect_uri", hAppRedirect,
		"code_verifier", hVerifier, "client_id", "demo-app", "client_secret", demoAppSecret,
	}, changes...)
}

// refresh is a token request of demo-app with {refresh}, with changes.
func refresh(changes ...string) string {
	return params([]string{
		"grant_type", "refresh_token", "refresh_token", "{refresh}", "client_id", "demo-app", "client_secret", demoAppSecret,
	}, changes...)
}

// appCode issues {code}: demo-app's, for alice, at hAppRedirect, scope read.
func appCode(e *hostileEnv) { e.code("demo-app", hAppRedirect, "read") }

// codeSpent checks that {code} can no longer be redeemed, even rightly.
func codeSpent(t *testing.T, e *hostileEnv, _ hostileResponse) {
	t.Helper()
	if r := e.send(hostileRequest{target: hToken, body: e.fill(redeemBody())}); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"invalid_grant"`) {
		t.Errorf("redeeming the code rightly afterwards: %d %s; want invalid_grant: it is spent (RFC 6749 §4.1.2)", r.status, r.body)
	}
}

// codeLive checks that {code} can still be redeemed: the refused request
// did not spend it.
func codeLive(t *testing.T, e *hostileEnv, _ hostileResponse) {
	t.Helper()
	if r := e.send(hostileRequest{target: hToken, body: e.fill(redeemBody())}); r.status != http.StatusOK {
		t.Errorf("redeeming the code rightly afterwards: %d %s; want 200", r.status, r.body)
	}
}

// hostileCodeCases are hostile redemptions of authorization codes (RFC 6749
// §4.1.3; RFC 7636 §4.5-§4.6): wrong, missing and downgraded PKCE
// verifiers, replays, another client's code, redirect_uri mismatches.
func hostileCodeCases() []hostileCase {
	code := func(name string, body string, want hostileWant) hostileCase {
		return hostileCase{name: name, setup: appCode, req: hostileRequest{target: hToken, body: body}, want: want}
	}
	grant := jsonErr(400, "invalid_grant")
	return []hostileCase{
		code("a right redemption succeeds", redeemBody(), ok(200)),

		// PKCE (RFC 7636 §4.6): the verifier must hash to the challenge.
		code("wrong verifier", redeemBody("code_verifier", strings.Repeat("w", 43)), grant.with(codeSpent)),
		code("verifier missing", redeemBody("code_verifier", "-"), grant.with(codeSpent)),
		code("challenge sent as the verifier", redeemBody("code_verifier", hChallenge), grant),
		code("verifier too short", redeemBody("code_verifier", hVerifier[:42]), grant),
		code("verifier too long", redeemBody("code_verifier", strings.Repeat("v", 129)), grant),
		code("verifier with characters outside the unreserved set", redeemBody("code_verifier", hVerifier[:42]+"+"), grant),
		code("verifier with a trailing space", redeemBody("code_verifier", hVerifier+" "), grant),
		code("verifier repeated", redeemBody("+code_verifier", hVerifier), jsonErr(400, "invalid_request").with(codeLive)),

		// The code itself.
		code("code repeated", redeemBody("+code", "{code}"), jsonErr(400, "invalid_request").with(codeLive)),
		code("unknown code", redeemBody("code", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), grant),
		code("code with a trailing character", redeemBody("code", "{code}x"), grant),
		{name: "code replayed", setup: func(e *hostileEnv) { appCode(e); e.mustToken(e.fill(redeemBody())) },
			req: hostileRequest{target: hToken, body: redeemBody()}, want: grant},
		{name: "code replayed revokes the tokens of its first redemption", setup: func(e *hostileEnv) {
			appCode(e)
			tok := e.mustToken(e.fill(redeemBody()))
			e.vars["access"], e.vars["refresh"] = tok.AccessToken, tok.RefreshToken
		}, req: hostileRequest{target: hToken, body: redeemBody()}, want: grant.with(wantActive(false, "access", "refresh"))},
		{name: "expired code", setup: func(e *hostileEnv) { appCode(e); e.clock.Advance(61 * time.Second) },
			req: hostileRequest{target: hToken, body: redeemBody()}, want: grant},
		{name: "code of another client", setup: func(e *hostileEnv) { e.code("demo-spa", hSPARedirect, "read") },
			req: hostileRequest{target: hToken, body: redeemBody("redirect_uri", hSPARedirect)}, want: grant},
		{name: "code of a confidential client redeemed by a public one", setup: appCode,
			req: hostileRequest{target: hToken, body: redeemBody("client_id", "demo-spa", "client_secret", "-")}, want: grant},
		{name: "code of another client, replayed by it", setup: func(e *hostileEnv) {
			e.code("demo-spa", hSPARedirect, "read")
			e.mustToken(e.fill(form("grant_type", "authorization_code", "code", "{code}", "redirect_uri", hSPARedirect, "code_verifier", hVerifier, "client_id", "demo-spa")))
		}, req: hostileRequest{target: hToken, body: redeemBody("redirect_uri", hSPARedirect)}, want: grant},
		{name: "code used as a refresh token", setup: appCode, req: hostileRequest{target: hToken, body: refresh("refresh_token", "{code}")}, want: grant},
		{name: "refresh token used as a code", setup: func(e *hostileEnv) { e.tokens("", "demo-app", "read") },
			req: hostileRequest{target: hToken, body: redeemBody("code", "{refresh}")}, want: grant},

		// redirect_uri: identical to the authorization request's (RFC 6749 §4.1.3).
		code("redirect_uri of another registered URI", redeemBody("redirect_uri", "http://127.0.0.1/demo/callback"), grant),
		code("redirect_uri with a trailing slash", redeemBody("redirect_uri", hAppRedirect+"/"), grant),
		code("redirect_uri on another loopback port", redeemBody("redirect_uri", "http://127.0.0.1:9191/callback"), grant),
		code("redirect_uri missing", redeemBody("redirect_uri", "-"), grant),
		code("redirect_uri repeated", redeemBody("+redirect_uri", hAppRedirect), jsonErr(400, "invalid_request").with(codeLive)),

		// Scope and resources: within what was authorized.
		code("scope wider than the code's", redeemBody("scope", "read write"), jsonErr(400, "invalid_scope")),
		code("scope openid not in the code", redeemBody("scope", "openid"), jsonErr(400, "invalid_scope")),
		code("scope not allowed for the client", redeemBody("scope", "admin"), jsonErr(400, "invalid_scope").with(codeLive)),
		code("resource not authorized", redeemBody("resource", "https://api.example.com"), jsonErr(400, "invalid_target")),

		// Client authentication comes first: a failure leaves the code alone.
		code("wrong secret", redeemBody("client_secret", "wrong"), jsonErr(400, "invalid_client").with(codeLive)),
		code("secret missing", redeemBody("client_secret", "-"), jsonErr(400, "invalid_client").with(codeLive)),
		{name: "Basic for a client_secret_post client", setup: appCode, req: hostileRequest{target: hToken, body: redeemBody("client_id", "-", "client_secret", "-"),
			header: hdr("Authorization", basic("demo-app", demoAppSecret))}, want: basicErr().with(codeLive)},
		{name: "public client with a secret", setup: func(e *hostileEnv) { e.code("demo-spa", hSPARedirect, "read") },
			req: hostileRequest{target: hToken, body: redeemBody("redirect_uri", hSPARedirect, "client_id", "demo-spa", "client_secret", "guess")}, want: jsonErr(400, "invalid_client")},
		{name: "public client without client_id", setup: func(e *hostileEnv) { e.code("demo-spa", hSPARedirect, "read") },
			req: hostileRequest{target: hToken, body: redeemBody("redirect_uri", hSPARedirect, "client_id", "-", "client_secret", "-")}, want: jsonErr(400, "invalid_client")},
	}
}

// appTokens gets demo-app's tokens for alice with scope read: {access},
// {refresh}.
func appTokens(e *hostileEnv) { e.tokens("", "demo-app", "read") }

// hostileRefreshCases are hostile refresh requests (RFC 6749 §6; RFC 9700
// §4.14.2): replays of rotated tokens, another client's token, widened
// scope.
func hostileRefreshCases() []hostileCase {
	rf := func(name string, body string, want hostileWant) hostileCase {
		return hostileCase{name: name, setup: appTokens, req: hostileRequest{target: hToken, body: body}, want: want}
	}
	grant := jsonErr(400, "invalid_grant")
	rotated := func(e *hostileEnv) {
		appTokens(e)
		tok := e.mustToken(e.fill(refresh()))
		e.vars["refresh2"], e.vars["access2"] = tok.RefreshToken, tok.AccessToken
	}
	return []hostileCase{
		rf("a right refresh succeeds", refresh(), ok(200).with(func(t *testing.T, e *hostileEnv, r hostileResponse) {
			var tok hostileTokens
			if json.Unmarshal(r.body, &tok) != nil || tok.RefreshToken == "" || tok.RefreshToken == e.vars["refresh"] {
				t.Errorf("refresh token not rotated (RFC 9700 §4.14.2): %s", r.body)
			}
		})),
		rf("narrower scope is accepted", refresh("scope", "read"), ok(200)),
		{name: "rotated token replayed", setup: rotated, req: hostileRequest{target: hToken, body: refresh()}, want: grant},
		{name: "rotated token replayed revokes the grant", setup: rotated, req: hostileRequest{target: hToken, body: refresh()},
			want: grant.with(wantActive(false, "refresh2", "access2", "access"))},
		{name: "another client's token", setup: func(e *hostileEnv) { e.tokens("", "demo-spa", "read") },
			req: hostileRequest{target: hToken, body: refresh()}, want: grant.with(wantActive(true, "refresh"))},
		{name: "a confidential client's token by a public client", setup: appTokens,
			req: hostileRequest{target: hToken, body: refresh("client_id", "demo-spa", "client_secret", "-")}, want: grant.with(wantActive(true, "refresh"))},
		rf("scope wider than the token's", refresh("scope", "read write"), jsonErr(400, "invalid_scope").with(wantActive(true, "refresh"))),
		rf("scope openid not granted", refresh("scope", "openid read"), jsonErr(400, "invalid_scope")),
		rf("scope not allowed for the client", refresh("scope", "admin"), jsonErr(400, "invalid_scope")),
		rf("resource not in the grant", refresh("resource", "https://api.example.com"), jsonErr(400, "invalid_target").with(wantActive(true, "refresh"))),
		{name: "idle-expired refresh token", setup: func(e *hostileEnv) { appTokens(e); e.clock.Advance(73 * time.Hour) },
			req: hostileRequest{target: hToken, body: refresh()}, want: grant},
		rf("unknown refresh token", refresh("refresh_token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), grant),
		rf("access token as a refresh token", refresh("refresh_token", "{access}"), grant),
		rf("refresh token with a trailing character", refresh("refresh_token", "{refresh}x"), grant),
		rf("refresh_token repeated", refresh("+refresh_token", "{refresh}"), jsonErr(400, "invalid_request")),
		rf("wrong secret", refresh("client_secret", "wrong"), jsonErr(400, "invalid_client").with(wantActive(true, "refresh"))),
		{name: "public client without client_id", setup: func(e *hostileEnv) { e.tokens("", "demo-spa", "read") },
			req: hostileRequest{target: hToken, body: refresh("client_id", "-", "client_secret", "-")}, want: jsonErr(400, "invalid_client")},
		{name: "revoked refresh token", setup: func(e *hostileEnv) {
			appTokens(e)
			e.send(hostileRequest{target: hRevoke, body: e.fill(form("token", "{refresh}", "client_id", "demo-app", "client_secret", demoAppSecret))})
		}, req: hostileRequest{target: hToken, body: refresh()}, want: grant},
	}
}
