package spec

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, src string) *Spec {
	t.Helper()
	s, err := Parse("dir/oauthgen.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse:\n%v", err)
	}
	return s
}

func TestParseContractSpec(t *testing.T) {
	data, err := os.ReadFile("testdata/valid/oauthgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("testdata/valid/oauthgen.yaml", data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if s.Version != 1 || s.Package != "oauth" || s.Output != "./oauth" || s.Issuer != "http://127.0.0.1:8080" {
		t.Errorf("top-level values: %d %q %q %q", s.Version, s.Package, s.Output, s.Issuer)
	}
	if s.Dir != "testdata/valid" {
		t.Errorf("Dir = %q", s.Dir)
	}
	if s.Endpoints.Get("token") == nil || s.Endpoints.Get("token").Path != "/oauth2/token" ||
		!slices.Equal(s.Endpoints.Get("token").AuthMethods, []string{"client_secret_basic", "client_secret_post", "none"}) {
		t.Errorf("token endpoint = %+v", s.Endpoints.Get("token"))
	}
	if s.Endpoints.Get("jwks") == nil || s.Endpoints.Get("jwks").Path != "/oauth2/jwks" {
		t.Errorf("jwks endpoint = %+v", s.Endpoints.Get("jwks"))
	}
	tk := s.Tokens
	if *tk.AccessTokenFormat != "jwt" || *tk.AccessTokenTTL != 10*time.Minute || !*tk.IssueRefreshToken ||
		!*tk.RotateRefreshToken || *tk.RefreshTokenTTL != 720*time.Hour || *tk.RefreshTokenIdleTTL != 72*time.Hour ||
		*tk.RefreshGrace != 0 || *tk.CodeTTL != time.Minute || *tk.SigningAlg != "ES256" {
		t.Errorf("tokens = %+v", tk)
	}
	// Mappings keep file order.
	var scopes, flows []string
	for _, sc := range s.Scopes {
		scopes = append(scopes, sc.Name+"="+sc.Description)
	}
	for _, f := range s.Flows {
		flows = append(flows, f.ID)
	}
	if want := []string{"read=Read your documents", "write=Change your documents"}; !slices.Equal(scopes, want) {
		t.Errorf("scopes = %q, want %q", scopes, want)
	}
	if want := []string{"oauth-token-client-credentials", "oauth-token-authorization-code", "oauth-token-refresh"}; !slices.Equal(flows, want) {
		t.Errorf("flows = %q, want %q", flows, want)
	}
	cc := s.Flows[0]
	if *cc.Tokens.AccessTokenFormat != "opaque" || len(cc.Properties) != 1 {
		t.Fatalf("client credentials flow = %+v", cc)
	}
	p := cc.Properties[0]
	if p.Name != "tenant" || p.Type != "string" || p.Source != "form" || p.Param != "tenant" ||
		p.Validate != "omitempty,alphanum,max=32" || p.Description != "The tenant the token is for." {
		t.Errorf("tenant property = %+v", p)
	}
	if p.Pos != (Pos{File: "testdata/valid/oauthgen.yaml", Line: 30, Col: 7}) {
		t.Errorf("tenant property Pos = %+v, want line 30 col 7", p.Pos)
	}
	if len(s.ExtensionGrants) != 1 {
		t.Fatalf("extension grants = %+v", s.ExtensionGrants)
	}
	g := s.ExtensionGrants[0]
	if g.Name != "magic_link" || g.GrantType != "urn:example:params:grant-type:magic-link" || g.PublicClients ||
		len(g.Properties) != 1 || g.Properties[0].Type != "Secret" || g.Pos.Line != 39 || g.Pos.Col != 3 {
		t.Errorf("magic_link = %+v", g)
	}
}

