package contract

import (
	"crypto/ecdsa"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The checks of the JWT bearer grant (RFC 7523 §2.1). The suite cannot
// sign as the spec's trusted issuers, so it trusts an issuer of its own in
// their place: the checks are of what the procedure does with a verified
// assertion, and of the runtime's refusals, not of the spec's keys.

// contractIssuer is the iss of the assertions the suite signs.
const contractIssuer = "https://issuer.contract.test"

// assertionSubject is the sub of the assertions the suite signs.
const assertionSubject = "contract-assertion-subject"

// trustOwnIssuer replaces the trusted issuers of every JWT bearer flow of
// flows with the suite's, whose key it returns (nil without such a flow).
func trustOwnIssuer(t *testing.T, flows *runtime.Flows) *ecdsa.PrivateKey {
	i := slices.IndexFunc(flows.Token, func(r runtime.Registration[runtime.TokenContext, runtime.TokenResponse]) bool {
		return r.Grant.Credential == flowkit.AssertionCredential
	})
	if i < 0 {
		return nil
	}
	key := newKey(t)
	flows.Token = slices.Clone(flows.Token)
	flows.Token[i].TrustedIssuers = []flowkit.TrustedIssuer{{Issuer: contractIssuer, JWKS: publicJWKS(t, key)}}
	return key
}

// jwtBearerFlow reports whether a JWT bearer flow is enabled and a
// confidential client can use it.
func (h *harness) jwtBearerFlow() bool {
	_, ok := h.flow(flowkit.AssertionCredential)
	return ok && h.issuerKey != nil && len(h.confidential) > 0
}

// bearerAssertion is an assertion of the suite's issuer about sub, for
// the server, good for five minutes, with a fresh jti, signed by key.
func (h *harness) bearerAssertion(t *testing.T, key *ecdsa.PrivateKey, sub string) string {
	t.Helper()
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
		"iss": contractIssuer, "sub": sub, "aud": h.issuer, "jti": randomString(),
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
	})
	tok.Header["kid"] = "contract"
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("contract: sign an assertion: %v", err)
	}
	return s
}

// bearerRequest is a JWT bearer grant request of assertion for scope.
func (h *harness) bearerRequest(assertion string, scope oauth.ScopeSet) url.Values {
	wire, _ := h.flow(flowkit.AssertionCredential)
	form := url.Values{"grant_type": {wire}, "assertion": {assertion}}
	if len(scope) > 0 {
		form.Set("scope", scope.String())
	}
	return h.withValues(flowIDOf(h, wire), form)
}

// checkJWTBearerTokens: the tokens of a JWT bearer grant are the
// assertion's subject's (RFC 7523 §3: "the subject ... of the access
// token"): the access token's sub is the assertion's sub, the scope within
// the request and the client's, and with openid granted the ID token is
// that subject's, for the client.
func checkJWTBearerTokens(t *testing.T, h *harness) {
	c := h.confidential[0]
	scope := h.userScope()
	r := h.post(t, "oauth-token", h.bearerRequest(h.bearerAssertion(t, h.issuerKey, assertionSubject), scope), as(c))
	tk := wantTokens(t, h, "RFC 7523 §3", r, grant{client: c, requested: scope, subject: assertionSubject})
	if tk.IDToken != "" {
		id := idTokenClaims(t, tk.IDToken)
		if id.Sub != assertionSubject {
			t.Errorf("OIDC Core §2, RFC 7523 §3: the JWT bearer grant's ID token's sub is %q, want the assertion's, %q", id.Sub, assertionSubject)
		}
		if !slices.Contains(id.aud, c.id) {
			t.Errorf("OIDC Core §2: the JWT bearer grant's ID token's aud %q does not contain the client, %s", id.aud, c.id)
		}
	}
}

// checkJWTBearerRefusals: an assertion signed by a key the issuer does not
// hold, and one presented a second time, are invalid_grant (RFC 7523 §3.1,
// §3 item 7), as JSON that no cache keeps.
func checkJWTBearerRefusals(t *testing.T, h *harness) {
	c := h.confidential[0]
	forged := h.bearerAssertion(t, newKey(t), assertionSubject)
	wantError(t, "RFC 7523 §3.1 (a signature the issuer's keys do not verify)",
		h.post(t, "oauth-token", h.bearerRequest(forged, h.userScope()), as(c)), http.StatusBadRequest, "invalid_grant")
	once := h.bearerAssertion(t, h.issuerKey, assertionSubject)
	if r := h.post(t, "oauth-token", h.bearerRequest(once, h.userScope()), as(c)); r.status != http.StatusOK {
		t.Fatalf("RFC 7523 §2.1: a valid assertion was answered %d: %.300s", r.status, r.body)
	}
	wantError(t, "RFC 7523 §3 (a jti used before)",
		h.post(t, "oauth-token", h.bearerRequest(once, h.userScope()), as(c)), http.StatusBadRequest, "invalid_grant")
}
