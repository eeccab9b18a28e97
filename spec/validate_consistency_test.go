package spec

import (
	"strings"
	"testing"
)

// TestRefreshConsistency: asking for refresh tokens explicitly without the
// flow that redeems them is refused at the setting; leaving the default is
// not (the model derives no refresh tokens).
func TestRefreshConsistency(t *testing.T) {
	const head = "version: 1\npackage: oauth\noutput: ./oauth\nissuer: https://as.example.com\n" +
		"endpoints:\n  token:\n    auth_methods: [client_secret_basic]\n"
	const msg = `OG123 issue_refresh_token: true needs flow "oauth-token-refresh", which the spec does not enable: its refresh tokens would be refused with unsupported_grant_type (RFC 6749 §6); enable the flow or leave the setting out`
	for _, c := range []struct {
		name, src, want string
	}{
		{"default without refresh", head + "flows:\n  oauth-token-authorization-code:\n", ""},
		{"false without refresh", head + "tokens:\n  issue_refresh_token: false\nflows:\n  oauth-token-authorization-code:\n", ""},
		{"server true with refresh", head + "tokens:\n  issue_refresh_token: true\nflows:\n  oauth-token-authorization-code:\n  oauth-token-refresh:\n", ""},
		{"server true without refresh", head + "tokens:\n  issue_refresh_token: true\nflows:\n  oauth-token-authorization-code:\n",
			"x.yaml:9:24: " + msg},
		{"flow true without refresh", head + "flows:\n  oauth-token-authorization-code:\n    tokens:\n      issue_refresh_token: true\n",
			"x.yaml:11:28: " + msg},
		{"grant true without refresh", head + "extension_grants:\n  magic_link:\n    grant_type: urn:example:magic\n    tokens:\n      issue_refresh_token: true\n",
			"x.yaml:12:28: " + msg},
		{"every one at once", head + "tokens:\n  issue_refresh_token: true\nflows:\n  oauth-token-authorization-code:\n    tokens:\n      issue_refresh_token: true\n",
			"x.yaml:9:24: " + msg + "\nx.yaml:13:28: " + msg},
		{"offline_access without refresh", head + "scopes:\n  openid: Sign in\n  offline_access: Stay signed in\nflows:\n  oauth-token-authorization-code:\n",
			`x.yaml:10:3: OG123 scope "offline_access" asks for refresh tokens (OIDC Core §11), which no flow issues without flow "oauth-token-refresh"; enable it or remove the scope`},
		{"offline_access with refresh", head + "scopes:\n  openid: Sign in\n  offline_access: Stay signed in\nflows:\n  oauth-token-authorization-code:\n  oauth-token-refresh:\n", ""},
		{"refresh settings without refresh", head + "tokens:\n  rotate_refresh_token: false\n  refresh_grace: 5s\n  refresh_token_ttl: -1h\n" +
			"flows:\n  oauth-token-authorization-code:\n    tokens:\n      refresh_token_idle_ttl: 1h\n",
			"x.yaml:9:25: OG123 rotate_refresh_token applies to refresh tokens, which no flow issues without flow \"oauth-token-refresh\"; enable the flow or leave the setting out\n" +
				"x.yaml:10:18: OG123 refresh_grace applies to refresh tokens, which no flow issues without flow \"oauth-token-refresh\"; enable the flow or leave the setting out\n" +
				"x.yaml:11:22: OG140 refresh_token_ttl must be positive, got -1h0m0s\n" +
				"x.yaml:15:31: OG123 refresh_token_idle_ttl applies to refresh tokens, which no flow issues without flow \"oauth-token-refresh\"; enable the flow or leave the setting out"},
		{"refresh settings with refresh", head + "tokens:\n  rotate_refresh_token: false\n  refresh_grace: 5s\nflows:\n  oauth-token-authorization-code:\n  oauth-token-refresh:\n", ""},
		// client_credentials never issues refresh tokens: OG125 only.
		{"forced false flow", head + "flows:\n  oauth-token-client-credentials:\n    tokens:\n      issue_refresh_token: true\n",
			`x.yaml:11:28: OG125 issue_refresh_token: flow "oauth-token-client-credentials" always uses false`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse("x.yaml", []byte(c.src))
			if err != nil {
				t.Fatalf("Parse:\n%v", err)
			}
			err = Validate(s, builtin(t))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Errorf("Validate =\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// TestFlowDependencies: every cross-flow dependency the validator checks,
// one case each way, with its exact diagnostic.
func TestFlowDependencies(t *testing.T) {
	const head = "version: 1\npackage: oauth\noutput: ./oauth\nissuer: https://as.example.com\n" +
		"endpoints:\n  token:\n    auth_methods: [client_secret_basic]\n"
	const public = "version: 1\npackage: oauth\noutput: ./oauth\nissuer: https://as.example.com\n" +
		"endpoints:\n  token:\n    auth_methods: [none]\n"
	const noIssuer = `OG123 flow "oauth-token-refresh" redeems refresh tokens, which no enabled flow issues (RFC 6749 §6); enable flow "oauth-token-authorization-code", "oauth-token-password" or "oauth-token-device-code" or an extension grant, or remove this flow`
	for _, c := range []struct {
		name, src, want string
	}{
		// The refresh_token flow needs a flow that issues refresh tokens.
		{"refresh with client_credentials only", head + "flows:\n  oauth-token-client-credentials:\n  oauth-token-refresh:\n",
			"x.yaml:10:3: " + noIssuer},
		{"refresh alone", head + "flows:\n  oauth-token-refresh:\n", "x.yaml:9:3: " + noIssuer},
		{"refresh with authorization_code", head + "flows:\n  oauth-token-authorization-code:\n  oauth-token-refresh:\n", ""},
		{"refresh with an extension grant", head + "flows:\n  oauth-token-refresh:\n" +
			"extension_grants:\n  magic_link:\n    grant_type: urn:example:magic\n", ""},
		{"refresh with every issuer off", head + "tokens:\n  issue_refresh_token: false\nflows:\n  oauth-token-authorization-code:\n  oauth-token-refresh:\n" +
			"extension_grants:\n  magic_link:\n    grant_type: urn:example:magic\n",
			`x.yaml:12:3: OG123 flow "oauth-token-refresh" redeems refresh tokens, which no enabled flow issues: issue_refresh_token is false for flow "oauth-token-authorization-code", extension grant "magic_link"; set it to true where refresh tokens are wanted, or remove this flow`},
		{"refresh with one issuer on", head + "tokens:\n  issue_refresh_token: false\nflows:\n  oauth-token-authorization-code:\n    tokens:\n      issue_refresh_token: true\n  oauth-token-refresh:\n", ""},

		// An endpoint is served only with one of its flows.
		{"authorize endpoint without its flow", head + "  authorize:\n    require_pkce: false\nflows:\n  oauth-token-authorization-code:\n",
			`x.yaml:8:3: OG123 endpoints.authorize is served only with flow "oauth-authorize-authorization-code", which the spec does not enable: its path and settings would do nothing; enable the flow or remove the endpoint`},
		{"introspect and revoke endpoints without their flows", head + "  introspect: {}\n  revoke:\n    path: /revoke\nflows:\n  oauth-token-client-credentials:\n",
			"x.yaml:8:3: OG123 endpoints.introspect is served only with flow \"oauth-introspect\", which the spec does not enable: its path and settings would do nothing; enable the flow or remove the endpoint\n" +
				"x.yaml:9:3: OG123 endpoints.revoke is served only with flow \"oauth-revoke\", which the spec does not enable: its path and settings would do nothing; enable the flow or remove the endpoint"},
		{"userinfo endpoint without its flow", head + "  userinfo: {}\nscopes:\n  openid: Sign in\nflows:\n  oauth-token-authorization-code:\n",
			`x.yaml:8:3: OG123 endpoints.userinfo is served only with flow "openid-userinfo", which the spec does not enable: its path and settings would do nothing; enable the flow or remove the endpoint`},
		{"jwks endpoint is always served", head + "  jwks:\n    path: /keys\nflows:\n  oauth-token-client-credentials:\n", ""},
		{"endpoints with their flows", head + "  introspect: {}\n  revoke: {}\nflows:\n  oauth-token-client-credentials:\n  oauth-introspect:\n  oauth-revoke:\n", ""},

		// Flows for confidential clients need a method that authenticates one.
		{"client_credentials with none only", public + "flows:\n  oauth-token-client-credentials:\n",
			`x.yaml:9:3: OG144 flow "oauth-token-client-credentials" is for confidential clients, and endpoints.token.auth_methods (line 7) accepts only none, so no client could use it; add client_secret_basic or client_secret_post to it, or remove the flow`},
		{"introspection with none only", public + "  introspect: {}\nflows:\n  oauth-token-authorization-code:\n  oauth-introspect:\n",
			`x.yaml:11:3: OG144 flow "oauth-introspect" needs callers that authenticate with a secret (RFC 7662 §2.1), and endpoints.token.auth_methods (line 7) accepts only none; add client_secret_basic or client_secret_post to it, or remove the flow`},
		{"confidential grant with none only", public + "extension_grants:\n  magic_link:\n    grant_type: urn:example:magic\n",
			`x.yaml:9:3: OG144 extension grant "magic_link" is for confidential clients (public_clients is false), and endpoints.token.auth_methods (line 7) accepts only none, so no client could use it; add client_secret_basic or client_secret_post to it, or remove the grant`},
		{"public flows with none only", public + "  revoke: {}\nflows:\n  oauth-token-authorization-code:\n  oauth-token-refresh:\n  oauth-revoke:\n" +
			"extension_grants:\n  magic_link:\n    grant_type: urn:example:magic\n    public_clients: true\n", ""},
		{"confidential flows with a secret", strings.Replace(public, "[none]", "[none, client_secret_post]", 1) +
			"  introspect: {}\nflows:\n  oauth-token-client-credentials:\n  oauth-introspect:\n", ""},

		// The openid scope needs a flow with an end user to give ID tokens to.
		{"openid with client_credentials only", head + "scopes:\n  openid: Sign in\nflows:\n  oauth-token-client-credentials:\n",
			`x.yaml:9:3: OG123 scope "openid" asks for ID tokens, which are about an end user (OIDC Core §2), and no enabled flow has one; enable flow "oauth-token-authorization-code", "oauth-token-password", "oauth-token-device-code" or "oauth-token-jwt-bearer" or an extension grant with an end user, or remove the scope`},
		{"openid with an end-user-less grant", head + "scopes:\n  openid: Sign in\nextension_grants:\n  m2m:\n    grant_type: urn:example:m2m\n    end_user: none\n",
			`x.yaml:9:3: OG123 scope "openid" asks for ID tokens, which are about an end user (OIDC Core §2), and no enabled flow has one; enable flow "oauth-token-authorization-code", "oauth-token-password", "oauth-token-device-code" or "oauth-token-jwt-bearer" or an extension grant with an end user, or remove the scope`},
		{"openid with authorization_code", head + "scopes:\n  openid: Sign in\nflows:\n  oauth-token-authorization-code:\n", ""},
		{"openid with a grant signing users in", head + "scopes:\n  openid: Sign in\nextension_grants:\n  magic_link:\n    grant_type: urn:example:magic\n", ""},

		// Decided not to be errors: codes may come from the service's own
		// sign-in (Server.IssueAuthorizationCode), and the JWK Set is
		// served whether declared or not; describe says so.
		{"authorization_code without the authorize flow", head + "flows:\n  oauth-token-authorization-code:\n", ""},
		{"openid without jwks or userinfo", head + "scopes:\n  openid: Sign in\n  profile: Your name\nflows:\n  oauth-token-authorization-code:\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse("x.yaml", []byte(c.src))
			if err != nil {
				t.Fatalf("Parse:\n%v", err)
			}
			err = Validate(s, builtin(t))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Errorf("Validate =\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}
