package stores_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
	"github.com/oauthgen/oauthgen/runtime/stores"
	"github.com/oauthgen/oauthgen/runtime/storetest/pgtest"
)

// The benchmarks of a whole token request, through Server.ServeHTTP, on
// each backend: what the README's table reports.
//
//	go test -run '^$' -bench . -benchmem -cpu 1,2 ./runtime/stores

// defaultFlow issues the defaults, as a generated stub does until a team
// fills it in.
type defaultFlow struct{}

func (defaultFlow) Prepare(t *runtime.TokenContext) (func(context.Context) (*runtime.TokenResponse, error), error) {
	return t.Default, nil
}

const (
	benchSecret   = "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz"
	benchRedirect = "https://app.example/cb"
	benchVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)

// benchServer is a server on the backend named by kind, with a
// client_credentials flow issuing format and the code and refresh flows.
func benchServer(b *testing.B, kind string, format runtime.AccessTokenFormat) *runtime.Server {
	b.Helper()
	var location string
	switch kind {
	case "memory":
		location = "memory"
	case "sqlite":
		location = "sqlite:" + filepath.Join(b.TempDir(), "bench.db")
	case "postgres":
		location = pgtest.DSN(b)
	}
	st, err := stores.Open(b.Context(), location)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	svc := &runtime.Client{ID: "svc", AuthMethod: oauth.AuthClientSecretBasic, GrantTypes: []oauth.GrantType{"client_credentials"}, Scopes: oauth.ScopeSet{"read"}}
	app := &runtime.Client{ID: "app", AuthMethod: oauth.AuthClientSecretBasic, GrantTypes: []oauth.GrantType{"authorization_code", "refresh_token"},
		RedirectURIs: []string{benchRedirect}, Scopes: oauth.ScopeSet{"read"}}
	for _, c := range []*runtime.Client{svc, app} {
		c.SetSecretHash(runtime.HashClientSecret(benchSecret))
	}
	clients, err := runtime.NewMemoryClients(svc, app)
	if err != nil {
		b.Fatal(err)
	}
	policy := runtime.TokenPolicy{AccessFormat: format, AccessTTL: 10 * time.Minute, IssueRefresh: true, RotateRefresh: true, RefreshTTL: 24 * time.Hour}
	cc := policy
	cc.IssueRefresh = false
	srv, err := runtime.NewServer(runtime.Config{Clients: clients, Store: st, Logger: slog.New(slog.DiscardHandler)},
		runtime.Settings{Issuer: "https://as.example", AuthMethods: []string{"client_secret_basic"}, Scopes: []runtime.ScopeInfo{{Name: "read"}}},
		runtime.Flows{Token: []runtime.Registration[runtime.TokenContext, runtime.TokenResponse]{
			{ID: "cc", Wire: "client_credentials", Policy: cc, Flow: defaultFlow{}, Grant: flowkit.GrantPolicy{
				Clients: flowkit.ConfidentialClients, Credential: flowkit.ClientCredential, Scope: flowkit.ScopeFromRequest,
				Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.NoEndUser}},
			{ID: "code", Wire: "authorization_code", Policy: policy, Flow: defaultFlow{}, Grant: flowkit.GrantPolicy{
				Clients: flowkit.AnyClients, Credential: flowkit.CodeCredential, Scope: flowkit.ScopeFromGrant,
				Resources: flowkit.ResourcesFromGrant, EndUser: flowkit.EndUserOfGrant}},
			{ID: "refresh", Wire: "refresh_token", Policy: policy, Flow: defaultFlow{}, Grant: flowkit.GrantPolicy{
				Clients: flowkit.AnyClients, Credential: flowkit.RefreshCredential, Scope: flowkit.ScopeFromGrant,
				Resources: flowkit.ResourcesFromGrant, EndUser: flowkit.EndUserOfGrant}},
		}})
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// post runs one token request and returns its body.
func post(b *testing.B, srv *runtime.Server, client, form string) map[string]any {
	r := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(form))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetBasicAuth(client, benchSecret)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", form, w.Code, w.Body)
	}
	var body map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	return body
}

var backends = []string{"memory", "sqlite", "postgres"}

// BenchmarkClientCredentials is one client_credentials request, with an
// opaque and with a JWT access token, on each backend.
func BenchmarkClientCredentials(b *testing.B) {
	for _, kind := range backends {
		for _, format := range []runtime.AccessTokenFormat{runtime.FormatOpaque, runtime.FormatJWT} {
			b.Run(kind+"/"+string(format), func(b *testing.B) {
				srv := benchServer(b, kind, format)
				b.ReportAllocs()
				for b.Loop() {
					post(b, srv, "svc", "grant_type=client_credentials&scope=read")
				}
			})
		}
	}
}

// BenchmarkClientCredentialsParallel is the same from concurrent clients:
// run with -cpu 1,2 to see how a backend scales.
func BenchmarkClientCredentialsParallel(b *testing.B) {
	for _, kind := range backends {
		b.Run(kind, func(b *testing.B) {
			srv := benchServer(b, kind, runtime.FormatOpaque)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					post(b, srv, "svc", "grant_type=client_credentials&scope=read")
				}
			})
		})
	}
}

// BenchmarkCodeAndRefresh is a full round trip: a code issued for an end
// user, redeemed with PKCE for an access and a refresh token, and the
// refresh token rotated once, on each backend.
func BenchmarkCodeAndRefresh(b *testing.B) {
	for _, kind := range backends {
		b.Run(kind, func(b *testing.B) {
			srv := benchServer(b, kind, runtime.FormatJWT)
			ctx := b.Context()
			sum := sha256.Sum256([]byte(benchVerifier))
			challenge := base64.RawURLEncoding.EncodeToString(sum[:]) // RFC 7636 §4.2
			b.ReportAllocs()
			for b.Loop() {
				code, err := srv.IssueAuthorizationCode(ctx, runtime.AuthorizationCode{
					ClientID: "app", RedirectURI: benchRedirect, RedirectURIProvided: true, Scope: oauth.ScopeSet{"read"},
					Authentication: runtime.Authentication{Subject: "alice", AuthTime: time.Now()},
					CodeChallenge:  challenge, CodeChallengeMethod: "S256",
				})
				if err != nil {
					b.Fatal(err)
				}
				tok := post(b, srv, "app", url.Values{"grant_type": {"authorization_code"}, "code": {code.Reveal()},
					"redirect_uri": {benchRedirect}, "code_verifier": {benchVerifier}}.Encode())
				rt, _ := tok["refresh_token"].(string)
				post(b, srv, "app", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}.Encode())
			}
		})
	}
}
