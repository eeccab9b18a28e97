package generated

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The flow oauth-token-oauth-token-exchange (RFC 8693) through the
// generated tokenExchangeFlow and the unedited stub in token_exchange.go.

const (
	exchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange"
	typeAccess    = "urn:ietf:params:oauth:token-type:access_token"
	typeRefresh   = "urn:ietf:params:oauth:token-type:refresh_token"
)

// gateway are the Basic credentials of the token exchange client.
var gateway = creds(gatewayID, gatewaySecret)

// aliceAtGateway is a password grant of alice for gateway: her access
// and refresh tokens, for scope.
func (e *env) aliceAtGateway(t testing.TB, scope string) tokenResp {
	t.Helper()
	return wantToken(t, e.token(t, gateway, "grant_type", "password", "username", aliceUser, "password", alicePassword, "scope", scope))
}

// exchange sends a token exchange request of gateway with kv added.
func (e *env) exchange(t testing.TB, kv ...string) result {
	t.Helper()
	return e.token(t, gateway, append([]string{"grant_type", exchangeGrant}, kv...)...)
}

// TestTokenExchangeWithOAuth2Library: golang.org/x/oauth2's client
// credentials config, its grant_type overridden and the subject token in
// its endpoint parameters, trades alice's token for one of alice for
// another audience and a narrower scope; the response names the issued
// token type (RFC 8693 §2.2.1) and carries no refresh token.
func TestTokenExchangeWithOAuth2Library(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.aliceAtGateway(t, "read write")
	cfg := clientcredentials.Config{
		ClientID: gatewayID, ClientSecret: gatewaySecret, TokenURL: e.ts.URL + "/oauth2/token",
		AuthStyle: oauth2.AuthStyleInHeader, Scopes: []string{"read"},
		EndpointParams: url.Values{"grant_type": {exchangeGrant}, "subject_token": {alice.AccessToken},
			"subject_token_type": {typeAccess}, "audience": {"https://orders.example"}},
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, e.ts.Client())
	tok, err := cfg.Token(ctx)
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.RefreshToken != "" || tok.Extra("issued_token_type") != typeAccess || tok.Extra("scope") != "read" {
		t.Errorf("token type %q, refresh %q, issued_token_type %v, scope %v", tok.TokenType, tok.RefreshToken,
			tok.Extra("issued_token_type"), tok.Extra("scope"))
	}
	_, c := e.verifyAccessJWT(t, tok.AccessToken)
	if c["sub"] != aliceSub || c["client_id"] != gatewayID || c["aud"] != "https://orders.example" || c["scope"] != "read" || c["act"] != nil {
		t.Errorf("claims %v", c)
	}

	// A refused exchange reaches the library as its RetrieveError.
	cfg.EndpointParams.Set("subject_token", "forged")
	_, err = cfg.Token(ctx)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != string(oauth.ErrInvalidRequest) {
		t.Errorf("forged subject token: %v", err)
	}
}

// TestTokenExchangeDelegation: with gateway's own token as the actor
// token the new token carries act naming gateway (RFC 8693 §4.1), which
// introspection shows; revoking alice's grant (her refresh token, through
// the revocation endpoint) revokes the exchanged token, which is
// recorded against it.
func TestTokenExchangeDelegation(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.aliceAtGateway(t, "read")
	own := wantToken(t, e.token(t, gateway, "grant_type", "client_credentials"))
	tok := wantToken(t, e.exchange(t, "subject_token", alice.AccessToken, "subject_token_type", typeAccess,
		"actor_token", own.AccessToken, "actor_token_type", typeAccess))
	_, c := e.verifyAccessJWT(t, tok.AccessToken)
	if act, _ := c["act"].(map[string]any); c["sub"] != aliceSub || act["sub"] != gatewayID || act["iss"] != specIssuer {
		t.Errorf("claims %v", c)
	}
	in := e.introspect(t, tok.AccessToken)
	if act, _ := in["act"].(map[string]any); in["active"] != true || act["sub"] != gatewayID || in["sub"] != aliceSub {
		t.Errorf("introspection %v", in)
	}

	// The exchanged refresh token is a subject too.
	again := wantToken(t, e.exchange(t, "subject_token", alice.RefreshToken, "subject_token_type", typeRefresh))
	if r := e.revoke(t, gatewayID, gatewaySecret, alice.RefreshToken); r.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	for _, x := range []string{tok.AccessToken, again.AccessToken} {
		if e.active(t, x) {
			t.Error("an exchanged token outlives the subject's grant")
		}
	}
	wantError(t, e.exchange(t, "subject_token", alice.AccessToken, "subject_token_type", typeAccess), 400,
		oauth.ErrInvalidRequest, "subject token")
}

