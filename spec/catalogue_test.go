package spec

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestBuiltinCatalogue(t *testing.T) {
	c := builtin(t)
	wantFlows := []string{
		"oauth-token-authorization-code", "oauth-token-client-credentials", "oauth-token-refresh",
		"oauth-token-password", "oauth-token-device-code",
		"oauth-token-oauth-token-exchange", "oauth-token-jwt-bearer", "oauth-token-backchannel-authentication",
		"oauth-token-pre-authorized-code", "oauth-authorize-authorization-code", "oauth-device-authorization",
		"oauth-introspect", "oauth-revoke", "openid-end-session", "openid-userinfo",
	}
	if got := c.FlowIDs(); !slices.Equal(got, wantFlows) {
		t.Errorf("flow ids (in catalogue order) = %q\nwant %q", got, wantFlows)
	}
	available := []string{"oauth-token-authorization-code", "oauth-token-client-credentials", "oauth-token-refresh", "oauth-token-password",
		"oauth-token-device-code", "oauth-token-jwt-bearer", "oauth-token-oauth-token-exchange",
		"oauth-authorize-authorization-code", "oauth-device-authorization", "oauth-introspect", "oauth-revoke", "openid-end-session", "openid-userinfo"}
	for _, f := range c.Flows {
		want := StatusPlanned
		if slices.Contains(available, f.ID) {
			want = StatusAvailable
		}
		if f.Status != want {
			t.Errorf("flow %s status %q, want %q", f.ID, f.Status, want)
		}
	}
	wantEndpoints := map[string]string{
		"oauth-token": StatusAvailable, "oauth-jwks": StatusAvailable, "oauth-metadata": StatusAvailable,
		"oauth-authorize": StatusAvailable, "oauth-par": StatusAvailable, "oauth-device-authorization": StatusAvailable,
		"openid-backchannel-authentication": StatusPlanned, "oauth-introspect": StatusAvailable,
		"oauth-revoke": StatusAvailable, "oauth-userinfo": StatusAvailable, "openid-end-session": StatusAvailable,
	}
	if len(c.Endpoints) != len(wantEndpoints) {
		t.Errorf("%d endpoints, want %d", len(c.Endpoints), len(wantEndpoints))
	}
	for id, status := range wantEndpoints {
		ep := c.Endpoint(id)
		if ep == nil {
			t.Errorf("endpoint %s missing", id)
			continue
		}
		if ep.Status != status || ep.Path == "" || len(ep.Methods) == 0 || len(ep.Specs) == 0 || ep.Description == "" {
			t.Errorf("endpoint %s = %+v", id, ep)
		}
	}
	if tok := c.Endpoint("oauth-token"); tok.SpecKey != "token" || tok.Path != "/oauth2/token" || tok.Metadata != "token_endpoint" {
		t.Errorf("oauth-token = %+v", tok)
	}
	if c.Flow("nope") != nil || c.Endpoint("nope") != nil {
		t.Error("lookups of unknown ids returned something")
	}
}

// TestCatalogueFlowsComplete: every flow is fully described, and every
// available token flow has a policy.
func TestCatalogueFlowsComplete(t *testing.T) {
	c := builtin(t)
	for _, f := range c.Flows {
		if f.Description == "" || len(f.Specs) == 0 || len(f.Errors) == 0 || f.Issues == "" || f.Name == "" || f.Endpoint == "" {
			t.Errorf("flow %s is not fully described: %+v", f.ID, f)
		}
		if f.Status == StatusAvailable && f.Endpoint == "oauth-token" && f.Policy == (FlowPolicy{}) {
			t.Errorf("available token flow %s has no policy", f.ID)
		}
		if f.Pos.File != "catalogue.yaml" || f.Pos.Line == 0 {
			t.Errorf("flow %s has no position: %+v", f.ID, f.Pos)
		}
		for _, p := range f.Properties {
			if p.Description == "" || p.Spec == "" || p.Type == "" || !wireSource(p.Source) && p.Field == "" {
				t.Errorf("flow %s property %s is not fully described: %+v", f.ID, p.Name, p)
			}
			if !slices.Contains(CatalogueSources(), p.Source) {
				t.Errorf("flow %s property %s: source %q", f.ID, p.Name, p.Source)
			}
		}
	}
}

