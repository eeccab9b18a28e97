package runtime

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

type htNopFlow struct{}

func (htNopFlow) Prepare(*TokenContext) (func(context.Context) (*TokenResponse, error), error) {
	return nil, nil
}

// TestNewServerRefuses covers every configuration NewServer refuses.
func TestNewServerRefuses(t *testing.T) {
	clients := htClients(t)
	cc := Registration[TokenContext, TokenResponse]{ID: "cc", Wire: string(oauth.GrantClientCredentials), Grant: htCCGrant, Flow: htNopFlow{}}
	tests := []struct {
		name  string
		cfg   Config
		set   func(s *Settings)
		flows []Registration[TokenContext, TokenResponse]
		want  string
	}{
		{"nil clients", Config{}, nil, nil, "Clients is required"},
		{"empty issuer", Config{Clients: clients}, func(s *Settings) { s.Issuer = "" }, nil, "issuer"},
		{"http issuer not loopback", Config{Clients: clients}, func(s *Settings) { s.Issuer = "http://as.example" }, nil, "loopback"},
		{"ftp issuer", Config{Clients: clients}, func(s *Settings) { s.Issuer = "ftp://as.example" }, nil, "https"},
		{"issuer with query", Config{Clients: clients}, func(s *Settings) { s.Issuer = "https://as.example?x=1" }, nil, "query"},
		{"issuer with fragment", Config{Clients: clients}, func(s *Settings) { s.Issuer = "https://as.example#x" }, nil, "fragment"},
		{"issuer without host", Config{Clients: clients}, func(s *Settings) { s.Issuer = "https:///x" }, nil, "host"},
		{"issuer with user", Config{Clients: clients}, func(s *Settings) { s.Issuer = "https://u:p@as.example" }, nil, "user"},
		{"relative token path", Config{Clients: clients}, func(s *Settings) { s.Paths["oauth-token"] = "token" }, nil, `oauth-token path "token" must be an absolute path`},
		{"token path with query", Config{Clients: clients}, func(s *Settings) { s.Paths["oauth-token"] = "/token?x" }, nil, "oauth-token path"},
		{"token path with trailing slash", Config{Clients: clients}, func(s *Settings) { s.Paths["oauth-token"] = "/token/" }, nil, "trailing slash"},
		{"well-known path", Config{Clients: clients}, func(s *Settings) { s.Paths["oauth-jwks"] = "/.well-known/jwks" }, nil, "well-known"},
		{"metadata path", Config{Clients: clients}, func(s *Settings) { s.Paths["oauth-jwks"] = "/.well-known/oauth-authorization-server" }, nil, "well-known"},
		{"same paths", Config{Clients: clients}, func(s *Settings) { s.Paths["oauth-jwks"] = s.Paths["oauth-token"] }, nil, `oauth-jwks path "/oauth2/token" is also oauth-token's`},
		{"path of an endpoint not enabled", Config{Clients: clients}, func(s *Settings) { s.Paths["oauth-authorize"] = "/authorize" }, nil, `Paths has "oauth-authorize", which is not an enabled endpoint`},
		{"path of an unknown endpoint", Config{Clients: clients}, func(s *Settings) { s.Paths["oauth-tokn"] = "/t" }, nil, `Paths has "oauth-tokn"`},
		{"unknown auth method", Config{Clients: clients}, func(s *Settings) { s.AuthMethods = []string{"tls_client_auth"} }, nil, "auth method"},
		{"duplicate auth method", Config{Clients: clients}, func(s *Settings) {
			s.AuthMethods = []string{"none", "none"}
		}, nil, "twice"},
		{"bad scope", Config{Clients: clients}, func(s *Settings) { s.Scopes = []ScopeInfo{{Name: "a b"}} }, nil, "scope"},
		{"duplicate scope", Config{Clients: clients}, func(s *Settings) { s.Scopes = []ScopeInfo{{Name: "a"}, {Name: "a"}} }, nil, "twice"},
		{"negative body limit", Config{Clients: clients}, func(s *Settings) { s.MaxBodyBytes = -1 }, nil, "MaxBodyBytes"},
		{"unknown signing alg", Config{Clients: clients}, func(s *Settings) { s.SigningAlg = "HS256" }, nil, "HS256"},
		{"key set without the alg", Config{Clients: clients, Keys: htKeys(t)}, func(s *Settings) { s.SigningAlg = oauth.AlgRS256 }, nil, "RS256"},
		{"nil flow", Config{Clients: clients}, nil, []Registration[TokenContext, TokenResponse]{{ID: "x", Wire: string(oauth.GrantClientCredentials), Grant: htCCGrant}}, "Flow is nil"},
		{"empty grant type", Config{Clients: clients}, nil, []Registration[TokenContext, TokenResponse]{{ID: "x", Grant: htCCGrant, Flow: htNopFlow{}}}, "Wire"},
		{"grant type not a URI", Config{Clients: clients}, nil, []Registration[TokenContext, TokenResponse]{{ID: "x", Wire: "magic", Grant: htCCGrant, Flow: htNopFlow{}}}, "unknown grant type"},
		{"no grant policy", Config{Clients: clients}, nil, []Registration[TokenContext, TokenResponse]{{ID: "x", Wire: "urn:x", Flow: htNopFlow{}}}, "Clients is unset"},
		{"incoherent grant policy", Config{Clients: clients}, nil, []Registration[TokenContext, TokenResponse]{{ID: "x", Wire: "urn:x", Grant: flowkit.GrantPolicy{Clients: flowkit.AnyClients, Credential: flowkit.ClientCredential, Scope: flowkit.ScopeFromRequest, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.NoEndUser}, Flow: htNopFlow{}}}, "confidential clients"},
		{"scope from a grant it does not redeem", Config{Clients: clients}, nil, []Registration[TokenContext, TokenResponse]{{ID: "x", Wire: "urn:x", Grant: flowkit.GrantPolicy{Clients: flowkit.AnyClients, Credential: flowkit.ProcedureCredential, Scope: flowkit.ScopeFromGrant, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.NoEndUser}, Flow: htNopFlow{}}}, "exactly when"},
		{"password with another end user", Config{Clients: clients}, nil, []Registration[TokenContext, TokenResponse]{{ID: "x", Wire: string(oauth.GrantPassword), Grant: flowkit.GrantPolicy{Clients: flowkit.ConfidentialClients, Credential: flowkit.PasswordCredential, Scope: flowkit.ScopeFromRequest, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.EndUserByProcedure}, Flow: htNopFlow{}}}, "credential is a password, an assertion or a subject token"},
		{"credential's end user without a password", Config{Clients: clients}, nil, []Registration[TokenContext, TokenResponse]{{ID: "x", Wire: "urn:x", Grant: flowkit.GrantPolicy{Clients: flowkit.ConfidentialClients, Credential: flowkit.ProcedureCredential, Scope: flowkit.ScopeFromRequest, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.EndUserOfCredential}, Flow: htNopFlow{}}}, "credential is a password, an assertion or a subject token"},
		{"password without Users", Config{Clients: clients}, nil, []Registration[TokenContext, TokenResponse]{{ID: "x", Wire: string(oauth.GrantPassword), Grant: htPasswordGrant, Flow: htNopFlow{}}}, "Users is required by the password flow"},
		{"duplicate grant type", Config{Clients: clients}, nil, []Registration[TokenContext, TokenResponse]{cc, cc}, "twice"},
		{"negative TTL", Config{Clients: clients}, nil, []Registration[TokenContext, TokenResponse]{{ID: "x", Wire: string(oauth.GrantClientCredentials), Grant: htCCGrant, Flow: htNopFlow{}, Policy: TokenPolicy{AccessTTL: -time.Second}}}, "negative"},
		{"unknown format", Config{Clients: clients}, nil, []Registration[TokenContext, TokenResponse]{{ID: "x", Wire: string(oauth.GrantClientCredentials), Grant: htCCGrant, Flow: htNopFlow{}, Policy: TokenPolicy{AccessFormat: "paseto"}}}, "format"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := htSettings()
			if tc.set != nil {
				tc.set(&s)
			}
			if tc.cfg.Keys == nil && tc.name != "unknown signing alg" {
				tc.cfg.Keys = htKeys(t)
			}
			_, err := NewServer(tc.cfg, s, Flows{Token: tc.flows})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// TestNewServerDefaults: what NewServer fills in.
func TestNewServerDefaults(t *testing.T) {
	for _, iss := range []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]", "https://as.example/tenant/"} {
		srv, err := NewServer(Config{Clients: htClients(t)}, Settings{Issuer: iss},
			Flows{Token: []Registration[TokenContext, TokenResponse]{{ID: "cc", Wire: string(oauth.GrantClientCredentials), Grant: htCCGrant, Flow: htNopFlow{}}}})
		if err != nil {
			t.Fatalf("%s: %v", iss, err)
		}
		s := srv.Settings()
		if !maps.Equal(s.Paths, map[string]string{"oauth-token": "/oauth2/token", "oauth-jwks": "/oauth2/jwks"}) || s.MaxBodyBytes != 64<<10 ||
			s.SigningAlg != oauth.AlgES256 || !slices.Equal(s.AuthMethods, []string{"client_secret_basic"}) {
			t.Fatalf("settings %+v", s)
		}
		if srv.store == nil || srv.clock == nil || srv.log == nil || srv.keys == nil {
			t.Fatal("defaults not filled")
		}
		p := srv.flows[oauth.GrantClientCredentials].Policy
		if p.AccessTTL != 10*time.Minute || p.AccessFormat != FormatJWT || p.CodeTTL != 60*time.Second {
			t.Fatalf("policy %+v", p)
		}
	}
}

// TestRouting: endpoints, 404 and 405.
func TestRouting(t *testing.T) {
	env := htNewEnv(t)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/nowhere", 404, ""},
		{http.MethodGet, "/oauth2/token/", 404, ""},
		{http.MethodGet, "/oauth2/jwks", 200, ""},
		{http.MethodHead, "/oauth2/jwks", 200, ""},
		{http.MethodPost, "/oauth2/jwks", 405, "GET, HEAD"},
		{http.MethodGet, "/.well-known/oauth-authorization-server", 200, ""},
		{http.MethodHead, "/.well-known/oauth-authorization-server", 200, ""},
		{http.MethodDelete, "/.well-known/oauth-authorization-server", 405, "GET, HEAD"},
		{http.MethodGet, "/oauth2/token", 405, "POST"},
	}
	for _, tc := range tests {
		w := httptest.NewRecorder()
		env.srv.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
		if w.Code != tc.status || w.Header().Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want %d %q", tc.method, tc.path, w.Code, w.Header().Get("Allow"), tc.status, tc.allow)
		}
		if tc.method == http.MethodHead && w.Body.Len() != 0 {
			t.Errorf("HEAD %s has a body", tc.path)
		}
	}
}

