package contract

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
)

// refresh is the token request that redeems a refresh token.
func (h *harness) refresh(token string, scope string) url.Values {
	wire, _ := h.flow(flowkit.RefreshCredential)
	form := url.Values{"grant_type": {wire}, "refresh_token": {token}}
	if scope != "" {
		form.Set("scope", scope)
	}
	for _, reg := range h.suite.Flows.Token {
		if reg.Wire == wire {
			form = h.withValues(reg.ID, form)
		}
	}
	return form
}

// refreshPolicy is the refresh flow's token settings.
func (h *harness) refreshRotates() (rotate, strict bool) {
	for _, reg := range h.suite.Flows.Token {
		if reg.Grant.Credential == flowkit.RefreshCredential {
			return reg.Policy.RotateRefresh, reg.Policy.RefreshGrace == 0
		}
	}
	return false, false
}

// signInForRefresh signs in and returns tokens that have a refresh token.
func (h *harness) signInForRefresh(t *testing.T) (tokens, authorization) {
	t.Helper()
	tk, a := h.signIn(t)
	if tk.RefreshToken == "" {
		t.Skipf("the code flow issued no refresh token for scope %q", a.scope)
	}
	return tk, a
}

// checkRefreshRotation: a refresh gives new tokens of the same user; with
// rotation, the old refresh token is spent, and presenting it again
// revokes the whole grant (RFC 6749 §6, RFC 9700 §4.14.2).
func checkRefreshRotation(t *testing.T, h *harness) {
	tk, a := h.signInForRefresh(t)
	c := a.client
	next := wantTokens(t, h, "RFC 6749 §6", h.post(t, "oauth-token", h.refresh(tk.RefreshToken, ""), as(c)), grant{client: c, requested: tk.granted, subject: h.subject})
	rotate, strict := h.refreshRotates()
	if !rotate {
		return
	}
	if next.RefreshToken == "" || next.RefreshToken == tk.RefreshToken {
		t.Fatalf("RFC 9700 §4.14.2: the refresh flow rotates, but the response has refresh token %q", next.RefreshToken)
	}
	if !strict {
		return
	}
	wantError(t, "RFC 9700 §4.14.2 (a rotated refresh token is used again)", h.post(t, "oauth-token", h.refresh(tk.RefreshToken, ""), as(c)), http.StatusBadRequest, "invalid_grant")
	wantError(t, "RFC 9700 §4.14.2 (reuse revokes the grant: its newest refresh token too)", h.post(t, "oauth-token", h.refresh(next.RefreshToken, ""), as(c)), http.StatusBadRequest, "invalid_grant")
	if h.active(t, next.AccessToken) {
		t.Errorf("RFC 9700 §4.14.2: after refresh token reuse, the grant's access token is still active")
	}
}

// checkRefreshScope: a refresh may narrow the scope but not widen it
// (RFC 6749 §6).
func checkRefreshScope(t *testing.T, h *harness) {
	tk, a := h.signInForRefresh(t)
	c := a.client
	if h.withheld != "" {
		wider := append(slices.Clone(tk.granted), h.withheld).String()
		wantError(t, "RFC 6749 §6 (a scope the grant does not have)", h.post(t, "oauth-token", h.refresh(tk.RefreshToken, wider), as(c)), http.StatusBadRequest, "invalid_scope")
	}
	if len(tk.granted) < 2 {
		return
	}
	narrow := tk.granted[len(tk.granted)-1:]
	wantTokens(t, h, "RFC 6749 §6 (a narrower scope)", h.post(t, "oauth-token", h.refresh(tk.RefreshToken, narrow.String()), as(c)), grant{client: c, requested: narrow, subject: h.subject})
}

// checkRefreshClient: a refresh token works only for its client
// (RFC 6749 §6).
func checkRefreshClient(t *testing.T, h *harness) {
	tk, _ := h.signInForRefresh(t)
	wantError(t, "RFC 6749 §6 (a refresh token of another client)", h.post(t, "oauth-token", h.refresh(tk.RefreshToken, ""), as(h.other)), http.StatusBadRequest, "invalid_grant")
}