// TestAvailableFlows pins the three token flows this version serves, as
// the runtime's token endpoint relies on their policies.
func TestAvailableFlows(t *testing.T) {
	c := builtin(t)
	type prop struct{ name, field, typ, source string }
	for _, w := range []struct {
		id, wire, name string
		policy         FlowPolicy
		props          []prop
	}{
		{"oauth-token-authorization-code", "authorization_code", "AuthorizationCode",
			FlowPolicy{Clients: "any", Credential: "code", Scope: "grant", Resources: "grant", EndUser: "grant"},
			[]prop{
				{"code", "", "Secret", "form"},
				{"redirect_uri", "", "string", "form"},
				{"code_verifier", "", "Secret", "form"},
				{"Code", "Code", "*AuthorizationCode", "store"},
				{"Authentication", "Authentication", "Authentication", "store"},
			}},
		{"oauth-token-client-credentials", "client_credentials", "ClientCredentials",
			FlowPolicy{Clients: "confidential", Credential: "client", Scope: "request", Resources: "request", EndUser: "none"}, nil},
		{"oauth-token-refresh", "refresh_token", "RefreshToken",
			FlowPolicy{Clients: "any", Credential: "refresh_token", Scope: "grant", Resources: "grant", EndUser: "grant"},
			[]prop{
				{"refresh_token", "", "Secret", "form"},
				{"RefreshToken", "RefreshToken", "*RefreshTokenRecord", "store"},
				{"Grant", "Grant", "*Grant", "store"},
				{"Authentication", "Authentication", "Authentication", "store"},
			}},
	} {
		f := c.Flow(w.id)
		if f == nil {
			t.Fatalf("flow %s missing", w.id)
		}
		pol := f.Policy
		pol.Pos = Pos{}
		if f.Endpoint != "oauth-token" || f.Wire != w.wire || f.Name != w.name || pol != w.policy || f.Status != StatusAvailable {
			t.Errorf("flow %s = %+v", w.id, f)
		}
		var got []prop
		for _, p := range f.Properties {
			got = append(got, prop{p.Name, p.Field, p.Type, p.Source})
		}
		if !slices.Equal(got, w.props) {
			t.Errorf("flow %s properties = %+v\nwant %+v", w.id, got, w.props)
		}
	}
	cc := c.Flow("oauth-token-client-credentials")
	if r := cc.Defaults.IssueRefreshToken; r == nil || *r {
		t.Errorf("client_credentials must force issue_refresh_token false (RFC 6749 §4.4.3), got %v", r)
	}
}

func TestBuiltinReturnsFreshCopies(t *testing.T) {
	a, b := builtin(t), builtin(t)
	a.Flows[0].Name = "Changed"
	if b.Flows[0].Name == "Changed" {
		t.Error("Builtin values share memory")
	}
}

