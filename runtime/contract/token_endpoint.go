package contract

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// anyGrant is a grant type the suite's clients may use, for the checks
// that fail before the grant matters.
func (h *harness) anyGrant() string {
	if h.clientCredentials() {
		return string(oauth.GrantClientCredentials)
	}
	return h.suite.Flows.Token[0].Wire
}

// checkTokenEndpointErrors: a request the token endpoint cannot serve is
// the RFC 6749 §5.2 error that says why.
func checkTokenEndpointErrors(t *testing.T, h *harness) {
	var a auth
	if len(h.confidential) > 0 {
		a = as(h.confidential[0])
	}
	wantError(t, "RFC 6749 §5.2 (unsupported_grant_type)", h.post(t, "oauth-token", url.Values{"grant_type": {"urn:contract:unknown"}}, a), http.StatusBadRequest, "unsupported_grant_type")
	wantError(t, "RFC 6749 §5.2 (grant_type is required)", h.post(t, "oauth-token", url.Values{}, a), http.StatusBadRequest, "invalid_request")
	repeated := url.Values{"grant_type": {h.anyGrant(), h.anyGrant()}}
	wantError(t, "RFC 6749 §3.2 (parameters must not be repeated)", h.post(t, "oauth-token", repeated, a), http.StatusBadRequest, "invalid_request")
	r := h.get(t, h.url("oauth-token"), "")
	if r.status == http.StatusOK {
		t.Errorf("RFC 6749 §3.2: GET at the token endpoint answered 200, want a refusal (POST only)")
	}
}

// checkClientAuthentication: a client that does not authenticate, or
// authenticates wrongly, gets invalid_client; with the Authorization
// header, 401 and a challenge (RFC 6749 §5.2, §2.3.1).
func checkClientAuthentication(t *testing.T, h *harness) {
	form := url.Values{"grant_type": {h.anyGrant()}}
	for _, c := range h.confidential {
		t.Run(string(c.method), func(t *testing.T) {
			r := h.post(t, "oauth-token", form, auth{c: c, secret: "wrong-" + c.secret})
			status := http.StatusBadRequest
			if c.method == oauth.AuthClientSecretBasic {
				status = http.StatusUnauthorized
			}
			if r.status == http.StatusUnauthorized {
				status = http.StatusUnauthorized // §5.2: 401 is allowed for every method
			}
			wantError(t, "RFC 6749 §5.2 (a wrong secret)", r, status, "invalid_client")
			if r.status == http.StatusUnauthorized && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Basic") {
				t.Errorf("RFC 6749 §5.2: the 401 has WWW-Authenticate %q, want the Basic challenge", r.header.Get("WWW-Authenticate"))
			}
			// Only the client's registered method authenticates it.
			other := oauth.AuthClientSecretPost
			if c.method == oauth.AuthClientSecretPost {
				other = oauth.AuthClientSecretBasic
			}
			r = h.post(t, "oauth-token", form, auth{c: c, method: other})
			if r.status != http.StatusUnauthorized {
				wantError(t, "OIDC Registration §2 (the client's token_endpoint_auth_method only)", r, http.StatusBadRequest, "invalid_client")
			} else {
				wantError(t, "OIDC Registration §2 (the client's token_endpoint_auth_method only)", r, http.StatusUnauthorized, "invalid_client")
			}
		})
	}
	t.Run("no_credentials", func(t *testing.T) {
		r := h.post(t, "oauth-token", form, auth{c: h.other, method: oauth.AuthNone})
		if r.status != http.StatusUnauthorized {
			wantError(t, "RFC 6749 §3.2.1 (a confidential client must authenticate)", r, http.StatusBadRequest, "invalid_client")
		} else {
			wantError(t, "RFC 6749 §3.2.1 (a confidential client must authenticate)", r, http.StatusUnauthorized, "invalid_client")
		}
	})
	t.Run("unknown_client", func(t *testing.T) {
		r := h.post(t, "oauth-token", form, auth{c: &client{id: "contract-unknown", secret: "x", method: oauth.AuthClientSecretBasic}})
		wantError(t, "RFC 6749 §5.2 (an unknown client)", r, http.StatusUnauthorized, "invalid_client")
	})
}

// checkClientCredentials: every confidential client gets a token for
// itself, with no refresh token, by each authentication method
// (RFC 6749 §4.4.3).
func checkClientCredentials(t *testing.T, h *harness) {
	var scope oauth.ScopeSet
	if p := plainScopes(h.allowed); len(p) > 0 {
		scope = p[:1]
	}
	for _, c := range h.confidential {
		t.Run(string(c.method), func(t *testing.T) {
			form := h.withValues("oauth-token-client-credentials", url.Values{"grant_type": {"client_credentials"}})
			if len(scope) > 0 {
				form.Set("scope", scope.String())
			}
			tk := wantTokens(t, h, "RFC 6749 §4.4.3", h.post(t, "oauth-token", form, as(c)), grant{client: c, requested: scope})
			if tk.RefreshToken != "" {
				t.Errorf("RFC 6749 §4.4.3: the client_credentials response has a refresh token (it should not)")
			}
			if tk.IDToken != "" {
				t.Errorf("OIDC Core §3.1.3.3: the client_credentials response has an ID token, with no end user")
			}
		})
	}
}

// checkClientCredentialsScope: a scope the client may not have is
// invalid_scope, and no token carries it (RFC 6749 §3.3, §5.2).
func checkClientCredentialsScope(t *testing.T, h *harness) {
	c := h.confidential[0]
	form := h.withValues("oauth-token-client-credentials", url.Values{"grant_type": {"client_credentials"}, "scope": {h.withheld}})
	wantError(t, "RFC 6749 §3.3 (a scope the client may not have)", h.post(t, "oauth-token", form, as(c)), http.StatusBadRequest, "invalid_scope")
}

// plainScopes are the scopes without the OpenID Connect ones.
func plainScopes(s oauth.ScopeSet) oauth.ScopeSet {
	var out oauth.ScopeSet
	for _, sc := range s {
		if !userOnlyScope(sc) {
			out = append(out, sc)
		}
	}
	return out
}
