package model

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/fixture"
	"github.com/oauthgen/oauthgen/spec"
)

func build(t *testing.T, s *spec.Spec) *Model {
	t.Helper()
	m, err := Build(s, fixture.Catalogue())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestBuildOrdersFlowsByCatalogueThenSpec(t *testing.T) {
	s := fixture.Full()
	// Spec order differs from catalogue order.
	s.Flows[0], s.Flows[2] = s.Flows[2], s.Flows[0]
	s.ExtensionGrants = append(s.ExtensionGrants, spec.ExtensionGrant{Name: "another", GrantType: "urn:x:another"})
	m := build(t, s)
	var ids []string
	for _, f := range m.Flows {
		ids = append(ids, f.ID)
	}
	want := "oauth-token-authorization-code oauth-token-client-credentials oauth-token-refresh magic_link another"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("flow order = %s, want %s", got, want)
	}
}

func TestBuildServerDefaults(t *testing.T) {
	m := build(t, fixture.Spec("oauth-token-client-credentials"))
	s := m.Server
	if got := pathsOf(s); got != "oauth-token=/oauth2/token oauth-jwks=/oauth2/jwks" || s.SigningAlg != "ES256" || s.RequirePKCE != nil {
		t.Errorf("server defaults = %+v", s)
	}
	if len(s.AuthMethods) != 1 || s.AuthMethods[0] != "client_secret_basic" {
		t.Errorf("auth methods = %+v", s.AuthMethods)
	}
	if got := m.Flows[0].Route; got != "POST /oauth2/token" {
		t.Errorf("route = %q", got)
	}
}

// TestBuildPushedAuthorizationRequests: the pushed authorization request
// endpoint, which has no flow, is in the settings exactly when declared,
// with its setting.
func TestBuildPushedAuthorizationRequests(t *testing.T) {
	s := fixture.Spec("oauth-token-authorization-code", "oauth-authorize-authorization-code")
	s.Endpoints.List = []*spec.Endpoint{{Key: "token"}, {Key: "authorize"}}
	m := build(t, s)
	if got := pathsOf(m.Server); strings.Contains(got, "oauth-par") || m.Server.PushedAuthorizationRequests {
		t.Errorf("undeclared par: paths %s, server %+v", got, m.Server)
	}
	s.Endpoints.List = append(s.Endpoints.List, &spec.Endpoint{Key: "par", Path: "/push", RequirePushedAuthorizationRequests: fixture.Ptr(true)})
	m = build(t, s)
	if got := pathsOf(m.Server); !strings.Contains(got, "oauth-par=/push") || !m.Server.PushedAuthorizationRequests || !m.Server.RequirePushedAuthorizationRequests {
		t.Errorf("declared par: paths %s, server %+v", got, m.Server)
	}
	if len(m.Endpoints) != 2 {
		t.Errorf("endpoints with flows: %d, want token and authorize only", len(m.Endpoints))
	}
}

// pathsOf writes the endpoint paths of s as "id=path ...".
func pathsOf(s Server) string {
	var out []string
	for _, p := range s.Paths {
		out = append(out, p.ID+"="+p.Path)
	}
	return strings.Join(out, " ")
}

func TestBuildServerSettings(t *testing.T) {
	s := fixture.Full()
	s.Endpoints.Get("token").Path = "/token"
	s.Endpoints.List = append(s.Endpoints.List, &spec.Endpoint{Key: "jwks", Path: "/keys"})
	m := build(t, s)
	if got := pathsOf(m.Server); got != "oauth-token=/token oauth-jwks=/keys" || m.Server.SigningAlg != "EdDSA" {
		t.Errorf("server = %+v", m.Server)
	}
	if got := strings.Join(m.Server.AuthMethods, ","); got != "client_secret_basic,client_secret_post,none" {
		t.Errorf("auth methods = %s", got)
	}
	if len(m.Server.Scopes) != 2 || m.Server.Scopes[0].Name != "read" || m.Server.Scopes[1].Description != "Change your documents" {
		t.Errorf("scopes = %+v", m.Server.Scopes)
	}
	if m.Flows[0].Route != "POST /token" {
		t.Errorf("route = %s", m.Flows[0].Route)
	}
}

