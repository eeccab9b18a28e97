package generated

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/oauthgen/oauthgen/runtime"
)

// The flow openid-userinfo through the generated userInfoFlow and the
// procedure in user_info.go, with tokens from the generated authorization
// code flow (authorize_test.go).

// userInfoPath is the spec's userinfo endpoint.
const userInfoPath = "/oauth2/userinfo"

// bearerRealm is the challenge of the userinfo endpoint (RFC 6750 §3).
const bearerRealm = `Bearer realm="` + specIssuer + `"`

// rpTokens gets rp's tokens for scope from a browser in which alice is
// signed in and has approved it (signedIn): the authorization request
// needs no page, and the code is redeemed at once.
func (e *env) rpTokens(t testing.TB, b *browser, scope string) tokenResp {
	t.Helper()
	code := wantCode(t, b.authorizeNow(http.MethodGet, authQuery("scope", scope)), rpState)
	return wantToken(t, e.redeemRP(t, code))
}

// bearer is the Authorization header of a bearer token (RFC 6750 §2.1).
func bearer(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

// userInfoGet calls the userinfo endpoint by GET with the token in the header.
func (e *env) userInfoGet(t testing.TB, tok string) result {
	t.Helper()
	return e.do(t, call{method: http.MethodGet, path: userInfoPath, ctype: "-", header: bearer(tok)})
}

// wantUserInfo checks a successful userinfo response (OIDC Core §5.3.2):
// 200, JSON, not cached, and returns its members.
func wantUserInfo(t testing.TB, r result) map[string]any {
	t.Helper()
	m := wantNoStore(t, r)         // no-store on the userinfo endpoint
	if r.status != http.StatusOK { // OIDC Core §5.3.2
		t.Fatalf("status %d, want 200; body %s; WWW-Authenticate %q", r.status, r.raw, r.header.Values("WWW-Authenticate"))
	}
	return m
}

// wantBearerError checks an error of the userinfo endpoint (RFC 6750 §3.1):
// status, JSON error code, no-store, and one Bearer challenge with the realm
// and the same error code.
func wantBearerError(t testing.TB, r result, status int, code oauth.ErrorCode) {
	t.Helper()
	m := wantNoStore(t, r)                                // no-store, errors included
	if r.status != status || m["error"] != string(code) { // RFC 6750 §3.1: the code and its status
		t.Fatalf("got %d %v, want %d %s; body %s", r.status, m["error"], status, code, r.raw)
	}
	wa := r.header.Values("WWW-Authenticate")
	// RFC 6750 §3: the challenge names the realm and the error.
	if len(wa) != 1 || !strings.HasPrefix(wa[0], bearerRealm+`, error="`+string(code)+`"`) {
		t.Errorf("WWW-Authenticate = %q, want one %s challenge with error=%q", wa, bearerRealm, code)
	}
	// RFC 6750 §3: insufficient_scope may name the scope needed.
	if code == oauth.ErrInsufficientScope && (len(wa) != 1 || !strings.Contains(wa[0], `scope="openid"`)) {
		t.Errorf("WWW-Authenticate = %q, want scope=\"openid\"", wa)
	}
}

// TestUserInfoClaimsByScope: the response has sub, the standard claims of
// the scopes granted and nothing else (OIDC Core §5.4), plus the
// procedure's documents claim when read was granted (user_info.go); sub is
// the ID token's.
func TestUserInfoClaimsByScope(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signedIn(t)
	profile := map[string]any{"name": "Alice Example", "given_name": "Alice", "family_name": "Example", "preferred_username": "alice"}
	email := map[string]any{"email": "alice@example.com", "email_verified": true}
	documents := map[string]any{"documents": documentsBase + aliceSub}
	tests := []struct {
		scope string
		want  []map[string]any // merged with sub
	}{
		{"openid", nil}, // OIDC Core §5.3.2: sub only
		{"openid profile", []map[string]any{profile}}, // OIDC Core §5.4 profile
		{"openid email", []map[string]any{email}},     // OIDC Core §5.4 email
		{"openid read", []map[string]any{documents}},  // user_info.go: gated by read
		{rpScope, []map[string]any{profile, email, documents}},
	}
	for _, tt := range tests {
		t.Run(tt.scope, func(t *testing.T) {
			tok := e.rpTokens(t, b, tt.scope)
			got := wantUserInfo(t, e.userInfoGet(t, tok.AccessToken))
			want := map[string]any{"sub": aliceSub}
			for _, part := range tt.want {
				for k, v := range part {
					want[k] = v
				}
			}
			if !reflect.DeepEqual(got, want) { // OIDC Core §5.4: the claims the scope grants, no more (phone is alice's too)
				gotJSON, _ := json.Marshal(got)
				wantJSON, _ := json.Marshal(want)
				t.Errorf("userinfo\n got %s\nwant %s", gotJSON, wantJSON)
			}
			raw, _ := tok.Raw["id_token"].(string)
			if id := e.verifyIDToken(t, raw, rpNonce); id["sub"] != got["sub"] { // OIDC Core §5.3.2: sub MUST match the ID token's
				t.Errorf("userinfo sub %v, ID token sub %v", got["sub"], id["sub"])
			}
		})
	}
}

// TestUserInfoTokenMethods: the token is accepted in the Authorization
// header of a GET or a POST, with the scheme in any case, and in the form
// body of a POST (RFC 6750 §2.1, §2.2; OIDC Core §5.3.1).
func TestUserInfoTokenMethods(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.rpTokens(t, e.signedIn(t), "openid email").AccessToken
	tests := []struct {
		name string
		c    call
	}{
		{"get header", call{method: http.MethodGet, path: userInfoPath, ctype: "-", header: bearer(tok)}},                                      // RFC 6750 §2.1
		{"post header", call{path: userInfoPath, ctype: "-", header: bearer(tok)}},                                                             // OIDC Core §5.3.1
		{"post form", call{path: userInfoPath, body: form("access_token", tok)}},                                                               // RFC 6750 §2.2
		{"scheme case", call{method: http.MethodGet, path: userInfoPath, ctype: "-", header: http.Header{"Authorization": {"bEaReR " + tok}}}}, // RFC 9110 §11.1
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wantUserInfo(t, e.do(t, tt.c))
			if got["sub"] != aliceSub || got["email"] != "alice@example.com" { // OIDC Core §5.3.2
				t.Errorf("userinfo %v", got)
			}
		})
	}
}

