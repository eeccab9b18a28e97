package generated

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The flow oauth-token-password (RFC 6749 §4.3) through the generated
// passwordFlow and the unedited stub in password.go. RFC 9700 §2.4 says the
// grant MUST NOT be used; the reference spec enables it so that it is
// tested, and oauthgen warns about it (OG170).

// mobile are the Basic credentials of the confidential password client.
var mobile = creds(mobileID, mobileSecret)

// passwordGrant sends grant_type=password for mobile with kv added.
func (e *env) passwordGrant(t testing.TB, kv ...string) result {
	t.Helper()
	return e.token(t, mobile, append([]string{"grant_type", "password"}, kv...)...)
}

// TestPasswordTokens: the tokens are the end user's, not the client's: sub
// is alice's subject, the access token records how and when she
// authenticated (auth_time, amr pwd: RFC 9068 §2.2.1, RFC 8176 §2), and a
// refresh token (the refresh flow is enabled and mobile may use it) keeps
// her as the subject.
func TestPasswordTokens(t *testing.T) {
	e := newEnv(t, nil)
	tok := wantToken(t, e.passwordGrant(t, "username", aliceUser, "password", alicePassword, "scope", "read write"))
	if tok.Scope != "read write" || tok.ExpiresIn != 600 {
		t.Errorf("scope %q, expires_in %d; want read write, 600", tok.Scope, tok.ExpiresIn)
	}
	if tok.RefreshToken == "" {
		t.Fatal("no refresh_token, although the refresh flow is enabled and mobile is registered for it")
	}
	if _, ok := tok.Raw["id_token"]; ok {
		t.Error("id_token without openid")
	}
	_, c := e.verifyAccessJWT(t, tok.AccessToken)
	if c["sub"] != aliceSub || c["client_id"] != mobileID || c["scope"] != "read write" {
		t.Errorf("sub %v, client_id %v, scope %v; want %s, %s, read write", c["sub"], c["client_id"], c["scope"], aliceSub, mobileID)
	}
	if numClaim(c, "auth_time") != numClaim(c, "iat") || !reflect.DeepEqual(c["amr"], []any{"pwd"}) {
		t.Errorf("auth_time %v (iat %v), amr %v; want the request's instant and [pwd]", c["auth_time"], c["iat"], c["amr"])
	}
	if c["aud"] != "https://api.example" {
		t.Errorf("aud %v, want mobile's audience", c["aud"])
	}

	// Without a scope parameter: the client's default scopes (RFC 6749 §3.3).
	if tok := wantToken(t, e.passwordGrant(t, "username", bobUser, "password", bobPassword)); tok.Scope != "read" {
		t.Errorf("default scope %q, want read", tok.Scope)
	}

	// The refresh token continues alice's grant.
	e.clock.Advance(time.Minute)
	next := wantToken(t, e.token(t, mobile, "grant_type", "refresh_token", "refresh_token", tok.RefreshToken))
	if _, c := e.verifyAccessJWT(t, next.AccessToken); c["sub"] != aliceSub || numClaim(c, "auth_time") == numClaim(c, "iat") {
		t.Errorf("refreshed sub %v, auth_time %v, iat %v; want alice's, at the sign-in", c["sub"], c["auth_time"], c["iat"])
	}
}

// TestPasswordOpenID: with openid granted the response carries an ID token
// of the user (OIDC Core §3.1.3.3): sub, auth_time, amr pwd, aud the client,
// no nonce (none was sent); the access token reaches userinfo; a refresh
// token only with offline_access, which the spec declares (OIDC Core §11).
func TestPasswordOpenID(t *testing.T) {
	e := newEnv(t, nil)
	tok := wantToken(t, e.passwordGrant(t, "username", aliceUser, "password", alicePassword, "scope", "openid profile email"))
	if tok.RefreshToken != "" {
		t.Error("refresh_token without offline_access, which the spec declares")
	}
	idt, _ := tok.Raw["id_token"].(string)
	c := e.idTokenClaims(t, idt, mobileID)
	if c["sub"] != aliceSub || c["azp"] != mobileID || !reflect.DeepEqual(c["amr"], []any{"pwd"}) || numClaim(c, "auth_time") == "" {
		t.Errorf("ID token sub %v, azp %v, amr %v, auth_time %v", c["sub"], c["azp"], c["amr"], c["auth_time"])
	}
	if _, ok := c["nonce"]; ok {
		t.Errorf("nonce %v in an ID token of a request that sent none", c["nonce"])
	}
	if got, want := c["at_hash"], atHash(tok.AccessToken); got != want {
		t.Errorf("at_hash %v, want %s", got, want)
	}
	info := wantUserInfo(t, e.userInfoGet(t, tok.AccessToken))
	if info["sub"] != aliceSub || info["name"] != "Alice Example" || info["email"] != "alice@example.com" {
		t.Errorf("userinfo %v, want alice's profile and email", info)
	}

	off := wantToken(t, e.passwordGrant(t, "username", aliceUser, "password", alicePassword, "scope", "openid offline_access"))
	if off.RefreshToken == "" {
		t.Error("no refresh_token with offline_access granted")
	}
}

