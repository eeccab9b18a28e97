package flowkit_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// htValidated is shaped like a generated context.
type htValidated struct {
	*runtime.TokenContext `validate:"-"`
	Code                  runtime.Secret `form:"code" validate:"required"`
	Tenant                string         `form:"tenant" validate:"omitempty,alphanum,max=8"`
	Region                string         `header:"X-Region" validate:"omitempty,oneof=eu us"`
	Scope                 string         `form:"scope" validate:"omitempty,scope"`
	Scopes                []string       `form:"scopes" validate:"omitempty,scope"`
	Verifier              runtime.Secret `form:"code_verifier" validate:"omitempty,pkce_verifier"`
	Redirect              string         `form:"redirect_uri,omitempty" validate:"omitempty,redirect_uri"`
	Plain                 string         `validate:"omitempty,email"`
}

func TestValidate(t *testing.T) {
	ok := htValidated{Code: "c"}
	tests := []struct {
		name string
		mod  func(v *htValidated)
		desc string // "" means valid
	}{
		{"valid", func(*htValidated) {}, ""},
		{"all valid", func(v *htValidated) {
			v.Tenant, v.Region, v.Scope, v.Scopes = "acme1", "eu", "read write", []string{"read"}
			v.Verifier, v.Redirect = verifier, "https://a.example/cb"
		}, ""},
		{"required", func(v *htValidated) { v.Code = "" }, "parameter 'code' is missing"},
		{"alphanum", func(v *htValidated) { v.Tenant = "a-b" }, "parameter 'tenant' is invalid: must satisfy alphanum"},
		{"max", func(v *htValidated) { v.Tenant = "abcdefghi" }, "parameter 'tenant' is invalid: must satisfy max=8"},
		{"header name", func(v *htValidated) { v.Region = "asia" }, "parameter 'X-Region' is invalid: must satisfy oneof=eu us"},
		{"scope syntax", func(v *htValidated) { v.Scope = `a "b` }, "parameter 'scope' is invalid: must satisfy scope"},
		{"scope list", func(v *htValidated) { v.Scopes = []string{"a b"} }, "parameter 'scopes' is invalid: must satisfy scope"},
		{"pkce short", func(v *htValidated) { v.Verifier = runtime.Secret(strings.Repeat("a", 42)) }, "parameter 'code_verifier' is invalid: must satisfy pkce_verifier"},
		{"pkce plus", func(v *htValidated) { v.Verifier = runtime.Secret(strings.Repeat("a", 42) + "+") }, "parameter 'code_verifier' is invalid: must satisfy pkce_verifier"},
		{"redirect relative", func(v *htValidated) { v.Redirect = "/cb" }, "parameter 'redirect_uri' is invalid: must satisfy redirect_uri"},
		{"redirect fragment", func(v *htValidated) { v.Redirect = "https://a.example/cb#x" }, "parameter 'redirect_uri' is invalid: must satisfy redirect_uri"},
		{"Go name without tag", func(v *htValidated) { v.Plain = "x" }, "parameter 'Plain' is invalid: must satisfy email"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := ok
			tc.mod(&v)
			err := flowkit.Validate(&v)
			if tc.desc == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var e *oauth.Error
			if !errors.As(err, &e) || e.Code != oauth.ErrInvalidRequest || e.Description != tc.desc {
				t.Fatalf("Validate = %v, want invalid_request %q", err, tc.desc)
			}
			if oauth.SafeText(e.Description) != e.Description {
				t.Errorf("description %q has characters RFC 6749 §5.2 forbids", e.Description)
			}
		})
	}
	var e *oauth.Error
	if err := flowkit.Validate(42); !errors.As(err, &e) || e.Code != oauth.ErrServerError {
		t.Fatalf("flowkit.Validate(non-struct) = %v, want server_error", err)
	}
}

func TestInvalidParameterAndParseURLParam(t *testing.T) {
	cause := errors.New("strconv: bad")
	e := flowkit.InvalidParameter("max_items", cause)
	if e.Code != oauth.ErrInvalidRequest || e.Description != "parameter 'max_items' is invalid" || !errors.Is(e, cause) {
		t.Fatalf("InvalidParameter = %#v", e)
	}
	if u, err := flowkit.ParseURLParam("target", "https://a.example/x?y=1"); err != nil || u.Host != "a.example" {
		t.Fatalf("ParseURLParam: %v %v", u, err)
	}
	for _, bad := range []string{"/relative", "https://a.example/#f", "%zz", "a.example"} {
		if _, err := flowkit.ParseURLParam("target", bad); err == nil || !strings.Contains(err.Error(), "'target'") {
			t.Errorf("flowkit.ParseURLParam(%q) = %v", bad, err)
		}
	}
}

// verifier is a valid PKCE verifier: 48 unreserved characters (RFC 7636 §4.1).
const verifier = "0123456789abcdefghijklmnopqrstuvwxyz-._~ABCDEFGH"
