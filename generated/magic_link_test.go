package generated

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/oauthgen/oauthgen/runtime"
)

// The extension grant magic_link (urn:example:params:grant-type:magic-link)
// through the generated magicLinkFlow and the procedure in magic_link.go.

// issueLink creates a link token for client and subject, valid 15 minutes.
func (e *env) issueLink(t testing.TB, client, subject string) string {
	t.Helper()
	tok, err := e.procs.MagicLinks.Issue(client, subject, e.clock.Now().Add(15*time.Minute))
	if err != nil {
		t.Fatalf("issue link: %v", err)
	}
	return tok.Reveal()
}

// redeemLink sends the magic-link grant for linker.
func (e *env) redeemLink(t testing.TB, kv ...string) result {
	t.Helper()
	return e.token(t, creds(linkID, linkSecret), append([]string{"grant_type", magicGrant}, kv...)...)
}

// TestMagicLinkFailsClosedByDefault: without a link store the procedure
// falls back to c.Default, which fails closed with invalid_grant: an
// extension grant's credential is the procedure's to check (RFC 6749 §4.5).
func TestMagicLinkFailsClosedByDefault(t *testing.T) {
	e := newEnv(t, func(p *Procedures) { p.MagicLinks = nil })
	wantError(t, e.redeemLink(t, "link_token", strings.Repeat("k", 43)), http.StatusBadRequest, oauth.ErrInvalidGrant, "not implemented")
}

// TestMagicLinkSuccess: a valid link gets an opaque access token (the
// grant's tokens override: access_token_format opaque, no refresh token)
// about the link's user, once (RFC 6749 §4.5, §5.1, §10.10).
func TestMagicLinkSuccess(t *testing.T) {
	e := newEnv(t, nil)
	link := e.issueLink(t, linkID, "alice@example.com")
	tok := wantToken(t, e.redeemLink(t, "link_token", link, "scope", "read"))
	if tok.RefreshToken != "" || tok.Raw["refresh_token"] != nil {
		t.Errorf("refresh token issued: %v", tok.Raw)
	}
	if tok.Scope != "read" || tok.ExpiresIn != 600 {
		t.Errorf("scope %q expires_in %d, want read 600", tok.Scope, tok.ExpiresIn)
	}
	// Opaque: no JWT structure, 256 random bits.
	if strings.Contains(tok.AccessToken, ".") {
		t.Errorf("access token %q looks like a JWT", tok.AccessToken)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(tok.AccessToken); err != nil || len(raw) < 32 {
		t.Errorf("access token is not 256 bits of base64url (%d bytes, %v)", len(raw), err)
	}
	rec, active, err := e.srv.AccessTokenActive(context.Background(), runtime.Secret(tok.AccessToken))
	if err != nil || !active {
		t.Fatalf("access token not active: %v", err)
	}
	if rec.Claims.Subject != "alice@example.com" || rec.ClientID != linkID || rec.Claims.Scope.String() != "read" {
		t.Errorf("record: sub %q client %q scope %q", rec.Claims.Subject, rec.ClientID, rec.Claims.Scope)
	}
	// One-time: the same link again is invalid_grant.
	wantError(t, e.redeemLink(t, "link_token", link, "scope", "read"), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
	// Scope omitted: the client's default scope (RFC 6749 §3.3).
	if tok := wantToken(t, e.redeemLink(t, "link_token", e.issueLink(t, linkID, "bob@example.com"))); tok.Scope != "read" {
		t.Errorf("default scope %q, want read", tok.Scope)
	}
}

// TestMagicLinkErrors: a missing or too short link_token is invalid_request
// naming it (the spec's validate: required,min=16); an unknown, expired or
// another client's link is invalid_grant (RFC 6749 §5.2); a public client
// may not use the grant (public_clients: false), invalid_client.
func TestMagicLinkErrors(t *testing.T) {
	e := newEnv(t, nil)
	expiring := e.issueLink(t, linkID, "dave@example.com")
	e.clock.Advance(15 * time.Minute)
	spaLink := e.issueLink(t, spaID, "carol@example.com")
	tests := []struct {
		name   string
		r      func() result
		status int
		code   oauth.ErrorCode
		desc   string
	}{
		{"missing", func() result { return e.redeemLink(t) }, 400, oauth.ErrInvalidRequest, "parameter 'link_token' is missing"},
		{"empty", func() result { return e.redeemLink(t, "link_token", "") }, 400, oauth.ErrInvalidRequest, "parameter 'link_token' is missing"},
		{"15 characters", func() result { return e.redeemLink(t, "link_token", strings.Repeat("k", 15)) }, 400, oauth.ErrInvalidRequest, "parameter 'link_token' is invalid: must satisfy min=16"},
		{"unknown, 16 characters", func() result { return e.redeemLink(t, "link_token", strings.Repeat("k", 16)) }, 400, oauth.ErrInvalidGrant, "magic link is invalid"},
		{"expired", func() result { return e.redeemLink(t, "link_token", expiring) }, 400, oauth.ErrInvalidGrant, "magic link is invalid"},
		{"another client's link", func() result { return e.redeemLink(t, "link_token", spaLink) }, 400, oauth.ErrInvalidGrant, "magic link is invalid"},
		{"scope not allowed", func() result {
			return e.redeemLink(t, "link_token", e.issueLink(t, linkID, "erin@example.com"), "scope", "admin")
		}, 400, oauth.ErrInvalidScope, ""},
		{"public client", func() result {
			return e.token(t, nil, "grant_type", magicGrant, "client_id", spaID, "link_token", e.issueLink(t, spaID, "carol@example.com"))
		}, 400, oauth.ErrInvalidClient, "public"},
		{"repeated link_token", func() result {
			return e.do(t, call{basic: creds(linkID, linkSecret), body: form("grant_type", magicGrant) + "&link_token=" + strings.Repeat("a", 20) + "&link_token=" + strings.Repeat("b", 20)})
		}, 400, oauth.ErrInvalidRequest, "'link_token' is repeated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, tt.r(), tt.status, tt.code, tt.desc)
		})
	}
}
