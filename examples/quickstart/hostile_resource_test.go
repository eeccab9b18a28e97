package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// inactive checks the body of an introspection answer about a token that
// is not active: exactly {"active":false} (RFC 7662 §2.2).
func inactive(t *testing.T, _ *hostileEnv, r hostileResponse) {
	t.Helper()
	if string(r.body) != `{"active":false}` {
		t.Errorf("introspection answer %s; want exactly {\"active\":false}", r.body)
	}
}

// isActive checks that an introspection answer says active.
func isActive(t *testing.T, _ *hostileEnv, r hostileResponse) {
	t.Helper()
	if !strings.Contains(string(r.body), `"active":true`) {
		t.Errorf("introspection answer %s; want active", r.body)
	}
}

// hostileIntrospectCases are hostile introspection requests (RFC 7662):
// unauthenticated callers, callers not allowed to introspect, garbage
// tokens, token_type_hint variants (a hint only orders the lookup, §2.1).
func hostileIntrospectCases() []hostileCase {
	api := hdr("Authorization", basic("demo-api", demoAPISecret))
	in := func(name string, setup func(*hostileEnv), body string, want hostileWant) hostileCase {
		return hostileCase{name: name, setup: setup, req: hostileRequest{target: hIntrospect, body: body, header: api}, want: want}
	}
	return []hostileCase{
		{name: "GET", req: hostileRequest{method: "GET", target: hIntrospect + "?token=x", header: api}, want: methodErr("POST")},
		{name: "PUT", req: hostileRequest{method: "PUT", target: hIntrospect, body: form("token", "x"), header: api}, want: methodErr("POST")},
		{name: "unauthenticated", req: hostileRequest{target: hIntrospect, body: form("token", "x")}, want: basicErr()}, // RFC 7662 §2.3
		{name: "wrong secret", req: hostileRequest{target: hIntrospect, body: form("token", "x"), header: hdr("Authorization", basic("demo-api", "wrong"))}, want: basicErr()},
		{name: "unknown caller", req: hostileRequest{target: hIntrospect, body: form("token", "x"), header: hdr("Authorization", basic("nobody", "x"))}, want: basicErr()},
		{name: "public client by client_id", req: hostileRequest{target: hIntrospect, body: form("token", "x", "client_id", "demo-spa")}, want: basicErr()},
		{name: "client not allowed to introspect", req: hostileRequest{target: hIntrospect, body: form("token", "x", "client_id", "demo-app", "client_secret", demoAppSecret)}, want: jsonErr(400, "unauthorized_client")},
		{name: "another client not allowed to introspect", req: hostileRequest{target: hIntrospect, body: form("token", "x"), header: hdr("Authorization", basic("demo-service", demoServiceSecret))}, want: jsonErr(400, "unauthorized_client")},
		{name: "Basic not base64", req: hostileRequest{target: hIntrospect, body: form("token", "x"), header: hdr("Authorization", "Basic %%%")}, want: jsonErr(400, "invalid_request")},
		{name: "secret in the query", req: hostileRequest{target: hIntrospect + "?client_secret=" + demoAPISecret, body: form("token", "x"), header: api}, want: jsonErr(400, "invalid_request")},
		{name: "JSON body", req: hostileRequest{target: hIntrospect, body: `{"token":"x"}`, contentType: "application/json", header: api}, want: jsonErr(400, "invalid_request")},
		{name: "oversized body", req: hostileRequest{target: hIntrospect, body: form("token", strings.Repeat("t", 70<<10)), header: api}, want: jsonErr(400, "invalid_request")},
		in("token missing", nil, form("token_type_hint", "access_token"), jsonErr(400, "invalid_request")),
		in("token repeated", nil, form("token", "a", "token", "b"), jsonErr(400, "invalid_request")),
		in("token_type_hint repeated", nil, form("token", "a", "token_type_hint", "access_token", "token_type_hint", "refresh_token"), jsonErr(400, "invalid_request")),
		in("garbage token", nil, form("token", "garbage"), ok(200).with(inactive)),
		in("garbage JWT", nil, form("token", "a.b.c"), ok(200).with(inactive)),
		in("token of 40 KiB", nil, form("token", strings.Repeat("t", 40<<10)), ok(200).with(inactive)),
		in("unknown hint with an access token", appTokens, form("token", "{access}", "token_type_hint", "id_token"), ok(200).with(isActive)),
		in("unregistered hint with a refresh token", appTokens, form("token", "{refresh}", "token_type_hint", "%FF garbage"), ok(200).with(isActive)),
		in("refresh_token hint with an access token", appTokens, form("token", "{access}", "token_type_hint", "refresh_token"), ok(200).with(isActive)),
		in("access_token hint with a refresh token", appTokens, form("token", "{refresh}", "token_type_hint", "access_token"), ok(200).with(isActive)),
		in("expired access token", func(e *hostileEnv) { appTokens(e); e.clock.Advance(11 * time.Minute) }, form("token", "{access}"), ok(200).with(inactive)),
		in("idle-expired refresh token", func(e *hostileEnv) { appTokens(e); e.clock.Advance(73 * time.Hour) }, form("token", "{refresh}"), ok(200).with(inactive)),
		in("rotated refresh token", func(e *hostileEnv) { appTokens(e); e.mustToken(e.fill(refresh())) }, form("token", "{refresh}"), ok(200).with(inactive)),
		in("code as a token", appCode, form("token", "{code}"), ok(200).with(inactive)),
		in("client secret as a token", nil, form("token", demoAppSecret), ok(200).with(inactive)),
	}
}

