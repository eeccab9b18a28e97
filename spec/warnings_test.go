package spec

import (
	"errors"
	"strings"
	"testing"
)

// TestWarningsDeprecatedFlow: a spec that enables the password flow is
// valid and warned about at the flow's key (OG170, RFC 9700 §2.4); a spec
// that does not is not.
func TestWarningsDeprecatedFlow(t *testing.T) {
	c := builtin(t)
	s, err := Load("reference/oauthgen.yaml")
	if err != nil {
		t.Fatalf("the reference spec enables the password flow and is still valid: %v", err)
	}
	ws := Warnings(s, c)
	if len(ws) != 1 || ws[0].Code != CodeDeprecated || ws[0].Severity != SeverityWarning || ws[0].Line == 0 {
		t.Fatalf("Warnings = %v, want one positioned OG170 warning", ws)
	}
	if got := ws[0].String(); !strings.Contains(got, ": OG170 warning: flow oauth-token-password is deprecated: RFC 9700 §2.4 says") {
		t.Errorf("warning %q", got)
	}
	s.Flows = s.Flows[:1] // client_credentials only
	if ws := Warnings(s, c); len(ws) != 0 {
		t.Errorf("Warnings of a spec without the password flow = %v", ws)
	}
}

// TestWarningsListedWithErrors: when a spec has errors, its warnings are
// listed with them, so one run shows everything.
func TestWarningsListedWithErrors(t *testing.T) {
	const src = `version: 1
package: oauth
output: ./oauth
issuer: https://as.example.com
endpoints:
  token: {auth_methods: [client_secret_basic]}
flows:
  oauth-token-password: {}
  oauth-token-client-credentials:
    tokens: {access_token_ttl: 1}
`
	_, err := LoadData("x.yaml", []byte(src), builtin(t))
	var ds Diagnostics
	if !errors.As(err, &ds) || !ds.Has(CodeWrongType) || !ds.Has(CodeDeprecated) {
		t.Fatalf("LoadData = %v, want the OG102 error and the OG170 warning", err)
	}
	if !strings.Contains(err.Error(), "x.yaml:8:3: OG170 warning: flow oauth-token-password is deprecated") {
		t.Errorf("error text lacks the positioned warning:\n%v", err)
	}
}