// TestTokenExchangeErrors: the refusals over HTTP, each with its status
// and error (RFC 8693 §2.2.2).
func TestTokenExchangeErrors(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.aliceAtGateway(t, "read")
	svcTok := e.svcTokens(t, "read") // svc's: neither issued to gateway nor for it
	sub := []string{"subject_token", alice.AccessToken, "subject_token_type", typeAccess}
	for _, tc := range []struct {
		name   string
		basic  []string
		kv     []string
		status int
		code   oauth.ErrorCode
		desc   string
	}{
		{"no subject_token", gateway, []string{"subject_token_type", typeAccess}, 400, oauth.ErrInvalidRequest, "subject_token"},
		{"no subject_token_type", gateway, []string{"subject_token", alice.AccessToken}, 400, oauth.ErrInvalidRequest, "subject_token_type"},
		{"actor_token alone", gateway, append(sub, "actor_token", alice.AccessToken), 400, oauth.ErrInvalidRequest, "actor_token_type"},
		{"actor_token_type alone", gateway, append(sub, "actor_token_type", typeAccess), 400, oauth.ErrInvalidRequest, "actor_token"},
		{"not a token type URI", gateway, []string{"subject_token", alice.AccessToken, "subject_token_type", "access_token"}, 400, oauth.ErrInvalidRequest, "token type"},
		{"SAML subject", gateway, []string{"subject_token", "PHNhbWw+", "subject_token_type", "urn:ietf:params:oauth:token-type:saml2"}, 400, oauth.ErrInvalidRequest, "subject token"},
		{"another client's token", gateway, []string{"subject_token", svcTok.AccessToken, "subject_token_type", typeAccess}, 400, oauth.ErrInvalidRequest, "neither issued to this client"},
		{"refresh token requested", gateway, append(sub, "requested_token_type", typeRefresh), 400, oauth.ErrInvalidRequest, "requested_token_type"},
		{"scope beyond the subject's", gateway, append(sub, "scope", "read write"), 400, oauth.ErrInvalidScope, "subject token's scope"},
		{"audience not allowed", gateway, append(sub, "audience", "https://evil.example"), 400, oauth.ErrInvalidTarget, "audience"},
		{"resource not allowed", gateway, append(sub, "resource", "https://evil.example"), 400, oauth.ErrInvalidTarget, "resource"},
		{"client not registered for it", creds(mobileID, mobileSecret), sub, 400, oauth.ErrUnauthorizedClient, "grant type"},
		{"wrong secret", creds(gatewayID, "wrong"), sub, 401, oauth.ErrInvalidClient, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, e.token(t, tc.basic, append([]string{"grant_type", exchangeGrant}, tc.kv...)...), tc.status, tc.code, tc.desc)
		})
	}
	// A public client, identified by client_id only: confidential clients
	// only unless the spec sets public_clients (RFC 8693 §5).
	r := e.token(t, nil, append([]string{"grant_type", exchangeGrant, "client_id", kioskID}, sub...)...)
	wantError(t, r, 400, oauth.ErrInvalidClient, "")
	// Nothing of the tokens reached the logs.
	for _, tok := range []string{alice.AccessToken, svcTok.AccessToken} {
		if strings.Contains(e.logs.String(), tok) {
			t.Error("a token was logged")
		}
	}
}