// TestJWKSEndpoint: the key set document (RFC 7517 §5), public and cacheable.
func TestJWKSEndpoint(t *testing.T) {
	env := htNewEnv(t)
	w := httptest.NewRecorder()
	env.srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/oauth2/jwks", nil))
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Cache-Control"), "public, max-age=") {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || len(doc.Keys) != 1 || doc.Keys[0]["alg"] != "ES256" {
		t.Fatalf("JWKS %s: %v", w.Body, err)
	}
	if _, ok := doc.Keys[0]["d"]; ok {
		t.Fatal("private member in the JWKS")
	}
}

// TestMetadata: the RFC 8414 document advertises exactly what is enabled.
func TestMetadata(t *testing.T) {
	env := htNewEnv(t)
	w := httptest.NewRecorder()
	env.srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/.well-known/oauth-authorization-server", nil))
	if w.Code != 200 || w.Header().Get("Cache-Control") != "public, max-age=300" || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"issuer":                                htIssuer,
		"token_endpoint":                        htIssuer + "/oauth2/token",
		"jwks_uri":                              htIssuer + "/oauth2/jwks",
		"response_types_supported":              "[]",
		"response_modes_supported":              "[]",
		"grant_types_supported":                 `["client_credentials","authorization_code","refresh_token","urn:test:custom","urn:example:params:grant-type:magic-link"]`,
		"token_endpoint_auth_methods_supported": `["client_secret_basic","client_secret_post","none"]`,
		"code_challenge_methods_supported":      `["S256"]`,
		"scopes_supported":                      `["read","write"]`,
		"request_parameter_supported":           "false",
		"request_uri_parameter_supported":       "false",
		"claims_parameter_supported":            "false",
	}
	for k, v := range want {
		got, ok := m[k]
		if !ok {
			t.Errorf("member %s missing", k)
			continue
		}
		enc, _ := json.Marshal(got)
		if s, isStr := got.(string); isStr {
			enc = []byte(s)
		}
		if string(enc) != v {
			t.Errorf("%s = %s, want %s", k, enc, v)
		}
	}
	if len(m) != len(want) {
		t.Errorf("document has %d members, want %d: %s", len(m), len(want), w.Body)
	}
	// Metadata() returns the same document, as a copy.
	md := env.srv.Metadata()
	md.GrantTypesSupported[0] = "mutated"
	if env.srv.Metadata().GrantTypesSupported[0] != oauth.GrantClientCredentials {
		t.Error("Metadata() exposes the served document")
	}
}

