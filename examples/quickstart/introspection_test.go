package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// endpointsFromMetadata discovers the introspection and revocation
// endpoints (RFC 8414 §2).
func endpointsFromMetadata(t *testing.T, ctx context.Context, issuer string) (introspect, revoke string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, issuer+"/.well-known/oauth-authorization-server", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	defer resp.Body.Close()
	var md struct {
		Introspection string `json:"introspection_endpoint"`
		Revocation    string `json:"revocation_endpoint"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&md); err != nil || md.Introspection == "" || md.Revocation == "" {
		t.Fatalf("metadata: %+v, %v", md, err)
	}
	return md.Introspection, md.Revocation
}

// postForm sends a form to an endpoint with client_secret_basic
// credentials (none when id is empty) and an Accept header, and returns
// the status, the content type and the body.
func postForm(t *testing.T, ctx context.Context, endpoint, id, secret, accept string, form url.Values) (int, string, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", endpoint, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}

// TestIntrospectionAndRevocationEndToEnd: tokens obtained with
// golang.org/x/oauth2 (authorization code with PKCE, and client
// credentials) are introspected by the demo resource server, as JSON and
// as a signed JWT that verifies against the JWKS (RFC 7662; RFC 9701);
// revoking the refresh token revokes the grant, after which introspection
// says inactive and x/oauth2's refresh is refused (RFC 7009).
func TestIntrospectionAndRevocationEndToEnd(t *testing.T) {
	ctx := t.Context()
	srv, issuer := startServer(t)
	tokenURL, jwksURI := metadata(t, ctx, issuer)
	introspectURL, revokeURL := endpointsFromMetadata(t, ctx, issuer)

	cfg := oauth2.Config{
		ClientID: "demo-app", ClientSecret: demoAppSecret,
		Endpoint:    oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: "http://127.0.0.1:9090/callback", Scopes: []string{"read"},
	}
	verifier := oauth2.GenerateVerifier()
	code, err := srv.IssueAuthorizationCode(ctx, runtime.AuthorizationCode{
		ClientID: "demo-app", RedirectURI: cfg.RedirectURL, RedirectURIProvided: true, Scope: oauth.ScopeSet{"read"},
		Authentication: runtime.Authentication{Subject: "alice", AuthTime: time.Now()},
		CodeChallenge:  oauth2.S256ChallengeFromVerifier(verifier), CodeChallengeMethod: "S256",
	})
	if err != nil {
		t.Fatalf("IssueAuthorizationCode: %v", err)
	}
	tok, err := cfg.Exchange(ctx, code.Reveal(), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	svc, err := (&clientcredentials.Config{ClientID: "demo-service", ClientSecret: demoServiceSecret, TokenURL: tokenURL}).Token(ctx)
	if err != nil {
		t.Fatalf("client_credentials: %v", err)
	}

	introspect := func(token string) map[string]any {
		t.Helper()
		status, ct, body := postForm(t, ctx, introspectURL, "demo-api", demoAPISecret, "", url.Values{"token": {token}})
		var m map[string]any
		if status != http.StatusOK || ct != "application/json" || json.Unmarshal(body, &m) != nil {
			t.Fatalf("introspection: %d %s %s", status, ct, body)
		}
		return m
	}
	for name, want := range map[string]struct {
		token, client, sub string
	}{
		"code access token":  {tok.AccessToken, "demo-app", "alice"},
		"code refresh token": {tok.RefreshToken, "demo-app", "alice"},
		"service token":      {svc.AccessToken, "demo-service", "demo-service"},
	} {
		if m := introspect(want.token); m["active"] != true || m["client_id"] != want.client || m["sub"] != want.sub || m["iss"] != issuer {
			t.Errorf("%s: %v", name, m)
		}
	}

	// The JWT answer, signed by the server's key (RFC 9701 §5).
	status, ct, body := postForm(t, ctx, introspectURL, "demo-api", demoAPISecret, "application/token-introspection+jwt", url.Values{"token": {tok.AccessToken}})
	if status != http.StatusOK || ct != "application/token-introspection+jwt" {
		t.Fatalf("JWT introspection: %d %s %s", status, ct, body)
	}
	payload, err := oidc.NewRemoteKeySet(ctx, jwksURI).VerifySignature(ctx, string(body))
	if err != nil {
		t.Fatalf("the introspection JWT does not verify against the JWKS: %v", err)
	}
	var claims struct {
		Iss string         `json:"iss"`
		Aud string         `json:"aud"`
		TI  map[string]any `json:"token_introspection"`
	}
	header, _ := base64.RawURLEncoding.DecodeString(strings.SplitN(string(body), ".", 2)[0])
	if err := json.Unmarshal(payload, &claims); err != nil || claims.Iss != issuer || claims.Aud != "demo-api" ||
		claims.TI["active"] != true || !strings.Contains(string(header), `"typ":"token-introspection+jwt"`) {
		t.Errorf("JWT header %s, claims %+v, %v", header, claims, err)
	}

	// Revoke the refresh token (demo-app authenticates with
	// client_secret_post): its grant goes, and with it every token.
	status, _, body = postForm(t, ctx, revokeURL, "", "", "", url.Values{"token": {tok.RefreshToken}, "token_type_hint": {"refresh_token"},
		"client_id": {"demo-app"}, "client_secret": {demoAppSecret}})
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("revocation: %d %s", status, body)
	}
	for _, tk := range []string{tok.AccessToken, tok.RefreshToken} {
		if m := introspect(tk); len(m) != 1 || m["active"] != false {
			t.Errorf("after revocation: %v", m)
		}
	}
	if m := introspect(svc.AccessToken); m["active"] != true {
		t.Error("revoking demo-app's grant revoked demo-service's token")
	}
	expired := &oauth2.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Minute)}
	if _, err := cfg.TokenSource(ctx, expired).Token(); !isOAuthError(err, "invalid_grant") {
		t.Errorf("refresh after revocation: err = %v; want invalid_grant", err)
	}
	// A resource server's own credentials get no tokens.
	if _, err := (&clientcredentials.Config{ClientID: "demo-api", ClientSecret: demoAPISecret, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInHeader}).Token(ctx); !isOAuthError(err, "unauthorized_client") {
		t.Errorf("demo-api at the token endpoint: err = %v; want unauthorized_client", err)
	}
}
