package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/oauthgen/oauthgen/runtime"
)

// startServer serves the quickstart exactly as main does, on a random
// loopback port, with the issuer set to that port.
func startServer(t *testing.T) (*runtime.Server, string) {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	issuer := "http://" + ts.Listener.Addr().String()
	srv, err := newServer(serverOptions{issuer: issuer, store: runtime.NewMemoryStore(), log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("newServer: %v", err)
	}
	ts.Config.Handler = newHandler(srv, issuer, slog.New(slog.DiscardHandler))
	ts.Start()
	t.Cleanup(ts.Close)
	return srv, issuer
}

// metadata fetches the RFC 8414 document the way a client discovers the server.
func metadata(t *testing.T, ctx context.Context, issuer string) (tokenURL, jwksURI string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, issuer+"/.well-known/oauth-authorization-server", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	defer resp.Body.Close()
	var md struct {
		Issuer        string `json:"issuer"`
		TokenEndpoint string `json:"token_endpoint"`
		JWKSURI       string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&md); err != nil {
		t.Fatalf("metadata: %v", err)
	}
	if md.Issuer != issuer {
		t.Fatalf("metadata issuer = %q; want %q (RFC 8414 §3.3)", md.Issuer, issuer)
	}
	return md.TokenEndpoint, md.JWKSURI
}

// accessTokenClaims verifies a JWT access token against the JWKS found
// through discovery (go-oidc's remote key set) and returns its header and claims.
func accessTokenClaims(t *testing.T, ctx context.Context, jwksURI, token string) (map[string]any, map[string]any) {
	t.Helper()
	payload, err := oidc.NewRemoteKeySet(ctx, jwksURI).VerifySignature(ctx, token)
	if err != nil {
		t.Fatalf("access token does not verify against %s: %v", jwksURI, err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatalf("claims: %v", err)
	}
	rawHeader, err := base64.RawURLEncoding.DecodeString(strings.SplitN(token, ".", 2)[0])
	if err != nil {
		t.Fatalf("header: %v", err)
	}
	var header map[string]any
	if err := json.Unmarshal(rawHeader, &header); err != nil {
		t.Fatalf("header: %v", err)
	}
	return header, claims
}

// TestClientCredentialsEndToEnd: golang.org/x/oauth2/clientcredentials gets
// a token with the custom tenant property; the token is an RFC 9068 JWT that
// verifies against the JWKS from discovery and carries the custom claim.
func TestClientCredentialsEndToEnd(t *testing.T) {
	ctx := t.Context()
	_, issuer := startServer(t)
	tokenURL, jwksURI := metadata(t, ctx, issuer)

	cc := clientcredentials.Config{
		ClientID:       "demo-service",
		ClientSecret:   demoServiceSecret,
		TokenURL:       tokenURL,
		Scopes:         []string{"read", "write"},
		EndpointParams: url.Values{"tenant": {"acme"}},
		AuthStyle:      oauth2.AuthStyleInHeader,
	}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatalf("client_credentials: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.Expiry.IsZero() {
		t.Errorf("token_type, expiry = %q, %v; want Bearer and an expiry", tok.TokenType, tok.Expiry)
	}
	header, claims := accessTokenClaims(t, ctx, jwksURI, tok.AccessToken)
	if header["typ"] != "at+jwt" || header["alg"] != "ES256" || header["kid"] == nil {
		t.Errorf("header = %v; want typ at+jwt, alg ES256 and a kid (RFC 9068 §2.1)", header)
	}
	want := map[string]any{
		"iss": issuer, "sub": "demo-service", "aud": "https://api.example.com",
		"client_id": "demo-service", "scope": "read write", "tenant": "acme",
	}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s = %v; want %v", k, claims[k], v)
		}
	}
	for _, k := range []string{"exp", "iat", "jti"} {
		if claims[k] == nil {
			t.Errorf("claim %s missing (RFC 9068 §2.2)", k)
		}
	}

	// Without tenant the procedure's default applies.
	cc.EndpointParams = nil
	if tok, err = cc.Token(ctx); err != nil {
		t.Fatalf("client_credentials without tenant: %v", err)
	}
	if _, claims = accessTokenClaims(t, ctx, jwksURI, tok.AccessToken); claims["tenant"] != "public" {
		t.Errorf("tenant claim without a tenant parameter = %v; want the default, public", claims["tenant"])
	}
}

// TestClientCredentialsErrorsEndToEnd: the typed property's validation and
// the procedure's own error reach the client as RFC 6749 §5.2 errors.
func TestClientCredentialsErrorsEndToEnd(t *testing.T) {
	ctx := t.Context()
	_, issuer := startServer(t)
	tokenURL, _ := metadata(t, ctx, issuer)
	for _, tc := range []struct {
		name   string
		secret string
		params url.Values
		scopes []string
		code   string
		status int
	}{
		{"tenant fails its validate rule", demoServiceSecret, url.Values{"tenant": {"not-alphanumeric!"}}, nil, "invalid_request", 400},
		{"the procedure refuses the tenant", demoServiceSecret, url.Values{"tenant": {"blocked"}}, nil, "invalid_request", 400},
		{"scope the client may not have", demoServiceSecret, nil, []string{"admin"}, "invalid_scope", 400},
		{"wrong secret", "wrong", nil, nil, "invalid_client", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc := clientcredentials.Config{ClientID: "demo-service", ClientSecret: tc.secret, TokenURL: tokenURL,
				Scopes: tc.scopes, EndpointParams: tc.params, AuthStyle: oauth2.AuthStyleInHeader}
			_, err := cc.Token(ctx)
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v; want an *oauth2.RetrieveError", err)
			}
			if re.ErrorCode != tc.code || re.Response.StatusCode != tc.status {
				t.Errorf("error = %q, status %d; want %q, %d", re.ErrorCode, re.Response.StatusCode, tc.code, tc.status)
			}
			if cc := re.Response.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q; want no-store (RFC 6749 §5.1)", cc)
			}
		})
	}
}

