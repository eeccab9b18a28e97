package cli

import (
	"strings"
	"testing"
)

// TestDescribeSources: describe says where the codes a flow redeems come
// from and where its ID tokens are verified and their claims fetched, as
// the spec makes it: a spec may enable authorization_code without the flow
// that issues codes (the service issues them itself), and openid without
// userinfo.
func TestDescribeSources(t *testing.T) {
	const head = "version: 1\npackage: oauth\noutput: ./oauth\nissuer: https://as.example.com\n" +
		"endpoints:\n  token:\n    auth_methods: [client_secret_basic]\n"
	withRefresh := strings.Replace(oidcSpec, "  openid-userinfo: {}\n", "  openid-userinfo: {}\n  oauth-token-refresh: {}\n", 1)
	for _, c := range []struct {
		name, spec, flow string
		want, notWant    []string
	}{
		{"codes from the authorize flow", oidcSpec, "oauth-token-authorization-code",
			[]string{"  Codes come from flow oauth-authorize-authorization-code (response_type=code at GET or POST /oauth2/authorize), and from the service's own sign-in through (*runtime.Server).IssueAuthorizationCode.\n"},
			[]string{"Codes come only"}},
		{"codes from the service only", head + "flows:\n  oauth-token-authorization-code:\n", "oauth-token-authorization-code",
			[]string{"  Codes come only from the service's own sign-in through (*runtime.Server).IssueAuthorizationCode: the spec enables no flow that issues them (oauth-authorize-authorization-code), so no authorization endpoint is served.\n",
				"  No ID tokens: the spec does not declare the openid scope.\n"},
			nil},
		{"ID tokens with userinfo", oidcSpec, "oauth-token-authorization-code",
			[]string{"  ID tokens when openid is granted, signed RS256, valid 10m0s, verified with the JWK Set at /oauth2/jwks; userinfo at flow openid-userinfo (GET or POST /oauth2/userinfo).\n"},
			nil},
		{"ID tokens with userinfo and claims", strings.Replace(withRefresh, "  openid: Sign you in\n", "  openid: Sign you in\n  email: Your email\n", 1), "oauth-token-refresh",
			[]string{"  ID tokens when openid is granted, signed RS256, valid 10m0s, verified with the JWK Set at /oauth2/jwks; the claims of scopes email at flow openid-userinfo (GET or POST /oauth2/userinfo).\n"},
			[]string{"Codes come"}},
		{"ID tokens without userinfo", head + "  jwks:\n    path: /keys\ntokens:\n  id_token_signing_alg: ES256\nscopes:\n  openid: Sign in\n  profile: Your name\n  email: Your email\nflows:\n  oauth-token-authorization-code:\n",
			"oauth-token-authorization-code",
			[]string{"  ID tokens when openid is granted, signed ES256, valid 10m0s, verified with the JWK Set at /keys; no userinfo endpoint (flow openid-userinfo is not enabled): the claims of scopes profile, email reach a client only in the ID token, if the procedure puts them there (c.Defaults.ID.User).\n"},
			nil},
		{"no ID tokens for client_credentials", head + "scopes:\n  openid: Sign in\nflows:\n  oauth-token-authorization-code:\n  oauth-token-client-credentials:\n", "oauth-token-client-credentials",
			nil, []string{"ID tokens", "Codes come"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := run(t, "-C", project(t, c.spec), "describe", c.flow)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, want := range c.want {
				if !strings.Contains(stdout, want) {
					t.Errorf("describe lacks %q:\n%s", want, stdout)
				}
			}
			for _, no := range c.notWant {
				if strings.Contains(stdout, no) {
					t.Errorf("describe has %q:\n%s", no, stdout)
				}
			}
		})
	}

	// Without a spec, what a spec may enable.
	code, stdout, _ := run(t, "-C", t.TempDir(), "describe", "oauth-token-authorization-code")
	for _, want := range []string{
		"  Codes come from flow oauth-authorize-authorization-code when the spec enables it, and from the service's own sign-in through (*runtime.Server).IssueAuthorizationCode.\n",
		"  ID tokens only when the spec declares the openid scope and openid is granted; relying parties verify them with the JWK Set (jwks_uri), always served, and fetch the claims of the profile, email, address and phone scopes from flow openid-userinfo when the spec enables it.\n",
	} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("describe without a spec: exit %d, lacks %q:\n%s", code, want, stdout)
		}
	}
}
