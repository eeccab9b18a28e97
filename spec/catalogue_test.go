package spec

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
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
		"oauth-token-resource-owner-password-credentials", "oauth-token-device-code",
		"oauth-token-oauth-token-exchange", "oauth-token-assertion", "oauth-token-backchannel-authentication",
		"oauth-token-pre-authorized-code", "oauth-authorize-authorization-code", "oauth-device-authorization",
		"oauth-introspect", "oauth-revoke", "openid-userinfo",
	}
	if got := c.FlowIDs(); !slices.Equal(got, wantFlows) {
		t.Errorf("flow ids (in catalogue order) = %q\nwant %q", got, wantFlows)
	}
	available := []string{"oauth-token-authorization-code", "oauth-token-client-credentials", "oauth-token-refresh",
		"oauth-authorize-authorization-code", "openid-userinfo"}
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
		"oauth-authorize": StatusAvailable, "oauth-par": StatusPlanned, "oauth-device-authorization": StatusPlanned,
		"openid-backchannel-authentication": StatusPlanned, "oauth-introspect": StatusPlanned,
		"oauth-revoke": StatusPlanned, "oauth-userinfo": StatusAvailable, "openid-end-session": StatusPlanned,
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
		// Exactly the endpoints that serve generated flows say how.
		if serves := slices.Contains([]string{"oauth-token", "oauth-authorize", "oauth-userinfo"}, id); serves != (ep.Gen != nil) {
			t.Errorf("endpoint %s: generate section %v, want one: %t", id, ep.Gen, serves)
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
// available flow names the runtime hooks generated code calls.
func TestCatalogueFlowsComplete(t *testing.T) {
	c := builtin(t)
	for _, f := range c.Flows {
		if f.Description == "" || len(f.Specs) == 0 || len(f.Errors) == 0 || f.Issues == "" || f.Name == "" || f.Endpoint == "" {
			t.Errorf("flow %s is not fully described: %+v", f.ID, f)
		}
		if f.Status == StatusAvailable {
			gen := c.Endpoint(f.Endpoint).Gen
			if gen == nil || f.Runtime.Default == "" ||
				gen.ParsedBy == ParsedByFlow && f.Runtime.Check == "" ||
				slices.Contains(gen.RegistrationFields, "GrantType") && f.GrantConst == "" {
				t.Errorf("available flow %s lacks runtime hooks: %+v (grant %q)", f.ID, f.Runtime, f.GrantConst)
			}
		}
		if f.Pos.File != "catalogue.yaml" || f.Pos.Line == 0 {
			t.Errorf("flow %s has no position: %+v", f.ID, f.Pos)
		}
		for _, p := range f.Properties {
			if p.Description == "" || p.Spec == "" || p.Field == "" || p.Type == "" {
				t.Errorf("flow %s property %s is not fully described: %+v", f.ID, p.Name, p)
			}
			if !slices.Contains(CatalogueSources(), p.Source) {
				t.Errorf("flow %s property %s: source %q", f.ID, p.Name, p.Source)
			}
		}
	}
}

// TestAvailableFlows pins the three flows this version serves, as the
// generator relies on them.
func TestAvailableFlows(t *testing.T) {
	c := builtin(t)
	type prop struct{ name, field, typ, source, validate string }
	for _, w := range []struct {
		id, wire, grantConst, name string
		public                     bool
		hooks                      RuntimeHooks
		props                      []prop
	}{
		{"oauth-token-authorization-code", "authorization_code", "GrantAuthorizationCode", "AuthorizationCode", true,
			RuntimeHooks{"AuthorizationCodeState", "AuthorizationCodeParams", "CheckAuthorizationCode", "IssueAuthorizationCode"},
			[]prop{
				{"code", "Code", "runtime.Secret", "form", "required"},
				{"redirect_uri", "RedirectURI", "string", "form", ""},
				// No validate tag: a missing or malformed verifier is invalid_grant, from the runtime (flows.md §7.1).
				{"code_verifier", "CodeVerifier", "runtime.Secret", "form", ""},
				{"Presented", "Presented", "runtime.AuthorizationCode", "store", ""},
				{"Authentication", "Authentication", "runtime.Authentication", "store", ""},
			}},
		{"oauth-token-client-credentials", "client_credentials", "GrantClientCredentials", "ClientCredentials", false,
			RuntimeHooks{Check: "CheckClientCredentials", Default: "IssueClientCredentials"}, nil},
		{"oauth-token-refresh", "refresh_token", "GrantRefreshToken", "RefreshToken", true,
			RuntimeHooks{"RefreshTokenState", "RefreshTokenParams", "CheckRefreshToken", "IssueRefreshToken"},
			[]prop{
				{"refresh_token", "RefreshToken", "runtime.Secret", "form", "required"},
				{"Presented", "Presented", "runtime.RefreshTokenRecord", "store", ""},
				{"Grant", "Grant", "runtime.Grant", "store", ""},
			}},
	} {
		f := c.Flow(w.id)
		if f == nil {
			t.Fatalf("flow %s missing", w.id)
		}
		if f.Endpoint != "oauth-token" || f.Wire != w.wire || f.GrantConst != w.grantConst || f.Name != w.name ||
			f.PublicClients != w.public || f.Runtime != w.hooks || f.Status != StatusAvailable {
			t.Errorf("flow %s = %+v", w.id, f)
		}
		var got []prop
		for _, p := range f.Properties {
			got = append(got, prop{p.Name, p.Field, p.Type, p.Source, p.Validate})
			if p.Required != (p.Validate == "required") {
				t.Errorf("flow %s property %s: required %t, validate %q", w.id, p.Name, p.Required, p.Validate)
			}
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
		"    generate:\n      context: TokenContext\n      context_doc: holds it\n      response: TokenResponse\n" +
		"      interface: TokenFlow\n      method: Token\n      registration: TokenFlowRegistration\n" +
		"      registration_fields: [ID, GrantType, Flow]\n      flows_field: Token\n      flows_list: true\n" +
		"      wire_param: grant_type\n      parsed_by: flow\n      property_sources: [form]\n" +
		"      standard_params: [grant_type]\n      reserved: [Flow]\n      token_settings: [code_ttl]\n" +
		"      before_procedure: checked it\n      procedure_doc: issues the tokens of a {wire} request\n" +
		"      customise: edit it\n"
	flow := func(extra string) string {
		return ep + "flows:\n  f:\n    endpoint: oauth-token\n    wire: w\n    grant_const: GrantW\n    name: W\n" +
			"    status: available\n    public_clients: false\n    description: d\n    specs: [x]\n" +
			"    errors: [invalid_request]\n    issues: i\n    runtime: {check: CheckW, default: IssueW}\n" + extra
	}
	if _, err := parseCatalogue("c.yaml", []byte(flow(""))); err != nil {
		t.Fatalf("base catalogue refused: %v", err)
	}
	for _, c := range []struct {
		name, src, code string
	}{
		{"version", strings.Replace(flow(""), "version: 1", "version: 2", 1), CodeVersion},
		{"unknown key", flow("    colour: red\n"), CodeUnknownKey},
		{"missing key", strings.Replace(flow(""), "    issues: i\n", "", 1), CodeMissingKey},
		{"no hooks", strings.Replace(flow(""), "    runtime: {check: CheckW, default: IssueW}\n", "", 1), CodeMissingKey},
		{"no grant const", strings.Replace(flow(""), "    grant_const: GrantW\n", "", 1), CodeMissingKey},
		{"no wire", strings.Replace(flow(""), "    wire: w\n", "", 1), CodeMissingKey},
		{"bad status", strings.Replace(flow(""), "status: available\n    public", "status: soon\n    public", 1), CodeUnknownKey},
		{"bad endpoint status", strings.Replace(flow(""), "status: available\n    description: d\n    generate", "status: gone\n    description: d\n    generate", 1), CodeUnknownKey},
		{"unknown endpoint", strings.Replace(flow(""), "endpoint: oauth-token", "endpoint: oauth-nope", 1), CodeUnknownKey},
		{"bad authentication", strings.Replace(flow(""), "authentication: client", "authentication: magic", 1), CodeUnknownKey},
		{"bad method", strings.Replace(flow(""), "methods: [POST]", "methods: [PUT]", 1), CodeUnknownKey},
		{"bad name", strings.Replace(flow(""), "name: W", "name: w-x", 1), CodeGoName},
		{"bad hook", strings.Replace(flow(""), "check: CheckW", "check: checkW", 1), CodeGoName},
		{"unknown error", strings.Replace(flow(""), "[invalid_request]", "[oops]", 1), CodeUnknownKey},
		{"no errors", strings.Replace(flow(""), "[invalid_request]", "[]", 1), CodeMissingKey},
		{"alg default", flow("    defaults: {signing_alg: ES256}\n"), CodeTokenSetting},
		{"duplicate wire", flow("") + strings.Replace(strings.SplitN(flow(""), "flows:\n", 2)[1], "  f:", "  g:", 1), CodeDuplicateKey},
		{"bad source", flow("    properties:\n      x: {field: X, type: string, source: cookie, description: d, spec: s}\n"), CodeProperty},
		{"bad field", flow("    properties:\n      x: {field: x, type: string, source: form, description: d, spec: s}\n"), CodeGoName},
		{"duplicate field", flow("    properties:\n      x: {field: X, type: string, source: form, description: d, spec: s}\n      y: {field: X, type: string, source: form, description: d, spec: s}\n"), CodeGoNameClash},
		{"store keyed by wire name", flow("    properties:\n      x: {field: X, type: string, source: store, description: d, spec: s}\n"), CodeProperty},
		{"validated store", flow("    properties:\n      X: {field: X, type: string, source: store, validate: required, description: d, spec: s}\n"), CodeProperty},
		{"bad rule chars", flow("    properties:\n      x: {field: X, type: string, source: form, validate: 'a\"b', description: d, spec: s}\n"), CodeProperty},
		{"bad description", flow("    properties:\n      x: {field: X, type: string, source: form, description: 'a */', spec: s}\n"), CodeCommentText},
		{"missing description", flow("    properties:\n      x: {field: X, type: string, source: form, spec: s}\n"), CodeMissingKey},
		{"source the flow cannot parse", flow("    properties:\n      x: {field: X, type: string, source: header, description: d, spec: s}\n"), CodeProperty},
		{"no generate", strings.Replace(flow(""), "    generate:\n", "    generated:\n", 1), CodeUnknownKey},
		{"available without generate", regexp.MustCompile(`(?s)    generate:\n.*?flows:`).ReplaceAllString(flow(""), "flows:"), CodeMissingKey},
		{"gen missing key", strings.Replace(flow(""), "      customise: edit it\n", "", 1), CodeMissingKey},
		{"gen bad identifier", strings.Replace(flow(""), "context: TokenContext", "context: tokenContext", 1), CodeGoName},
		{"gen bad reserved", strings.Replace(flow(""), "reserved: [Flow]", "reserved: [flow]", 1), CodeGoName},
		{"gen bad parsed_by", strings.Replace(flow(""), "parsed_by: flow", "parsed_by: magic", 1), CodeUnknownKey},
		{"gen bad source", strings.Replace(flow(""), "property_sources: [form]", "property_sources: [cookie]", 1), CodeProperty},
		{"gen bad token setting", strings.Replace(flow(""), "token_settings: [code_ttl]", "token_settings: [signing_alg]", 1), CodeTokenSetting},
		{"gen bad registration field", strings.Replace(flow(""), "[ID, GrantType, Flow]", "[ID, GrantType, Flow, Colour]", 1), CodeUnknownKey},
		{"gen registration without flow", strings.Replace(flow(""), "[ID, GrantType, Flow]", "[ID, GrantType]", 1), CodeMissingKey},
		{"gen bad standard param", strings.Replace(flow(""), "standard_params: [grant_type]", "standard_params: ['a b']", 1), CodeProperty},
		{"gen bad text", strings.Replace(flow(""), "customise: edit it", "customise: 'edit */'", 1), CodeCommentText},
		{"no check when the flow parses", strings.Replace(flow(""), "{check: CheckW, default: IssueW}", "{default: IssueW}", 1), CodeMissingKey},
		{"no default", strings.Replace(flow(""), "{check: CheckW, default: IssueW}", "{check: CheckW}", 1), CodeMissingKey},
		{"requires unknown", flow("    requires: [nope]\n"), CodeUnknownKey},
		{"requires itself", flow("    requires: [f]\n"), CodeUnknownKey},
		{"requires bad scope", flow("    requires_scopes: ['a b']\n"), CodeScope},
		{"bad code data path", flow("    code_data_out: CodeData.data\n"), CodeGoName},
		{"code data in and out", flow("    code_data_out: A.Data\n    code_data_in: B.Data\n"), CodeUnknownKey},
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
	// A duplicate wire counts only on the same endpoint; keep the helper honest.
	if _, err := parseCatalogue("c.yaml", []byte("")); err == nil {
		t.Error("an empty catalogue was accepted")
	}
}

// runtimeDecls parses the runtime package (without tests) and returns its
// top-level declarations by name.
func runtimeDecls(t *testing.T) (funcs, consts map[string]bool, structs map[string][]string, methods map[string][]string) {
	t.Helper()
	files, err := filepath.Glob("../runtime/*.go")
	more, _ := filepath.Glob("../runtime/flowkit/*.go") // generated code's helpers
	vocab, _ := filepath.Glob("../runtime/oauth/*.go")  // grant type constants
	files = append(append(files, more...), vocab...)
	if err != nil || len(files) == 0 {
		t.Fatalf("runtime sources: %v", err)
	}
	funcs, consts, structs, methods = map[string]bool{}, map[string]bool{}, map[string][]string{}, map[string][]string{}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					funcs[d.Name.Name] = true
					continue
				}
				recv := d.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				if id, ok := recv.(*ast.Ident); ok && d.Name.IsExported() {
					methods[id.Name] = append(methods[id.Name], d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.ValueSpec:
						for _, n := range s.Names {
							consts[n.Name] = true
						}
					case *ast.TypeSpec:
						st, ok := s.Type.(*ast.StructType)
						if !ok {
							continue
						}
						var fields []string
						for _, fl := range st.Fields.List {
							for _, n := range fl.Names {
								if n.IsExported() {
									fields = append(fields, n.Name)
								}
							}
						}
						structs[s.Name.Name] = fields
					}
				}
			}
		}
	}
	return funcs, consts, structs, methods
}

