package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The quickstart's device authorization endpoint and verification page.
const (
	hDevice       = "/oauth2/device"
	hDeviceVerify = hDevice + "/verify"
	hDeviceGrant  = "urn:ietf:params:oauth:grant-type:device_code"
)

// deviceStarted starts a device authorization of demo-tv: {device_code},
// {user_code}.
func deviceStarted(e *hostileEnv) {
	e.t.Helper()
	r := e.send(hostileRequest{target: hDevice, body: form("client_id", "demo-tv")})
	var d struct {
		DeviceCode string `json:"device_code"`
		UserCode   string `json:"user_code"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &d) != nil || d.DeviceCode == "" {
		e.t.Fatalf("setup device authorization: %d %s", r.status, r.body)
	}
	e.vars["device_code"], e.vars["user_code"] = d.DeviceCode, d.UserCode
}

// devicePoll is demo-tv's token request for {device_code}, with pairs
// added ("-" removes a parameter).
func devicePoll(pairs ...string) string {
	return hForm(append([]string{"grant_type", hDeviceGrant, "device_code", "{device_code}", "client_id", "demo-tv"}, pairs...)...)
}

// hForm is form with "-" removing a parameter set before.
func hForm(pairs ...string) string {
	var kept []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "-" {
			for j := 0; j+1 < len(kept); j += 2 {
				if kept[j] == pairs[i] {
					kept = append(kept[:j], kept[j+2:]...)
					break
				}
			}
			continue
		}
		kept = append(kept, pairs[i], pairs[i+1])
	}
	return form(kept...)
}

// hostileDeviceCases are hostile requests to the device authorization
// endpoint (RFC 8628 §3.1), the device's polls (§3.4, §3.5) and the
// verification page (§3.3, §5.1, §5.4).
func hostileDeviceCases() []hostileCase {
	tv := form("client_id", "demo-tv")
	big := strings.Repeat("a", 70<<10)
	svc := hdr("Authorization", basic("demo-service", demoServiceSecret))
	poll := func(name string, body string, want hostileWant) hostileCase {
		return hostileCase{name: name, setup: deviceStarted, req: hostileRequest{target: hToken, body: body}, want: want}
	}
	return []hostileCase{
		// The endpoint: POST only, a form, each parameter once.
		{name: "GET", req: hostileRequest{method: "GET", target: hDevice + "?client_id=demo-tv"}, want: methodErr("POST")},
		{name: "PUT", req: hostileRequest{method: "PUT", target: hDevice, body: tv}, want: methodErr("POST")},
		{name: "DELETE", req: hostileRequest{method: "DELETE", target: hDevice}, want: methodErr("POST")},
		{name: "path with a trailing slash", req: hostileRequest{target: hDevice + "/", body: tv}, want: plain(http.StatusNotFound)},
		{name: "JSON body", req: hostileRequest{target: hDevice, body: `{"client_id":"demo-tv"}`, contentType: "application/json"}, want: jsonErr(400, "invalid_request")},
		{name: "no Content-Type", req: hostileRequest{target: hDevice, body: tv, contentType: "-"}, want: jsonErr(400, "invalid_request")},
		{name: "client_id repeated", req: hostileRequest{target: hDevice, body: form("client_id", "demo-tv", "client_id", "demo-spa")}, want: jsonErr(400, "invalid_request")},
		{name: "scope repeated", req: hostileRequest{target: hDevice, body: form("client_id", "demo-tv", "scope", "read", "scope", "openid")}, want: jsonErr(400, "invalid_request")},
		{name: "oversized body", req: hostileRequest{target: hDevice, body: tv + "&pad=" + big}, want: jsonErr(400, "invalid_request")},
		{name: "bad percent-encoding", req: hostileRequest{target: hDevice, body: tv + "&scope=%zz"}, want: jsonErr(400, "invalid_request")},
		{name: "client_secret in the query", req: hostileRequest{target: hDevice + "?client_secret=x", body: tv}, want: jsonErr(400, "invalid_request")},

		// Client authentication, then the client's registration, scope and resources.
		{name: "no client", req: hostileRequest{target: hDevice, body: form("scope", "read")}, want: jsonErr(400, "invalid_client")},
		{name: "unknown client", req: hostileRequest{target: hDevice, body: form("client_id", "no-such-tv")}, want: jsonErr(400, "invalid_client")},
		{name: "public client with a secret", req: hostileRequest{target: hDevice, body: form("client_id", "demo-tv", "client_secret", "guess")}, want: jsonErr(400, "invalid_client")},
		{name: "wrong Basic secret", req: hostileRequest{target: hDevice, body: form("scope", "read"), header: hdr("Authorization", basic("demo-service", "wrong"))}, want: basicErr()},
		{name: "client not registered for the grant", req: hostileRequest{target: hDevice, body: form("scope", "read"), header: svc}, want: jsonErr(400, "unauthorized_client")},
		{name: "scope the client may not have", req: hostileRequest{target: hDevice, body: form("client_id", "demo-tv", "scope", "write")}, want: jsonErr(400, "invalid_scope")},
		{name: "invalid UTF-8 in scope", req: hostileRequest{target: hDevice, body: tv + "&scope=%FF%FE"}, want: jsonErr(400, "invalid_scope")},
		{name: "resource not the client's", req: hostileRequest{target: hDevice, body: form("client_id", "demo-tv", "resource", "https://evil.example")}, want: jsonErr(400, "invalid_target")},
		{name: "a right request succeeds", req: hostileRequest{target: hDevice, body: form("client_id", "demo-tv", "scope", "openid read")}, want: ok(200).with(checkDeviceStarted)},

		// The device's polls (RFC 8628 §3.5).
		poll("pending", devicePoll(), jsonErr(400, "authorization_pending")),
		poll("device_code missing", devicePoll("device_code", "-"), jsonErr(400, "invalid_request")),
		poll("device_code repeated", devicePoll("device_code", "{device_code}"), jsonErr(400, "invalid_request")),
		poll("device_code unknown", devicePoll("device_code", "-", "device_code", strings.Repeat("A", 43)), jsonErr(400, "invalid_grant")),
		poll("the user code as device code", devicePoll("device_code", "-", "device_code", "{user_code}"), jsonErr(400, "invalid_grant")),
		poll("device_code oversized", devicePoll("device_code", "-", "device_code", big), jsonErr(400, "invalid_request")),
		poll("another client, not registered for the grant", hForm("grant_type", hDeviceGrant, "device_code", "{device_code}", "client_id", "demo-spa"), jsonErr(400, "unauthorized_client")),
		poll("polling public client with a secret", devicePoll("client_secret", "guess"), jsonErr(400, "invalid_client")),
		{name: "polled twice at once", setup: func(e *hostileEnv) {
			deviceStarted(e)
			e.send(hostileRequest{target: hToken, body: e.fill(devicePoll())})
		}, req: hostileRequest{target: hToken, body: devicePoll()}, want: jsonErr(400, "slow_down")},
		{name: "expired", setup: func(e *hostileEnv) {
			deviceStarted(e)
			e.clock.Advance(11 * time.Minute)
		}, req: hostileRequest{target: hToken, body: devicePoll()}, want: jsonErr(400, "expired_token")},

		// The verification page: HTML, forms that need their CSRF token.
		{name: "verification page", req: hostileRequest{method: "GET", target: hDeviceVerify}, want: page(200)},
		{name: "verification page with markup as user_code", req: hostileRequest{method: "GET", target: hDeviceVerify + "?user_code=%3Cscript%3Ealert(1)%3C/script%3E"},
			want: page(200).with(func(t *testing.T, _ *hostileEnv, r hostileResponse) {
				if strings.Contains(string(r.body), "alert(1)") {
					t.Error("the page echoes a user_code that is no code")
				}
			})},
		{name: "verification page PUT", req: hostileRequest{method: "PUT", target: hDeviceVerify}, want: page(405)},
		{name: "code form without CSRF", setup: deviceStarted, req: hostileRequest{target: hDeviceVerify, body: form("interaction", "x", "user_code", "{user_code}")}, want: page(403)},
		{name: "code form not a form", req: hostileRequest{target: hDeviceVerify, body: `{"user_code":"BCDF-GHJK"}`, contentType: "application/json"}, want: page(400)},
		{name: "login form GET", req: hostileRequest{method: "GET", target: hDeviceVerify + "/login"}, want: page(405)},
		{name: "login form without CSRF", req: hostileRequest{target: hDeviceVerify + "/login", body: form("interaction", "x", "username", "alice", "password", "alice-password")}, want: page(403)},
		{name: "consent page without interaction", req: hostileRequest{method: "GET", target: hDeviceVerify + "/consent"}, want: page(403)},
		{name: "consent form without CSRF", setup: deviceStarted, req: hostileRequest{target: hDeviceVerify + "/consent", body: form("interaction", "x", "decision", "approve")},
			want: page(403).with(func(t *testing.T, e *hostileEnv, _ hostileResponse) {
				if r := e.send(hostileRequest{target: hToken, body: e.fill(devicePoll())}); !strings.Contains(string(r.body), "authorization_pending") {
					t.Errorf("after a forged consent: %s, want authorization_pending", r.body)
				}
			})},
	}
}

// checkDeviceStarted checks a device authorization response (RFC 8628
// §3.2).
func checkDeviceStarted(t *testing.T, e *hostileEnv, r hostileResponse) {
	var d map[string]any
	if err := json.Unmarshal(r.body, &d); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"device_code", "user_code", "verification_uri", "verification_uri_complete", "expires_in", "interval"} {
		if d[k] == nil {
			t.Errorf("the response lacks %s: %s", k, r.body)
		}
	}
	if d["verification_uri"] != e.issuer+hDeviceVerify {
		t.Errorf("verification_uri %v, want %s", d["verification_uri"], e.issuer+hDeviceVerify)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", r.header.Get("Cache-Control"))
	}
}
