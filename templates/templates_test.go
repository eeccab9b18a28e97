package templates

import (
	"bytes"
	"go/format"
	"io/fs"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/spec"
)

func TestEveryTemplateIsUsed(t *testing.T) {
	names, err := fs.Glob(FS, "*.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	want := "clients.yaml.tmpl contract_test.go.tmpl generate.go.tmpl oauthgen.minimal.yaml.tmpl oauthgen.oidc.yaml.tmpl oauthgen.service.yaml.tmpl procedures.go.tmpl serve.go.tmpl stub.go.tmpl"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("templates = %s, want %s", got, want)
	}
}

func TestGoFilesAreFormattedAndUserOwned(t *testing.T) {
	outputs := map[string]func() ([]byte, error){
		"stub": func() ([]byte, error) {
			return Stub(StubData{Package: "oauth", FlowID: "oauth-token-refresh", GrantType: "refresh_token", Verb: "GenerateToken",
				Summary: "issues the tokens of a grant_type=refresh_token request", Response: "TokenResponse",
				Customise: []string{"To customise, edit c.Defaults and call c.Issuers yourself."},
				Type:      "RefreshToken", Procedure: "RefreshTokenProcedure", Context: "RefreshTokenContext"})
		},
		"extension stub": func() ([]byte, error) {
			return Stub(StubData{Package: "oauth", FlowID: "magic_link", Extension: true, GrantType: "urn:x", Verb: "GenerateToken",
				Summary: "issues the tokens of a grant_type=urn:x request", Response: "TokenResponse",
				Type: "MagicLink", Procedure: "MagicLinkProcedure", Context: "MagicLinkContext", Fields: []string{"LinkToken", "Device"}})
		},
		"authorize stub": func() ([]byte, error) {
			return Stub(StubData{Package: "oauth", FlowID: "oauth-authorize-authorization-code", Verb: "Authorize",
				Summary: "issues the code of a response_type=code request", Response: "AuthorizeResponse",
				Customise: []string{"To customise, edit c.CodeData before calling c.Default, or issue", "the code with c.IssueCode yourself."},
				Type:      "AuthorizeCode", Procedure: "AuthorizeCodeProcedure", Context: "AuthorizeCodeContext"})
		},
		"procedures": func() ([]byte, error) { return Procedures(ProceduresData{Package: "oauth"}) },
		"contract":   func() ([]byte, error) { return ContractSetup(ProceduresData{Package: "oauth"}) },
		"generate":   func() ([]byte, error) { return GenerateFile(GenerateData{Package: "oauth"}) },
	}
	for name, render := range outputs {
		t.Run(name, func(t *testing.T) {
			src, err := render()
			if err != nil {
				t.Fatal(err)
			}
			formatted, err := format.Source(src)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(formatted, src) {
				t.Errorf("not gofmt'ed:\n%s", src)
			}
			if bytes.Contains(src, []byte("DO NOT EDIT")) {
				t.Error("a user-owned file says DO NOT EDIT")
			}
			if !bytes.HasPrefix(src, []byte("package oauth\n")) {
				t.Errorf("does not start with the package clause:\n%s", src)
			}
		})
	}
}