// TestCatalogueAgreesWithRuntime: the runtime identifiers the catalogue
// names exist, the state structs hold exactly the catalogue's non-wire
// properties and the params structs its form properties, and every field and
// method of runtime.TokenContext is reserved from team properties.
func TestCatalogueAgreesWithRuntime(t *testing.T) {
	funcs, consts, structs, methods := runtimeDecls(t)
	c := builtin(t)
	for _, f := range c.Flows {
		if f.Status != StatusAvailable {
			continue
		}
		if f.GrantConst != "" && !consts[f.GrantConst] {
			t.Errorf("flow %s: runtime has no constant %s", f.ID, f.GrantConst)
		}
		for _, fn := range []string{f.Runtime.Check, f.Runtime.Default} {
			if fn != "" && !funcs[fn] {
				t.Errorf("flow %s: runtime has no function %s", f.ID, fn)
			}
		}
		if gen := c.Endpoint(f.Endpoint).Gen; gen.ParsedBy == ParsedByEndpoint {
			// The endpoint parses every property into its base context.
			for _, p := range f.Properties {
				if !slices.Contains(structs[gen.Context], p.Field) {
					t.Errorf("flow %s: property %s: runtime.%s has no field %s", f.ID, p.Name, gen.Context, p.Field)
				}
			}
			if f.Runtime.State != "" || f.Runtime.Params != "" {
				t.Errorf("flow %s: parsed by its endpoint, yet has runtime state or params: %+v", f.ID, f.Runtime)
			}
			continue
		}
		var stateFields, paramFields []string
		for _, p := range f.Properties {
			if wireSource(p.Source) {
				paramFields = append(paramFields, p.Field)
			} else {
				stateFields = append(stateFields, p.Field)
			}
		}
		checkStruct := func(typ, kind string, want []string) {
			if typ == "" {
				if len(want) > 0 {
					t.Errorf("flow %s: properties %v need a runtime %s struct", f.ID, want, kind)
				}
				return
			}
			got, ok := structs[typ]
			if !ok {
				t.Errorf("flow %s: runtime has no struct %s", f.ID, typ)
				return
			}
			if !slices.Equal(sortedCopy(got), sortedCopy(want)) {
				t.Errorf("flow %s: runtime.%s fields %v, catalogue says %v", f.ID, typ, got, want)
			}
		}
		checkStruct(f.Runtime.State, "state", stateFields)
		checkStruct(f.Runtime.Params, "params", paramFields)
	}
	base := append(structs["TokenContext"], methods["TokenContext"]...)
	if len(base) == 0 {
		t.Fatal("runtime.TokenContext not found")
	}
	reserved := c.Endpoint("oauth-token").Gen.Reserved
	for _, name := range base {
		if !slices.Contains(reserved, name) {
			t.Errorf("runtime.TokenContext.%s is not in the token endpoint's reserved names", name)
		}
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