func TestPolicyPrecedence(t *testing.T) {
	d := func(v time.Duration) *time.Duration { return &v }
	tests := []struct {
		name                          string
		catalogue, flow, server       spec.TokenSettings
		wantTTL                       time.Duration
		wantRefresh                   bool
		wantFormat                    string
		wantIdle, wantGrace, wantCode time.Duration
	}{
		{
			name:    "built-in defaults",
			wantTTL: 10 * time.Minute, wantRefresh: true, wantFormat: "jwt",
			wantIdle: 72 * time.Hour, wantGrace: 0, wantCode: 60 * time.Second,
		},
		{
			name:    "server over built-in",
			server:  spec.TokenSettings{AccessTokenTTL: d(time.Hour), AccessTokenFormat: fixture.Ptr("opaque"), RefreshTokenIdleTTL: d(0)},
			wantTTL: time.Hour, wantRefresh: true, wantFormat: "opaque",
			wantIdle: 0, wantCode: 60 * time.Second,
		},
		{
			name:    "flow over server",
			flow:    spec.TokenSettings{AccessTokenTTL: d(2 * time.Minute), IssueRefreshToken: fixture.Ptr(false), CodeTTL: d(30 * time.Second)},
			server:  spec.TokenSettings{AccessTokenTTL: d(time.Hour), IssueRefreshToken: fixture.Ptr(true), RefreshGrace: d(time.Second)},
			wantTTL: 2 * time.Minute, wantRefresh: false, wantFormat: "jwt",
			wantIdle: 72 * time.Hour, wantGrace: time.Second, wantCode: 30 * time.Second,
		},
		{
			name:      "catalogue over flow",
			catalogue: spec.TokenSettings{IssueRefreshToken: fixture.Ptr(false)},
			flow:      spec.TokenSettings{IssueRefreshToken: fixture.Ptr(true)},
			wantTTL:   10 * time.Minute, wantRefresh: false, wantFormat: "jwt",
			wantIdle: 72 * time.Hour, wantCode: 60 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := resolvePolicy(&tt.catalogue, &tt.flow, &tt.server)
			if p.AccessTTL != tt.wantTTL || p.IssueRefresh != tt.wantRefresh || p.AccessFormat != tt.wantFormat ||
				p.RefreshIdleTTL != tt.wantIdle || p.RefreshGrace != tt.wantGrace || p.CodeTTL != tt.wantCode {
				t.Errorf("policy = %+v", p)
			}
			if !p.RotateRefresh || p.RefreshTTL != 720*time.Hour {
				t.Errorf("untouched settings changed: %+v", p)
			}
		})
	}
}

func TestClientCredentialsNeverIssuesRefresh(t *testing.T) {
	s := fixture.Spec("oauth-token-client-credentials")
	s.Flows[0].Tokens.IssueRefreshToken = fixture.Ptr(true)
	m := build(t, s)
	if m.Flows[0].Policy.IssueRefresh {
		t.Error("the catalogue's forced default lost to the flow's setting")
	}
}

