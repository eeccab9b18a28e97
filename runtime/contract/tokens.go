package contract

import (
	"context"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// tokens is a successful token response (RFC 6749 §5.1).
type tokens struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    *int64 `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token"`

	// granted is the scope of the token: the scope member, else the
	// requested scope (RFC 6749 §5.1).
	granted oauth.ScopeSet
	// access is the access token's record, as the runtime reads it.
	access runtime.AccessTokenRecord
}

// grant is what a successful token request asked for, and of whom.
type grant struct {
	client *client
	// requested is the requested scope, or the scope of the grant.
	requested oauth.ScopeSet
	// subject is the end user's, empty for a client acting for itself.
	subject string
}

// wantTokens checks that r is a successful token response for g: JSON
// that no cache keeps, a Bearer access token the server holds active, with
// the client, the end user, and a scope within the request and the
// client's, and returns it.
func wantTokens(t *testing.T, h *harness, rule string, r reply, g grant) tokens {
	t.Helper()
	var tk tokens
	if r.status != 200 {
		var e oauthError
		r.json(t, &e)
		t.Fatalf("%s: %s answered %d %q (%s), want tokens", rule, r.req, r.status, e.Error, e.Description)
	}
	r.json(t, &tk)
	if !strings.Contains(r.header.Get("Cache-Control"), "no-store") {
		t.Errorf("RFC 6749 §5.1: the token response has Cache-Control %q, want no-store", r.header.Get("Cache-Control"))
	}
	if tk.AccessToken == "" {
		t.Fatalf("RFC 6749 §5.1: the token response has no access_token: %.300s", r.body)
	}
	if !strings.EqualFold(tk.TokenType, "Bearer") {
		t.Errorf("RFC 6749 §5.1, RFC 6750 §4: token_type is %q, want Bearer", tk.TokenType)
	}
	if tk.ExpiresIn != nil && *tk.ExpiresIn <= 0 {
		t.Errorf("RFC 6749 §5.1: expires_in is %d, an access token that is already expired", *tk.ExpiresIn)
	}
	tk.granted = g.requested
	if tk.Scope != "" {
		tk.granted = strings.Fields(tk.Scope)
	}
	if extra := tk.granted.Without(g.client.scopes); len(extra) > 0 {
		t.Errorf("RFC 6749 §3.3: the token's scope %q has %q, which client %s may not have", tk.granted, extra, g.client.id)
	}
	if extra := tk.granted.Without(g.requested); len(extra) > 0 {
		t.Errorf("RFC 6749 §3.3, §6: the token's scope %q has %q, which the request (or the grant) did not have", tk.granted, extra)
	}

	rec, active, err := h.srv.AccessTokenActive(context.Background(), runtime.Secret(tk.AccessToken))
	if err != nil {
		t.Fatalf("the issued access token: %v", err)
	}
	if !active {
		t.Fatalf("RFC 6749 §5.1: the issued access token is not active on the server that issued it")
	}
	tk.access = rec
	c := rec.Claims
	if rec.ClientID != g.client.id || (c.ClientID != "" && c.ClientID != g.client.id) {
		t.Errorf("RFC 9068 §2.2: the access token's client is %q (client_id claim %q), want %s", rec.ClientID, c.ClientID, g.client.id)
	}
	switch {
	case c.Subject == "":
		t.Errorf("RFC 9068 §2.2: the access token has no sub")
	case g.subject != "" && c.Subject != g.subject:
		t.Errorf("RFC 9068 §2.2: the access token's sub is %q, want the end user's, %q", c.Subject, g.subject)
	}
	if c.Issuer != "" && c.Issuer != h.issuer {
		t.Errorf("RFC 9068 §2.2: the access token's iss is %q, want %q", c.Issuer, h.issuer)
	}
	if extra := c.Scope.Without(g.client.scopes); len(extra) > 0 {
		t.Errorf("RFC 9068 §2.2.3, RFC 6749 §3.3: the access token's scope claim %q has %q, which client %s may not have", c.Scope, extra, g.client.id)
	}
	if !c.Scope.Equal(tk.granted) {
		t.Errorf("RFC 6749 §5.1: the token response says scope %q, the access token carries %q", tk.granted, c.Scope)
	}
	if !c.ExpiresAt.IsZero() && !c.IssuedAt.IsZero() && !c.ExpiresAt.After(c.IssuedAt) {
		t.Errorf("RFC 9068 §2.2: the access token expires (%v) no later than it was issued (%v)", c.ExpiresAt, c.IssuedAt)
	}
	return tk
}

// active reports whether the server holds the access token active.
func (h *harness) active(t *testing.T, token string) bool {
	t.Helper()
	_, ok, err := h.srv.AccessTokenActive(context.Background(), runtime.Secret(token))
	if err != nil {
		t.Fatalf("access token lookup: %v", err)
	}
	return ok
}
