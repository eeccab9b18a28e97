package generated

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/oauthgen/oauthgen/runtime"
)

// The flow oauth-token-authorization-code through the generated
// authorizationCodeFlow and the procedure in authorization_code.go. Codes
// are issued with (*runtime.Server).IssueAuthorizationCode, as the
// authorization endpoint will.

// TestAuthorizationCodeSuccess: confidential (Basic and post) and public
// clients redeem a PKCE code for a JWT access token about the user and a
// refresh token when they may refresh; an exempt confidential client
// redeems a code without PKCE (RFC 6749 §4.1.3, §4.1.4; RFC 7636 §4.5,
// §4.6; RFC 9068 §2.2.1; RFC 9700 §2.1.1).
func TestAuthorizationCodeSuccess(t *testing.T) {
	e := newEnv(t, nil)
	pkce := func(client, redirect string) runtime.AuthorizationCode {
		return runtime.AuthorizationCode{
			ClientID: client, RedirectURI: redirect, RedirectURIProvided: true, Scope: oauth.ScopeSet{"read", "write"},
			CodeChallenge: oauth.S256Challenge(verifier), CodeChallengeMethod: oauth.PKCEMethodS256,
		}
	}
	legacy := runtime.AuthorizationCode{ClientID: legacyID, RedirectURI: legacyRedirect, Scope: oauth.ScopeSet{"read", "write"}}
	tests := []struct {
		name        string
		req         runtime.AuthorizationCode
		basic       []string
		kv          []string
		wantRefresh bool
	}{
		{"confidential basic", pkce(svcID, svcRedirect), creds(svcID, svcSecret),
			[]string{"redirect_uri", svcRedirect, "code_verifier", verifier}, true},
		{"confidential post", pkce(postID, postRedirect), nil,
			[]string{"client_id", postID, "client_secret", postSecret, "redirect_uri", postRedirect, "code_verifier", verifier}, true},
		{"public", pkce(spaID, spaRedirect), nil,
			[]string{"client_id", spaID, "redirect_uri", spaRedirect, "code_verifier", verifier}, true},
		// Issued without redirect_uri (the client's only one), without PKCE;
		// legacy may not refresh, so no refresh token.
		{"confidential exempt from pkce", legacy, creds(legacyID, legacySecret), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := e.code(t, tt.req)
			tok := wantToken(t, e.token(t, tt.basic, append([]string{"grant_type", "authorization_code", "code", code}, tt.kv...)...))
			if tok.Scope != "read write" || tok.ExpiresIn != 600 {
				t.Errorf("scope %q expires_in %d, want \"read write\" 600", tok.Scope, tok.ExpiresIn)
			}
			if (tok.RefreshToken != "") != tt.wantRefresh {
				t.Errorf("refresh_token %q, want one: %v", tok.RefreshToken, tt.wantRefresh)
			}
			_, claims := e.verifyAccessJWT(t, tok.AccessToken)
			if claims["sub"] != "alice" || claims["client_id"] != tt.req.ClientID || claims["scope"] != "read write" {
				t.Errorf("sub %v client_id %v scope %v", claims["sub"], claims["client_id"], claims["scope"])
			}
			if numClaim(claims, "auth_time") != jsonInt(testStart.Add(-time.Minute).Unix()) {
				t.Errorf("auth_time = %v, want the login time (RFC 9068 §2.2.1)", claims["auth_time"])
			}
			if amr, _ := claims["amr"].([]any); len(amr) != 1 || amr[0] != "pwd" {
				t.Errorf("amr = %v", claims["amr"])
			}
			if _, ok := claims["device_name"]; ok {
				t.Error("device_name claim without the parameter")
			}
			if !e.active(t, tok.AccessToken) {
				t.Error("access token not active")
			}
			if tt.wantRefresh {
				// The refresh token works for its client (RFC 6749 §6).
				kv := []string{"grant_type", "refresh_token", "refresh_token", tok.RefreshToken}
				if tt.basic == nil {
					kv = append(kv, tt.kv[:2]...)
					if tt.req.ClientID == postID {
						kv = append(kv, "client_secret", postSecret)
					}
				}
				wantToken(t, e.token(t, tt.basic, kv...))
			}
		})
	}
}