// hostileRevokeCases are hostile revocation requests (RFC 7009): the
// client authenticated, only its own tokens revoked, invalid tokens 200,
// and token_type_hint a hint: a token found is revoked whatever the hint,
// and unsupported_token_type only for a hint of a type the server does not
// revoke when no token of a type it does is found (§2.1, §2.2.1).
func hostileRevokeCases() []hostileCase {
	app := func(pairs ...string) string {
		return form(append(pairs, "client_id", "demo-app", "client_secret", demoAppSecret)...)
	}
	rv := func(name string, setup func(*hostileEnv), body string, want hostileWant) hostileCase {
		return hostileCase{name: name, setup: setup, req: hostileRequest{target: hRevoke, body: body}, want: want}
	}
	return []hostileCase{
		{name: "GET", req: hostileRequest{method: "GET", target: hRevoke + "?token=x"}, want: methodErr("POST")},
		{name: "DELETE", req: hostileRequest{method: "DELETE", target: hRevoke}, want: methodErr("POST")},
		rv("unauthenticated", appTokens, form("token", "{refresh}"), jsonErr(400, "invalid_client").with(wantActive(true, "refresh"))),
		rv("wrong secret", appTokens, form("token", "{refresh}", "client_id", "demo-app", "client_secret", "wrong"), jsonErr(400, "invalid_client").with(wantActive(true, "refresh"))),
		{name: "wrong secret with Basic", req: hostileRequest{target: hRevoke, body: form("token", "x"), header: hdr("Authorization", basic("demo-service", "wrong"))}, want: basicErr()},
		{name: "Basic without a colon", req: hostileRequest{target: hRevoke, body: form("token", "x"), header: hdr("Authorization", "Basic "+b64("demo-service"))}, want: jsonErr(400, "invalid_request")},
		{name: "secret in the query", req: hostileRequest{target: hRevoke + "?client_secret=" + demoAppSecret, body: app("token", "x")}, want: jsonErr(400, "invalid_request")},
		{name: "JSON body", req: hostileRequest{target: hRevoke, body: `{"token":"x"}`, contentType: "application/json"}, want: jsonErr(400, "invalid_request")},
		{name: "oversized body", req: hostileRequest{target: hRevoke, body: app("token", strings.Repeat("t", 70<<10))}, want: jsonErr(400, "invalid_request")},
		rv("token missing", nil, app("token_type_hint", "refresh_token"), jsonErr(400, "invalid_request")),
		rv("token repeated", appTokens, app("token", "{refresh}", "token", "{refresh}"), jsonErr(400, "invalid_request").with(wantActive(true, "refresh"))),
		rv("token_type_hint repeated", appTokens, app("token", "{refresh}", "token_type_hint", "refresh_token", "token_type_hint", "refresh_token"), jsonErr(400, "invalid_request")),
		rv("garbage token", nil, app("token", "garbage"), ok(200)),
		rv("forged JWT", nil, app("token", "eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0."), ok(200)),
		rv("another client's token is left alone", func(e *hostileEnv) { e.tokens("", "demo-spa", "read") }, app("token", "{refresh}"), ok(200).with(wantActive(true, "refresh", "access"))),
		rv("a public client's own token", func(e *hostileEnv) { e.tokens("", "demo-spa", "read") }, form("token", "{refresh}", "client_id", "demo-spa"), ok(200).with(wantActive(false, "refresh", "access"))),
		rv("a public client and another's token", appTokens, form("token", "{access}", "client_id", "demo-spa"), ok(200).with(wantActive(true, "access"))),
		{name: "a client's own unstored JWT", setup: func(e *hostileEnv) { e.serviceToken() }, req: hostileRequest{target: hRevoke, body: form("token", "{service_access}"),
			header: hdr("Authorization", basic("demo-service", demoServiceSecret))}, want: ok(200).with(wantActive(false, "service_access"))},
		rv("a client's own unstored JWT by another client", func(e *hostileEnv) { e.serviceToken() }, app("token", "{service_access}"), ok(200).with(wantActive(true, "service_access"))),
		rv("a refresh token revokes its grant", appTokens, app("token", "{refresh}"), ok(200).with(wantActive(false, "refresh", "access"))),
		rv("refresh_token hint with an access token", appTokens, app("token", "{access}", "token_type_hint", "refresh_token"), ok(200).with(wantActive(false, "access"))),
		rv("access_token hint with a refresh token", appTokens, app("token", "{refresh}", "token_type_hint", "access_token"), ok(200).with(wantActive(false, "refresh"))),
		// RFC 7009 §2.1: a server that cannot locate the token with the
		// hint MUST extend its search across all its token types.
		rv("unknown hint with a refresh token revokes it", appTokens, app("token", "{refresh}", "token_type_hint", "id_token"), ok(200).with(wantActive(false, "refresh", "access"))),
		rv("unregistered hint with an access token revokes it", appTokens, app("token", "{access}", "token_type_hint", "bogus"), ok(200).with(wantActive(false, "access"))),
		rv("unknown hint with another client's token", func(e *hostileEnv) { e.tokens("", "demo-spa", "read") }, app("token", "{refresh}", "token_type_hint", "id_token"), jsonErr(400, "unsupported_token_type").with(wantActive(true, "refresh"))),
		rv("unknown hint and a token of no type revoked here", nil, app("token", "garbage", "token_type_hint", "id_token"), jsonErr(400, "unsupported_token_type")),
		rv("revoked twice", func(e *hostileEnv) {
			appTokens(e)
			e.send(hostileRequest{target: hRevoke, body: e.fill(app("token", "{refresh}"))})
		}, app("token", "{refresh}"), ok(200)),
	}
}

