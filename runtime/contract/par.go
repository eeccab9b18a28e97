package contract

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The pushed authorization request endpoint (RFC 9126): a push by an
// authenticated client, checked as the authorization request would be,
// answered with a request_uri that the authorization endpoint takes once,
// from that client only.

// parURIPrefix starts every request_uri (RFC 9126 §2.2).
const parURIPrefix = "urn:ietf:params:oauth:request_uri:"

// push pushes the authorization request q as client c and returns the
// authorization request that uses it: client_id and request_uri
// (RFC 9126 §4).
func (h *harness) push(t *testing.T, c *client, q url.Values) url.Values {
	t.Helper()
	form := cloneValues(q)
	form.Del("client_id") // the authentication names the client
	r := h.post(t, "oauth-par", form, as(c))
	if r.status != http.StatusCreated {
		t.Fatalf("RFC 9126 §2.2: the push answered %d, want 201: %.300s", r.status, r.body)
	}
	if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("RFC 9126 §2.2: the push's answer has Cache-Control %q, want no-store", cc)
	}
	var body struct {
		RequestURI string          `json:"request_uri"`
		ExpiresIn  json.RawMessage `json:"expires_in"`
	}
	r.json(t, &body)
	if !strings.HasPrefix(body.RequestURI, parURIPrefix) || len(body.RequestURI) < len(parURIPrefix)+22 {
		t.Errorf("RFC 9126 §2.2: request_uri %q: want a urn:ietf:params:oauth:request_uri: with at least 128 random bits", body.RequestURI)
	}
	var ttl int
	if json.Unmarshal(body.ExpiresIn, &ttl) != nil || ttl <= 0 || ttl > 600 {
		t.Errorf("RFC 9126 §2.2: expires_in %s, want a short positive lifetime in seconds", body.ExpiresIn)
	}
	return url.Values{"client_id": {c.id}, "request_uri": {body.RequestURI}}
}

// pushedAuthorization pushes an authorization request of the first
// confidential client and returns it and the request that uses it.
func (h *harness) pushedAuthorization(t *testing.T) (authorization, url.Values) {
	t.Helper()
	c := h.confidential[0]
	q := h.authorizeQuery(c, h.suite.Flows.Authorize.ID)
	a := authorization{nonce: randomString(), scope: h.userScope(), client: c, verifier: randomString() + randomString()}
	q.Set("nonce", a.nonce)
	setChallenge(q, a.verifier)
	return a, h.push(t, c, q)
}

// checkPARCode: a pushed request, used by client_id and request_uri, goes
// through the pages to a code that redeems for the user's tokens
// (RFC 9126 §4).
func checkPARCode(t *testing.T, h *harness) {
	a, use := h.pushedAuthorization(t)
	a.params = h.interact(t, browser(t), use)
	r := h.post(t, "oauth-token", h.redeem(a.code(t, h), a), as(a.client))
	wantTokens(t, h, "RFC 9126 §4, RFC 6749 §4.1.4", r, grant{client: a.client, requested: a.scope, subject: h.subject})
}

// checkPARSingleUse: a request_uri is used once; used again it gets no
// code and no redirect (RFC 9126 §4).
func checkPARSingleUse(t *testing.T, h *harness) {
	a, use := h.pushedAuthorization(t)
	a.params = h.interact(t, browser(t), use)
	a.code(t, h)
	h.wantRequestURIRefused(t, "RFC 9126 §4 (a request_uri used again)", use)
}

// checkPARClient: another client's client_id with a request_uri gets
// nothing, and leaves it to its own client (RFC 9126 §4, RFC 9101 §5).
func checkPARClient(t *testing.T, h *harness) {
	a, use := h.pushedAuthorization(t)
	other := cloneValues(use)
	other.Set("client_id", h.other.id)
	h.wantRequestURIRefused(t, "RFC 9126 §4 (another client's request_uri)", other)
	a.params = h.interact(t, browser(t), use)
	a.code(t, h)
}

// checkPARPushChecked: a push carrying request_uri, and one with a
// redirect URI the client did not register, are refused with
// invalid_request in JSON (RFC 9126 §2.1, §2.3).
func checkPARPushChecked(t *testing.T, h *harness) {
	c := h.confidential[0]
	q := h.authorizeQuery(c, h.suite.Flows.Authorize.ID)
	q.Del("client_id")
	bad := cloneValues(q)
	bad.Set("request_uri", parURIPrefix+randomString())
	wantError(t, "RFC 9126 §2.1 (request_uri pushed)", h.post(t, "oauth-par", bad, as(c)), http.StatusBadRequest, "invalid_request")
	bad = cloneValues(q)
	bad.Set("redirect_uri", "https://attacker.example.test/cb")
	wantError(t, "RFC 9126 §2.1 (an unregistered redirect_uri)", h.post(t, "oauth-par", bad, as(c)), http.StatusBadRequest, "invalid_request")
}

// wantRequestURIRefused sends the authorization request use, which names a
// request_uri the server must refuse: no code, and no redirect at all,
// since the redirect URI is in the pushed request.
func (h *harness) wantRequestURIRefused(t *testing.T, rule string, use url.Values) {
	t.Helper()
	r := h.do(t, browser(t), mustGet(t, h.url("oauth-authorize")+"?"+use.Encode()))
	if loc := r.header.Get("Location"); strings.HasPrefix(loc, redirectURI) {
		u, _ := url.Parse(loc)
		if u != nil && u.Query().Get("code") != "" {
			t.Fatalf("%s: the authorization endpoint redirected with a code", rule)
		}
	}
	if r.status != http.StatusBadRequest {
		t.Errorf("%s: answered %d, want 400 and an error page", rule, r.status)
	}
}

// mustGet is a GET request of u.
func mustGet(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