func TestFlowNamesAndFields(t *testing.T) {
	m := build(t, fixture.Full())
	ac := m.Flows[0]
	if ac.Names != (Names{
		Stem: "AuthorizationCode", Snake: "authorization_code", Context: "AuthorizationCodeContext",
		Procedure: "AuthorizationCodeProcedure", Errors: "AuthorizationCodeErrors", FlowType: "authorizationCodeFlow",
		User: "AuthorizationCode", StubFile: "authorization_code.go",
	}) {
		t.Errorf("names = %+v", ac.Names)
	}
	if len(ac.Fields) != 0 {
		t.Errorf("the code flow has no team properties, yet fields %+v", ac.Fields)
	}
	var cat []string
	for _, f := range ac.Catalogue {
		cat = append(cat, f.Name+":"+f.GoType+":"+f.Wire)
	}
	if got := strings.Join(cat, " "); got != ":Secret:code :string:redirect_uri :Secret:code_verifier Code:*AuthorizationCode:Code Authentication:Authentication:Authentication" {
		t.Errorf("catalogue fields = %s", got)
	}
	var grant []string
	for _, g := range ac.Grant {
		grant = append(grant, g.Field+"="+g.Const.Name)
	}
	if got := strings.Join(grant, " "); got != "Clients=AnyClients Credential=CodeCredential Scope=ScopeFromGrant Resources=ResourcesFromGrant EndUser=EndUserOfGrant" {
		t.Errorf("grant = %s", got)
	}
	if !ac.RedeemsCode || ac.IssuesCode || !strings.Contains(ac.Before, "consumed the authorization code") || ac.Binding.Verb != "GenerateToken" {
		t.Errorf("code flow = %+v", ac)
	}

	cc := m.Flows[1]
	byName := map[string]Field{}
	for _, f := range cc.Fields {
		byName[f.Name] = f
	}
	checks := []struct {
		name   string
		kind   Kind
		wire   string
		source string
	}{
		{"Tenant", KindString, "tenant", "form"},
		{"MaxItems", KindInt, "max_items", "form"},
		{"Quota", KindInt64, "quota", "form"},
		{"Ratio", KindFloat64, "ratio", "form"},
		{"DryRun", KindBool, "dry_run", "form"},
		{"Lifetime", KindDuration, "lifetime", "form"},
		{"Pin", KindSecret, "pin", "form"},
		{"Audiences", KindStringSlice, "aud", "form"},
		{"Callback", KindURL, "callback", "form"},
		{"Region", KindString, "X-Region", "header"},
		{"Priority", KindInt, "X-Priority", "header"},
	}
	for _, c := range checks {
		f, ok := byName[c.name]
		if !ok {
			t.Errorf("field %s missing", c.name)
			continue
		}
		if f.Kind != c.kind || f.Wire != c.wire || f.Source != c.source || f.Catalogue {
			t.Errorf("field %s = %+v", c.name, f)
		}
	}

	ml := m.Flows[3]
	if !ml.Extension || ml.Names.Stem != "MagicLink" || ml.Names.StubFile != "magic_link.go" || ml.Wire != ml.GrantType || ml.WireParam != "grant_type" {
		t.Errorf("extension grant = %+v", ml)
	}
	grant = nil
	for _, g := range ml.Grant {
		grant = append(grant, g.Const.Name)
	}
	if got := strings.Join(grant, " "); got != "ConfidentialClients ProcedureCredential ScopeFromRequest ResourcesFromRequest EndUserByProcedure" {
		t.Errorf("extension grant policy = %s", got)
	}
	var codes []string
	for _, e := range ml.Errors {
		codes = append(codes, e.Code)
	}
	if got := strings.Join(codes, " "); got != "invalid_request invalid_client invalid_grant unauthorized_client invalid_scope invalid_target" {
		t.Errorf("extension grant errors = %s", got)
	}
	if ml.Policy.RefreshTTL != 24*time.Hour || ml.Policy.AccessTTL != 5*time.Minute {
		t.Errorf("extension grant policy = %+v", ml.Policy)
	}
}

