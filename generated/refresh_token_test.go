package generated

import (
	"net/http"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/oauthgen/oauthgen/runtime"
)

// The flow oauth-token-refresh through the generated refreshTokenFlow and
// the procedure in refresh_token.go. Refresh tokens come from redeeming
// codes, as in production.

// TestRefreshRotation: every refresh returns a new refresh token and a new
// access token under the same grant: two refreshes give three distinct
// refresh tokens (RFC 6749 §6; RFC 9700 §4.14.2).
func TestRefreshRotation(t *testing.T) {
	e := newEnv(t, nil)
	t0 := e.svcTokens(t, "read", "write")
	seen := map[string]bool{t0.RefreshToken: true}
	prev := t0
	for i := range 2 {
		next := wantToken(t, e.refresh(t, prev.RefreshToken, ""))
		if next.RefreshToken == "" || seen[next.RefreshToken] {
			t.Fatalf("refresh %d: refresh token %q is empty or not new", i+1, next.RefreshToken)
		}
		seen[next.RefreshToken] = true
		if next.AccessToken == prev.AccessToken || next.Scope != "read write" || next.ExpiresIn != 600 {
			t.Errorf("refresh %d: scope %q expires_in %d, new access token %v", i+1, next.Scope, next.ExpiresIn, next.AccessToken != prev.AccessToken)
		}
		_, claims := e.verifyAccessJWT(t, next.AccessToken)
		if claims["sub"] != "alice" || claims["client_id"] != svcID || claims["scope"] != "read write" {
			t.Errorf("refresh %d: claims %v", i+1, claims)
		}
		prev = next
	}
	// The grant is intact: every access token of it is still active.
	if !e.active(t, t0.AccessToken) || !e.active(t, prev.AccessToken) {
		t.Error("access tokens of the grant were revoked by a normal rotation")
	}
}

// TestRefreshPublicClient: a public client refreshes with its client_id
// alone, and rotation applies to it (RFC 9700 §2.2.2).
func TestRefreshPublicClient(t *testing.T) {
	e := newEnv(t, nil)
	code := e.code(t, runtime.AuthorizationCode{ClientID: spaID, Scope: oauth.ScopeSet{"read"},
		CodeChallenge: oauth.S256Challenge(verifier), CodeChallengeMethod: oauth.PKCEMethodS256})
	t1 := wantToken(t, e.token(t, nil, "grant_type", "authorization_code", "code", code, "client_id", spaID, "code_verifier", verifier))
	t2 := wantToken(t, e.token(t, nil, "grant_type", "refresh_token", "refresh_token", t1.RefreshToken, "client_id", spaID))
	if t2.RefreshToken == "" || t2.RefreshToken == t1.RefreshToken {
		t.Fatalf("public client: refresh token not rotated")
	}
	wantError(t, e.token(t, nil, "grant_type", "refresh_token", "refresh_token", t2.RefreshToken),
		http.StatusBadRequest, oauth.ErrInvalidClient, "")
}

