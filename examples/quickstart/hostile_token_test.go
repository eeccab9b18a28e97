package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"strings"
)

// hostileTokenCases are hostile requests to the token endpoint (RFC 6749
// §3.2, §5.2): methods, content types, repeated and oversized parameters,
// bad encodings, credentials in the URL, malformed Basic credentials,
// every way client authentication fails, and each grant type refused.
func hostileTokenCases() []hostileCase {
	svc := hdr("Authorization", basic("demo-service", demoServiceSecret))
	cc := form("grant_type", "client_credentials")
	// A refresh request of a client authenticating in the body, with a
	// token that does not exist: authentication is checked first.
	appRefresh := func(pairs ...string) string {
		return form(append([]string{"grant_type", "refresh_token", "refresh_token", "unknown-refresh-token"}, pairs...)...)
	}
	big := strings.Repeat("a", 70<<10) // over the 64 KiB body limit
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(cc + "&scope=read+write&tenant=acme"))
	_ = zw.Close()
	manyParams := make([]string, 0, 4000)
	for i := range 2000 {
		manyParams = append(manyParams, fmt.Sprintf("x%d", i), "1")
	}

	return []hostileCase{
		// Methods: POST only (RFC 6749 §3.2), 405 with Allow and an OAuth error.
		{name: "GET", req: hostileRequest{method: "GET", target: hToken + "?grant_type=client_credentials", header: svc}, want: methodErr("POST")},
		{name: "PUT", req: hostileRequest{method: "PUT", target: hToken, body: cc, header: svc}, want: methodErr("POST")},
		{name: "DELETE", req: hostileRequest{method: "DELETE", target: hToken, header: svc}, want: methodErr("POST")},
		{name: "PATCH", req: hostileRequest{method: "PATCH", target: hToken, body: cc, header: svc}, want: methodErr("POST")},
		{name: "OPTIONS", req: hostileRequest{method: "OPTIONS", target: hToken}, want: methodErr("POST")},
		{name: "HEAD", req: hostileRequest{method: "HEAD", target: hToken, header: svc}, want: methodErr("POST")},
		{name: "path with a trailing slash", req: hostileRequest{target: hToken + "/", body: cc, header: svc}, want: plain(http.StatusNotFound)},
		{name: "path in another case", req: hostileRequest{target: "/OAUTH2/token", body: cc, header: svc}, want: plain(http.StatusNotFound)},

		// Content types (RFC 6749 §3.2: application/x-www-form-urlencoded).
		{name: "JSON body", req: hostileRequest{target: hToken, body: `{"grant_type":"client_credentials"}`, contentType: "application/json", header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "text/plain body", req: hostileRequest{target: hToken, body: cc, contentType: "text/plain", header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "multipart body", req: hostileRequest{target: hToken, body: "--b\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--b--\r\n",
			contentType: "multipart/form-data; boundary=b", header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "no Content-Type", req: hostileRequest{target: hToken, body: cc, contentType: "-", header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "malformed Content-Type parameters", req: hostileRequest{target: hToken, body: cc, contentType: "application/x-www-form-urlencoded; charset", header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "form type with charset is accepted", req: hostileRequest{target: hToken, body: cc, contentType: "application/x-www-form-urlencoded; charset=UTF-8", header: svc}, want: ok(200)},
		{name: "form type in upper case is accepted", req: hostileRequest{target: hToken, body: cc, contentType: "Application/X-WWW-Form-URLEncoded", header: svc}, want: ok(200)},
		{name: "JSON in a form body", req: hostileRequest{target: hToken, body: `{"grant_type":"client_credentials"}`, header: svc}, want: jsonErr(400, "invalid_request")},

		// Repeated parameters (RFC 6749 §3.2: MUST NOT be included more than once).
		{name: "grant_type repeated", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "grant_type", "client_credentials"), header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "grant_type repeated with another value", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "grant_type", "password"), header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "client_id repeated", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "client_id", "demo-service", "client_id", "demo-service"), header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "client_id repeated with client_secret_post", req: hostileRequest{target: hToken, body: appRefresh("client_id", "demo-app", "client_secret", demoAppSecret, "client_id", "demo-spa")}, want: jsonErr(400, "invalid_request")},
		{name: "client_secret repeated", req: hostileRequest{target: hToken, body: appRefresh("client_id", "demo-app", "client_secret", demoAppSecret, "client_secret", "guess")}, want: jsonErr(400, "invalid_request")},
		{name: "scope repeated", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "scope", "read", "scope", "write"), header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "typed property repeated", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "tenant", "acme", "tenant", "other"), header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "resource repeated is allowed", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "resource", "https://api.example.com", "resource", "https://api.example.com"), header: svc}, want: ok(200)},
		{name: "unknown parameters are ignored", req: hostileRequest{target: hToken, body: cc + "&" + form(manyParams...), header: svc}, want: ok(200)},

		// Oversized bodies: invalid_request before anything is parsed.
		{name: "oversized body", req: hostileRequest{target: hToken, body: cc + "&pad=" + big, header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "oversized chunked body", req: hostileRequest{target: hToken, body: cc + "&pad=" + big, chunked: true, header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "oversized scope", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "scope", big), header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "Content-Length longer than the body", req: hostileRequest{raw: "POST " + hToken + " HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Authorization: " + basic("demo-service", demoServiceSecret) + "\r\nContent-Length: 200\r\n\r\n" + cc}, want: jsonErr(400, "invalid_request")},
		{name: "two different Content-Lengths", req: hostileRequest{raw: "POST " + hToken + " HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Content-Length: 29\r\nContent-Length: 5\r\n\r\n" + cc}, want: plain(400)},

		// Bad encodings (RFC 6749 Appendix B).
		{name: "bad percent-encoding", req: hostileRequest{target: hToken, body: cc + "&scope=%zz", header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "truncated percent-encoding", req: hostileRequest{target: hToken, body: cc + "&scope=read%2", header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "semicolon separator", req: hostileRequest{target: hToken, body: "grant_type=client_credentials;scope=read", header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "NUL in grant_type", req: hostileRequest{target: hToken, body: "grant_type=client%00credentials", header: svc}, want: jsonErr(400, "unsupported_grant_type")},
		{name: "invalid UTF-8 in scope", req: hostileRequest{target: hToken, body: cc + "&scope=%FF%FE", header: svc}, want: jsonErr(400, "invalid_scope")},
		{name: "quote in scope", req: hostileRequest{target: hToken, body: cc + "&scope=read%22", header: svc}, want: jsonErr(400, "invalid_scope")},
		{name: "empty parameter name", req: hostileRequest{target: hToken, body: "=client_credentials", header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "empty grant_type", req: hostileRequest{target: hToken, body: "grant_type=", header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "gzip-encoded body", req: hostileRequest{target: hToken, body: gz.String(), header: hdr("Authorization", basic("demo-service", demoServiceSecret), "Content-Encoding", "gzip")}, want: jsonErr(400, "invalid_request")},
		{name: "repeated parameter with a hostile name", req: hostileRequest{target: hToken, body: cc + "&x%22%5C%0A%E2%80%A8=1&x%22%5C%0A%E2%80%A8=2", header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "resource with quotes and control characters", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "resource", "https://evil.example/\"\\\n\u2028"), header: svc}, want: jsonErr(400, "invalid_target")},
		{name: "scope with a newline", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "scope", "read\nwrite"), header: svc}, want: jsonErr(400, "invalid_scope")},
		{name: "grant_type only in the query", req: hostileRequest{target: hToken + "?grant_type=client_credentials", body: "scope=read", header: svc}, want: jsonErr(400, "invalid_request")},

		// Client credentials in the URL (RFC 6749 §2.3.1: MUST NOT).
		{name: "client_secret in the query", req: hostileRequest{target: hToken + "?client_secret=" + demoServiceSecret, body: cc, header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "client_secret in the query in upper case", req: hostileRequest{target: hToken + "?CLIENT_SECRET=x", body: cc, header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "client_secret in the query percent-encoded", req: hostileRequest{target: hToken + "?client%5Fsecret=x", body: cc, header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "client_secret in the query after a semicolon", req: hostileRequest{target: hToken + "?a=1;client_secret=x", body: cc, header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "client_secret in the query behind a bad escape", req: hostileRequest{target: hToken + "?x=%zz&client_secret=x", body: cc, header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "client_assertion in the query", req: hostileRequest{target: hToken + "?client_assertion=x", body: cc, header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "client id and secret only in the query", req: hostileRequest{target: hToken + "?client_id=demo-app&client_secret=" + demoAppSecret, body: appRefresh()}, want: jsonErr(400, "invalid_request")},
		{name: "client_id only in the query", req: hostileRequest{target: hToken + "?client_id=demo-spa", body: appRefresh()}, want: jsonErr(400, "invalid_client")},

		// Malformed Basic credentials (RFC 7617 §2; RFC 6749 §2.3.1):
		// invalid_request, and no challenge since they were not checked.
		{name: "Basic not base64", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "Basic !!!not-base64!!!")}, want: jsonErr(400, "invalid_request")},
		{name: "Basic base64url alphabet", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "Basic "+strings.NewReplacer("+", "-", "/", "_").Replace(b64("demo-service:???>>>")))}, want: jsonErr(400, "invalid_request")},
		{name: "Basic with bytes outside ASCII", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "Basic \xff\xfe\xfd")}, want: jsonErr(400, "invalid_request")},
		{name: "Basic without a colon", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "Basic "+b64("demo-service"))}, want: jsonErr(400, "invalid_request")},
		{name: "Basic with a bad escape in the id", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "Basic "+b64("demo-service%zz:"+demoServiceSecret))}, want: jsonErr(400, "invalid_request")},
		{name: "Basic with a bad escape in the secret", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "Basic "+b64("demo-service:secret%"))}, want: jsonErr(400, "invalid_request")},
		{name: "Basic with an empty id", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "Basic "+b64(":"+demoServiceSecret))}, want: jsonErr(400, "invalid_request")},
		{name: "Basic without credentials", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "Basic")}, want: jsonErr(400, "invalid_request")},
		{name: "Basic oversized", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "Basic "+b64(strings.Repeat("x", 6000)+":y"))}, want: jsonErr(400, "invalid_request")},
		{name: "Basic with an oversized secret", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", basic("demo-service", strings.Repeat("s", 1100)))}, want: jsonErr(400, "invalid_request")},
		{name: "Authorization over the header limit", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "Basic "+strings.Repeat("A", 64<<10))}, want: plain(http.StatusRequestHeaderFieldsTooLarge)},
		{name: "Authorization repeated", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", basic("demo-service", demoServiceSecret), "Authorization", basic("demo-service", demoServiceSecret))}, want: jsonErr(400, "invalid_request")},
		{name: "Bearer scheme instead of Basic", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "Bearer "+demoServiceSecret)}, want: basicErr()},
		{name: "Basic scheme in lower case is accepted", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "basic "+b64("demo-service:"+demoServiceSecret))}, want: ok(200)},
		{name: "Basic id percent-encoded is accepted", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", "Basic "+b64("demo%2Dservice:"+demoServiceSecret))}, want: ok(200)},

		// Client authentication (RFC 6749 §2.3, §5.2): one method, the
		// registered one, the right secret; invalid_client, 401 with a
		// challenge after the Authorization header.
		{name: "Basic and client_secret_post together", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "client_id", "demo-service", "client_secret", demoServiceSecret), header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "Basic and a client assertion together", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials",
			"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", "eyJhbGciOiJub25lIn0.e30."), header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "Basic and another client_id in the body", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "client_id", "demo-app"), header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "Basic and the same client_id in the body is accepted", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "client_id", "demo-service"), header: svc}, want: ok(200)},
		{name: "unknown client with Basic", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", basic("nobody", "secret"))}, want: basicErr()},
		{name: "wrong secret with Basic", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", basic("demo-service", demoServiceSecret+"x"))}, want: basicErr()},
		{name: "empty secret with Basic", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", basic("demo-service", ""))}, want: basicErr()},
		{name: "secret of another client", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", basic("demo-service", demoAPISecret))}, want: basicErr()},
		{name: "wrong secret in the body", req: hostileRequest{target: hToken, body: appRefresh("client_id", "demo-app", "client_secret", "wrong")}, want: jsonErr(400, "invalid_client")},
		{name: "unknown client in the body", req: hostileRequest{target: hToken, body: appRefresh("client_id", "nobody", "client_secret", "wrong")}, want: jsonErr(400, "invalid_client")},
		{name: "client_secret_basic client posting its secret", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "client_id", "demo-service", "client_secret", demoServiceSecret)}, want: jsonErr(400, "invalid_client")},
		{name: "client_secret_post client using Basic", req: hostileRequest{target: hToken, body: appRefresh(), header: hdr("Authorization", basic("demo-app", demoAppSecret))}, want: basicErr()},
		{name: "confidential client without its secret", req: hostileRequest{target: hToken, body: appRefresh("client_id", "demo-app")}, want: jsonErr(400, "invalid_client")},
		{name: "public client with a secret", req: hostileRequest{target: hToken, body: appRefresh("client_id", "demo-spa", "client_secret", "anything")}, want: jsonErr(400, "invalid_client")},
		{name: "public client with Basic and an empty secret", req: hostileRequest{target: hToken, body: appRefresh(), header: hdr("Authorization", basic("demo-spa", ""))}, want: basicErr()},
		{name: "no client authentication", req: hostileRequest{target: hToken, body: cc}, want: jsonErr(400, "invalid_client")},
		{name: "client assertion (not enabled)", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "client_id", "demo-service",
			"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", "eyJhbGciOiJub25lIn0.e30.")}, want: jsonErr(400, "invalid_client")},
		{name: "client_secret without client_id", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "client_secret", demoServiceSecret)}, want: jsonErr(400, "invalid_request")},
		{name: "oversized client_id", req: hostileRequest{target: hToken, body: appRefresh("client_id", strings.Repeat("c", 600))}, want: jsonErr(400, "invalid_request")},
		{name: "oversized client_secret", req: hostileRequest{target: hToken, body: appRefresh("client_id", "demo-app", "client_secret", strings.Repeat("s", 2000))}, want: jsonErr(400, "invalid_request")},

		// Grant types (RFC 6749 §5.2).
		{name: "no grant_type", req: hostileRequest{target: hToken, body: "scope=read", header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "password grant", req: hostileRequest{target: hToken, body: form("grant_type", "password", "username", "alice", "password", "alice-password"), header: svc}, want: jsonErr(400, "unsupported_grant_type")},
		{name: "implicit grant", req: hostileRequest{target: hToken, body: form("grant_type", "implicit"), header: svc}, want: jsonErr(400, "unsupported_grant_type")},
		{name: "JWT bearer grant", req: hostileRequest{target: hToken, body: form("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion", "eyJhbGciOiJub25lIn0.e30."), header: svc}, want: jsonErr(400, "unsupported_grant_type")},
		{name: "token exchange grant, client not registered for it", req: hostileRequest{target: hToken, body: form("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), header: svc}, want: jsonErr(400, "unauthorized_client")},
		{name: "token exchange without subject_token", req: hostileRequest{target: hToken, body: form("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "client_id", "demo-app", "client_secret", demoAppSecret)}, want: jsonErr(400, "invalid_request")},
		{name: "token exchange of an unknown token", req: hostileRequest{target: hToken, body: form("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "client_id", "demo-app", "client_secret", demoAppSecret,
			"subject_token", "forged", "subject_token_type", "urn:ietf:params:oauth:token-type:access_token")}, want: jsonErr(400, "invalid_request")},
		{name: "token exchange with a bad token type", req: hostileRequest{target: hToken, body: form("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "client_id", "demo-app", "client_secret", demoAppSecret,
			"subject_token", "x", "subject_token_type", "not a uri")}, want: jsonErr(400, "invalid_request")},
		{name: "device code grant, client not registered for it", req: hostileRequest{target: hToken, body: form("grant_type", "urn:ietf:params:oauth:grant-type:device_code", "device_code", "x"), header: svc}, want: jsonErr(400, "unauthorized_client")},
		{name: "grant_type in another case", req: hostileRequest{target: hToken, body: form("grant_type", "Client_Credentials"), header: svc}, want: jsonErr(400, "unsupported_grant_type")},
		{name: "client_credentials by a client not registered for it", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "client_id", "demo-app", "client_secret", demoAppSecret)}, want: jsonErr(400, "unauthorized_client")},
		{name: "client_credentials by a public client", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "client_id", "demo-spa")}, want: jsonErr(400, "invalid_client")},
		{name: "client_credentials by a resource server", req: hostileRequest{target: hToken, body: cc, header: hdr("Authorization", basic("demo-api", demoAPISecret))}, want: jsonErr(400, "unauthorized_client")},
		{name: "client_credentials with a scope not allowed", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "scope", "read admin"), header: svc}, want: jsonErr(400, "invalid_scope")},
		{name: "client_credentials with openid", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "scope", "openid"), header: svc}, want: jsonErr(400, "invalid_scope")},
		{name: "client_credentials with a resource not allowed", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "resource", "https://evil.example"), header: svc}, want: jsonErr(400, "invalid_target")},
		{name: "client_credentials with a resource with a fragment", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "resource", "https://api.example.com#x"), header: svc}, want: jsonErr(400, "invalid_target")},
		{name: "client_credentials with a relative resource", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "resource", "/api"), header: svc}, want: jsonErr(400, "invalid_target")},
		{name: "typed property failing validation", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "tenant", "<script>"), header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "typed property too long", req: hostileRequest{target: hToken, body: form("grant_type", "client_credentials", "tenant", strings.Repeat("t", 33)), header: svc}, want: jsonErr(400, "invalid_request")},
		{name: "authorization_code by a client not registered for it", req: hostileRequest{target: hToken, body: form("grant_type", "authorization_code", "code", "x", "redirect_uri", hAppRedirect), header: svc}, want: jsonErr(400, "unauthorized_client")},
		{name: "authorization_code without code", req: hostileRequest{target: hToken, body: form("grant_type", "authorization_code", "redirect_uri", hAppRedirect, "code_verifier", hVerifier, "client_id", "demo-app", "client_secret", demoAppSecret)}, want: jsonErr(400, "invalid_request")},
		{name: "refresh_token without refresh_token", req: hostileRequest{target: hToken, body: form("grant_type", "refresh_token", "client_id", "demo-app", "client_secret", demoAppSecret)}, want: jsonErr(400, "invalid_request")},
		{name: "refresh_token by a client not registered for it", req: hostileRequest{target: hToken, body: form("grant_type", "refresh_token", "refresh_token", "x"), header: svc}, want: jsonErr(400, "unauthorized_client")},
	}
}