func TestParsePositions(t *testing.T) {
	s := mustParse(t, `version: 1
package: oauth
output: .
issuer: https://as.example.com
endpoints:
  token:
    auth_methods: [none]
tokens:
  code_ttl: 30s
flows:
  oauth-token-refresh:
`)
	for _, c := range []struct {
		name string
		got  Pos
		line int
		col  int
	}{
		{"spec", s.Pos, 1, 1},
		{"endpoints", s.Endpoints.Pos, 5, 1},
		{"token endpoint", s.Endpoints.Get("token").Pos, 6, 3},
		{"tokens", s.Tokens.Pos, 8, 1},
		{"flow", s.Flows[0].Pos, 11, 3},
	} {
		if c.got.File != "dir/oauthgen.yaml" || c.got.Line != c.line || c.got.Col != c.col {
			t.Errorf("%s Pos = %+v, want dir/oauthgen.yaml:%d:%d", c.name, c.got, c.line, c.col)
		}
	}
	if s.Dir != "dir" {
		t.Errorf("Dir = %q, want dir", s.Dir)
	}
	if v := s.src.vals["tokens.code_ttl"]; v.Line != 9 || v.Col != 13 {
		t.Errorf("position of tokens.code_ttl = %+v, want 9:13", v)
	}
}

// TestParseNullMappings: a null mapping is an empty one, so "flow-id:" with
// nothing after it enables the flow with no settings.
func TestParseNullMappings(t *testing.T) {
	s := mustParse(t, `version: 1
package: oauth
output: .
issuer: https://as.example.com
endpoints:
  token:
    auth_methods: [none]
  jwks:
tokens:
scopes:
flows:
  oauth-token-refresh:
  oauth-token-client-credentials: {}
extension_grants:
`)
	if s.Endpoints.Get("jwks") == nil || s.Endpoints.Get("jwks").Path != "" {
		t.Errorf("jwks: null should enable the endpoint with the default path, got %+v", s.Endpoints.Get("jwks"))
	}
	if len(s.Flows) != 2 || s.Flows[0].ID != "oauth-token-refresh" || len(s.Flows[0].Properties) != 0 {
		t.Errorf("flows = %+v", s.Flows)
	}
	if len(s.Scopes) != 0 || len(s.ExtensionGrants) != 0 {
		t.Errorf("scopes %v, extension grants %v, want none", s.Scopes, s.ExtensionGrants)
	}
}

