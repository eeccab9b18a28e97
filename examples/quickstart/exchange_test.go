package main

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// TestTokenExchange: demo-app, registered for token exchange (RFC 8693),
// trades the access token of its signed-in user for a narrower one of the
// same user with golang.org/x/oauth2 (the client credentials config, its
// grant_type overridden): issued_token_type is the access token type, the
// scope is the narrower one, there is no refresh token, and the new token's
// sub is the user's, its client demo-app. A forged subject token is
// invalid_request (RFC 8693 §2.2.2), and demo-service, not registered for
// the grant, is unauthorized_client.
func TestTokenExchange(t *testing.T) {
	const accessType = "urn:ietf:params:oauth:token-type:access_token"
	e := newHostileEnv(t, false)
	user := e.tokens("", "demo-app", "openid", "read", "write")
	cfg := clientcredentials.Config{
		ClientID: "demo-app", ClientSecret: demoAppSecret, TokenURL: e.issuer + "/oauth2/token",
		AuthStyle: oauth2.AuthStyleInParams, Scopes: []string{"read"},
		EndpointParams: url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:token-exchange"},
			"subject_token": {user.AccessToken}, "subject_token_type": {accessType}},
	}
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, e.client)
	tok, err := cfg.Token(ctx)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if tok.Extra("issued_token_type") != accessType || tok.Extra("scope") != "read" || tok.RefreshToken != "" {
		t.Errorf("issued_token_type %v, scope %v, refresh token %q", tok.Extra("issued_token_type"), tok.Extra("scope"), tok.RefreshToken)
	}
	var got, was jwt.MapClaims
	parser := jwt.NewParser()
	if _, _, err := parser.ParseUnverified(tok.AccessToken, &got); err != nil {
		t.Fatal(err)
	}
	if _, _, err := parser.ParseUnverified(user.AccessToken, &was); err != nil {
		t.Fatal(err)
	}
	if got["sub"] != was["sub"] || got["client_id"] != "demo-app" || got["scope"] != "read" || got["act"] != nil {
		t.Errorf("exchanged token's claims %v; want the user's sub %v, demo-app, read, no act", got, was["sub"])
	}

	forged := cfg
	forged.EndpointParams = url.Values{"grant_type": cfg.EndpointParams["grant_type"], "subject_token": {user.AccessToken + "x"}, "subject_token_type": {accessType}}
	if _, err := forged.Token(ctx); !isOAuthError(err, "invalid_request") {
		t.Errorf("forged subject token: %v, want invalid_request", err)
	}
	other := cfg
	other.ClientID, other.ClientSecret, other.AuthStyle = "demo-service", demoServiceSecret, oauth2.AuthStyleInHeader
	_, err = other.Token(ctx)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || !strings.Contains(re.ErrorCode, "unauthorized_client") {
		t.Errorf("demo-service: %v, want unauthorized_client", err)
	}
}