// TestPasswordErrors: every error path, each on a fresh server. The client
// is authenticated first, then the grant type, scope and resources are
// checked, then the user; wrong credentials are invalid_grant whatever is
// wrong (RFC 6749 §5.2).
func TestPasswordErrors(t *testing.T) {
	pw := func(kv ...string) string { return form(append([]string{"grant_type", "password"}, kv...)...) }
	alice := []string{"username", aliceUser, "password", alicePassword}
	tests := []struct {
		name   string
		c      call
		status int
		code   oauth.ErrorCode
		desc   string
	}{
		{"username missing", call{body: pw("password", alicePassword), basic: mobile}, 400, oauth.ErrInvalidRequest, "'username' is missing"},
		{"username empty", call{body: pw("username", "", "password", alicePassword), basic: mobile}, 400, oauth.ErrInvalidRequest, "'username' is missing"},
		{"password missing", call{body: pw("username", aliceUser), basic: mobile}, 400, oauth.ErrInvalidRequest, "'password' is missing"},
		{"password empty", call{body: pw("username", aliceUser, "password", ""), basic: mobile}, 400, oauth.ErrInvalidRequest, "'password' is missing"},
		{"username repeated", call{body: pw(append(alice, "username", bobUser)...), basic: mobile}, 400, oauth.ErrInvalidRequest, "'username' is repeated"},
		{"password repeated", call{body: pw(append(alice, "password", "x")...), basic: mobile}, 400, oauth.ErrInvalidRequest, "'password' is repeated"},
		{"wrong password", call{body: pw("username", aliceUser, "password", bobPassword), basic: mobile}, 400, oauth.ErrInvalidGrant, "username or password is incorrect"},
		{"unknown user", call{body: pw("username", "mallory", "password", alicePassword), basic: mobile}, 400, oauth.ErrInvalidGrant, "username or password is incorrect"},
		{"username is case-sensitive", call{body: pw("username", "Alice", "password", alicePassword), basic: mobile}, 400, oauth.ErrInvalidGrant, "username or password is incorrect"},
		{"wrong client secret", call{body: pw(alice...), basic: creds(mobileID, "nope")}, 401, oauth.ErrInvalidClient, "authentication failed"},
		{"client not registered for the grant", call{body: pw(alice...), basic: creds(svcID, svcSecret)}, 400, oauth.ErrUnauthorizedClient, "not registered for this grant type"},
		{"public client", call{body: pw(append(alice, "client_id", kioskID)...)}, 400, oauth.ErrInvalidClient, "public clients cannot use this grant type"},
		{"scope not allowed", call{body: pw(append(alice, "scope", "read admin")...), basic: mobile}, 400, oauth.ErrInvalidScope, "'admin' is not allowed"},
		{"scope malformed", call{body: pw(append(alice, "scope", `read "x"`)...), basic: mobile}, 400, oauth.ErrInvalidScope, "malformed"},
		{"resource not allowed", call{body: pw(append(alice, "resource", "https://other.example")...), basic: mobile}, 400, oauth.ErrInvalidTarget, "not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			r := e.do(t, tc.c)
			wantError(t, r, tc.status, tc.code, tc.desc)
			if strings.Contains(string(r.raw), alicePassword) || strings.Contains(e.logs.String(), alicePassword) {
				t.Error("the password is in the response or the log")
			}
		})
	}
}

// passwordAttempt is the answer to one password attempt, as a client sees
// it: the status, the body and Retry-After.
type passwordAttempt struct {
	status     int
	body       string
	retryAfter string
}

func (e *env) passwordAttempt(t testing.TB, username, password string) passwordAttempt {
	t.Helper()
	r := e.passwordGrant(t, "username", username, "password", password)
	wantNoStore(t, r)
	return passwordAttempt{r.status, string(r.raw), r.header.Get("Retry-After")}
}