func TestErrorCodes(t *testing.T) {
	m := build(t, fixture.Spec("oauth-token-refresh"))
	want := []ErrorCode{
		{"invalid_request", "InvalidRequest", fk("InvalidRequestCode"), "RFC 6749 §5.2"},
		{"invalid_client", "InvalidClient", fk("InvalidClientCode"), "RFC 6749 §5.2"},
		{"unauthorized_client", "UnauthorizedClient", fk("UnauthorizedClientCode"), "RFC 6749 §5.2"},
		{"invalid_grant", "InvalidGrant", fk("InvalidGrantCode"), "RFC 6749 §5.2"},
		{"invalid_scope", "InvalidScope", fk("InvalidScopeCode"), "RFC 6749 §5.2"},
	}
	got := m.Flows[0].Errors
	if len(got) != len(want) {
		t.Fatalf("errors = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("error %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestFieldDoc(t *testing.T) {
	tests := []struct {
		f    Field
		want string
	}{
		{Field{Name: "Tenant", Source: "form", Wire: "tenant", Description: "The tenant the token is for."},
			`Tenant is the tenant the token is for. Source: form parameter "tenant".`},
		{Field{Name: "Code", Source: "form", Wire: "code", Description: "An authorization code", Spec: "RFC 6749 §4.1.3"},
			`Code is an authorization code. Source: form parameter "code" (RFC 6749 §4.1.3).`},
		{Field{Name: "MaxItems", Source: "form", Wire: "max_items", Description: "Caps\n the  number of items."},
			`MaxItems is the form parameter "max_items". Caps the number of items.`},
		{Field{Name: "Region", Source: "header", Wire: "X-Region"},
			`Region is the header "X-Region".`},
	}
	for _, tt := range tests {
		if got := fieldDoc(tt.f); got != tt.want {
			t.Errorf("fieldDoc(%s) = %q, want %q", tt.f.Name, got, tt.want)
		}
	}
}

func TestSnakeAndLowerFirst(t *testing.T) {
	tests := []struct{ in, snake, lower string }{
		{"ClientCredentials", "client_credentials", "clientCredentials"},
		{"RefreshToken", "refresh_token", "refreshToken"},
		{"OIDCLogin", "oidc_login", "oidcLogin"},
		{"JWT", "jwt", "jwt"},
		{"JWT2Bearer", "jwt2_bearer", "jWT2Bearer"},
		{"MagicLink", "magic_link", "magicLink"},
		{"X", "x", "x"},
	}
	for _, tt := range tests {
		if got := Snake(tt.in); got != tt.snake {
			t.Errorf("Snake(%s) = %s, want %s", tt.in, got, tt.snake)
		}
	}
	for _, tt := range tests[:4] {
		if got := lowerFirst(tt.in); got != tt.lower {
			t.Errorf("lowerFirst(%s) = %s, want %s", tt.in, got, tt.lower)
		}
	}
}

func TestBuildRefuses(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*spec.Spec)
		code   string
		msg    string
	}{
		{"unknown flow", func(s *spec.Spec) { s.Flows = append(s.Flows, spec.Flow{ID: "oauth-token-nope"}) }, CodeUnknownFlow, "unknown flow"},
		{"unknown auth method", func(s *spec.Spec) {
			s.Endpoints.List = []*spec.Endpoint{{Key: "token", AuthMethods: []string{"tls_client_auth"}}}
		}, CodeUnknownMethod, "tls_client_auth"},
		{"reserved stem", func(s *spec.Spec) {
			s.ExtensionGrants = []spec.ExtensionGrant{{Name: "settings", GrantType: "urn:x"}}
		}, CodeNameClash, "Settings"},
		{"stem clash", func(s *spec.Spec) {
			s.ExtensionGrants = []spec.ExtensionGrant{{Name: "authorization_code", GrantType: "urn:x"}}
		}, CodeNameClash, "AuthorizationCodeContext"},
		{"test file", func(s *spec.Spec) {
			s.ExtensionGrants = []spec.ExtensionGrant{{Name: "smoke_test", GrantType: "urn:x"}}
		}, CodeNameClash, "test file"},
		{"platform file", func(s *spec.Spec) {
			s.ExtensionGrants = []spec.ExtensionGrant{{Name: "phone_android", GrantType: "urn:x"}}
		}, CodeNameClash, "android"},
		{"one-word platform", func(s *spec.Spec) {
			s.ExtensionGrants = []spec.ExtensionGrant{{Name: "windows", GrantType: "urn:x"}}
		}, CodeNameClash, "windows"},
		{"field clash with a base field", func(s *spec.Spec) {
			s.Flows[0].Properties = []spec.Property{{Name: "code", Type: "string", Source: "form", Param: "code2"}}
		}, CodeNameClash, "Code of the embedded *runtime.TokenContext"},
		{"field clash with a base method", func(s *spec.Spec) {
			s.Flows[0].Properties = []spec.Property{{Name: "issue_defaults", Type: "string", Source: "form"}}
		}, CodeNameClash, "IssueDefaults of the embedded"},
		{"field clash with the base context", func(s *spec.Spec) {
			s.Flows[0].Properties = []spec.Property{{Name: "token_context", Type: "string", Source: "form"}}
		}, CodeNameClash, "the embedded *runtime.TokenContext"},
		{"field clash with a future member", func(s *spec.Spec) {
			s.Flows[0].Properties = []spec.Property{{Name: "client_cert", Type: "string", Source: "form"}}
		}, CodeNameClash, "ClientCert, reserved for"},
		{"field clash with the code data", func(s *spec.Spec) {
			s.Flows = append(s.Flows, spec.Flow{ID: "oauth-authorize-authorization-code", CodeData: []spec.DataField{{Name: "x", Type: "string"}}})
			s.Flows[0].Properties = []spec.Property{{Name: "code_data", Type: "string", Source: "form"}}
		}, CodeNameClash, "the CodeData field"},
		{"authorize field clash", func(s *spec.Spec) {
			s.Flows = append(s.Flows, spec.Flow{ID: "oauth-authorize-authorization-code", Properties: []spec.Property{{Name: "redirect_uri_provided", Type: "bool", Source: "query"}}})
		}, CodeNameClash, "RedirectURIProvided of the embedded *runtime.AuthorizeContext"},
		{"field named Errors", func(s *spec.Spec) {
			s.Flows[0].Properties = []spec.Property{{Name: "errors", Type: "string", Source: "form"}}
		}, CodeNameClash, "Errors"},
		{"duplicate field", func(s *spec.Spec) {
			s.Flows[0].Properties = []spec.Property{{Name: "a_b", Type: "string", Source: "form"}, {Name: "a-b", Type: "string", Source: "form"}}
		}, CodeNameClash, "AB"},
		{"unknown type", func(s *spec.Spec) {
			s.Flows[0].Properties = []spec.Property{{Name: "x", Type: "complex128", Source: "form"}}
		}, CodeUnsupported, "complex128"},
		{"unknown source", func(s *spec.Spec) {
			s.Flows[0].Properties = []spec.Property{{Name: "x", Type: "string", Source: "query"}}
		}, CodeUnsupported, "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture.Spec("oauth-token-authorization-code")
			tt.mutate(s)
			_, err := Build(s, fixture.Catalogue())
			var ds spec.Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("err = %v, want diagnostics", err)
			}
			if !ds.Has(tt.code) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want %s mentioning %q", err, tt.code, tt.msg)
			}
		})
	}
}