// TestUserInfoErrors: every way to fail at the userinfo endpoint (RFC 6750
// §3.1; OIDC Core §5.3.3): no token is a bare challenge; a token that is not
// an active access token of a user is 401 invalid_token; one without openid
// is 403 insufficient_scope; a request that breaks RFC 6750 §2 is 400
// invalid_request.
func TestUserInfoErrors(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signedIn(t)
	oidc := e.rpTokens(t, b, "openid offline_access")
	idToken, _ := oidc.Raw["id_token"].(string)
	if idToken == "" || oidc.RefreshToken == "" { // OIDC Core §3.1.3.3, §11
		t.Fatalf("want an ID token and a refresh token: %v", oidc.Raw)
	}
	noOpenID := e.rpTokens(t, b, "read").AccessToken
	// A code issued to rp for a subject the user store does not know.
	ghost := wantToken(t, e.redeemRP(t, e.code(t, runtime.AuthorizationCode{
		ClientID: rpID, RedirectURI: rpRedirect, RedirectURIProvided: true, Scope: oauth.ScopeSet{"openid"},
		CodeChallenge: oauth.S256Challenge(verifier), CodeChallengeMethod: oauth.PKCEMethodS256,
		Authentication: runtime.Authentication{Subject: "user-gone", AuthTime: testStart},
	}))).AccessToken
	// A code redeemed twice: the replay revokes the first access token (RFC 6749 §4.1.2).
	code := wantCode(t, b.authorizeNow(http.MethodGet, authQuery("scope", "openid")), rpState)
	revoked := wantToken(t, e.redeemRP(t, code)).AccessToken
	wantError(t, e.redeemRP(t, code), http.StatusBadRequest, oauth.ErrInvalidGrant, "")

	get := func(h http.Header) call {
		return call{method: http.MethodGet, path: userInfoPath, ctype: "-", header: h}
	}
	tests := []struct {
		name   string
		c      call
		status int
		code   oauth.ErrorCode
	}{
		{"unknown token", get(bearer("not-a-token")), http.StatusUnauthorized, oauth.ErrInvalidToken},           // RFC 6750 §3.1
		{"tampered token", get(bearer(oidc.AccessToken + "x")), http.StatusUnauthorized, oauth.ErrInvalidToken}, // RFC 6750 §3.1
		{"id token", get(bearer(idToken)), http.StatusUnauthorized, oauth.ErrInvalidToken},                      // RFC 8725 §3.12; RFC 9068 §4: not an access token
		{"refresh token", get(bearer(oidc.RefreshToken)), http.StatusUnauthorized, oauth.ErrInvalidToken},       // RFC 6750 §3.1: not an access token
		{"revoked by code replay", get(bearer(revoked)), http.StatusUnauthorized, oauth.ErrInvalidToken},        // RFC 6749 §4.1.2
		{"user no longer exists", get(bearer(ghost)), http.StatusUnauthorized, oauth.ErrInvalidToken},           // RFC 6750 §3.1
		{"invalid token in the form", call{path: userInfoPath, body: form("access_token", "not-a-token")},
			http.StatusUnauthorized, oauth.ErrInvalidToken}, // RFC 6750 §2.2, §3.1
		{"no openid", get(bearer(noOpenID)), http.StatusForbidden, oauth.ErrInsufficientScope}, // OIDC Core §5.3; RFC 6750 §3.1
		{"no openid in the form", call{path: userInfoPath, body: form("access_token", noOpenID)},
			http.StatusForbidden, oauth.ErrInsufficientScope}, // RFC 6750 §3.1
		{"token in the query", call{method: http.MethodGet, path: userInfoPath, ctype: "-", query: "access_token=" + url.QueryEscape(oidc.AccessToken)},
			http.StatusBadRequest, oauth.ErrInvalidRequest}, // RFC 6750 §2.3 not accepted
		{"header and form", call{path: userInfoPath, header: bearer(oidc.AccessToken), body: form("access_token", oidc.AccessToken)},
			http.StatusBadRequest, oauth.ErrInvalidRequest}, // RFC 6750 §2: one method only
		{"malformed bearer", get(http.Header{"Authorization": {"Bearer a b"}}), http.StatusBadRequest, oauth.ErrInvalidRequest}, // RFC 6750 §2.1 b64token
		{"repeated authorization", get(http.Header{"Authorization": {"Bearer " + oidc.AccessToken, "Bearer " + oidc.AccessToken}}),
			http.StatusBadRequest, oauth.ErrInvalidRequest}, // RFC 6750 §3.1
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantBearerError(t, e.do(t, tt.c), tt.status, tt.code)
		})
	}

	// RFC 6750 §3.1: a request without a token gets a bare challenge, no error code.
	bare := []struct {
		name string
		c    call
	}{
		{"get", get(nil)},
		{"post empty form", call{path: userInfoPath}},
		{"another scheme", get(http.Header{"Authorization": {basicAuth(rpID, rpSecret)}})},
	}
	for _, tt := range bare {
		t.Run("no token "+tt.name, func(t *testing.T) {
			r := e.do(t, tt.c)
			wa := r.header.Values("WWW-Authenticate")
			if r.status != http.StatusUnauthorized || len(wa) != 1 || wa[0] != bearerRealm { // RFC 6750 §3.1
				t.Errorf("%d WWW-Authenticate %q, want 401 %q", r.status, wa, bearerRealm)
			}
			if len(r.raw) != 0 || r.header.Get("Cache-Control") != "no-store" { // RFC 6750 §3.1: no error information; no-store
				t.Errorf("body %q Cache-Control %q, want empty and no-store", r.raw, r.header.Get("Cache-Control"))
			}
		})
	}

	// OIDC Core §5.3.1: GET and POST only.
	r := e.do(t, call{method: http.MethodPut, path: userInfoPath, ctype: "-", header: bearer(oidc.AccessToken)})
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, POST" { // RFC 9110 §15.5.6
		t.Errorf("PUT: %d Allow %q, want 405 \"GET, POST\"", r.status, r.header.Get("Allow"))
	}
	// The failures changed nothing: the token still works.
	wantUserInfo(t, e.userInfoGet(t, oidc.AccessToken))
}

