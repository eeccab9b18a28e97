package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// hPAR is the pushed authorization request endpoint (RFC 9126).
const hPAR = "/oauth2/par"

// parRequest is demo-app's authorization request, pushed with its
// credentials in the form (client_secret_post), with kv set.
func parRequest(kv ...string) string {
	q := url.Values{
		"client_id": {"demo-app"}, "client_secret": {demoAppSecret}, "response_type": {"code"},
		"redirect_uri": {"http://127.0.0.1:9090/callback"}, "scope": {"openid read"}, "state": {"s"},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
			continue
		}
		q.Set(kv[i], kv[i+1])
	}
	return q.Encode()
}

// pushed pushes demo-app's request and keeps its request_uri as the var
// request_uri; with use, the request_uri is then used once, as a browser
// would.
func pushed(use bool) func(e *hostileEnv) {
	return func(e *hostileEnv) {
		r := e.send(hostileRequest{target: hPAR, body: parRequest()})
		var m struct {
			RequestURI string `json:"request_uri"`
		}
		if r.status != http.StatusCreated || json.Unmarshal(r.body, &m) != nil || m.RequestURI == "" {
			e.t.Fatalf("push: %d %s", r.status, r.body)
		}
		e.vars["request_uri"] = url.QueryEscape(m.RequestURI)
		if use {
			if r := e.send(hostileRequest{method: "GET", target: "/oauth2/authorize?client_id=demo-app&request_uri={request_uri}"}); r.status != http.StatusOK {
				e.t.Fatalf("first use: %d %s", r.status, r.body)
			}
		}
	}
}

// hostilePARCases: pushes that are malformed, unauthenticated or not a
// valid authorization request are RFC 9126 §2.3 JSON errors; a request_uri
// that is unknown, forged, used, or presented by another client is an error
// page at the authorization endpoint, never a redirect (RFC 9126 §4).
func hostilePARCases() []hostileCase {
	return []hostileCase{
		{name: "GET", req: hostileRequest{method: "GET", target: hPAR}, want: methodErr("POST")},
		{name: "not a form", req: hostileRequest{target: hPAR, body: `{"client_id":"demo-app"}`, contentType: "application/json"}, want: jsonErr(400, "invalid_request")},
		{name: "no credentials", req: hostileRequest{target: hPAR, body: parRequest("client_secret", "")}, want: jsonErr(400, "invalid_client")},
		{name: "wrong secret", req: hostileRequest{target: hPAR, body: parRequest("client_secret", "wrong")}, want: jsonErr(400, "invalid_client")},
		{name: "wrong secret, Basic", req: hostileRequest{target: hPAR, body: parRequest("client_secret", ""), header: []string{"Authorization", "Basic ZGVtby1hcHA6d3Jvbmc="}}, want: basicErr()},
		{name: "request_uri pushed", req: hostileRequest{target: hPAR, body: parRequest("request_uri", "urn:ietf:params:oauth:request_uri:x")}, want: jsonErr(400, "invalid_request")},
		{name: "unregistered redirect_uri", req: hostileRequest{target: hPAR, body: parRequest("redirect_uri", "https://evil.example/cb")}, want: jsonErr(400, "invalid_request")},
		{name: "no PKCE", req: hostileRequest{target: hPAR, body: parRequest("code_challenge", "", "code_challenge_method", "")}, want: jsonErr(400, "invalid_request")},
		{name: "scope not allowed", req: hostileRequest{target: hPAR, body: parRequest("scope", "admin")}, want: jsonErr(400, "invalid_scope")},
		{name: "repeated parameter", req: hostileRequest{target: hPAR, body: parRequest() + "&scope=read"}, want: jsonErr(400, "invalid_request")},
		{name: "oversized", req: hostileRequest{target: hPAR, body: parRequest("state", strings.Repeat("s", 70<<10))}, want: jsonErr(400, "invalid_request")},
		{name: "unknown request_uri", req: hostileRequest{method: "GET", target: "/oauth2/authorize?client_id=demo-app&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aforged"}, want: page(400)},
		{name: "request_uri of another client", setup: pushed(false), req: hostileRequest{method: "GET", target: "/oauth2/authorize?client_id=demo-spa&request_uri={request_uri}"}, want: page(400)},
		{name: "request_uri used twice", setup: pushed(true), req: hostileRequest{method: "GET", target: "/oauth2/authorize?client_id=demo-app&request_uri={request_uri}"}, want: page(400)},
		{name: "request_uri with a parameter beside it", setup: pushed(false), req: hostileRequest{method: "GET", target: "/oauth2/authorize?client_id=demo-app&request_uri={request_uri}&request_uri={request_uri}"}, want: page(400)},
	}
}
