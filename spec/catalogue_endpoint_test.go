package spec

import (
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// runtimeTypes is what the endpoint agreement test needs of package
// runtime: the type expression of every named field of every struct, and
// the methods of every interface.
type runtimeTypes struct {
	fields map[string]map[string]string
	order  map[string][]string
	ifaces map[string][]string
}

func parseRuntimeTypes(t *testing.T) runtimeTypes {
	t.Helper()
	files, err := filepath.Glob("../runtime/*.go")
	more, _ := filepath.Glob("../runtime/flowkit/*.go") // generated code's helpers
	vocab, _ := filepath.Glob("../runtime/oauth/*.go")  // grant type constants
	files = append(append(files, more...), vocab...)
	if err != nil || len(files) == 0 {
		t.Fatalf("runtime sources: %v", err)
	}
	rt := runtimeTypes{fields: map[string]map[string]string{}, order: map[string][]string{}, ifaces: map[string][]string{}}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			switch typ := ts.Type.(type) {
			case *ast.StructType:
				fields := map[string]string{}
				for _, fl := range typ.Fields.List {
					var b strings.Builder
					if err := printer.Fprint(&b, fset, fl.Type); err != nil {
						t.Fatal(err)
					}
					for _, name := range fl.Names {
						if name.IsExported() {
							fields[name.Name] = b.String()
							rt.order[ts.Name.Name] = append(rt.order[ts.Name.Name], name.Name)
						}
					}
				}
				rt.fields[ts.Name.Name] = fields
			case *ast.InterfaceType:
				for _, m := range typ.Methods.List {
					for _, name := range m.Names {
						rt.ifaces[ts.Name.Name] = append(rt.ifaces[ts.Name.Name], name.Name)
					}
				}
			}
			return false
		})
	}
	return rt
}

// resolve follows a dotted field path from one of the structs and returns
// the type of its last field, or "".
func (rt runtimeTypes) resolve(path string, from ...string) string {
	for _, start := range from {
		typ := start
		ok := true
		for _, part := range strings.Split(path, ".") {
			ft, found := rt.fields[strings.TrimPrefix(typ, "*")][part]
			if !found {
				ok = false
				break
			}
			typ = ft
		}
		if ok {
			return typ
		}
	}
	return ""
}

// TestEndpointsAgreeWithRuntime: what the catalogue tells the generator
// about each endpoint that serves generated flows is what package runtime
// declares: the base context (every field and method of which is reserved
// from team properties), the response, the flow interface and its one
// method, the registration and the exact fields generated code sets, the
// field of runtime.Flows, and the paths of the carry-over data of codes.
func TestEndpointsAgreeWithRuntime(t *testing.T) {
	rt := parseRuntimeTypes(t)
	funcs, _, _, methods := runtimeDecls(t)
	c := builtin(t)
	for _, ep := range c.Endpoints {
		g := ep.Gen
		if g == nil {
			continue
		}
		if _, ok := rt.fields[g.Context]; !ok {
			t.Errorf("endpoint %s: runtime has no struct %s", ep.ID, g.Context)
		}
		for _, name := range append(append(rt.order[g.Context], methods[g.Context]...), g.Context, "Errors", "Default") {
			if !slices.Contains(g.Reserved, name) {
				t.Errorf("endpoint %s: runtime.%s's %s is not in the catalogue's reserved names", ep.ID, g.Context, name)
			}
		}
		if _, ok := rt.fields[g.Response]; !ok {
			t.Errorf("endpoint %s: runtime has no struct %s", ep.ID, g.Response)
		}
		wantMethods := []string{g.Method}
		if g.Precheck != "" {
			wantMethods = append(wantMethods, g.Precheck)
		}
		if got := rt.ifaces[g.Interface]; !slices.Equal(sortedCopy(got), sortedCopy(wantMethods)) {
			t.Errorf("endpoint %s: runtime.%s has methods %v, want exactly %v", ep.ID, g.Interface, got, wantMethods)
		}
		if got := rt.order[g.Registration]; !slices.Equal(sortedCopy(got), sortedCopy(g.RegistrationFields)) {
			t.Errorf("endpoint %s: runtime.%s has fields %v, the catalogue sets %v", ep.ID, g.Registration, got, g.RegistrationFields)
		}
		wantFlows := "*" + g.Registration
		if g.FlowsList {
			wantFlows = "[]" + g.Registration
		}
		if got := rt.fields["Flows"][g.FlowsField]; got != wantFlows {
			t.Errorf("endpoint %s: runtime.Flows.%s is %q, want %q", ep.ID, g.FlowsField, got, wantFlows)
		}
	}
	for _, f := range c.Flows {
		if f.Status != StatusAvailable {
			continue
		}
		g := c.Endpoint(f.Endpoint).Gen
		if f.CodeDataOut != "" {
			if got := rt.resolve(f.CodeDataOut, g.Context); got != "json.RawMessage" {
				t.Errorf("flow %s: code_data_out %s is %q in runtime.%s, want json.RawMessage", f.ID, f.CodeDataOut, got, g.Context)
			}
		}
		if f.CodeDataIn != "" {
			if got := rt.resolve(f.CodeDataIn, f.Runtime.State, g.Context); got != "json.RawMessage" {
				t.Errorf("flow %s: code_data_in %s is %q in runtime.%s or %s, want json.RawMessage", f.ID, f.CodeDataIn, got, f.Runtime.State, g.Context)
			}
		}
		if (f.CodeDataIn != "" || f.CodeDataOut != "") && (!funcs["EncodeData"] || !funcs["DecodeData"]) {
			t.Errorf("flow %s carries code data, but the runtime lacks EncodeData or DecodeData", f.ID)
		}
	}
	// The two code data flows pair up: what one stores, the other reads.
	var out, in []string
	for _, f := range c.Flows {
		if f.CodeDataOut != "" {
			out = append(out, f.ID)
		}
		if f.CodeDataIn != "" {
			in = append(in, f.ID)
		}
	}
	if !slices.Equal(out, []string{"oauth-authorize-authorization-code"}) || !slices.Equal(in, []string{"oauth-token-authorization-code"}) {
		t.Errorf("code data flows: out %v, in %v", out, in)
	}
}

