package contract

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The checks of the password flow (RFC 6749 §4.3), which RFC 9700 §2.4
// says MUST NOT be used, for a spec that enables it anyway.

// passwordFlow reports whether the password flow is enabled and a
// confidential client and a user can run it.
func (h *harness) passwordFlow() bool {
	_, ok := h.flow(flowkit.PasswordCredential)
	return ok && len(h.confidential) > 0 && h.username != "" && len(h.userScope()) > 0
}

// passwordRequest is a password grant request of username and password
// for scope.
func (h *harness) passwordRequest(username, password string, scope oauth.ScopeSet) url.Values {
	wire, _ := h.flow(flowkit.PasswordCredential)
	form := url.Values{"grant_type": {wire}, "username": {username}, "password": {password}}
	if len(scope) > 0 {
		form.Set("scope", scope.String())
	}
	return h.withValues(flowIDOf(h, wire), form)
}

// flowIDOf is the flow type id of the token flow with the wire.
func flowIDOf(h *harness, wire string) string {
	for _, reg := range h.suite.Flows.Token {
		if reg.Wire == wire {
			return reg.ID
		}
	}
	return ""
}

// checkPasswordTokens: the tokens of a password grant are the end user's
// (RFC 6749 §4.3.3): the access token's sub is the user's subject, the
// response is JSON that no cache keeps, and with openid granted the ID
// token is the user's, for the client, without a nonce (none was sent).
func checkPasswordTokens(t *testing.T, h *harness) {
	c := h.confidential[0]
	scope := h.userScope()
	r := h.post(t, "oauth-token", h.passwordRequest(h.username, h.password, scope), as(c))
	tk := wantTokens(t, h, "RFC 6749 §4.3.3", r, grant{client: c, requested: scope, subject: h.subject})
	openid := h.srv.Settings().OpenID() && tk.granted.Contains(oauth.ScopeOpenID)
	switch {
	case !openid && tk.IDToken != "":
		t.Errorf("OIDC Core §3.1.3.3: the password grant returned an ID token without the openid scope")
	case openid && tk.IDToken == "":
		t.Fatalf("OIDC Core §3.1.3.3: the password grant was granted openid but the response has no id_token")
	case openid:
		id := idTokenClaims(t, tk.IDToken)
		if id.Sub != h.subject || id.Sub == "" {
			t.Errorf("OIDC Core §2: the password grant's ID token's sub is %q, want the user's, %q", id.Sub, h.subject)
		}
		if !slices.Contains(id.aud, c.id) {
			t.Errorf("OIDC Core §2: the password grant's ID token's aud %q does not contain the client, %s", id.aud, c.id)
		}
		if id.Iss != h.issuer {
			t.Errorf("OIDC Core §2: the password grant's ID token's iss is %q, want %q", id.Iss, h.issuer)
		}
		if id.Nonce != "" {
			t.Errorf("OIDC Core §3.1.3.7: the password grant's ID token has a nonce, %q, which no request sent", id.Nonce)
		}
	}
}

// checkPasswordWrongCredentials: a wrong password and an unknown user are
// the same invalid_grant (RFC 6749 §5.2), as JSON that no cache keeps, so
// the answer tells no one which accounts exist.
func checkPasswordWrongCredentials(t *testing.T, h *harness) {
	c := h.confidential[0]
	scope := h.userScope()
	wrong := wantError(t, "RFC 6749 §5.2 (a wrong password)", h.post(t, "oauth-token", h.passwordRequest(h.username, h.password+"x", scope), as(c)), http.StatusBadRequest, "invalid_grant")
	unknown := wantError(t, "RFC 6749 §5.2 (an unknown user)", h.post(t, "oauth-token", h.passwordRequest("contract-nobody-"+randomString()[:8], h.password, scope), as(c)), http.StatusBadRequest, "invalid_grant")
	if wrong != unknown {
		t.Errorf("RFC 6749 §5.2: a wrong password is answered %+v and an unknown user %+v; the answers tell which accounts exist", wrong, unknown)
	}
}

// idToken is what the checks read of an ID token.
type idToken struct {
	Iss   string          `json:"iss"`
	Sub   string          `json:"sub"`
	Aud   json.RawMessage `json:"aud"`
	Nonce string          `json:"nonce"`
	aud   []string
}

// idTokenClaims reads the claims of an ID token of the server under test,
// without verifying it (the server's own signature is checked elsewhere).
func idTokenClaims(t *testing.T, raw string) idToken {
	t.Helper()
	var id idToken
	parts := strings.Split(raw, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[min(1, len(parts)-1)])
	if len(parts) != 3 || err != nil || json.Unmarshal(payload, &id) != nil {
		t.Fatalf("OIDC Core §2: the id_token is not a JWT: %.100s", raw)
	}
	if json.Unmarshal(id.Aud, &id.aud) != nil {
		var one string
		_ = json.Unmarshal(id.Aud, &one)
		id.aud = []string{one}
	}
	return id
}
