package runtimetest_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
	"github.com/oauthgen/oauthgen/runtime/runtimetest"
)

// flows are registrations like generated Flows(p) returns; their Flow is
// replaced by the test server.
func flows() runtime.Flows {
	policy := runtime.TokenPolicy{AccessTTL: 10 * time.Minute, IssueRefresh: true, RotateRefresh: true, RefreshTTL: time.Hour}
	cc := policy
	cc.IssueRefresh = false
	return runtime.Flows{
		Token: []runtime.Registration[runtime.TokenContext, runtime.TokenResponse]{
			{ID: "oauth-token-client-credentials", Wire: "client_credentials", Policy: cc, Grant: flowkit.GrantPolicy{
				Clients: flowkit.ConfidentialClients, Credential: flowkit.ClientCredential, Scope: flowkit.ScopeFromRequest,
				Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.NoEndUser}},
			{ID: "oauth-token-authorization-code", Wire: "authorization_code", Policy: policy, Grant: flowkit.GrantPolicy{
				Clients: flowkit.AnyClients, Credential: flowkit.CodeCredential, Scope: flowkit.ScopeFromGrant,
				Resources: flowkit.ResourcesFromGrant, EndUser: flowkit.EndUserOfGrant}},
			{ID: "oauth-token-refresh", Wire: "refresh_token", Policy: policy, Grant: flowkit.GrantPolicy{
				Clients: flowkit.AnyClients, Credential: flowkit.RefreshCredential, Scope: flowkit.ScopeFromGrant,
				Resources: flowkit.ResourcesFromGrant, EndUser: flowkit.EndUserOfGrant}},
		},
		Introspection: &runtime.Registration[runtime.IntrospectionContext, runtime.IntrospectionResponse]{ID: "oauth-introspect"},
		Revocation:    &runtime.Registration[runtime.RevocationContext, runtime.RevocationResponse]{ID: "oauth-revoke"},
	}
}

func newServer(t *testing.T) *runtimetest.Server {
	return runtimetest.New(t, runtimetest.Config{
		Settings: runtime.Settings{Issuer: "https://spec.example", AuthMethods: []string{"client_secret_basic", "none"},
			Scopes: []runtime.ScopeInfo{{Name: "read"}, {Name: "write"}}},
		Flows: flows(),
		Clients: []*runtime.Client{
			{ID: "svc", GrantTypes: []oauth.GrantType{"client_credentials"}, Scopes: oauth.ScopeSet{"read", "write"}, DefaultScopes: oauth.ScopeSet{"read"}},
			{ID: "app", AuthMethod: oauth.AuthNone, GrantTypes: []oauth.GrantType{"authorization_code", "refresh_token"},
				RedirectURIs: []string{"https://app.example/cb"}, Scopes: oauth.ScopeSet{"read"}},
			{ID: "api", Introspection: true},
		},
	})
}

// TestToken: the context of a client_credentials request has every check
// made and every default filled; its Default issues a token the server
// knows, and the clock decides when it expires.
func TestToken(t *testing.T) {
	ctx := context.Background()
	srv := newServer(t)
	c := srv.Token(t, "svc", url.Values{"grant_type": {"client_credentials"}, "scope": {"write"}})
	if c.Client.ID != "svc" || c.GrantedScope.String() != "write" || c.Defaults.Access.Subject != "svc" || c.Defaults.Refresh != nil ||
		!c.Now.Equal(runtimetest.Start) {
		t.Fatalf("context %+v", c)
	}
	resp, err := c.Default(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, active, _ := srv.AccessTokenActive(ctx, resp.AccessToken); !active {
		t.Fatal("the issued token is not active")
	}
	srv.Clock.Advance(10 * time.Minute)
	if _, active, _ := srv.AccessTokenActive(ctx, resp.AccessToken); active {
		t.Fatal("the token outlived its lifetime")
	}
	if e := srv.TokenError(t, "svc", url.Values{"grant_type": {"client_credentials"}, "scope": {"admin"}}); e.Code != oauth.ErrInvalidScope {
		t.Errorf("TokenError = %v", e)
	}
}

// TestCodeAndRefresh: a code flow's context has the redeemed code and its
// end user; the refresh flow's the grant; introspection and revocation
// contexts find the tokens.
func TestCodeAndRefresh(t *testing.T) {
	ctx := context.Background()
	srv := newServer(t)
	verifier := "0123456789abcdefghijklmnopqrstuvwxyz-._~ABCDEFGH"
	code := srv.IssueCode(t, runtime.AuthorizationCode{ClientID: "app", RedirectURI: "https://app.example/cb", RedirectURIProvided: true,
		Scope: oauth.ScopeSet{"read"}, CodeChallenge: oauth.S256Challenge(verifier), CodeChallengeMethod: oauth.PKCEMethodS256})
	c := srv.Token(t, "app", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {"https://app.example/cb"}, "code_verifier": {verifier}})
	if c.Code == nil || c.Authentication.Subject != "alice" || c.Defaults.Refresh == nil {
		t.Fatalf("code context %+v", c)
	}
	resp, err := c.Default(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.Token(t, "app", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {resp.RefreshToken.Reveal()}})
	if r.Grant == nil || r.Grant.Subject != "alice" || r.RefreshToken == nil {
		t.Fatalf("refresh context %+v", r)
	}
	if i := srv.Introspection(t, "api", resp.AccessToken.Reveal()); !i.Defaults.Active || i.Defaults.Subject != "alice" {
		t.Errorf("introspection defaults %+v", i.Defaults)
	}
	v := srv.Revocation(t, "app", resp.AccessToken.Reveal())
	if v.AccessToken == nil || v.RevokeGrant {
		t.Fatalf("revocation context %+v", v)
	}
	if _, err := v.Default(ctx); err != nil {
		t.Fatal(err)
	}
	if _, active, _ := srv.AccessTokenActive(ctx, resp.AccessToken); active {
		t.Error("the revoked token is active")
	}
}