// TestCatalogueChecks: the catalogue loader refuses inconsistent catalogues.
func TestCatalogueChecks(t *testing.T) {
	const ep = "version: 1\nendpoints:\n  oauth-token:\n    spec_key: token\n    path: /t\n    methods: [POST]\n" +
		"    authentication: client\n    specs: [x]\n    status: available\n    description: d\n" +
		"    wire_param: grant_type\n    parameters: [grant_type, p]\n    property_sources: [form]\n" +
		"    token_settings: [code_ttl]\n"
	flow := func(extra string) string {
		return ep + "flows:\n  f:\n    endpoint: oauth-token\n    wire: w\n    name: W\n" +
			"    status: available\n    description: d\n    specs: [x]\n" +
			"    policy: {clients: any, credential: procedure, scope: request, resources: request, end_user: procedure}\n" +
			"    errors: [invalid_request]\n    issues: i\n" + extra
	}
	if _, err := parseCatalogue("c.yaml", []byte(flow(""))); err != nil {
		t.Fatalf("base catalogue refused: %v", err)
	}
	policy := func(from, to string) string { return strings.Replace(flow(""), from, to, 1) }
	for _, c := range []struct {
		name, src, code string
	}{
		{"version", strings.Replace(flow(""), "version: 1", "version: 2", 1), CodeVersion},
		{"unknown key", flow("    colour: red\n"), CodeUnknownKey},
		{"missing key", strings.Replace(flow(""), "    issues: i\n", "", 1), CodeMissingKey},
		{"no wire", strings.Replace(flow(""), "    wire: w\n", "", 1), CodeMissingKey},
		{"no policy", regexp.MustCompile(`    policy: .*\n`).ReplaceAllString(flow(""), ""), CodeMissingKey},
		{"bad policy value", policy("clients: any", "clients: some"), CodePolicy},
		{"unknown policy key", policy("clients: any", "clients: any, colour: red"), CodeUnknownKey},
		{"grant scope without redemption", policy("scope: request", "scope: grant"), CodePolicy},
		{"code credential without grant", policy("credential: procedure", "credential: code"), CodePolicy},
		{"client credential for public clients", policy("credential: procedure", "credential: client"), CodePolicy},
		{"bad status", strings.Replace(flow(""), "status: available\n    description: d\n    specs: [x]\n    policy", "status: soon\n    description: d\n    specs: [x]\n    policy", 1), CodeUnknownKey},
		{"bad endpoint status", strings.Replace(flow(""), "status: available\n    description: d\n    wire_param", "status: gone\n    description: d\n    wire_param", 1), CodeUnknownKey},
		{"unknown endpoint", strings.Replace(flow(""), "endpoint: oauth-token", "endpoint: oauth-nope", 1), CodeUnknownKey},
		{"bad authentication", strings.Replace(flow(""), "authentication: client", "authentication: magic", 1), CodeUnknownKey},
		{"bad method", strings.Replace(flow(""), "methods: [POST]", "methods: [PUT]", 1), CodeUnknownKey},
		{"bad name", strings.Replace(flow(""), "name: W", "name: w-x", 1), CodeGoName},
		{"unknown error", strings.Replace(flow(""), "[invalid_request]", "[oops]", 1), CodeUnknownKey},
		{"no errors", strings.Replace(flow(""), "[invalid_request]", "[]", 1), CodeMissingKey},
		{"alg default", flow("    defaults: {signing_alg: ES256}\n"), CodeTokenSetting},
		{"duplicate wire", flow("") + strings.Replace(strings.SplitN(flow(""), "flows:\n", 2)[1], "  f:", "  g:", 1), CodeDuplicateKey},
		{"bad source", flow("    properties:\n      p: {type: string, source: cookie, description: d, spec: s}\n"), CodeProperty},
		{"bad field", flow("    properties:\n      X: {field: x, type: string, source: store, description: d, spec: s}\n"), CodeGoName},
		{"duplicate field", flow("    properties:\n      X: {field: X, type: string, source: store, description: d, spec: s}\n      Y: {field: X, type: string, source: store, description: d, spec: s}\n"), CodeGoNameClash},
		{"store keyed by wire name", flow("    properties:\n      x: {field: X, type: string, source: store, description: d, spec: s}\n"), CodeProperty},
		{"required store", flow("    properties:\n      X: {field: X, type: string, source: store, required: true, description: d, spec: s}\n"), CodeProperty},
		{"parameter the endpoint does not read", flow("    properties:\n      q: {type: string, source: form, description: d, spec: s}\n"), CodeProperty},
		{"bad description", flow("    properties:\n      p: {type: string, source: form, description: 'a */', spec: s}\n"), CodeCommentText},
		{"missing description", flow("    properties:\n      p: {type: string, source: form, spec: s}\n"), CodeMissingKey},
		{"bad property source of endpoint", strings.Replace(flow(""), "property_sources: [form]", "property_sources: [cookie]", 1), CodeProperty},
		{"bad endpoint token setting", strings.Replace(flow(""), "token_settings: [code_ttl]", "token_settings: [signing_alg]", 1), CodeTokenSetting},
		{"bad parameter", strings.Replace(flow(""), "parameters: [grant_type, p]", "parameters: [grant_type, 'a b']", 1), CodeProperty},
		{"wire param not a parameter", strings.Replace(flow(""), "parameters: [grant_type, p]", "parameters: [p]", 1), CodeProperty},
		{"requires unknown", flow("    requires: [nope]\n"), CodeUnknownKey},
		{"requires itself", flow("    requires: [f]\n"), CodeUnknownKey},
		{"requires bad scope", flow("    requires_scopes: ['a b']\n"), CodeScope},
		{"defaults id token", flow("    defaults: {id_token_ttl: 1m}\n"), CodeTokenSetting},
	} {
		t.Run(c.name, func(t *testing.T) {
			cat, err := parseCatalogue("c.yaml", []byte(c.src))
			var ds Diagnostics
			if cat != nil || !errors.As(err, &ds) {
				t.Fatalf("parseCatalogue = %v, %v; want Diagnostics", cat, err)
			}
			if !ds.Has(c.code) {
				t.Errorf("no %s in\n%v", c.code, err)
			}
		})
	}
	if _, err := parseCatalogue("c.yaml", []byte("")); err == nil {
		t.Error("an empty catalogue was accepted")
	}
}

// TestRuntimeValidationTags: the rule checker knows the custom tags the
// runtime registers, so a team may use them.
func TestRuntimeValidationTags(t *testing.T) {
	src, err := os.ReadFile("../runtime/flowkit/validate.go")
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "validate.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		if mt, ok := call.Type.(*ast.MapType); ok {
			if sel, ok := mt.Value.(*ast.SelectorExpr); ok && sel.Sel.Name == "Func" {
				for _, el := range call.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if lit, ok := kv.Key.(*ast.BasicLit); ok {
							s, _ := strconv.Unquote(lit.Value)
							tags = append(tags, s)
						}
					}
				}
			}
		}
		return true
	})
	if !slices.Equal(sortedCopy(tags), sortedCopy(RuntimeValidationTags())) {
		t.Errorf("runtime registers tags %v, RuntimeValidationTags() = %v", tags, RuntimeValidationTags())
	}
	v := newRuleValidator()
	for _, tag := range RuntimeValidationTags() {
		if why := tryRule(v, "", "omitempty,"+tag); why != "" {
			t.Errorf("tag %s refused: %s", tag, why)
		}
	}
}
