package contract

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The checks of the token exchange flow (RFC 8693): the issued token is
// the subject's, within the subject token's scope, names its type, carries
// act for an actor, and an invalid subject token is refused.

// exchangeFlow reports whether the token exchange flow is enabled, a
// confidential client can use it, and the suite can get that client an
// access token to exchange.
func (h *harness) exchangeFlow() bool {
	_, ok := h.flow(flowkit.SubjectTokenCredential)
	return ok && len(h.confidential) > 0 && (h.passwordFlow() || h.codeFlow() || h.clientCredentials())
}

// subjectToken gets an access token of the first confidential client to
// exchange: an end user's when a flow with one can (the password or the
// code flow), else the client's own. It returns the tokens and their sub.
func (h *harness) subjectToken(t *testing.T) (tokens, string) {
	t.Helper()
	c := h.confidential[0]
	switch {
	case h.passwordFlow():
		scope := h.userScope()
		r := h.post(t, "oauth-token", h.passwordRequest(h.username, h.password, scope), as(c))
		return wantTokens(t, h, "RFC 6749 §4.3.3", r, grant{client: c, requested: scope, subject: h.subject}), h.subject
	case h.codeFlow():
		tk, _ := h.signIn(t)
		return tk, h.subject
	}
	form := h.withValues("oauth-token-client-credentials", url.Values{"grant_type": {"client_credentials"}})
	var scope oauth.ScopeSet
	if p := plainScopes(h.allowed); len(p) > 0 {
		scope = p[:1]
		form.Set("scope", scope.String())
	}
	return wantTokens(t, h, "RFC 6749 §4.4.3", h.post(t, "oauth-token", form, as(c)), grant{client: c, requested: scope}), c.id
}

// exchangeRequest is a token exchange request for the access token
// subject, with the access token actor as the actor token when it is set.
func (h *harness) exchangeRequest(subject, actor string, kv ...string) url.Values {
	wire, _ := h.flow(flowkit.SubjectTokenCredential)
	form := url.Values{"grant_type": {wire}, "subject_token": {subject}, "subject_token_type": {string(oauth.TokenTypeAccessToken)}}
	if actor != "" {
		form.Set("actor_token", actor)
		form.Set("actor_token_type", string(oauth.TokenTypeAccessToken))
	}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	return h.withValues(flowIDOf(h, wire), form)
}

// exchanged is a token exchange response: the tokens and the member only
// it has.
type exchanged struct {
	tokens
	IssuedTokenType string `json:"issued_token_type"`
}

// wantExchanged checks a successful exchange of the subject token sub
// (its sub subject): issued_token_type names an access token (RFC 8693
// §2.2.1), the token is the subject's, for the client, and its scope stays
// within the subject token's (RFC 8693 §2.1; RFC 6749 §3.3).
func wantExchanged(t *testing.T, h *harness, r reply, sub tokens, subject string) exchanged {
	t.Helper()
	c := h.confidential[0]
	var x exchanged
	x.tokens = wantTokens(t, h, "RFC 8693 §2.2.1", r, grant{client: c, requested: sub.granted, subject: subject})
	r.json(t, &x)
	switch x.IssuedTokenType {
	case "":
		t.Errorf("RFC 8693 §2.2.1: the token exchange response has no issued_token_type (REQUIRED)")
	case string(oauth.TokenTypeAccessToken), string(oauth.TokenTypeJWT):
	default:
		t.Errorf("RFC 8693 §2.2.1: issued_token_type is %q for a Bearer access token", x.IssuedTokenType)
	}
	if extra := x.granted.Without(sub.granted); len(extra) > 0 {
		t.Errorf("RFC 8693 §2.1: the exchanged token's scope %q has %q, beyond the subject token's %q", x.granted, extra, sub.granted)
	}
	if x.RefreshToken != "" && x.access.Claims.Act != nil {
		t.Errorf("RFC 8693 §4.1: a refresh token was issued with a delegated token, whose act a refresh would lose")
	}
	return x
}

// checkExchangeImpersonation: the subject token exchanged without an
// actor gives an access token of its subject, within its scope, with
// issued_token_type, and no act (RFC 8693 §1.1, §2.2.1, §4.1).
func checkExchangeImpersonation(t *testing.T, h *harness) {
	sub, subject := h.subjectToken(t)
	r := h.post(t, "oauth-token", h.exchangeRequest(sub.AccessToken, ""), as(h.confidential[0]))
	x := wantExchanged(t, h, r, sub, subject)
	if act := x.access.Claims.Act; act != nil && sub.access.Claims.Act == nil {
		t.Errorf("RFC 8693 §4.1: the token exchanged without an actor has an act claim naming %q", act.Subject)
	}
}

// checkExchangeDelegation: with an actor token, the new token's act claim
// names the actor (RFC 8693 §4.1).
func checkExchangeDelegation(t *testing.T, h *harness) {
	sub, subject := h.subjectToken(t)
	actor, actorSub := h.subjectToken(t)
	r := h.post(t, "oauth-token", h.exchangeRequest(sub.AccessToken, actor.AccessToken), as(h.confidential[0]))
	x := wantExchanged(t, h, r, sub, subject)
	switch act := x.access.Claims.Act; {
	case act == nil:
		t.Errorf("RFC 8693 §4.1: the token issued to an actor has no act claim")
	case act.Subject != actorSub:
		t.Errorf("RFC 8693 §4.1: the act claim names %q, want the actor, %q", act.Subject, actorSub)
	}
}

// checkExchangeRefused: a subject token that is not one of the server's
// tokens, or not of its declared type, is invalid_request, and a scope
// beyond the subject token's is invalid_scope (RFC 8693 §2.2.2).
func checkExchangeRefused(t *testing.T, h *harness) {
	c := h.confidential[0]
	sub, _ := h.subjectToken(t)
	wantError(t, "RFC 8693 §2.2.2 (a forged subject token)",
		h.post(t, "oauth-token", h.exchangeRequest("contract-"+randomString(), ""), as(c)), http.StatusBadRequest, "invalid_request")
	wantError(t, "RFC 8693 §2.2.2 (an access token declared a refresh token)",
		h.post(t, "oauth-token", h.exchangeRequest(sub.AccessToken, "", "subject_token_type", string(oauth.TokenTypeRefreshToken)), as(c)),
		http.StatusBadRequest, "invalid_request")
	if beyond := c.scopes.Without(sub.granted); len(beyond) > 0 {
		r := h.post(t, "oauth-token", h.exchangeRequest(sub.AccessToken, "", "scope", append(sub.granted, beyond[0]).String()), as(c))
		wantError(t, "RFC 8693 §2.1, RFC 6749 §3.3 (a scope beyond the subject token's)", r, http.StatusBadRequest, "invalid_scope")
	}
	// The refusals issued nothing the subject token did not already have.
	if _, ok, err := h.srv.AccessTokenActive(context.Background(), runtime.Secret(sub.AccessToken)); err != nil || !ok {
		t.Errorf("the subject token is no longer active after refused exchanges (err %v)", err)
	}
}