// hostileUserInfoCases are hostile userinfo requests (OIDC Core §5.3; RFC
// 6750): no token, other schemes, a token in the URL or sent twice,
// tokens that are not active access tokens of an end user with openid.
// Forged JWTs are hostileForgedJWTCases.
func hostileUserInfoCases() []hostileCase {
	// alice's tokens with openid, and offline_access for a refresh token
	// (OIDC Core §11).
	aliceOpenID := func(e *hostileEnv) { e.tokens("", "demo-app", "openid", "offline_access", "profile", "read") }
	bearer := hdr("Authorization", "Bearer {access}")
	ui := func(name string, setup func(*hostileEnv), header []string, want hostileWant) hostileCase {
		return hostileCase{name: name, setup: setup, req: hostileRequest{method: "GET", target: hUserInfo, header: header}, want: want}
	}
	invalid := bearerErr(http.StatusUnauthorized, "invalid_token")
	malformed := bearerErr(http.StatusBadRequest, "invalid_request")
	return []hostileCase{
		ui("an active token gets the claims", aliceOpenID, bearer, ok(200).with(func(t *testing.T, _ *hostileEnv, r hostileResponse) {
			if !strings.Contains(string(r.body), `"sub":"user-alice"`) {
				t.Errorf("userinfo %s; want alice's claims", r.body)
			}
		})),
		ui("scheme in lower case is accepted", aliceOpenID, hdr("Authorization", "bearer {access}"), ok(200)),
		{name: "token in a form body is accepted", setup: aliceOpenID, req: hostileRequest{target: hUserInfo, body: form("access_token", "{access}")}, want: ok(200)},
		{name: "PUT", setup: aliceOpenID, req: hostileRequest{method: "PUT", target: hUserInfo, header: bearer}, want: hostileWant{kind: aBearer, status: 405, err: "invalid_request", allow: "GET, POST"}},
		{name: "DELETE", setup: aliceOpenID, req: hostileRequest{method: "DELETE", target: hUserInfo, header: bearer}, want: hostileWant{kind: aBearer, status: 405, err: "invalid_request", allow: "GET, POST"}},
		ui("no token", nil, nil, hostileWant{kind: aChallenge, status: 401}),
		ui("Basic scheme", nil, hdr("Authorization", basic("demo-app", demoAppSecret)), hostileWant{kind: aChallenge, status: 401}),
		ui("DPoP scheme", aliceOpenID, hdr("Authorization", "DPoP {access}"), hostileWant{kind: aChallenge, status: 401}),
		{name: "token in a GET body is not read", setup: aliceOpenID, req: hostileRequest{method: "GET", target: hUserInfo, body: form("access_token", "{access}"), contentType: "application/x-www-form-urlencoded"}, want: hostileWant{kind: aChallenge, status: 401}},
		{name: "token in a JSON body is not read", setup: aliceOpenID, req: hostileRequest{target: hUserInfo, body: `{"access_token":"{access}"}`, contentType: "application/json"}, want: hostileWant{kind: aChallenge, status: 401}},
		ui("Bearer without a token", nil, hdr("Authorization", "Bearer"), malformed),
		ui("Bearer with spaces only", nil, hdr("Authorization", "Bearer    "), malformed),
		ui("token with a space", aliceOpenID, hdr("Authorization", "Bearer {access} x"), malformed),
		ui("token with characters outside b64token", nil, hdr("Authorization", "Bearer abc@def"), malformed),
		ui("token as JSON", nil, hdr("Authorization", `Bearer {"alg":"none"}`), malformed),
		ui("Authorization repeated", aliceOpenID, hdr("Authorization", "Bearer {access}", "Authorization", "Bearer {access}"), malformed),
		{name: "token in the query", setup: aliceOpenID, req: hostileRequest{method: "GET", target: hUserInfo + "?access_token={access}"}, want: malformed},
		{name: "token in the query percent-encoded", setup: aliceOpenID, req: hostileRequest{method: "GET", target: hUserInfo + "?access%5Ftoken={access}"}, want: malformed},
		{name: "token in the query and the header", setup: aliceOpenID, req: hostileRequest{method: "GET", target: hUserInfo + "?access_token={access}", header: bearer}, want: malformed},
		{name: "token in the header and the body", setup: aliceOpenID, req: hostileRequest{target: hUserInfo, body: form("access_token", "{access}"), header: bearer}, want: malformed},
		{name: "token repeated in the body", setup: aliceOpenID, req: hostileRequest{target: hUserInfo, body: form("access_token", "{access}", "access_token", "{access}")}, want: malformed},
		{name: "oversized body", req: hostileRequest{target: hUserInfo, body: form("access_token", strings.Repeat("t", 70<<10))}, want: malformed},
		ui("garbage token", nil, hdr("Authorization", "Bearer garbage"), invalid),
		ui("expired token", func(e *hostileEnv) { aliceOpenID(e); e.clock.Advance(11 * time.Minute) }, bearer, invalid),
		ui("token of 20 KiB", nil, hdr("Authorization", "Bearer "+strings.Repeat("t", 20<<10)), invalid),
		ui("token without openid", appTokens, bearer, bearerErr(http.StatusForbidden, "insufficient_scope")),
		ui("client_credentials token", func(e *hostileEnv) { e.serviceToken() }, hdr("Authorization", "Bearer {service_access}"), invalid),
		ui("refresh token", aliceOpenID, hdr("Authorization", "Bearer {refresh}"), invalid),
		ui("ID token", aliceOpenID, hdr("Authorization", "Bearer {id_token}"), invalid),
		ui("authorization code", appCode, hdr("Authorization", "Bearer {code}"), invalid),
		ui("revoked token", func(e *hostileEnv) {
			aliceOpenID(e)
			e.send(hostileRequest{target: hRevoke, body: e.fill(form("token", "{access}", "client_id", "demo-app", "client_secret", demoAppSecret))})
		}, bearer, invalid),
		ui("token of a grant revoked by a refresh replay", func(e *hostileEnv) {
			aliceOpenID(e)
			e.mustToken(e.fill(refresh()))
			e.send(hostileRequest{target: hToken, body: e.fill(refresh())}) // the replay
		}, bearer, invalid),
	}
}