// TestAuthorizationCodeEndToEnd: a code issued through the runtime API (the
// authorize endpoint comes later) is redeemed by golang.org/x/oauth2 with
// PKCE, by the confidential demo-app and the public demo-spa; the refresh
// token then rotates, and reusing the old one fails.
func TestAuthorizationCodeEndToEnd(t *testing.T) {
	ctx := t.Context()
	srv, issuer := startServer(t)
	tokenURL, jwksURI := metadata(t, ctx, issuer)

	for _, tc := range []struct {
		client, secret, redirect string
		style                    oauth2.AuthStyle
	}{
		{"demo-app", demoAppSecret, "http://127.0.0.1:9090/callback", oauth2.AuthStyleInParams},
		{"demo-spa", "", "http://127.0.0.1:9090/spa-callback", oauth2.AuthStyleInParams},
	} {
		t.Run(tc.client, func(t *testing.T) {
			cfg := oauth2.Config{
				ClientID:     tc.client,
				ClientSecret: tc.secret,
				Endpoint:     oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: tc.style},
				RedirectURL:  tc.redirect,
				Scopes:       []string{"read"},
			}
			verifier := oauth2.GenerateVerifier()
			// newCode stands in for the authorize endpoint (next issue): a
			// code for alice, bound to the redirect URI and the PKCE challenge.
			newCode := func() runtime.Secret {
				t.Helper()
				code, err := srv.IssueAuthorizationCode(ctx, runtime.AuthorizationCode{
					ClientID:            tc.client,
					RedirectURI:         tc.redirect,
					RedirectURIProvided: true,
					Scope:               oauth.ScopeSet{"read"},
					Authentication:      runtime.Authentication{Subject: "alice", AuthTime: time.Now()},
					CodeChallenge:       oauth2.S256ChallengeFromVerifier(verifier),
					CodeChallengeMethod: "S256",
				})
				if err != nil {
					t.Fatalf("IssueAuthorizationCode: %v", err)
				}
				return code
			}
			code := newCode()

			// A wrong verifier fails, and burns the code (RFC 7636 §4.6).
			if _, err := cfg.Exchange(ctx, code.Reveal(), oauth2.VerifierOption(oauth2.GenerateVerifier())); !isOAuthError(err, "invalid_grant") {
				t.Fatalf("exchange with a wrong verifier: err = %v; want invalid_grant", err)
			}
			code = newCode()
			tok, err := cfg.Exchange(ctx, code.Reveal(), oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			if tok.RefreshToken == "" {
				t.Fatal("no refresh token")
			}
			if _, claims := accessTokenClaims(t, ctx, jwksURI, tok.AccessToken); claims["sub"] != "alice" || claims["client_id"] != tc.client || claims["scope"] != "read" {
				t.Errorf("claims = %v; want sub alice, client_id %s, scope read", claims, tc.client)
			}
			// The same code again fails (RFC 6749 §4.1.2).
			if _, err := cfg.Exchange(ctx, code.Reveal(), oauth2.VerifierOption(verifier)); !isOAuthError(err, "invalid_grant") {
				t.Errorf("second exchange: err = %v; want invalid_grant", err)
			}

			// Refresh: a fresh client token source with only the refresh token.
			// The replay above revoked the grant (RFC 6749 §4.1.2), so redeem
			// a new code for the rotation check.
			code = newCode()
			if tok, err = cfg.Exchange(ctx, code.Reveal(), oauth2.VerifierOption(verifier)); err != nil {
				t.Fatalf("exchange: %v", err)
			}
			refreshed, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
			if err != nil {
				t.Fatalf("refresh: %v", err)
			}
			if refreshed.RefreshToken == "" || refreshed.RefreshToken == tok.RefreshToken {
				t.Errorf("refresh token not rotated (RFC 9700 §4.14.2)")
			}
			// Reusing the rotated token fails and revokes the grant (RFC 9700 §4.14.2).
			if _, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); !isOAuthError(err, "invalid_grant") {
				t.Errorf("reused refresh token: err = %v; want invalid_grant", err)
			}
			if _, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: refreshed.RefreshToken}).Token(); !isOAuthError(err, "invalid_grant") {
				t.Errorf("newest refresh token after reuse: err = %v; want invalid_grant (the grant is revoked)", err)
			}
		})
	}
}

func isOAuthError(err error, code string) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == code
}

// TestWelcomePrintsDemoClients: the start banner names every demo client and
// the secrets a newcomer needs for the README's curl example.
func TestWelcomePrintsDemoClients(t *testing.T) {
	var b strings.Builder
	printWelcome(&b, "http://127.0.0.1:8080", describeStore(demoStore))
	for _, s := range []string{"demo-service", demoServiceSecret, "demo-app", demoAppSecret, "demo-spa", "demo-tv", "http://127.0.0.1:8080/oauth2/token", "/oauth2/device/verify",
		"/data/quickstart.db (delete it to start afresh)"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("welcome banner lacks %q", s)
		}
	}
}

// TestRunServesAndStops: run listens, serves a token request and returns
// cleanly when its context is cancelled.
func TestRunServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-issuer", "http://127.0.0.1:8080", "-store", "sqlite:" + filepath.Join(t.TempDir(), "q.db")}, pw, io.Discard)
		pw.Close()
	}()
	// The banner is printed once the listener is up.
	buf := make([]byte, 64)
	if _, err := io.ReadFull(pr, buf); err != nil {
		t.Fatalf("banner: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after cancel = %v; want nil", err)
	}
}