// TestAuthorizationCodeDeviceName: the team property device_name arrives
// parsed; a value breaking its rules (printascii, max=64) is
// invalid_request naming it, and, since parameters are validated before the
// code is consumed, the code still works afterwards.
func TestAuthorizationCodeDeviceName(t *testing.T) {
	e := newEnv(t, nil)
	code := e.svcCode(t, "read")
	redeem := func(device string) result {
		return e.token(t, creds(svcID, svcSecret), "grant_type", "authorization_code", "code", code,
			"redirect_uri", svcRedirect, "code_verifier", verifier, "device_name", device)
	}
	wantError(t, redeem("Café phone"), http.StatusBadRequest, oauth.ErrInvalidRequest, "parameter 'device_name' is invalid: must satisfy printascii")
	wantError(t, redeem("tab\there"), http.StatusBadRequest, oauth.ErrInvalidRequest, "parameter 'device_name' is invalid: must satisfy printascii")
	wantError(t, redeem(strings.Repeat("d", 65)), http.StatusBadRequest, oauth.ErrInvalidRequest, "parameter 'device_name' is invalid: must satisfy max=64")

	tok := wantToken(t, redeem("Alice's Pixel 9"))
	if _, claims := e.verifyAccessJWT(t, tok.AccessToken); claims["device_name"] != "Alice's Pixel 9" {
		t.Errorf("device_name claim = %#v", claims["device_name"])
	}
}

// TestAuthorizationCodeErrors: every refused redemption is invalid_grant
// (or invalid_request for a missing code, invalid_client for a public
// client that does not identify itself), with no-store (RFC 6749 §5.2).
func TestAuthorizationCodeErrors(t *testing.T) {
	e := newEnv(t, nil)
	svc := creds(svcID, svcSecret)
	legacyCode := func() string {
		return e.code(t, runtime.AuthorizationCode{ClientID: legacyID, RedirectURI: legacyRedirect})
	}
	// malformedCode issues svc a code whose challenge is the S256 of v.
	malformedCode := func(v string) func() string {
		return func() string {
			return e.code(t, runtime.AuthorizationCode{
				ClientID: svcID, RedirectURI: svcRedirect, RedirectURIProvided: true,
				CodeChallenge: oauth.S256Challenge(v), CodeChallengeMethod: oauth.PKCEMethodS256,
			})
		}
	}
	tests := []struct {
		name   string
		code   func() string
		basic  []string
		kv     []string // after grant_type and code
		status int
		want   oauth.ErrorCode
		desc   string
	}{
		// RFC 6749 §4.1.3: code is REQUIRED (the generated validate:"required").
		{"missing code", func() string { return "" }, svc,
			[]string{"redirect_uri", svcRedirect, "code_verifier", verifier}, 400, oauth.ErrInvalidRequest, "parameter 'code' is missing"},
		{"unknown code", func() string { return "not-a-code-0123456789" }, svc,
			[]string{"redirect_uri", svcRedirect, "code_verifier", verifier}, 400, oauth.ErrInvalidGrant, ""},
		// RFC 7636 §4.6: a wrong or missing verifier.
		{"wrong verifier", func() string { return e.svcCode(t) }, svc,
			[]string{"redirect_uri", svcRedirect, "code_verifier", strings.Repeat("v", 43)}, 400, oauth.ErrInvalidGrant, ""},
		{"missing verifier", func() string { return e.svcCode(t) }, svc,
			[]string{"redirect_uri", svcRedirect}, 400, oauth.ErrInvalidGrant, ""},
		// RFC 7636 §4.1: verifier syntax, even when the challenge was
		// computed from the malformed verifier.
		{"verifier of 42", malformedCode(verifier[:42]), svc,
			[]string{"redirect_uri", svcRedirect, "code_verifier", verifier[:42]}, 400, oauth.ErrInvalidGrant, ""},
		{"verifier of 129", malformedCode(verifier + strings.Repeat("x", 81)), svc,
			[]string{"redirect_uri", svcRedirect, "code_verifier", verifier + strings.Repeat("x", 81)}, 400, oauth.ErrInvalidGrant, ""},
		{"verifier with plus", malformedCode(verifier[:47] + "+"), svc,
			[]string{"redirect_uri", svcRedirect, "code_verifier", verifier[:47] + "+"}, 400, oauth.ErrInvalidGrant, ""},
		// RFC 9700 §4.8: a verifier for a code issued without challenge.
		{"pkce downgrade", legacyCode, creds(legacyID, legacySecret),
			[]string{"code_verifier", verifier}, 400, oauth.ErrInvalidGrant, ""},
		// RFC 6749 §4.1.3: the code is bound to its client ...
		{"another client's code", func() string { return e.svcCode(t) }, nil,
			[]string{"client_id", postID, "client_secret", postSecret, "redirect_uri", svcRedirect, "code_verifier", verifier}, 400, oauth.ErrInvalidGrant, ""},
		{"public client redeems svc's code", func() string { return e.svcCode(t) }, nil,
			[]string{"client_id", spaID, "redirect_uri", svcRedirect, "code_verifier", verifier}, 400, oauth.ErrInvalidGrant, ""},
		// ... and to its redirect_uri, which must be repeated when it was sent.
		{"redirect_uri mismatch", func() string { return e.svcCode(t) }, svc,
			[]string{"redirect_uri", svcRedirect2, "code_verifier", verifier}, 400, oauth.ErrInvalidGrant, ""},
		{"redirect_uri with trailing slash", func() string { return e.svcCode(t) }, svc,
			[]string{"redirect_uri", svcRedirect + "/", "code_verifier", verifier}, 400, oauth.ErrInvalidGrant, ""},
		{"redirect_uri missing", func() string { return e.svcCode(t) }, svc,
			[]string{"code_verifier", verifier}, 400, oauth.ErrInvalidGrant, ""},
		{"redirect_uri sent although the request had none", legacyCode, creds(legacyID, legacySecret),
			[]string{"redirect_uri", "https://evil.example/cb"}, 400, oauth.ErrInvalidGrant, ""},
		// RFC 6749 §2.3, §3.2.1: a public client must send client_id.
		{"public client without client_id", func() string {
			return e.code(t, runtime.AuthorizationCode{ClientID: spaID, Scope: oauth.ScopeSet{"read"},
				CodeChallenge: oauth.S256Challenge(verifier), CodeChallengeMethod: oauth.PKCEMethodS256})
		}, nil, []string{"code_verifier", verifier}, 400, oauth.ErrInvalidClient, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := tt.code()
			kv := append([]string{"grant_type", "authorization_code", "code", code}, tt.kv...)
			wantError(t, e.token(t, tt.basic, kv...), tt.status, tt.want, tt.desc)
		})
	}
}