func TestBuildRefusesPlannedAndForeignEndpointFlows(t *testing.T) {
	c := fixture.Catalogue()
	foreign := c.Flow("oauth-token-pre-authorized-code") // moved to an endpoint the generator has no binding for
	foreign.Endpoint, foreign.Wire, foreign.Policy, foreign.Status = "openid-backchannel-authentication", "", spec.FlowPolicy{}, spec.StatusAvailable
	for _, id := range []string{"oauth-token-backchannel-authentication", "oauth-token-pre-authorized-code"} {
		_, err := Build(fixture.Spec(id), c)
		var ds spec.Diagnostics
		if !errors.As(err, &ds) || !ds.Has(CodeUnsupported) {
			t.Errorf("%s: err = %v, want %s", id, err, CodeUnsupported)
		}
	}
}

func TestKindOf(t *testing.T) {
	for goType, k := range kindOfGoType {
		got, err := KindOf(goType)
		if err != nil || got != k || k.String() != goType {
			t.Errorf("KindOf(%s) = %v, %v; String %s", goType, got, err, k.String())
		}
	}
	if _, err := KindOf("runtime.TokenTypeURI"); err == nil {
		t.Error("KindOf accepted an unsupported type")
	}
	// Every type a spec may declare has a kind.
	for name, goType := range spec.PropertyTypes {
		if _, err := KindOf(goType); err != nil {
			t.Errorf("spec property type %s: %v", name, err)
		}
	}
}