// TestMetadataWithoutCodeFlow: no code_challenge_methods_supported without
// authorization_code; the issuer's path goes after the well-known string
// (RFC 8414 §3.1).
func TestMetadataWithoutCodeFlow(t *testing.T) {
	srv, err := NewServer(Config{Clients: htClients(t), Keys: htKeys(t)}, Settings{Issuer: "https://as.example/tenant/a"},
		Flows{Token: []Registration[TokenContext, TokenResponse]{{ID: "cc", Wire: string(oauth.GrantClientCredentials), Grant: htCCGrant, Flow: htNopFlow{}}}})
	if err != nil {
		t.Fatal(err)
	}
	if srv.MetadataPath() != "/.well-known/oauth-authorization-server/tenant/a" {
		t.Fatalf("path %q", srv.MetadataPath())
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, srv.MetadataPath(), nil))
	if w.Code != 200 || strings.Contains(w.Body.String(), "code_challenge_methods_supported") ||
		!strings.Contains(w.Body.String(), `"issuer":"https://as.example/tenant/a"`) ||
		!strings.Contains(w.Body.String(), `"token_endpoint":"https://as.example/oauth2/token"`) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/.well-known/oauth-authorization-server", nil))
	if w.Code != 404 {
		t.Fatalf("root metadata path served for an issuer with a path: %d", w.Code)
	}
}