// TestPasswordThrottle: failures are throttled as on the login page
// (docs/throttling.md): three free per username and source, then a
// progressive delay during which even the right password is refused, 429
// invalid_grant with Retry-After and no password check; an unknown user
// gets exactly the same answers, so the throttle tells no one which
// accounts exist; once the wait is over the right password works and clears
// the pair's failures.
func TestPasswordThrottle(t *testing.T) {
	e := newEnv(t, nil)
	wrong := passwordAttempt{400, `{"error":"invalid_grant","error_description":"the username or password is incorrect"}`, ""}
	throttled := passwordAttempt{429, `{"error":"invalid_grant","error_description":"too many failed sign-in attempts; try again later"}`, "1"}
	for _, user := range []string{aliceUser, "mallory"} {
		for i := range 4 {
			if got := e.passwordAttempt(t, user, "wrong-"+user); got != wrong {
				t.Fatalf("%s: failure %d: %+v, want %+v", user, i+1, got, wrong)
			}
		}
		if got := e.passwordAttempt(t, user, "wrong-"+user); got != throttled {
			t.Fatalf("%s: fifth attempt at once: %+v, want %+v", user, got, throttled)
		}
	}
	if got := e.passwordAttempt(t, aliceUser, alicePassword); got != throttled {
		t.Fatalf("the right password during the wait: %+v, want %+v (no password check)", got, throttled)
	}
	if got := e.passwordAttempt(t, bobUser, bobPassword); got.status != http.StatusOK {
		t.Fatalf("another user from the same source: %+v, want tokens", got)
	}

	e.clock.Advance(time.Second)
	if got := e.passwordAttempt(t, aliceUser, alicePassword); got.status != http.StatusOK {
		t.Fatalf("the right password after the wait: %+v, want tokens", got)
	}
	for i := range 3 { // the success cleared the pair: three free failures again
		if got := e.passwordAttempt(t, aliceUser, "wrong"); got != wrong {
			t.Fatalf("failure %d after a success: %+v, want %+v", i+1, got, wrong)
		}
	}
}

// TestPasswordThrottleSharedWithLogin: the password grant and the login page
// count into the same throttle, so an attacker cannot double his guesses by
// using both: failures at the token endpoint slow the login page down, and
// failures on the login page slow the token endpoint down.
func TestPasswordThrottleSharedWithLogin(t *testing.T) {
	t.Run("token endpoint, then login page", func(t *testing.T) {
		e := newEnv(t, nil)
		for range 4 {
			e.passwordAttempt(t, aliceUser, "wrong")
		}
		b := e.browser(t)
		p := b.authorize(http.MethodGet, authQuery())
		wantHTML(t, p, "Sign in")
		p = b.submit(p, url.Values{"username": {aliceUser}, "password": {alicePassword}})
		wantHTML(t, p, "Too many failed sign-in attempts")
	})
	t.Run("login page, then token endpoint", func(t *testing.T) {
		e := newEnv(t, nil)
		b := e.browser(t)
		p := b.authorize(http.MethodGet, authQuery())
		for range 4 {
			p = b.submit(p, url.Values{"username": {aliceUser}, "password": {"wrong"}})
			wantHTML(t, p, "the username or password is incorrect")
		}
		if got := e.passwordAttempt(t, aliceUser, alicePassword); got.status != http.StatusTooManyRequests {
			t.Fatalf("the right password at the token endpoint after four failed logins: %+v, want 429", got)
		}
	})
}

// TestPasswordX2 runs the grant with golang.org/x/oauth2, as a legacy client
// would: Config.PasswordCredentialsToken, the ID token verified with
// go-oidc against the published keys, a refresh through the TokenSource,
// and a wrong password reported as invalid_grant.
func TestPasswordX2(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, e.ts.Client())
	cfg := oauth2.Config{
		ClientID:     mobileID,
		ClientSecret: mobileSecret,
		Endpoint:     oauth2.Endpoint{TokenURL: e.ts.URL + "/oauth2/token", AuthStyle: oauth2.AuthStyleInHeader},
		Scopes:       []string{"openid", "offline_access", "read"},
	}
	tok, err := cfg.PasswordCredentialsToken(ctx, aliceUser, alicePassword)
	if err != nil {
		t.Fatalf("PasswordCredentialsToken: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.RefreshToken == "" || tok.Extra("scope") != "openid offline_access read" {
		t.Errorf("token type %q, refresh token %t, scope %v", tok.TokenType, tok.RefreshToken != "", tok.Extra("scope"))
	}
	raw, _ := tok.Extra("id_token").(string)
	keys := oidc.NewRemoteKeySet(ctx, e.ts.URL+"/oauth2/jwks")
	verifier := oidc.NewVerifier(specIssuer, keys, &oidc.Config{ClientID: mobileID, Now: e.clock.Now})
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		t.Fatalf("go-oidc: the ID token does not verify: %v", err)
	}
	if idt.Subject != aliceSub {
		t.Errorf("ID token sub %q, want %q", idt.Subject, aliceSub)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("at_hash: %v", err)
	}

	tok.Expiry = time.Now().Add(-time.Minute) // the TokenSource refreshes
	next, err := cfg.TokenSource(ctx, tok).Token()
	if err != nil {
		t.Fatalf("refresh through the TokenSource: %v", err)
	}
	if next.AccessToken == tok.AccessToken || next.RefreshToken == tok.RefreshToken {
		t.Error("the refresh returned the old tokens (the refresh token rotates)")
	}

	_, err = cfg.PasswordCredentialsToken(ctx, aliceUser, "wrong")
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || re.Response.StatusCode != http.StatusBadRequest {
		t.Fatalf("wrong password: %v, want a 400 invalid_grant RetrieveError", err)
	}
}