// TestUserInfoExpiredToken: an access token past its exp is invalid_token
// (RFC 6750 §3.1); the spec's access tokens live 10 minutes.
func TestUserInfoExpiredToken(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.rpTokens(t, e.signedIn(t), "openid").AccessToken
	e.clock.Advance(10*time.Minute - time.Second)
	wantUserInfo(t, e.userInfoGet(t, tok)) // still within access_token_ttl
	e.clock.Advance(2 * time.Second)
	wantBearerError(t, e.userInfoGet(t, tok), http.StatusUnauthorized, oauth.ErrInvalidToken) // RFC 6750 §3.1
}

// TestUserInfoOtherUser: the claims are those of the token's user: bob,
// who has a name and no email, gets his sub and name only, whatever the
// scope (OIDC Core §5.3.2: absent claims are omitted, not null or empty).
func TestUserInfoOtherUser(t *testing.T) {
	e := newEnv(t, nil)
	code := wantCode(t, e.browser(t).signInAs(http.MethodGet, authQuery("scope", "openid profile email"), bobUser, bobPassword), rpState)
	tok := wantToken(t, e.redeemRP(t, code))
	got := wantUserInfo(t, e.userInfoGet(t, tok.AccessToken))
	if want := map[string]any{"sub": bobSub, "name": "Bob"}; !reflect.DeepEqual(got, want) { // OIDC Core §5.3.2, §5.4
		t.Errorf("userinfo %v, want %v", got, want)
	}
}
