package model

import (
	"go/types"
	"testing"

	"github.com/oauthgen/oauthgen/spec"
)

// TestErrorCodesAgreeWithRuntime: every error code the generator knows has
// its constructor type in flowkit, whose one method is named for the code
// and returns an *oauth.Error, and every error code an available catalogue
// flow may return is one the generator knows, so that no Errors type embeds
// a type the runtime lacks.
func TestErrorCodesAgreeWithRuntime(t *testing.T) {
	pkg := runtimePackages(t)[FlowkitPath]
	for code := range errorCodes {
		e, err := errorCode(code)
		if err != nil {
			t.Fatal(err)
		}
		obj := pkg.Scope().Lookup(e.Type.Name)
		if obj == nil {
			t.Errorf("error code %s: flowkit has no type %s", code, e.Type.Name)
			continue
		}
		mset := types.NewMethodSet(obj.Type())
		if mset.Len() != 1 || mset.At(0).Obj().Name() != e.Method {
			t.Errorf("error code %s: flowkit.%s has methods %v, want exactly %s", code, e.Type.Name, mset, e.Method)
			continue
		}
		sig := mset.At(0).Type().(*types.Signature)
		if got := types.TypeString(sig, nil); got != "func(description string) *github.com/oauthgen/oauthgen/runtime/oauth.Error" {
			t.Errorf("error code %s: flowkit.%s.%s is %s", code, e.Type.Name, e.Method, got)
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
