package scaffold

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/fixture"
	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/model"
	"github.com/oauthgen/oauthgen/spec"
)

func buildModel(t *testing.T, s *spec.Spec) *model.Model {
	t.Helper()
	m, err := model.Build(s, fixture.Catalogue())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func plan(t *testing.T, s *spec.Spec, fsys fstest.MapFS) *Plan {
	t.Helper()
	pkg, err := Scan(fsys, "oauth")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Build(buildModel(t, s), pkg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func names(p *Plan) string {
	var out []string
	for n := range p.Create {
		out = append(out, n)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func file(src string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(src)} }

const stubCC = `package oauth

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

type ClientCredentials struct{ *Procedures }

func (p *ClientCredentials) GenerateToken(ctx context.Context, c *ClientCredentialsContext) (*runtime.TokenResponse, error) {
	return c.Default(ctx)
}
`

func TestBuildCreatesMissingStubs(t *testing.T) {
	p := plan(t, fixture.Full(), fstest.MapFS{})
	if got := names(p); got != "authorization_code.go client_credentials.go contract_test.go magic_link.go procedures.go refresh_token.go" {
		t.Errorf("creates %s", got)
	}
	if len(p.Diagnostics) != 0 {
		t.Errorf("diagnostics: %v", p.Diagnostics)
	}
	for name, src := range p.Create {
		if strings.Contains(string(src), "DO NOT EDIT") {
			t.Errorf("%s has a DO NOT EDIT header", name)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ParseComments)
		if err != nil {
			t.Errorf("%s does not parse: %v", name, err)
			continue
		}
		if f.Name.Name != "oauth" {
			t.Errorf("%s: package %s", name, f.Name.Name)
		}
	}
	cc := string(p.Create["client_credentials.go"])
	for _, want := range []string{
		"type ClientCredentials struct{ *Procedures }",
		"var _ ClientCredentialsProcedure = (*ClientCredentials)(nil)",
		"func (p *ClientCredentials) GenerateToken(ctx context.Context, c *ClientCredentialsContext) (*runtime.TokenResponse, error) {",
		"return c.Default(ctx)",
		"This file is yours",
	} {
		if !strings.Contains(cc, want) {
			t.Errorf("stub lacks %q:\n%s", want, cc)
		}
	}
	if !strings.Contains(string(p.Create["magic_link.go"]), "c.LinkToken") {
		t.Errorf("extension grant stub does not mention its fields:\n%s", p.Create["magic_link.go"])
	}
	if !strings.Contains(string(p.Create["procedures.go"]), "type Procedures struct{}") {
		t.Errorf("procedures.go:\n%s", p.Create["procedures.go"])
	}
}

func TestBuildSkipsExistingStubs(t *testing.T) {
	s := fixture.Spec("oauth-token-client-credentials", "oauth-token-refresh", "oauth-token-authorization-code")
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"file exists, even without the type", fstest.MapFS{
			"client_credentials.go": file("package oauth\n"),
			"procedures.go":         file("package oauth\n\ntype Procedures struct{}\n"),
			"contract_test.go":      file("package oauth\n"),
		}, "authorization_code.go refresh_token.go"},
		{"type declared in another file", fstest.MapFS{
			"cc.go":         file(stubCC),
			"deps.go":       file("package oauth\n\ntype Procedures struct{ DB string }\n"),
			"other.go":      file("package oauth\n\ntype (\n\tRefreshToken struct{}\n\tunrelated int\n)\n"),
			"setup_test.go": file("package oauth\n\nfunc contractSetup(t *testing.T) (*Procedures, contract.Options) { return nil, contract.Options{} }\n"),
		}, "authorization_code.go"},
		{"generated files and tests are not scanned", fstest.MapFS{
			"oauthgen_server.gen.go": file("package oauth\n\ntype Procedures struct{}\ntype ClientCredentials struct{}\n"),
			"x_test.go":              file("package oauth\n\ntype RefreshToken struct{}\n"),
			"y_test.go":              file("package oauth_test\n\nfunc contractSetup() {}\n"),
		}, "authorization_code.go client_credentials.go contract_test.go procedures.go refresh_token.go"},
		{"a non-Go file of the stub's name blocks it", fstest.MapFS{
			"refresh_token.go": &fstest.MapFile{Mode: fs.ModeDir | 0o755},
		}, "authorization_code.go client_credentials.go contract_test.go procedures.go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plan(t, s, tt.fsys)
			if got := names(p); got != tt.want {
				t.Errorf("creates %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOrphanReported(t *testing.T) {
	fsys := fstest.MapFS{
		"procedures.go":         file("package oauth\n\ntype Procedures struct{}\n"),
		"client_credentials.go": file(stubCC),
		"magic_link.go": file(`package oauth

import "context"

type MagicLink struct{}

func (MagicLink) GenerateToken(ctx context.Context, c *MagicLinkContext) (*Resp, error) { return nil, nil }
`),
		"helper.go": file("package oauth\n\nfunc (h *Helper) GenerateToken(x int) {}\n"),
		"moved.go": file(`package oauth

import "context"

type Exchange struct{}

func (Exchange) GenerateToken(ctx context.Context, c *AuthorizationCodeContext) (*Resp, error) { return nil, nil }
`),
	}
	p := plan(t, fixture.Spec("oauth-token-refresh"), fsys)
	got := spec.Diagnostics(p.Diagnostics).Error()
	want := "oauth/client_credentials.go:11:29: OG301 procedure ClientCredentials serves flow oauth-token-client-credentials which the spec no longer enables; its stub oauth/client_credentials.go can be deleted (generate never deletes your files)\n" +
		"oauth/magic_link.go:7:18: OG301 procedure MagicLink serves flow magic_link which the spec no longer enables; its stub oauth/magic_link.go can be deleted (generate never deletes your files)\n" +
		"oauth/moved.go:7:17: OG301 procedure Exchange serves flow oauth-token-authorization-code which the spec no longer enables; Exchange and its methods can be deleted from oauth/moved.go (generate never deletes your code)"
	if got != want {
		t.Errorf("diagnostics:\n%s\nwant\n%s", got, want)
	}
	if names(p) != "contract_test.go refresh_token.go" {
		t.Errorf("creates %s", names(p))
	}
}

func TestMisnamedProcedure(t *testing.T) {
	fsys := fstest.MapFS{
		"procedures.go": file("package oauth\n\ntype Procedures struct{}\n"),
		"mine.go":       file(strings.ReplaceAll(stubCC, "ClientCredentials struct", "Mine struct") + "\nfunc (p *Mine) GenerateToken(ctx context.Context, c *ClientCredentialsContext) (*runtime.TokenResponse, error) {\n\treturn nil, nil\n}\n"),
	}
	p := plan(t, fixture.Spec("oauth-token-client-credentials"), fsys)
	if !p.Diagnostics.Has(CodeMisnamed) || !strings.Contains(p.Diagnostics.Error(), "rename Mine to ClientCredentials") {
		t.Errorf("diagnostics = %v", p.Diagnostics)
	}
	if _, ok := p.Create["client_credentials.go"]; ok {
		t.Error("a fresh stub would shadow the team's misnamed procedure")
	}
}

func TestParseErrorBlocksScaffolding(t *testing.T) {
	fsys := fstest.MapFS{"broken.go": file("package oauth\n\nfunc {\n")}
	p := plan(t, fixture.Spec("oauth-token-client-credentials"), fsys)
	if len(p.Create) != 0 {
		t.Errorf("creates %s despite a file that does not parse", names(p))
	}
	if !p.Diagnostics.Has(CodeParse) || !strings.HasPrefix(p.Diagnostics[0].String(), "oauth/broken.go:3:") {
		t.Errorf("diagnostics = %v", p.Diagnostics)
	}
}

func TestForeignPackageClause(t *testing.T) {
	fsys := fstest.MapFS{"main.go": file("package main\n\nfunc main() {}\n")}
	p := plan(t, fixture.Spec("oauth-token-client-credentials"), fsys)
	if !p.Diagnostics.Has(CodePackageName) {
		t.Errorf("diagnostics = %v", p.Diagnostics)
	}
}

func TestScanMissingDirectory(t *testing.T) {
	pkg, err := Scan(os.DirFS(filepath.Join(t.TempDir(), "missing")), "missing")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkg.Files) != 0 || len(pkg.Types) != 0 {
		t.Errorf("package = %+v", pkg)
	}
	p, err := Build(buildModel(t, fixture.Spec("oauth-token-client-credentials")), pkg)
	if err != nil {
		t.Fatal(err)
	}
	if names(p) != "client_credentials.go contract_test.go procedures.go" {
		t.Errorf("creates %s", names(p))
	}
}

func TestBuildCreatesOIDCStubs(t *testing.T) {
	p := plan(t, fixture.OIDC(), fstest.MapFS{})
	if got := names(p); got != "authorization_code.go authorize_code.go contract_test.go procedures.go user_info.go" {
		t.Errorf("creates %s", got)
	}
	for name, wants := range map[string][]string{
		"authorize_code.go": {
			"// AuthorizeCode is the procedure of the flow oauth-authorize-authorization-code.",
			"type AuthorizeCode struct{ *Procedures }",
			"var _ AuthorizeCodeProcedure = (*AuthorizeCode)(nil)",
			"// Authorize issues the code of a response_type=code request.\n",
			"func (p *AuthorizeCode) Authorize(ctx context.Context, c *AuthorizeCodeContext) (*runtime.AuthorizeResponse, error) {\n" +
				"\t// To customise, edit c.Code before calling c.Default, or issue a code with\n" +
				"\t// c.IssueCode yourself.\n\treturn c.Default(ctx)\n}",
		},
		"user_info.go": {
			"type UserInfo struct{ *Procedures }",
			"var _ UserInfoProcedure = (*UserInfo)(nil)",
			"// Claims returns the end user's claims for a userinfo request.\n",
			"func (p *UserInfo) Claims(ctx context.Context, c *UserInfoContext) (*runtime.UserInfoResponse, error) {",
			"\treturn c.Default(ctx)\n}",
		},
		"authorization_code.go": {
			"// GenerateToken issues the tokens of a grant_type=authorization_code request.\n",
			"\t// To customise, edit c.Defaults before calling c.Default, or issue with\n\t// c.Issuers yourself.\n",
		},
	} {
		src := string(p.Create[name])
		for _, want := range wants {
			if !strings.Contains(src, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, src)
			}
		}
	}
	// A userinfo procedure the spec no longer enables is an orphan.
	s := fixture.OIDC()
	s.Flows = s.Flows[:2]
	p = plan(t, s, fstest.MapFS{"user_info.go": file(string(plan(t, fixture.OIDC(), fstest.MapFS{}).Create["user_info.go"]))})
	if len(p.Diagnostics) != 1 || p.Diagnostics[0].Code != CodeOrphan || !strings.Contains(p.Diagnostics[0].Message, "openid-userinfo") {
		t.Errorf("diagnostics = %v", p.Diagnostics)
	}
	// A method of another name on a context-like type is not a procedure.
	p = plan(t, s, fstest.MapFS{"other.go": file("package oauth\n\nimport \"context\"\n\ntype T struct{}\n\nfunc (T) Claims(ctx context.Context, c *RequestContext) error { return nil }\nfunc (T) Render(ctx context.Context, c *UserInfoContext) error { return nil }\n")})
	if len(p.Diagnostics) != 0 {
		t.Errorf("diagnostics of unrelated methods = %v", p.Diagnostics)
	}
}

// TestBuildReportsOldVerb: a procedure written for an earlier generator,
// whose method has another endpoint's verb, is reported with the name to
// use, and no second stub shadows it.
func TestBuildReportsOldVerb(t *testing.T) {
	old := strings.Replace(string(plan(t, fixture.OIDC(), fstest.MapFS{}).Create["authorize_code.go"]),
		"func (p *AuthorizeCode) Authorize(", "func (p *AuthorizeCode) GenerateToken(", 1)
	p := plan(t, fixture.OIDC(), fstest.MapFS{"authorize_code.go": file(old)})
	if len(p.Diagnostics) != 1 || p.Diagnostics[0].Code != CodeMisnamed ||
		!strings.Contains(p.Diagnostics[0].Message, "method AuthorizeCode.GenerateToken serves flow oauth-authorize-authorization-code, whose procedure method is Authorize") {
		t.Errorf("diagnostics = %v", p.Diagnostics)
	}
	if _, ok := p.Create["authorize_code.go"]; ok {
		t.Error("a stub was created over the user's file")
	}
}
