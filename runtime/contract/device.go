package contract

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The checks of the device authorization grant (RFC 8628): the device
// authorization endpoint, the verification page, and the device's polls.

// deviceEndpointID is the device authorization endpoint's id.
const deviceEndpointID = "oauth-device-authorization"

// deviceFlow reports whether the device flow is enabled and a confidential
// client and a user can run it.
func (h *harness) deviceFlow() bool {
	_, ok := h.flow(flowkit.DeviceCodeCredential)
	return ok && h.suite.Flows.DeviceAuthorization != nil && len(h.confidential) > 0 && h.username != "" && len(h.userScope()) > 0
}

// deviceStart is a device authorization response (RFC 8628 §3.2).
type deviceStart struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	ExpiresIn               int64  `json:"expires_in"`
}

// startDevice starts a device authorization for client c and scope.
func (h *harness) startDevice(t *testing.T, c *client, scope oauth.ScopeSet) deviceStart {
	t.Helper()
	r := h.post(t, deviceEndpointID, h.withValues(h.suite.Flows.DeviceAuthorization.ID, url.Values{"scope": {scope.String()}}), as(c))
	if r.status != http.StatusOK {
		var e oauthError
		r.json(t, &e)
		t.Fatalf("RFC 8628 §3.2: %s answered %d %q (%s), want a device authorization", r.req, r.status, e.Error, e.Description)
	}
	if !strings.Contains(r.header.Get("Cache-Control"), "no-store") {
		t.Errorf("RFC 8628 §3.2, RFC 6749 §5.1: the device authorization response has Cache-Control %q, want no-store", r.header.Get("Cache-Control"))
	}
	var d deviceStart
	r.json(t, &d)
	if d.DeviceCode == "" || d.UserCode == "" || d.VerificationURI == "" || d.ExpiresIn <= 0 {
		t.Fatalf("RFC 8628 §3.2: the response lacks device_code, user_code, verification_uri or expires_in: %.300s", r.body)
	}
	return d
}

// pollDevice is the device's token request for d by client c (RFC 8628
// §3.4).
func (h *harness) pollDevice(t *testing.T, c *client, d deviceStart) reply {
	t.Helper()
	wire, _ := h.flow(flowkit.DeviceCodeCredential)
	return h.post(t, "oauth-token", h.withValues(flowIDOf(h, wire), url.Values{"grant_type": {wire}, "device_code": {d.DeviceCode}}), as(c))
}

// decideDevice runs the verification page as a browser would, from
// verification_uri_complete: it confirms the code, signs the user in, and
// answers the consent page with decision ("approve" or "deny"). It fails
// the test when the page stops elsewhere than its result.
func (h *harness) decideDevice(t *testing.T, d deviceStart, decision string) {
	t.Helper()
	uri := d.VerificationURIComplete
	if uri == "" {
		uri = d.VerificationURI + "?user_code=" + url.QueryEscape(d.UserCode)
	}
	if left := h.browse(t, browser(t), uri, "RFC 8628 §3.3: the verification page", decision, url.Values{"user_code": {d.UserCode}},
		func(*url.URL) bool { return false }); left != nil {
		t.Fatalf("RFC 8628 §3.3: the verification page redirected to %s", left)
	}
}

// checkDevicePending: before the user decides, the device's poll is
// authorization_pending (RFC 8628 §3.5), not tokens.
func checkDevicePending(t *testing.T, h *harness) {
	c := h.confidential[0]
	d := h.startDevice(t, c, h.userScope())
	wantError(t, "RFC 8628 §3.5 (no decision yet)", h.pollDevice(t, c, d), http.StatusBadRequest, string(oauth.ErrAuthorizationPending))
}

// checkDeviceDenied: once the user denies the request, the device's poll
// is access_denied (RFC 8628 §3.5).
func checkDeviceDenied(t *testing.T, h *harness) {
	c := h.confidential[0]
	d := h.startDevice(t, c, h.userScope())
	h.decideDevice(t, d, "deny")
	wantError(t, "RFC 8628 §3.5 (the user denied)", h.pollDevice(t, c, d), http.StatusBadRequest, string(oauth.ErrAccessDenied))
}

// checkDeviceTokens: once the user approves, the device's poll gets tokens
// of that user, within the approved scope and the client's (RFC 8628
// §3.5; RFC 6749 §5.1), and the device code is then used up: a second
// poll is invalid_grant (RFC 8628 §5.2, §3.5).
func checkDeviceTokens(t *testing.T, h *harness) {
	c := h.confidential[0]
	scope := h.userScope()
	d := h.startDevice(t, c, scope)
	h.decideDevice(t, d, "approve")
	wantTokens(t, h, "RFC 8628 §3.5", h.pollDevice(t, c, d), grant{client: c, requested: scope, subject: h.subject})
	wantError(t, "RFC 8628 §5.2 (device code used twice)", h.pollDevice(t, c, d), http.StatusBadRequest, string(oauth.ErrInvalidGrant))
}

// checkDeviceClient: a device code is bound to its client: another
// client's poll is invalid_grant (RFC 8628 §3.4; RFC 6749 §5.2), and a
// scope the client may not have is refused when the device asks
// (invalid_scope, RFC 6749 §3.3).
func checkDeviceClient(t *testing.T, h *harness) {
	c := h.confidential[0]
	d := h.startDevice(t, c, h.userScope())
	h.decideDevice(t, d, "approve")
	wantError(t, "RFC 8628 §3.4 (another client's device code)", h.pollDevice(t, h.other, d), http.StatusBadRequest, string(oauth.ErrInvalidGrant))
	if h.withheld != "" {
		r := h.post(t, deviceEndpointID, h.withValues(h.suite.Flows.DeviceAuthorization.ID, url.Values{"scope": {h.withheld}}), as(c))
		wantError(t, "RFC 6749 §3.3 (a scope the client may not have)", r, http.StatusBadRequest, string(oauth.ErrInvalidScope))
	}
}
