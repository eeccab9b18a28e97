package model

import (
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/oauthgen/oauthgen/spec"
)

// loadRuntime type-checks the runtime packages generated code imports,
// from source, once for every test of the package: it takes seconds.
var loadRuntime = sync.OnceValues(func() (map[string]*types.Package, error) {
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	pkgs := map[string]*types.Package{}
	for _, path := range []string{RuntimePath, FlowkitPath, ContractPath} {
		pkg, err := imp.Import(path)
		if err != nil {
			return nil, fmt.Errorf("type-check %s: %w", path, err)
		}
		pkgs[path] = pkg
	}
	return pkgs, nil
})

// runtimePackages returns the type-checked runtime packages.
func runtimePackages(t *testing.T) map[string]*types.Package {
	t.Helper()
	pkgs, err := loadRuntime()
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// lookup returns the object an Ident names, or reports it missing.
func lookup(t *testing.T, pkgs map[string]*types.Package, id Ident) types.Object {
	t.Helper()
	pkg := pkgs[id.Path]
	if pkg == nil {
		t.Errorf("%s.%s: package not loaded", id.Path, id.Name)
		return nil
	}
	obj := pkg.Scope().Lookup(id.Name)
	if obj == nil {
		t.Errorf("%s has no %s", pkg.Name(), id.Name)
	}
	return obj
}

// TestRuntimeAPIAgreesWithRuntime: every identifier the generator writes
// exists in the runtime with the kind generated code needs, so that the
// table in runtime_api.go is the one place the two meet.
func TestRuntimeAPIAgreesWithRuntime(t *testing.T) {
	pkgs := runtimePackages(t)
	api := runtimeAPI()
	isType := func(id Ident) types.Type {
		obj := lookup(t, pkgs, id)
		if obj == nil {
			return nil
		}
		if _, ok := obj.(*types.TypeName); !ok {
			t.Errorf("%s is not a type", id.Name)
			return nil
		}
		return obj.Type()
	}
	isFunc := func(id Ident) {
		if obj := lookup(t, pkgs, id); obj != nil {
			if _, ok := obj.(*types.Func); !ok {
				t.Errorf("%s is not a function", id.Name)
			}
		}
	}
	isConst := func(id Ident, typ types.Type) {
		obj := lookup(t, pkgs, id)
		c, ok := obj.(*types.Const)
		if obj != nil && !ok {
			t.Errorf("%s is not a constant", id.Name)
		}
		if ok && typ != nil && !types.Identical(c.Type(), typ) {
			t.Errorf("%s is a %s, want %s", id.Name, c.Type(), typ)
		}
	}
	for _, id := range []Ident{api.EnforceVersion, api.Settings, api.ScopeInfo, api.Config, api.Server, api.Flows, api.Registration, api.Flow, api.TokenPolicy, api.AccessTokenFormat, api.Secret} {
		isType(id)
	}
	for _, id := range []Ident{api.NewServer, api.Validate, api.InvalidParameter, api.ParseURLParam, api.EncodeData, api.DecodeData} {
		isFunc(id)
	}
	isConst(api.MinVersion, nil)
	isConst(api.MaxVersion, nil)
	isFunc(api.ContractRun)
	hasFields(t, isType(api.ContractSuite), "Settings", "Flows", "Properties", "Options")
	hasFields(t, isType(api.ContractProperty), "Flow", "Name", "Source", "Type", "Validate")
	isType(api.ContractOptions)
	if gv := lookup(t, pkgs, fk("GenVersion")); gv != nil {
		if v := gv.(*types.Const).Val().String(); v != "4" || GenVersion != 4 {
			t.Errorf("flowkit.GenVersion = %s, the generator's GenVersion = %d", v, GenVersion)
		}
	}
	format := isType(api.AccessTokenFormat)
	for name, id := range api.AccessFormats {
		if !slices.Contains(spec.AccessTokenFormats(), name) {
			t.Errorf("access format %q is not a spec format", name)
		}
		isConst(id, format)
	}
	if len(api.AccessFormats) != len(spec.AccessTokenFormats()) {
		t.Errorf("access formats %v, spec formats %v", api.AccessFormats, spec.AccessTokenFormats())
	}

	// The grant policy: a field per policy key, a constant per value, and
	// no key or value of the catalogue without one.
	gp, _ := isType(api.GrantPolicy).Underlying().(*types.Struct)
	if gp == nil || gp.NumFields() != len(api.PolicyFields) {
		t.Fatalf("flowkit.GrantPolicy is %v, the table has %d fields", gp, len(api.PolicyFields))
	}
	values := spec.PolicyValues()
	for i, pf := range api.PolicyFields {
		fld := gp.Field(i)
		if fld.Name() != pf.Field {
			t.Errorf("GrantPolicy field %d is %s, the table says %s", i, fld.Name(), pf.Field)
		}
		var keys []string
		for v, id := range pf.Values {
			keys = append(keys, v)
			isConst(id, fld.Type())
		}
		if !slices.Equal(sortedCopy(keys), sortedCopy(values[pf.Key])) {
			t.Errorf("policy %s: the table maps %v, the catalogue allows %v", pf.Key, keys, values[pf.Key])
		}
	}

	// Settings, TokenPolicy and Registration have the fields generated
	// literals set.
	hasFields(t, isType(api.Settings), "Issuer", "Paths", "AuthMethods", "Scopes", "SigningAlg", "RequirePKCE", "IDTokenSigningAlg", "IDTokenTTL")
	hasFields(t, isType(api.ScopeInfo), "Name", "Description")
	hasFields(t, isType(api.TokenPolicy), "AccessFormat", "AccessTTL", "IssueRefresh", "RotateRefresh", "RefreshTTL", "RefreshIdleTTL", "RefreshGrace", "CodeTTL")
	hasFields(t, isType(api.Registration), "ID", "Wire", "Policy", "Grant", "Flow")
}

// TestBindingsAgreeWithRuntime: each endpoint's binding names the runtime
// as it is: the base context with the members it lists (no more, no
// fewer), its Param and Header methods and its Default, the response, the
// flow interface with its one Prepare method of the right signature, the
// field of runtime.Flows, and the path of a code's raw data.
func TestBindingsAgreeWithRuntime(t *testing.T) {
	pkgs := runtimePackages(t)
	flows := lookup(t, pkgs, runtimeAPI().Flows)
	reg := lookup(t, pkgs, runtimeAPI().Registration)
	flowIface := lookup(t, pkgs, runtimeAPI().Flow)
	c, err := spec.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for id, bd := range bindings() {
		t.Run(id, func(t *testing.T) {
			ep := c.Endpoint(id)
			if ep == nil || ep.Status != spec.StatusAvailable {
				t.Fatalf("the catalogue has no available endpoint %s", id)
			}
			ctxObj := lookup(t, pkgs, bd.Context)
			resp := lookup(t, pkgs, bd.Response)
			if ctxObj == nil || resp == nil || flowIface == nil {
				return
			}
			iface, err := types.Instantiate(nil, flowIface.Type(), []types.Type{ctxObj.Type(), resp.Type()}, true)
			if err != nil {
				t.Fatalf("runtime.Flow[%s, %s]: %v", bd.Context.Name, bd.Response.Name, err)
			}
			ptr := types.NewPointer(ctxObj.Type())

			// Members: the exported fields and methods of *Context.
			var members []string
			mset := types.NewMethodSet(ptr)
			for i := range mset.Len() {
				if m := mset.At(i).Obj(); m.Exported() {
					members = append(members, m.Name())
				}
			}
			st := ctxObj.Type().Underlying().(*types.Struct)
			for i := range st.NumFields() {
				if f := st.Field(i); f.Exported() {
					members = append(members, f.Name())
				}
			}
			if !slices.Equal(sortedCopy(members), sortedCopy(bd.Members)) {
				t.Errorf("*runtime.%s has members %v\nthe binding lists %v", bd.Context.Name, sortedCopy(members), sortedCopy(bd.Members))
			}
			for _, f := range bd.Future {
				if slices.Contains(members, f) {
					t.Errorf("future member %s is already a member of runtime.%s; move it to Members", f, bd.Context.Name)
				}
			}

			// Param and Header read the request; Default is the default procedure.
			if bd.Param != "" {
				wantMethod(t, ptr, bd.Param, "func(string) string")
			}
			if slices.Contains(ep.PropertySources, "header") {
				wantMethod(t, ptr, bd.Header, "func(string) (string, error)")
			} else if bd.Header != "" {
				t.Errorf("Header %q, yet the endpoint reads no header property", bd.Header)
			}
			if len(ep.PropertySources) > 0 && bd.Param == "" {
				t.Errorf("the endpoint reads team properties, and the binding names no Param")
			}
			respPtr := types.TypeString(types.NewPointer(resp.Type()), nil)
			wantMethod(t, ptr, "Default", "func(context.Context) ("+respPtr+", error)")
			if got := bd.Response.Name; got != resp.Name() {
				t.Errorf("response %s", got)
			}

			// The flow interface: exactly Prepare(*Context) (call, error).
			it, ok := iface.Underlying().(*types.Interface)
			if !ok || it.NumMethods() != 1 || it.Method(0).Name() != bd.Prepare {
				t.Fatalf("runtime.Flow is not an interface of one method %s", bd.Prepare)
			}
			want := "func(" + types.TypeString(ptr, nil) + ") (func(context.Context) (" + respPtr + ", error), error)"
			if got := signature(it.Method(0).Type().(*types.Signature)); got != want {
				t.Errorf("Flow[%s, %s].%s is %s, want %s", bd.Context.Name, bd.Response.Name, bd.Prepare, got, want)
			}

			// runtime.Flows has the field, of Registration[Context, Response].
			fld := fieldOf(flows.Type(), bd.FlowsField)
			if fld == nil {
				t.Fatalf("runtime.Flows has no field %s", bd.FlowsField)
			}
			inst, err := types.Instantiate(nil, reg.Type(), []types.Type{ctxObj.Type(), resp.Type()}, true)
			if err != nil {
				t.Fatal(err)
			}
			var wantField types.Type = types.NewPointer(inst)
			if bd.List {
				wantField = types.NewSlice(inst)
			}
			if !types.Identical(fld.Type(), wantField) {
				t.Errorf("runtime.Flows.%s is %s, want %s", bd.FlowsField, fld.Type(), wantField)
			}

			// The code data path ends in a json.RawMessage.
			if bd.CodeData != "" {
				typ := ctxObj.Type()
				for _, part := range strings.Split(bd.CodeData, ".") {
					f := fieldOf(typ, part)
					if f == nil {
						t.Fatalf("runtime.%s has no %s", bd.Context.Name, bd.CodeData)
					}
					typ = f.Type()
				}
				if got := types.TypeString(typ, nil); got != "encoding/json.RawMessage" {
					t.Errorf("runtime.%s.%s is %s, want json.RawMessage", bd.Context.Name, bd.CodeData, got)
				}
			}
		})
	}
	// Every flow that issues or redeems codes is served by an endpoint
	// whose binding knows where the code's data is.
	for _, f := range c.Flows {
		if f.Status == spec.StatusAvailable && (f.IssuesCode || f.Policy.Credential == "code") && bindings()[f.Endpoint].CodeData == "" {
			t.Errorf("flow %s carries code data, and its endpoint's binding names no CodeData path", f.ID)
		}
	}
}

// signature writes a function type without parameter names, with full
// package paths.
func signature(sig *types.Signature) string {
	list := func(t *types.Tuple) string {
		parts := make([]string, t.Len())
		for i := range t.Len() {
			parts[i] = types.TypeString(t.At(i).Type(), nil)
		}
		return strings.Join(parts, ", ")
	}
	s := "func(" + list(sig.Params()) + ")"
	switch r := sig.Results(); r.Len() {
	case 0:
	case 1:
		s += " " + list(r)
	default:
		s += " (" + list(r) + ")"
	}
	return s
}

// wantMethod checks that typ has the method with the signature.
func wantMethod(t *testing.T, typ types.Type, name, sig string) {
	t.Helper()
	obj, _, _ := types.LookupFieldOrMethod(typ, true, nil, name)
	fn, ok := obj.(*types.Func)
	if !ok {
		t.Errorf("%s has no method %s", typ, name)
		return
	}
	if got := signature(fn.Type().(*types.Signature)); got != sig {
		t.Errorf("%s.%s is %s, want %s", typ, name, got, sig)
	}
}

// fieldOf returns the field of a struct type (through pointers), or nil.
func fieldOf(typ types.Type, name string) *types.Var {
	if p, ok := typ.Underlying().(*types.Pointer); ok {
		typ = p.Elem()
	}
	st, ok := typ.Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	for i := range st.NumFields() {
		if st.Field(i).Name() == name {
			return st.Field(i)
		}
	}
	return nil
}

// hasFields checks that a struct type has the fields.
func hasFields(t *testing.T, typ types.Type, names ...string) {
	t.Helper()
	if typ == nil {
		return
	}
	if n, ok := typ.(*types.Named); ok && n.TypeParams().Len() > 0 {
		typ = n.Origin()
	}
	for _, n := range names {
		if fieldOf(typ, n) == nil {
			t.Errorf("%s has no field %s", typ, n)
		}
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