// TestRefreshReuseRevokesFamily: presenting a rotated refresh token is
// invalid_grant and revokes the whole grant: the newest refresh token is
// refused and every access token is inactive (RFC 9700 §4.14.2; RFC 6819
// §5.2.2.3).
func TestRefreshReuseRevokesFamily(t *testing.T) {
	e := newEnv(t, nil)
	t1 := e.svcTokens(t, "read")
	t2 := wantToken(t, e.refresh(t, t1.RefreshToken, ""))
	wantError(t, e.refresh(t, t1.RefreshToken, ""), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
	wantError(t, e.refresh(t, t2.RefreshToken, ""), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
	if e.active(t, t1.AccessToken) || e.active(t, t2.AccessToken) {
		t.Error("an access token of the revoked grant is still active")
	}
}

// TestRefreshOtherClient: another client presenting the token gets
// invalid_grant and changes nothing: the owner's token still works
// (RFC 6749 §6, §10.4).
func TestRefreshOtherClient(t *testing.T) {
	e := newEnv(t, nil)
	t1 := e.svcTokens(t, "read")
	wantError(t, e.token(t, nil, "grant_type", "refresh_token", "refresh_token", t1.RefreshToken,
		"client_id", postID, "client_secret", postSecret), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
	wantError(t, e.token(t, nil, "grant_type", "refresh_token", "refresh_token", t1.RefreshToken,
		"client_id", spaID), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
	wantToken(t, e.refresh(t, t1.RefreshToken, ""))
	if !e.active(t, t1.AccessToken) {
		t.Error("the owner's grant was revoked by another client's attempt")
	}
}

// TestRefreshScope: refresh cannot widen the scope (invalid_scope, the token
// untouched); a narrower scope works, and the new refresh token keeps the
// original scope (RFC 6749 §6).
func TestRefreshScope(t *testing.T) {
	e := newEnv(t, nil)

	narrow := e.svcTokens(t, "read")
	wantError(t, e.refresh(t, narrow.RefreshToken, "read write"), http.StatusBadRequest, oauth.ErrInvalidScope, "")
	wantError(t, e.refresh(t, narrow.RefreshToken, "write"), http.StatusBadRequest, oauth.ErrInvalidScope, "")
	wantError(t, e.refresh(t, narrow.RefreshToken, "admin"), http.StatusBadRequest, oauth.ErrInvalidScope, "")
	if again := wantToken(t, e.refresh(t, narrow.RefreshToken, "")); again.Scope != "read" {
		t.Errorf("after refused up-scoping: scope %q, want read", again.Scope)
	}

	wide := e.svcTokens(t, "read", "write")
	down := wantToken(t, e.refresh(t, wide.RefreshToken, "read"))
	if down.Scope != "read" {
		t.Errorf("down-scoped response scope %q, want read", down.Scope)
	}
	if _, claims := e.verifyAccessJWT(t, down.AccessToken); claims["scope"] != "read" {
		t.Errorf("down-scoped access token scope %v, want read", claims["scope"])
	}
	back := wantToken(t, e.refresh(t, down.RefreshToken, ""))
	if back.Scope != "read write" {
		t.Errorf("the rotated refresh token has scope %q, want the original \"read write\"", back.Scope)
	}
	wantToken(t, e.refresh(t, back.RefreshToken, "write"))
}

// TestRefreshIdleExpiry: a refresh token unused for the spec's idle TTL
// (72h) is invalid_grant; each use moves the idle deadline (RFC 9700
// §4.14.2).
func TestRefreshIdleExpiry(t *testing.T) {
	e := newEnv(t, nil)
	t1 := e.svcTokens(t, "read")
	e.clock.Advance(71 * time.Hour)
	t2 := wantToken(t, e.refresh(t, t1.RefreshToken, ""))
	e.clock.Advance(72 * time.Hour)
	wantError(t, e.refresh(t, t2.RefreshToken, ""), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
}

// TestRefreshAbsoluteExpiry: however often it is used, a refresh token
// family ends at the spec's refresh_token_ttl (720h) after the grant
// (RFC 9700 §4.14.2).
func TestRefreshAbsoluteExpiry(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.svcTokens(t, "read")
	elapsed := time.Duration(0)
	for elapsed+71*time.Hour < 720*time.Hour {
		e.clock.Advance(71 * time.Hour)
		elapsed += 71 * time.Hour
		tok = wantToken(t, e.refresh(t, tok.RefreshToken, ""))
	}
	// Five minutes before the end: no token outlives its grant, so the
	// access token is cut short.
	e.clock.Advance(720*time.Hour - 5*time.Minute - elapsed)
	tok = wantToken(t, e.refresh(t, tok.RefreshToken, ""))
	if tok.ExpiresIn != 300 {
		t.Errorf("expires_in %d five minutes before the grant ends, want 300", tok.ExpiresIn)
	}
	e.clock.Advance(5 * time.Minute)
	wantError(t, e.refresh(t, tok.RefreshToken, ""), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
}

// TestRefreshRequestErrors: refresh_token is required (the generated
// validate:"required"), an unknown one is invalid_grant (RFC 6749 §6, §5.2).
func TestRefreshRequestErrors(t *testing.T) {
	e := newEnv(t, nil)
	wantError(t, e.token(t, creds(svcID, svcSecret), "grant_type", "refresh_token"),
		http.StatusBadRequest, oauth.ErrInvalidRequest, "parameter 'refresh_token' is missing")
	wantError(t, e.token(t, creds(svcID, svcSecret), "grant_type", "refresh_token", "refresh_token", ""),
		http.StatusBadRequest, oauth.ErrInvalidRequest, "parameter 'refresh_token' is missing")
	wantError(t, e.refresh(t, "unknown-refresh-token-0123456789", ""), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
	// An access token is not a refresh token.
	at := e.svcTokens(t, "read").AccessToken
	wantError(t, e.refresh(t, at, ""), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
}
