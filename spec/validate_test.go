package spec

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func builtin(t testing.TB) *Catalogue {
	t.Helper()
	c, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	return c
}

// TestValidate runs one small spec per validation error path and checks the
// exact set of codes reported.
func TestValidate(t *testing.T) {
	const head = "version: 1\npackage: oauth\noutput: ./oauth\nissuer: https://as.example.com\n" +
		"endpoints:\n  token:\n    auth_methods: [client_secret_basic]\n"
	const noEndpoints = "version: 1\npackage: oauth\noutput: ./oauth\nissuer: https://as.example.com\n"
	prop := func(flow, body string) string {
		return head + "flows:\n  " + flow + ":\n    properties:\n" + body
	}
	// oidc enables both issue-3 flows with what they need.
	const oidc = head + "  authorize: {}\n  userinfo:\n    path: /me\n" +
		"scopes:\n  openid: Sign you in\n  profile: Your name\n" +
		"flows:\n  oauth-token-authorization-code:\n  oauth-authorize-authorization-code:\n  openid-userinfo:\n"
	// under adds body under a flow the oidc spec enables.
	under := func(flow, body string) string {
		return strings.Replace(oidc, "  "+flow+":\n", "  "+flow+":\n"+body, 1)
	}
	az := func(body string) string { return under("oauth-authorize-authorization-code", body) }
	grant := func(body string) string {
		return head + "extension_grants:\n  magic_link:\n    grant_type: urn:example:magic\n" + body
	}
	for _, c := range []struct {
		name string
		src  string
		want []string
	}{
		{"valid", head, nil},
		{"valid flows", head + "flows:\n  oauth-token-refresh:\n  oauth-token-client-credentials:\n  oauth-token-authorization-code:\n", nil},
		{"valid jwks only", noEndpoints + "endpoints:\n  jwks: {}\n", nil},
		{"unknown endpoint", head + "  tokn: {}\n", []string{CodeUnknownKey}},
		{"planned endpoint", head + "  backchannel_authentication: {}\n", []string{CodeUnknownKey}},
		{"par without authorize", head + "  par: {}\n", []string{CodeRequires}},
		{"par", head + "  authorize: {}\n  par:\n    path: /par\n    require_pushed_authorization_requests: true\n" +
			"flows:\n  oauth-token-authorization-code:\n  oauth-authorize-authorization-code:\n", nil},
		{"par setting on authorize", head + "  authorize:\n    require_pushed_authorization_requests: true\n  par: {}\n" +
			"flows:\n  oauth-token-authorization-code:\n  oauth-authorize-authorization-code:\n", []string{CodeUnknownKey}},
		{"par path clash", head + "  authorize: {}\n  par:\n    path: /oauth2/authorize/login\n" +
			"flows:\n  oauth-token-authorization-code:\n  oauth-authorize-authorization-code:\n", []string{CodePath}},
		{"setting of another endpoint", head + "  jwks:\n    require_pkce: true\n", []string{CodeUnknownKey}},
		{"token without auth methods", noEndpoints + "endpoints:\n  token: {}\n", []string{CodeMissingKey}},
		{"error page path clash", head + "  authorize: {}\n  jwks:\n    path: /oauth2/authorize/consent\n" +
			"flows:\n  oauth-token-authorization-code:\n  oauth-authorize-authorization-code:\n", []string{CodePath}},

		{"package upper case", strings.Replace(head, "package: oauth", "package: OAuth", 1), []string{CodePackage}},
		{"package keyword", strings.Replace(head, "package: oauth", "package: go", 1), []string{CodePackage}},
		{"package empty", strings.Replace(head, "package: oauth", "package: ''", 1), []string{CodePackage}},
		{"output absolute", strings.Replace(head, "output: ./oauth", "output: /srv/x", 1), []string{CodeOutput}},
		{"output may leave the spec's directory", strings.Replace(head, "output: ./oauth", "output: ../../generated", 1), nil},
		{"output backslash", strings.Replace(head, "output: ./oauth", "output: 'a\\b'", 1), []string{CodeOutput}},
		{"output empty", strings.Replace(head, "output: ./oauth", "output: ''", 1), []string{CodeOutput}},
		{"issuer http", strings.Replace(head, "https://as.example.com", "http://as.example.com", 1), []string{CodeIssuer}},
		{"issuer http loopback", strings.Replace(head, "https://as.example.com", "http://localhost:8080", 1), nil},
		{"issuer query", strings.Replace(head, "https://as.example.com", "https://as.example.com?a=b", 1), []string{CodeIssuer}},
		{"issuer empty", strings.Replace(head, "https://as.example.com", "''", 1), []string{CodeIssuer}},

		{"path relative", head + "  jwks:\n    path: jwks\n", []string{CodePath}},
		{"path dotdot", strings.Replace(head, "  token:\n", "  token:\n    path: /a/../b\n", 1), []string{CodePath}},
		{"path well-known", strings.Replace(head, "  token:\n", "  token:\n    path: /.well-known/token\n", 1), []string{CodePath}},
		{"path query", strings.Replace(head, "  token:\n", "  token:\n    path: /token?x\n", 1), []string{CodePath}},
		{"path clash default", strings.Replace(head, "  token:\n", "  token:\n    path: /oauth2/jwks\n", 1) + "  jwks:\n", []string{CodePath}},
		{"path clash explicit", head + "  jwks:\n    path: /oauth2/token\n", []string{CodePath}},
		{"auth methods empty", strings.Replace(head, "[client_secret_basic]", "[]", 1), []string{CodeAuthMethods}},
		{"auth methods unknown", strings.Replace(head, "[client_secret_basic]", "[tls_client_auth]", 1), []string{CodeAuthMethods}},
		{"auth methods client_secret_jwt", strings.Replace(head, "[client_secret_basic]", "[client_secret_jwt]", 1), nil},
		{"auth methods duplicate", strings.Replace(head, "[client_secret_basic]", "[none, none]", 1), []string{CodeAuthMethods}},

		{"format", head + "tokens:\n  access_token_format: paseto\n", []string{CodeTokenSetting}},
		{"alg", head + "tokens:\n  signing_alg: HS256\n", []string{CodeTokenSetting}},
		{"alg at flow level", head + "flows:\n  oauth-token-authorization-code:\n    tokens:\n      signing_alg: ES256\n", []string{CodeTokenSetting}},
		{"alg at grant level", grant("    tokens:\n      signing_alg: ES256\n"), []string{CodeTokenSetting}},
		{"ttl zero", head + "tokens:\n  access_token_ttl: 0s\n", []string{CodeDuration}},
		{"ttl negative", head + "tokens:\n  refresh_token_idle_ttl: -1m\n", []string{CodeDuration}},
		{"code ttl 10m ok", head + "tokens:\n  code_ttl: 10m\n", nil},
		{"code ttl over 10m", head + "tokens:\n  code_ttl: 10m1s\n", []string{CodeDuration}},
		{"device code ttl 30m ok", head + "tokens:\n  device_code_ttl: 30m\n", nil},
		{"device code ttl over 30m", head + "tokens:\n  device_code_ttl: 31m\n", []string{CodeDuration}},
		{"device code ttl not positive", head + "tokens:\n  device_code_ttl: 0s\n", []string{CodeDuration}},
		{"grace zero ok", head + "tokens:\n  refresh_grace: 0s\nflows:\n  oauth-token-authorization-code:\n  oauth-token-refresh:\n", nil},
		{"grace negative", head + "tokens:\n  refresh_grace: -1s\n", []string{CodeDuration}},
		{"flow ttl", head + "flows:\n  oauth-token-authorization-code:\n  oauth-token-refresh:\n    tokens:\n      refresh_token_ttl: 0s\n", []string{CodeDuration}},
		{"forced refresh", head + "flows:\n  oauth-token-client-credentials:\n    tokens:\n      issue_refresh_token: true\n", []string{CodeFlowSetting}},
		{"forced refresh agrees", head + "flows:\n  oauth-token-client-credentials:\n    tokens:\n      issue_refresh_token: false\n", nil},

		{"scope charset", head + "scopes:\n  'a b': x\n", []string{CodeScope}},
		{"scope description", head + "scopes:\n  a: 'x */'\n", []string{CodeCommentText}},

		{"unknown flow", head + "flows:\n  oauth-token-foo:\n", []string{CodeUnknownFlow}},
		{"planned flow", head + "flows:\n  oauth-token-backchannel-authentication:\n", []string{CodePlannedFlow}},
		{"flow without token endpoint", noEndpoints + "flows:\n  oauth-token-authorization-code:\n", []string{CodeMissingEnd}},
		{"flow properties of unknown flow still checked", head + "flows:\n  nope:\n    properties:\n      type: {type: string, source: form}\n",
			[]string{CodeUnknownFlow, CodeGoName}},

		{"property valid", prop("oauth-token-client-credentials", "      tenant: {type: string, source: form, validate: 'omitempty,alphanum'}\n"), nil},
		{"property keyword", prop("oauth-token-client-credentials", "      func: {type: string, source: form}\n"), []string{CodeGoName}},
		{"property predeclared", prop("oauth-token-client-credentials", "      new: {type: string, source: form}\n"), []string{CodeGoName}},
		{"property leading digit", prop("oauth-token-client-credentials", "      1st: {type: string, source: form}\n"), []string{CodeGoName}},
		{"property bad chars", prop("oauth-token-client-credentials", "      a.b: {type: string, source: form}\n"), []string{CodeGoName}},
		{"property clash", prop("oauth-token-client-credentials",
			"      user_id: {type: string, source: form}\n      userId: {type: string, source: form, param: uid}\n"), []string{CodeGoNameClash}},
		{"property type", prop("oauth-token-client-credentials", "      t: {type: uint, source: form}\n"), []string{CodeProperty}},
		{"property source", prop("oauth-token-client-credentials", "      t: {type: string, source: query}\n"), []string{CodeProperty}},
		{"property source unknown", prop("oauth-token-client-credentials", "      t: {type: string, source: cookie}\n"), []string{CodeProperty}},
		{"property source runtime", prop("oauth-token-client-credentials", "      t: {type: string, source: derived}\n"), []string{CodeProperty}},
		{"property std param", prop("oauth-token-client-credentials", "      t: {type: string, source: form, param: resource}\n"), []string{CodePropertyParam}},
		{"property std param by name", prop("oauth-token-client-credentials", "      audience: {type: string, source: form}\n"), []string{CodePropertyParam}},
		{"property catalogue param", prop("oauth-token-authorization-code", "      x: {type: string, source: form, param: code}\n"), []string{CodePropertyParam}},
		{"property bad form param", prop("oauth-token-client-credentials", "      t: {type: string, source: form, param: 'a=b'}\n"), []string{CodePropertyParam}},
		{"property empty param", prop("oauth-token-client-credentials", "      t: {type: string, source: form, param: ''}\n"), []string{CodePropertyParam}},
		{"property duplicate param", prop("oauth-token-client-credentials",
			"      a: {type: string, source: form, param: x}\n      b: {type: string, source: form, param: x}\n"), []string{CodePropertyParam}},
		{"property header ok", prop("oauth-token-client-credentials", "      t: {type: string, source: header, param: X-Tenant}\n"), nil},
		{"property form and header may share a name", prop("oauth-token-client-credentials",
			"      a: {type: string, source: form, param: x}\n      b: {type: string, source: header, param: x}\n"), nil},
		{"property bad header", prop("oauth-token-client-credentials", "      t: {type: string, source: header, param: 'X:Y'}\n"), []string{CodePropertyParam}},
		{"property reserved header", prop("oauth-token-client-credentials", "      t: {type: string, source: header, param: dpop}\n"), []string{CodePropertyParam}},
		{"property duplicate header", prop("oauth-token-client-credentials",
			"      a: {type: string, source: header, param: x-a}\n      b: {type: string, source: header, param: X-A}\n"), []string{CodePropertyParam}},
		{"property empty rule", prop("oauth-token-client-credentials", "      t: {type: string, source: form, validate: ''}\n"), []string{CodeProperty}},
		{"property rule chars", prop("oauth-token-client-credentials", "      t: {type: string, source: form, validate: 'a`b'}\n"), []string{CodeProperty}},
		{"property unknown tag", prop("oauth-token-client-credentials", "      t: {type: string, source: form, validate: 'requird'}\n"), []string{CodeProperty}},
		{"property bad tag param", prop("oauth-token-client-credentials", "      t: {type: int, source: form, validate: 'max=ten'}\n"), []string{CodeProperty}},
		{"property tag for another type", prop("oauth-token-client-credentials", "      t: {type: int, source: form, validate: 'url'}\n"), []string{CodeRuleKind}},
		{"property rule syntax", prop("oauth-token-client-credentials", "      t: {type: string, source: form, validate: 'required,'}\n"), []string{CodeProperty}},
		{"property cross-field rule", prop("oauth-token-client-credentials", "      t: {type: string, source: form, validate: 'required_with=Tenant'}\n"), nil},
		{"property rule not tried on unknown type", prop("oauth-token-client-credentials", "      t: {type: uint, source: form, validate: 'bogus'}\n"), []string{CodeProperty}},
		{"property description", prop("oauth-token-client-credentials", "      t: {type: string, source: form, description: 'a */ b'}\n"), []string{CodeCommentText}},

		{"grant query property", grant("    properties:\n      t: {type: string, source: query}\n"), []string{CodeProperty}},

		// The authorization and userinfo flows (issue 3).
		{"oidc valid", oidc, nil},
		{"oidc valid full", az("    tokens: {code_ttl: 30s}\n" +
			"    code_data:\n      device_id: {type: string, description: The device.}\n      attempts: {type: int}\n" +
			"      tags: {type: '[]string'}\n      ttl: {type: duration}\n" +
			"    properties:\n      campaign: {type: string, source: query, validate: 'omitempty,alphanum'}\n" +
			"      max_items: {type: int, source: query, param: max}\n"), nil},
		{"authorize without endpoint", strings.Replace(oidc, "  authorize: {}\n", "", 1), []string{CodeMissingEnd}},
		{"authorize without token step", strings.Replace(oidc, "  oauth-token-authorization-code:\n", "", 1), []string{CodeRequires}},
		{"userinfo without endpoint", strings.Replace(oidc, "  userinfo:\n    path: /me\n", "", 1), []string{CodeMissingEnd}},
		{"userinfo without openid", strings.Replace(oidc, "  openid: Sign you in\n", "", 1), []string{CodeRequires}},
		{"userinfo properties", under("openid-userinfo", "    properties:\n      x: {type: string, source: header}\n"), []string{CodeProperty}},
		{"userinfo tokens", under("openid-userinfo", "    tokens: {access_token_ttl: 1m}\n"), []string{CodeFlowSetting}},
		{"authorize access ttl", az("    tokens: {access_token_ttl: 1m, code_ttl: 1m}\n"), []string{CodeFlowSetting}},
		{"authorize form property", az("    properties:\n      x: {type: string, source: form}\n"), []string{CodeProperty}},
		{"authorize header property", az("    properties:\n      x: {type: string, source: header}\n"), []string{CodeProperty}},
		{"authorize std param", az("    properties:\n      prompt_hint: {type: string, source: query, param: login_hint}\n"), []string{CodePropertyParam}},
		{"authorize std param by name", az("    properties:\n      request_uri: {type: string, source: query}\n"), []string{CodePropertyParam}},
		{"authorize catalogue param", az("    properties:\n      x: {type: string, source: query, param: code_challenge}\n"), []string{CodePropertyParam}},
		{"authorize duplicate query param", az("    properties:\n      a: {type: string, source: query, param: x}\n      b: {type: string, source: query, param: x}\n"), []string{CodePropertyParam}},
		{"code data on token step", strings.Replace(oidc, "  oauth-token-authorization-code:\n", "  oauth-token-authorization-code:\n    code_data:\n      x: {type: string}\n", 1), []string{CodeCodeData}},
		{"code data on client credentials", prop("oauth-token-client-credentials", "      t: {type: string, source: form}\n") + "    code_data:\n      x: {type: string}\n", []string{CodeCodeData}},
		{"code data secret", az("    code_data:\n      pin: {type: Secret}\n"), []string{CodeCodeData}},
		{"code data url", az("    code_data:\n      back: {type: url}\n"), []string{CodeCodeData}},
		{"code data unknown type", az("    code_data:\n      n: {type: uint}\n"), []string{CodeCodeData}},
		{"code data keyword", az("    code_data:\n      type: {type: string}\n"), []string{CodeGoName}},
		{"code data predeclared", az("    code_data:\n      len: {type: int}\n"), []string{CodeGoName}},
		{"code data clash", az("    code_data:\n      device_id: {type: string}\n      deviceId: {type: string}\n"), []string{CodeGoNameClash}},
		{"code data description", az("    code_data:\n      d: {type: string, description: 'a */'}\n"), []string{CodeCommentText}},
		{"authorize path clash", strings.Replace(oidc, "path: /me", "path: /oauth2/token", 1), []string{CodePath}},
		{"authorize login path clash", strings.Replace(oidc, "path: /me", "path: /oauth2/authorize/login", 1), []string{CodePath}},
		{"authorize consent path clash", strings.Replace(strings.Replace(oidc, "  authorize: {}", "  authorize: {path: /a}", 1), "path: /me", "path: /a/consent", 1), []string{CodePath}},
		{"authorize path custom", strings.Replace(oidc, "  authorize: {}", "  authorize: {path: /a, require_pkce: false}", 1), nil},
		{"authorize path bad", strings.Replace(oidc, "  authorize: {}", "  authorize: {path: /a/}", 1), []string{CodePath}},
		{"id token settings", oidc + "tokens:\n  id_token_ttl: 5m\n  id_token_signing_alg: ES256\n", nil},
		{"id token alg", oidc + "tokens:\n  id_token_signing_alg: HS256\n", []string{CodeTokenSetting}},
		{"id token ttl zero", oidc + "tokens:\n  id_token_ttl: 0s\n", []string{CodeDuration}},
		{"id token at flow level", oidc + "  oauth-token-refresh:\n    tokens: {id_token_ttl: 5m, id_token_signing_alg: RS256}\n", []string{CodeTokenSetting, CodeTokenSetting}},
		{"id token without openid", head + "tokens:\n  id_token_ttl: 5m\n  id_token_signing_alg: RS256\n", []string{CodeRequires, CodeRequires}},

		{"grant valid", grant("    description: Magic.\n    public_clients: true\n"), nil},
		{"grant no token endpoint", noEndpoints + "extension_grants:\n  magic_link:\n    grant_type: urn:example:magic\n", []string{CodeMissingEnd}},
		{"grant name", head + "extension_grants:\n  magic.link:\n    grant_type: urn:example:magic\n", []string{CodeGoName}},
		{"grant relative", head + "extension_grants:\n  magic_link:\n    grant_type: magic\n", []string{CodeExtensionGrant}},
		{"grant standard", head + "extension_grants:\n  jwt:\n    grant_type: urn:ietf:params:oauth:grant-type:jwt-bearer\n", []string{CodeExtensionGrant}},
		{"grant duplicate", grant("") + "  other:\n    grant_type: urn:example:magic\n", []string{CodeExtensionGrant}},
		{"grant description", grant("    description: '`x`'\n"), []string{CodeCommentText}},
		{"grant properties", grant("    properties:\n      code: {type: string, source: form}\n"), []string{CodePropertyParam}},
		{"grant policy keys", grant("    scope: none\n    resources: none\n    end_user: none\n"), nil},
		{"grant scope from grant", grant("    scope: grant\n"), []string{CodeExtensionGrant}},
		{"grant end user typo", grant("    end_user: procdure\n"), []string{CodeExtensionGrant}},
		{"grant stem clash flow", head + "flows:\n  oauth-token-refresh:\nextension_grants:\n  refresh_token:\n    grant_type: urn:example:rt\n", []string{CodeGoNameClash}},
		{"grant stem clash disabled flow ok", head + "extension_grants:\n  refresh_token:\n    grant_type: urn:example:rt\n", nil},
		{"grant stem clash derived", grant("") + "  magic_link_errors:\n    grant_type: urn:example:magic2\n", []string{CodeGoNameClash}},
		{"grant stem clash case", grant("") + "  Magic-Link:\n    grant_type: urn:example:magic2\n", []string{CodeGoNameClash}},
		{"grant stem reserved", head + "extension_grants:\n  settings:\n    grant_type: urn:example:s\n", []string{CodeGoNameClash}},
		{"grant stem reserved new server", head + "extension_grants:\n  new_server:\n    grant_type: urn:example:s\n", []string{CodeGoNameClash}},
		{"grant stem reserved flows", head + "extension_grants:\n  flows:\n    grant_type: urn:example:s\n", []string{CodeGoNameClash}},
		{"grant stem reserved code data", head + "extension_grants:\n  code_data:\n    grant_type: urn:example:s\n", []string{CodeGoNameClash}},
		{"grant stem clash authorize flow", oidc + "extension_grants:\n  authorize_code:\n    grant_type: urn:example:s\n", []string{CodeGoNameClash}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse("x.yaml", []byte(c.src))
			if err != nil {
				t.Fatalf("Parse:\n%v", err)
			}
			err = Validate(s, builtin(t))
			if len(c.want) == 0 {
				if err != nil {
					t.Fatalf("Validate:\n%v", err)
				}
				return
			}
			var ds Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("Validate = %v, want Diagnostics", err)
			}
			if got := codes(ds); !slices.Equal(got, sortedCopy(c.want)) {
				t.Errorf("codes = %v, want %v\n%v", got, sortedCopy(c.want), err)
			}
			for _, d := range ds {
				if d.File != "x.yaml" || d.Line < 1 {
					t.Errorf("diagnostic without a position: %+v", d)
				}
			}
		})
	}
}