// TestParseErrors: decoding problems, one case per error path of the walker.
func TestParseErrors(t *testing.T) {
	const head = "version: 1\npackage: oauth\noutput: .\nissuer: https://as.example.com\n"
	for _, c := range []struct {
		name  string
		src   string
		codes []string
		nil   bool // Parse returns no spec
	}{
		{"empty", "", []string{CodeSyntax}, true},
		{"only comments", "# nothing\n", []string{CodeSyntax}, true},
		{"null document", "~\n", []string{CodeSyntax}, true},
		{"syntax", "version: 1\n  bad: [\n", []string{CodeSyntax}, true},
		{"tab indentation", "version: 1\n\tpackage: x\n", []string{CodeSyntax}, true},
		{"list document", "- a\n", []string{CodeWrongType}, true},
		{"scalar document", "hello\n", []string{CodeWrongType}, true},
		{"two documents", head + "---\nversion: 1\n", []string{CodeSyntax}, true},
		{"second document broken", head + "---\n[\n", []string{CodeSyntax}, true},
		{"missing version", "package: oauth\n", []string{CodeVersion}, true},
		{"version 2", "version: 2\n", []string{CodeVersion}, true},
		{"version string", "version: \"1\"\n", []string{CodeVersion}, true},
		{"version float", "version: 1.0\n", []string{CodeVersion}, true},
		{"version list", "version: [1]\n", []string{CodeVersion}, true},
		{"version hex 1 is 1", "version: 0x1\npackage: oauth\noutput: .\nissuer: https://a.example\n", nil, false},
		{"missing required", "version: 1\n", []string{CodeMissingKey, CodeMissingKey, CodeMissingKey}, false},
		{"unknown key", head + "colour: blue\n", []string{CodeUnknownKey}, false},
		{"unknown nested key", head + "tokens:\n  acces_token_ttl: 1m\n", []string{CodeUnknownKey}, false},
		{"duplicate key", head + "package: x\n", []string{CodeDuplicateKey}, false},
		{"duplicate scope", head + "scopes:\n  a: A\n  a: B\n", []string{CodeDuplicateKey}, false},
		{"non-scalar key", head + "scopes:\n  ? [a]\n  : b\n", []string{CodeWrongType}, false},
		{"null key", head + "scopes:\n  ~: b\n", []string{CodeWrongType}, false},
		{"alias value", head + "x: &a 1\n", []string{CodeUnknownKey}, false},
		{"alias use", "version: 1\npackage: &p oauth\noutput: *p\nissuer: https://a.example\n", []string{CodeAlias}, false},
		{"alias in list", head + "endpoints:\n  token:\n    auth_methods: [&m none, *m]\n", []string{CodeAlias}, false},
		{"alias as key", head + "scopes:\n  &k a: A\n  *k : B\n", []string{CodeAlias}, false},
		{"merge key", head + "tokens:\n  <<: {code_ttl: 1m}\n", []string{CodeAlias}, false},
		{"string expected", head + "endpoints:\n  token:\n    path: 1\n    auth_methods: [none]\n", []string{CodeWrongType}, false},
		{"list expected", head + "endpoints:\n  token:\n    auth_methods: none\n", []string{CodeWrongType}, false},
		{"string item expected", head + "endpoints:\n  token:\n    auth_methods: [1, none]\n", []string{CodeWrongType}, false},
		{"mapping expected", head + "tokens: fast\n", []string{CodeWrongType}, false},
		{"bool expected", head + "tokens:\n  issue_refresh_token: yes\n", []string{CodeWrongType}, false},
		{"bool tagged wrongly", head + "tokens:\n  issue_refresh_token: !!bool maybe\n", []string{CodeWrongType}, false},
		{"duration as integer", head + "tokens:\n  access_token_ttl: 600\n", []string{CodeWrongType}, false},
		{"duration as number", head + "tokens:\n  access_token_ttl: 1.5\n", []string{CodeWrongType}, false},
		{"duration unparsable", head + "tokens:\n  access_token_ttl: ten minutes\n", []string{CodeDuration}, false},
		{"duration without unit", head + "tokens:\n  access_token_ttl: \"600\"\n", []string{CodeDuration}, false},
		{"timestamp for string", head + "scopes:\n  read: 2024-01-01\n", []string{CodeWrongType}, false},
		{"flow not a mapping", head + "flows:\n  oauth-token-refresh: yes\n", []string{CodeWrongType}, false},
		{"property missing keys", head + "flows:\n  oauth-token-refresh:\n    properties:\n      x: {}\n", []string{CodeMissingKey, CodeMissingKey}, false},
		{"grant missing grant_type", head + "extension_grants:\n  x: {}\n", []string{CodeMissingKey}, false},
		{"everything at once", "version: 1\npackage: 1\ncolour: x\ntokens:\n  code_ttl: 5\n  code_ttl: 6\n",
			[]string{CodeWrongType, CodeUnknownKey, CodeWrongType, CodeDuplicateKey, CodeMissingKey, CodeMissingKey}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse("x.yaml", []byte(c.src))
			if c.nil != (s == nil) {
				t.Errorf("spec = %v, want nil: %t", s, c.nil)
			}
			if len(c.codes) == 0 {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			var ds Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("Parse error = %v, want Diagnostics", err)
			}
			if got := codes(ds); !slices.Equal(got, sortedCopy(c.codes)) {
				t.Errorf("codes = %v, want %v\n%v", got, sortedCopy(c.codes), err)
			}
			for _, d := range ds {
				if d.File != "x.yaml" || d.Line < 1 || d.Col < 1 {
					t.Errorf("diagnostic without a position: %+v", d)
				}
			}
		})
	}
}

func codes(ds Diagnostics) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Code
	}
	slices.Sort(out)
	return out
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// TestParseVersionFirst: a file with another version is not read further,
// so its other keys, which may mean something else there, are not reported.
func TestParseVersionFirst(t *testing.T) {
	_, err := Parse("x.yaml", []byte("colour: blue\nversion: 2\npackage: [x]\n"))
	if err == nil || strings.Count(err.Error(), "\n") != 0 || !strings.Contains(err.Error(), "OG110") {
		t.Errorf("want exactly one OG110 diagnostic, got:\n%v", err)
	}
}