// TestExtensionGrantPolicyKeys: an extension grant's policy keys become
// its registration's grant policy.
func TestExtensionGrantPolicyKeys(t *testing.T) {
	s := fixture.Spec("oauth-token-client-credentials")
	s.ExtensionGrants = []spec.ExtensionGrant{{Name: "device_login", GrantType: "urn:example:device", PublicClients: true,
		Scope: "none", Resources: "none", EndUser: "none"}}
	m := build(t, s)
	var got []string
	for _, g := range m.Flows[1].Grant {
		got = append(got, g.Const.Name)
	}
	if want := "AnyClients ProcedureCredential ScopeRefused ResourcesRefused NoEndUser"; strings.Join(got, " ") != want {
		t.Errorf("grant policy %v, want %s", got, want)
	}
}

// TestPasswordPublicClients: the password flow is for confidential clients
// unless the spec sets public_clients: true (RFC 6749 §4.3.2 admits public
// clients; RFC 9700 §2.4 forbids the grant), and its end user is the one
// the password authenticated.
func TestPasswordPublicClients(t *testing.T) {
	for _, tc := range []struct {
		public *bool
		want   string
	}{
		{nil, "ConfidentialClients"},
		{fixture.Ptr(false), "ConfidentialClients"},
		{fixture.Ptr(true), "AnyClients"},
	} {
		s := fixture.Spec("oauth-token-password")
		s.Flows[0].PublicClients = tc.public
		m := build(t, s)
		var got []string
		for _, g := range m.Flows[0].Grant {
			got = append(got, g.Const.Name)
		}
		if want := tc.want + " PasswordCredential ScopeFromRequest ResourcesFromRequest EndUserOfCredential"; strings.Join(got, " ") != want {
			t.Errorf("public_clients %v: grant policy %v, want %s", tc.public, got, want)
		}
		if m.Flows[0].Deprecated == "" {
			t.Error("the password flow's model does not say it is deprecated")
		}
	}
}

// TestTokenExchangePolicy: the token exchange flow is for confidential
// clients unless the spec sets public_clients: true (RFC 8693 §2.1 leaves
// client authentication to the server), its credential the subject token,
// which bounds its scope, its audience from the request, and its end user
// the subject token's; it issues no refresh token by default.
func TestTokenExchangePolicy(t *testing.T) {
	for _, tc := range []struct {
		public *bool
		want   string
	}{
		{nil, "ConfidentialClients"},
		{fixture.Ptr(true), "AnyClients"},
	} {
		s := fixture.Spec("oauth-token-oauth-token-exchange")
		s.Flows[0].PublicClients = tc.public
		m := build(t, s)
		var got []string
		for _, g := range m.Flows[0].Grant {
			got = append(got, g.Const.Name)
		}
		if want := tc.want + " SubjectTokenCredential ScopeFromGrant ResourcesFromRequest EndUserOfCredential"; strings.Join(got, " ") != want {
			t.Errorf("public_clients %v: grant policy %v, want %s", tc.public, got, want)
		}
		if m.Flows[0].Policy.IssueRefresh {
			t.Error("the token exchange flow issues refresh tokens by default")
		}
	}
}
