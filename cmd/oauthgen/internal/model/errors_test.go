package model

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/spec"
)

// runtimeErrorConsts returns the ErrorCode constants of package runtime, by
// name, with their values.
func runtimeErrorConsts(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("../../../../runtime/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("runtime sources: %v", err)
	}
	out := map[string]string{}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "ErrorCode" {
				return true
			}
			for i, name := range vs.Names {
				if i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
						out[name.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
			return true
		})
	}
	return out
}

// TestErrorCodesAgreeWithRuntime: every error code the generator knows is a
// runtime constant of that value, and every error code an available
// catalogue flow may return is one the generator knows, so that no Errors
// method names a constant the runtime lacks.
func TestErrorCodesAgreeWithRuntime(t *testing.T) {
	consts := runtimeErrorConsts(t)
	for code, info := range errorCodes {
		if got, ok := consts[info.Const]; !ok || got != code {
			t.Errorf("error code %s: runtime.%s = %q (declared %t)", code, info.Const, got, ok)
		}
	}
	c, err := spec.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range c.Flows {
		if f.Status != spec.StatusAvailable {
			continue
		}
		for _, code := range f.Errors {
			if _, err := errorCode(code); err != nil {
				t.Errorf("flow %s: %v", f.ID, err)
			}
		}
	}
}