// TestValidateBuiltInCode: a spec built in code, without a file, is
// validated too; diagnostics then point at the enclosing structs.
func TestValidateBuiltInCode(t *testing.T) {
	ttl := -time.Minute
	s := &Spec{
		Version:   1,
		Package:   "oauth",
		Output:    "out",
		Issuer:    "https://as.example.com",
		Endpoints: Endpoints{List: []*Endpoint{{Key: "token", AuthMethods: []string{"none"}}}},
		Tokens:    TokenSettings{AccessTokenTTL: &ttl},
		Scopes:    []Scope{{Name: "a"}, {Name: "a"}, {Name: ""}},
		Flows: []Flow{
			{ID: "oauth-token-refresh"},
			{ID: "oauth-token-refresh"},
			{ID: "oauth-token-client-credentials", Properties: []Property{{Pos: Pos{File: "f", Line: 3, Col: 4}, Name: "tenant", Type: "string", Source: "form"}}},
		},
		ExtensionGrants: []ExtensionGrant{{Name: "x"}},
	}
	err := Validate(s, builtin(t))
	var ds Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("Validate = %v", err)
	}
	// auth_methods [none] leaves client_credentials and the extension
	// grant, both for confidential clients, without a client (OG144).
	want := sortedCopy([]string{CodeDuration, CodeDuplicateKey, CodeScope, CodeDuplicateKey, CodeExtensionGrant, CodeAuthMethods, CodeAuthMethods})
	if got := codes(ds); !slices.Equal(got, want) {
		t.Errorf("codes = %v, want %v\n%v", got, want, err)
	}
	if !strings.Contains(err.Error(), "<spec>: OG140 access_token_ttl must be positive") {
		t.Errorf("a position-less diagnostic should print as <spec>: CODE message:\n%v", err)
	}
	s.Version = 3
	if err := Validate(s, builtin(t)); err == nil || !strings.Contains(err.Error(), "OG110") {
		t.Errorf("version 3 not reported: %v", err)
	}
}

func TestValidateNeedsArguments(t *testing.T) {
	if err := Validate(nil, builtin(t)); err == nil {
		t.Error("Validate(nil, c) succeeded")
	}
	if err := Validate(&Spec{}, nil); err == nil {
		t.Error("Validate(s, nil) succeeded")
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load("testdata/does-not-exist.yaml"); err == nil || !strings.Contains(err.Error(), "read spec") {
		t.Errorf("Load of a missing file: %v", err)
	}
	s, err := Load("testdata/invalid/many_errors.yaml")
	if s != nil || err == nil {
		t.Errorf("Load of an invalid spec = %v, %v", s, err)
	}
}