// TestAuthorizationCodeDeadAfterFailure: a code whose redemption failed a
// check after it was consumed stays dead, even for its own client with the
// right verifier (RFC 6749 §4.1.2; RFC 7636 §4.6).
func TestAuthorizationCodeDeadAfterFailure(t *testing.T) {
	e := newEnv(t, nil)
	failures := map[string][]string{
		"wrong verifier":   {"redirect_uri", svcRedirect, "code_verifier", strings.Repeat("w", 43)},
		"missing verifier": {"redirect_uri", svcRedirect},
		"wrong redirect":   {"redirect_uri", svcRedirect2, "code_verifier", verifier},
	}
	for name, kv := range failures {
		t.Run(name, func(t *testing.T) {
			code := e.svcCode(t, "read")
			wantError(t, e.token(t, creds(svcID, svcSecret), append([]string{"grant_type", "authorization_code", "code", code}, kv...)...),
				http.StatusBadRequest, oauth.ErrInvalidGrant, "")
			wantError(t, e.redeemSvc(t, code), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
		})
	}
}

// TestAuthorizationCodeReplay: a second redemption is invalid_grant and
// revokes the tokens of the first: the access token is no longer active and
// the refresh token is refused (RFC 6749 §4.1.2).
func TestAuthorizationCodeReplay(t *testing.T) {
	e := newEnv(t, nil)
	code := e.svcCode(t, "read", "write")
	first := wantToken(t, e.redeemSvc(t, code))
	if !e.active(t, first.AccessToken) || first.RefreshToken == "" {
		t.Fatalf("first redemption: active %v refresh %q", e.active(t, first.AccessToken), first.RefreshToken)
	}
	wantError(t, e.redeemSvc(t, code), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
	if e.active(t, first.AccessToken) {
		t.Error("the first access token is still active after the replay")
	}
	wantError(t, e.refresh(t, first.RefreshToken, ""), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
}

// TestAuthorizationCodeExpiry: codes live 60 s (the spec's code_ttl): at
// 60 s the code works, after 61 s it is invalid_grant (RFC 6749 §4.1.2).
func TestAuthorizationCodeExpiry(t *testing.T) {
	e := newEnv(t, nil)
	fresh, stale := e.svcCode(t, "read"), e.svcCode(t, "read")
	e.clock.Advance(60 * time.Second)
	wantToken(t, e.redeemSvc(t, fresh))
	e.clock.Advance(time.Second)
	wantError(t, e.redeemSvc(t, stale), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
}

// TestAuthorizationCodeConcurrentRedemption: 32 simultaneous redemptions of
// one code over HTTP: exactly one 200, every other invalid_grant (RFC 6749
// §4.1.2).
func TestAuthorizationCodeConcurrentRedemption(t *testing.T) {
	e := newEnv(t, nil)
	code := e.svcCode(t, "read")
	const n = 32
	results := make([]result, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = e.send(redeemSvcCall(code))
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		switch r.status {
		case http.StatusOK:
			wantToken(t, r)
			ok++
		default:
			wantError(t, r, http.StatusBadRequest, oauth.ErrInvalidGrant, "")
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d concurrent redemptions succeeded, want exactly 1", ok, n)
	}
}
