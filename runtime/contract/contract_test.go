package contract_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/contract"
	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// procedure is a token procedure: Default, with a change before or after.
type procedure struct {
	before func(*runtime.TokenContext)
	after  func(*runtime.TokenResponse)
}

func (p procedure) Prepare(t *runtime.TokenContext) (func(context.Context) (*runtime.TokenResponse, error), error) {
	return func(ctx context.Context) (*runtime.TokenResponse, error) {
		if p.before != nil {
			p.before(t)
		}
		resp, err := t.Default(ctx)
		if err == nil && p.after != nil {
			p.after(resp)
		}
		return resp, err
	}, nil
}

// suite is a machine-to-machine server whose client_credentials procedure
// is p.
func suite(p procedure) contract.Suite {
	return contract.Suite{
		Settings: runtime.Settings{
			Issuer:      "http://127.0.0.1:8080",
			AuthMethods: []string{"client_secret_basic", "client_secret_post"},
			Scopes:      []runtime.ScopeInfo{{Name: "read"}, {Name: "write"}, {Name: "admin"}},
		},
		Flows: runtime.Flows{Token: []runtime.Registration[runtime.TokenFlow]{{
			ID:     "oauth-token-client-credentials",
			Wire:   "client_credentials",
			Policy: runtime.TokenPolicy{AccessFormat: runtime.FormatOpaque, AccessTTL: 10 * time.Minute},
			Grant: flowkit.GrantPolicy{Clients: flowkit.ConfidentialClients, Credential: flowkit.ClientCredential,
				Scope: flowkit.ScopeFromRequest, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.NoEndUser},
			Flow: p,
		}}},
	}
}

// broken are procedures that each break one rule, with what the suite
// says about it. (A procedure cannot drop sub, change token_type or
// expires_in: the runtime sets those whatever the procedure does.)
var broken = map[string]struct {
	p    procedure
	want string
}{
	"scope_the_client_may_not_have": {
		procedure{after: func(r *runtime.TokenResponse) { r.Scope = append(r.Scope, "admin") }},
		`RFC 6749 §3.3: the token's scope "read admin" has "admin", which client contract-client-secret-basic may not have`,
	},
	"access_token_scope_the_client_may_not_have": {
		procedure{before: func(t *runtime.TokenContext) { t.Defaults.Access.Scope = append(t.Defaults.Access.Scope, "admin") }},
		`RFC 9068 §2.2.3, RFC 6749 §3.3: the access token's scope claim "read admin" has "admin", which client contract-client-secret-basic may not have`,
	},
	"refresh_token_for_the_client_itself": {
		procedure{after: func(r *runtime.TokenResponse) { r.RefreshToken = "contract" }},
		"RFC 6749 §4.4.3: the client_credentials response has a refresh token",
	},
	"property_without_its_name": {
		procedure{}, // Prepare's error names tenant; this one's property is "region"
		"does not name the parameter region",
	},
}

// TestBrokenProcedureFails runs the suite against each broken procedure in
// a test process of its own, and checks that it fails naming the rule.
func TestBrokenProcedureFails(t *testing.T) {
	if name := os.Getenv("CONTRACT_BROKEN"); name != "" {
		t.Skip("the child process runs TestBroken")
	}
	for name, b := range broken {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBroken$", "-test.v")
			cmd.Env = append(os.Environ(), "CONTRACT_BROKEN="+name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a procedure that breaks a rule:\n%s", out)
			}
			if !strings.Contains(string(out), b.want) {
				t.Errorf("the suite failed without saying %q:\n%s", b.want, out)
			}
		})
	}
}

// TestBroken is the child of TestBrokenProcedureFails.
func TestBroken(t *testing.T) {
	name := os.Getenv("CONTRACT_BROKEN")
	if name == "" {
		t.Skip("run by TestBrokenProcedureFails")
	}
	s := suite(broken[name].p)
	if name == "property_without_its_name" {
		s.Properties = []contract.Property{{Flow: "oauth-token-client-credentials", Name: "region", Source: "form", Type: "int"}}
		s.Flows.Token[0].Flow = renamed{}
	}
	contract.Run(t, s)
}

// renamed reports a bad integer parameter under another name.
type renamed struct{}

func (renamed) Prepare(t *runtime.TokenContext) (func(context.Context) (*runtime.TokenResponse, error), error) {
	if v := t.Param("region"); v != "" && strings.Trim(v, "0123456789") != "" {
		return nil, oauth.NewError(oauth.ErrInvalidRequest, "parameter 'place' is invalid")
	}
	return t.Default, nil
}

// TestCorrectServerPasses: the same server with the default procedure
// passes every check that applies.
func TestCorrectServerPasses(t *testing.T) {
	if os.Getenv("CONTRACT_BROKEN") != "" {
		t.Skip("the child process runs TestBroken")
	}
	contract.Run(t, suite(procedure{}))
}