// TestTokenEndpointListsAgree: the token endpoint's flows use every flow
// token setting.
func TestTokenEndpointListsAgree(t *testing.T) {
	g := builtin(t).Endpoint("oauth-token").Gen
	if !slices.Equal(g.TokenSettings, flowSettingKeys()) {
		t.Errorf("token endpoint settings %v", g.TokenSettings)
	}
}

// TestAvailableEndpointFlows pins the authorization and userinfo flows, as
// the generator relies on them.
func TestAvailableEndpointFlows(t *testing.T) {
	c := builtin(t)
	az := c.Flow("oauth-authorize-authorization-code")
	if az.Endpoint != "oauth-authorize" || az.Wire != "code" || az.Name != "AuthorizeCode" ||
		az.Runtime != (RuntimeHooks{Default: "IssueAuthorizeCode"}) || az.CodeDataOut != "CodeData.Data" ||
		!slices.Equal(az.Requires, []string{"oauth-token-authorization-code"}) {
		t.Errorf("authorize flow = %+v", az)
	}
	wantAZ := []string{"invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type",
		"invalid_scope", "server_error", "temporarily_unavailable", "invalid_target", "login_required",
		"consent_required", "interaction_required", "account_selection_required"}
	if !slices.Equal(az.Errors, wantAZ) {
		t.Errorf("authorize flow errors = %v", az.Errors)
	}
	ui := c.Flow("openid-userinfo")
	if ui.Endpoint != "oauth-userinfo" || ui.Wire != "" || ui.Name != "UserInfo" ||
		ui.Runtime != (RuntimeHooks{Default: "DefaultUserInfo"}) || !slices.Equal(ui.RequiresScopes, []string{"openid"}) {
		t.Errorf("userinfo flow = %+v", ui)
	}
	if !slices.Equal(ui.Errors, []string{"invalid_request", "invalid_token", "insufficient_scope"}) {
		t.Errorf("userinfo flow errors = %v", ui.Errors)
	}
	if ac := c.Flow("oauth-token-authorization-code"); ac.CodeDataIn != "Presented.Data" {
		t.Errorf("token authorization code flow code_data_in = %q", ac.CodeDataIn)
	}
	for id, want := range map[string]struct {
		sources, settings []string
		parsedBy          string
	}{
		"oauth-token":     {[]string{"form", "header"}, flowSettingKeys(), ParsedByFlow},
		"oauth-authorize": {[]string{"query"}, []string{"code_ttl"}, ParsedByEndpoint},
		"oauth-userinfo":  {nil, nil, ParsedByEndpoint},
	} {
		g := c.Endpoint(id).Gen
		if !slices.Equal(g.PropertySources, want.sources) || !slices.Equal(g.TokenSettings, want.settings) || g.ParsedBy != want.parsedBy {
			t.Errorf("endpoint %s generate = %+v", id, g)
		}
	}
}

// TestTokenSettingKeys: the keys the catalogue checks token settings
// against are exactly the yaml keys of TokenSettings, in field order.
func TestTokenSettingKeys(t *testing.T) {
	var keys []string
	typ := reflect.TypeOf(TokenSettings{})
	for i := range typ.NumField() {
		if name, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	if !slices.Equal(keys, tokenSettingKeys()) {
		t.Errorf("TokenSettings keys %v\ntokenSettingKeys() %v", keys, tokenSettingKeys())
	}
}

// TestReferenceSpecEnablesEveryAvailableFlow: the reference spec, whose
// output generated/ tests over HTTP, enables every flow this version serves
// and declares code data, as its header says.
func TestReferenceSpecEnablesEveryAvailableFlow(t *testing.T) {
	s, err := Load("reference/oauthgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range builtin(t).Flows {
		if f.Status != StatusAvailable {
			continue
		}
		i := slices.IndexFunc(s.Flows, func(sf Flow) bool { return sf.ID == f.ID })
		if i < 0 {
			t.Errorf("the reference spec does not enable %s", f.ID)
			continue
		}
		if f.CodeDataOut != "" && len(s.Flows[i].CodeData) == 0 {
			t.Errorf("the reference spec declares no code_data on %s", f.ID)
		}
	}
}