func TestStubContent(t *testing.T) {
	src, err := Stub(StubData{Package: "oauth", FlowID: "magic_link", Extension: true, GrantType: "urn:x", Verb: "GenerateToken",
		Summary: "issues the tokens of a grant_type=urn:x request", Response: "TokenResponse",
		Type: "MagicLink", Procedure: "MagicLinkProcedure", Context: "MagicLinkContext", Fields: []string{"LinkToken", "Device"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"var _ MagicLinkProcedure = (*MagicLink)(nil)",
		"type MagicLink struct{ *Procedures }",
		"(the request: c.LinkToken, c.Device)",
		"// GenerateToken issues the tokens of a grant_type=urn:x request.\n",
		"(*runtime.TokenResponse, error) {\n",
		"// Until you do, c.Default fails closed with invalid_grant; once you have,\n\t// return c.IssueDefaults(ctx).\n\treturn c.Default(ctx)\n}",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("stub lacks %q:\n%s", want, src)
		}
	}
	src, err = Stub(StubData{Package: "oauth", FlowID: "openid-userinfo", Verb: "Claims", Summary: "returns the claims",
		Response: "UserInfoResponse", Customise: []string{"To customise, edit", "c.Defaults."},
		Type: "UserInfo", Procedure: "UserInfoProcedure", Context: "UserInfoContext"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"// UserInfo is the procedure of the flow openid-userinfo.\n",
		"// Claims returns the claims.\n",
		"Claims(ctx context.Context, c *UserInfoContext) (*runtime.UserInfoResponse, error) {\n" +
			"\t// To customise, edit\n\t// c.Defaults.\n\treturn c.Default(ctx)\n}",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("stub lacks %q:\n%s", want, src)
		}
	}
}

func TestGenerateFileDirective(t *testing.T) {
	src, err := GenerateFile(GenerateData{Package: "svc"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte("\n//go:generate go tool oauthgen generate\n")) {
		t.Errorf("generate.go:\n%s", src)
	}
}

// TestStarterSpecIsValid: every preset's spec validates; an unknown preset
// is refused.
func TestStarterSpecIsValid(t *testing.T) {
	cat, err := spec.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, preset := range Presets {
		src, err := Spec(SpecData{Preset: preset, SchemaURL: "https://example.com/schema.json", Package: "svc"})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(src, []byte("# yaml-language-server: $schema=https://example.com/schema.json\n")) {
			t.Errorf("%s: no modeline:\n%s", preset, src)
		}
		s, err := spec.Parse("oauthgen.yaml", src)
		if err != nil {
			t.Fatal(err)
		}
		if err := spec.Validate(s, cat); err != nil {
			t.Fatalf("%s: starter spec does not validate:\n%v", preset, err)
		}
		if s.Package != "svc" || s.Output != "." {
			t.Errorf("%s: package %q output %q", preset, s.Package, s.Output)
		}
	}
	if _, err := Spec(SpecData{Preset: "nope", Package: "svc"}); err == nil {
		t.Error("an unknown preset rendered")
	}
}

// TestServeFile: serve/main.go is a formatted main package importing the
// generated package, with users only when asked.
func TestServeFile(t *testing.T) {
	for _, users := range []bool{false, true} {
		src, err := Serve(ServeData{Package: "oauth", ImportPath: "example.com/svc/oauth", Users: users})
		if err != nil {
			t.Fatal(err)
		}
		formatted, err := format.Source(src)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(formatted, src) {
			t.Errorf("not gofmt'ed:\n%s", src)
		}
		for _, want := range []string{"\npackage main\n", `auth "example.com/svc/oauth"`} {
			if !bytes.Contains(src, []byte(want)) {
				t.Errorf("serve/main.go lacks %q:\n%s", want, src)
			}
		}
		if got := bytes.Contains(src, []byte("cfg.Users, err = devUsers()")); got != users {
			t.Errorf("users %v: passes users %v:\n%s", users, got, src)
		}
	}
}

// TestStarterClientsFile: each preset's clients file is YAML naming its
// client and the secret's hash.
func TestStarterClientsFile(t *testing.T) {
	for _, preset := range Presets {
		src, err := Clients(ClientsData{Preset: preset, ClientID: "app", SecretHash: "sha256:x", RedirectURI: "http://127.0.0.1/callback"})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"client_id: app\n", "client_secret_hash: sha256:x\n"} {
			if !strings.Contains(string(src), want) {
				t.Errorf("%s: clients.yaml lacks %q:\n%s", preset, want, src)
			}
		}
	}
}

func TestMissingKeyIsAnError(t *testing.T) {
	if _, err := execute("stub.go.tmpl", struct{ Package string }{"x"}); err == nil {
		t.Error("a template ran with missing data")
	}
}
