package generated

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The device authorization grant (RFC 8628) over HTTP: the generated
// device authorization flow (with its team property room) and device code
// flow, the verification page in a browser, and the device's polls.

const devicePath = "/oauth2/device_authorization"

// deviceStart is a device authorization response (RFC 8628 §3.2).
type deviceStart struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	ExpiresIn               int64  `json:"expires_in"`
	Interval                int64  `json:"interval"`
}

// startDevice starts a device authorization of the public client tv.
func (e *env) startDevice(t *testing.T, kv ...string) deviceStart {
	t.Helper()
	r := e.do(t, call{path: devicePath, body: form(append([]string{"client_id", tvID}, kv...)...)})
	wantNoStore(t, r)
	if r.status != http.StatusOK {
		t.Fatalf("device authorization: %d %s", r.status, r.raw)
	}
	var d deviceStart
	if err := json.Unmarshal(r.raw, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// pollDevice is the device's token request (RFC 8628 §3.4).
func (e *env) pollDevice(t *testing.T, deviceCode string) result {
	t.Helper()
	return e.do(t, call{body: form("grant_type", deviceGrant, "device_code", deviceCode, "client_id", tvID)})
}

var userCodeShape = regexp.MustCompile(`^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`)

// TestDeviceAuthorizationEndpoint: the endpoint's answers, success and
// refusals, each JSON with no-store (RFC 8628 §3.2).
func TestDeviceAuthorizationEndpoint(t *testing.T) {
	e := newEnv(t, nil)
	d := e.startDevice(t, "scope", "openid read", "room", "lounge")
	if !userCodeShape.MatchString(d.UserCode) || len(d.DeviceCode) < 43 || d.ExpiresIn != 900 || d.Interval != 5 {
		t.Errorf("response %+v", d)
	}
	if d.VerificationURI != specIssuer+devicePath+"/verify" || d.VerificationURIComplete != d.VerificationURI+"?user_code="+d.UserCode {
		t.Errorf("verification URIs %q, %q", d.VerificationURI, d.VerificationURIComplete)
	}
	if r := e.do(t, call{path: devicePath, body: form("scope", "read"), basic: []string{tvboxID, tvboxSecret}}); r.status != http.StatusOK {
		t.Errorf("confidential client: %d %s", r.status, r.raw)
	}
	for _, tc := range []struct {
		name   string
		c      call
		status int
		code   oauth.ErrorCode
		desc   string
	}{
		{"GET", call{method: http.MethodGet, path: devicePath, ctype: "-"}, 405, oauth.ErrInvalidRequest, "POST only"},
		{"team property invalid", call{path: devicePath, body: form("client_id", tvID, "room", "not valid!")}, 400, oauth.ErrInvalidRequest, "room"},
		{"scope beyond the client's", call{path: devicePath, body: form("client_id", tvID, "scope", "admin")}, 400, oauth.ErrInvalidScope, "admin"},
		{"client not registered for the grant", call{path: devicePath, body: form("client_id", spaID)}, 400, oauth.ErrUnauthorizedClient, ""},
		{"confidential client, wrong secret", call{path: devicePath, body: form("scope", "read"), basic: []string{tvboxID, "wrong"}}, 401, oauth.ErrInvalidClient, ""},
		{"unknown client", call{path: devicePath, body: form("client_id", "nobody")}, 400, oauth.ErrInvalidClient, ""},
	} {
		t.Run(tc.name, func(t *testing.T) { wantError(t, e.do(t, tc.c), tc.status, tc.code, tc.desc) })
	}
}

// TestDeviceFlowOverHTTP: the whole grant (RFC 8628 §3): pending, then
// slow_down for a poll within the interval; alice approves in a browser
// (the code pre-filled by verification_uri_complete, confirmed, signed in,
// consented); one poll gets an access token, a refresh token and an ID
// token for alice; the device code is then used up.
func TestDeviceFlowOverHTTP(t *testing.T) {
	e := newEnv(t, nil)
	d := e.startDevice(t, "scope", "openid read offline_access")
	wantError(t, e.pollDevice(t, d.DeviceCode), 400, oauth.ErrAuthorizationPending, "")
	wantError(t, e.pollDevice(t, d.DeviceCode), 400, oauth.ErrSlowDown, "10 seconds")

	b := e.browser(t)
	u, _ := url.Parse(d.VerificationURIComplete)
	p := b.send(http.MethodGet, u.RequestURI(), nil)
	wantHTML(t, p, "Connect a device", d.UserCode)
	p = b.submit(p, url.Values{"user_code": {d.UserCode}}) // RFC 8628 §5.4: the pre-filled code, confirmed by the user
	wantHTML(t, p, "Sign in", tvName)
	p = b.follow(b.submit(p, url.Values{"username": {aliceUser}, "password": {alicePassword}}))
	wantHTML(t, p, "Allow", tvName)
	p = b.submit(p, url.Values{"decision": {"approve"}})
	wantHTML(t, p, "Device connected", tvName)

	e.clock.Advance(10 * time.Second)
	tok := wantToken(t, e.pollDevice(t, d.DeviceCode))
	if tok.RefreshToken == "" || tok.Scope != "openid read offline_access" {
		t.Errorf("tokens %+v", tok)
	}
	idt, _ := tok.Raw["id_token"].(string)
	if claims := e.idTokenClaims(t, idt, tvID); claims["sub"] != aliceSub {
		t.Errorf("ID token sub %v, want %s", claims["sub"], aliceSub)
	}
	e.clock.Advance(10 * time.Second)
	wantError(t, e.pollDevice(t, d.DeviceCode), 400, oauth.ErrInvalidGrant, "")

	// Denied, then expired.
	d2 := e.startDevice(t)
	p = b.send(http.MethodGet, devicePath+"/verify", nil)
	p = b.follow(b.submit(p, url.Values{"user_code": {d2.UserCode}}))
	p = b.submit(p, url.Values{"decision": {"deny"}})
	wantHTML(t, p, "Request denied")
	wantError(t, e.pollDevice(t, d2.DeviceCode), 400, oauth.ErrAccessDenied, "")
	d3 := e.startDevice(t)
	e.clock.Advance(16 * time.Minute) // device_code_ttl 15m
	wantError(t, e.pollDevice(t, d3.DeviceCode), 400, oauth.ErrExpiredToken, "")
}
