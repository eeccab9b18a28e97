package emit

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/fixture"
	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/model"
	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/spec"
)

func TestGenVersionMatchesRuntime(t *testing.T) {
	if model.GenVersion < flowkit.MinVersion || model.GenVersion > flowkit.MaxVersion {
		t.Fatalf("GenVersion %d outside the runtime's [%d, %d]", model.GenVersion, flowkit.MinVersion, flowkit.MaxVersion)
	}
}

func files(t *testing.T, s *spec.Spec) map[string][]byte {
	t.Helper()
	m, err := model.Build(s, fixture.Catalogue())
	if err != nil {
		t.Fatal(err)
	}
	out, err := Files(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var headerRe = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

func TestFilesShape(t *testing.T) {
	out := files(t, fixture.Full())
	want := []string{
		"oauthgen_contract.gen_test.go",
		"oauthgen_flow_authorization_code.gen.go",
		"oauthgen_flow_client_credentials.gen.go",
		"oauthgen_flow_magic_link.gen.go",
		"oauthgen_flow_refresh_token.gen.go",
		"oauthgen_server.gen.go",
	}
	if len(out) != len(want) {
		t.Errorf("got %d files, want %d", len(out), len(want))
	}
	for _, name := range want {
		src, ok := out[name]
		if !ok {
			t.Errorf("missing %s", name)
			continue
		}
		first, _, _ := strings.Cut(string(src), "\n")
		if first != Header || !headerRe.MatchString(first) {
			t.Errorf("%s: first line %q", name, first)
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Errorf("%s does not parse: %v", name, err)
			continue
		}
		if !ast.IsGenerated(f) {
			t.Errorf("%s: go/ast does not see it as generated", name)
		}
		if f.Name.Name != "oauth" {
			t.Errorf("%s: package %s", name, f.Name.Name)
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"`+model.RuntimePath+`"` && imp.Name != nil {
				t.Errorf("%s: runtime imported with alias %s", name, imp.Name.Name)
			}
		}
		// No volatile data: no version, date or path.
		for _, bad := range []string{"/tmp", "/work", "(devel)", fmt.Sprint(time.Now().Year())} {
			if bytes.Contains(src, []byte(bad)) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
	}
}

func TestFilesDeterministic(t *testing.T) {
	a := files(t, fixture.Full())
	for i := 0; i < 5; i++ {
		b := files(t, fixture.Full())
		for name := range a {
			if !bytes.Equal(a[name], b[name]) {
				t.Fatalf("run %d: %s differs", i, name)
			}
		}
	}
	// The order of flows in the spec does not matter: catalogue order wins.
	s := fixture.Full()
	s.Flows[0], s.Flows[1], s.Flows[2] = s.Flows[2], s.Flows[0], s.Flows[1]
	c := files(t, s)
	for name := range a {
		if !bytes.Equal(a[name], c[name]) {
			t.Fatalf("%s depends on the spec's flow order", name)
		}
	}
}

func TestDisabledFlowsProduceNoCode(t *testing.T) {
	out := files(t, fixture.Spec("oauth-token-client-credentials"))
	if len(out) != 3 {
		t.Errorf("files = %d, want 3", len(out))
	}
	for name, src := range out {
		for _, id := range []string{"AuthorizationCode", "RefreshToken", "MagicLink", "strconv"} {
			if bytes.Contains(src, []byte(id)) {
				t.Errorf("%s mentions %s, which the spec does not enable", name, id)
			}
		}
	}
}

func TestValidateOnlyWithRules(t *testing.T) {
	out := files(t, fixture.Full())
	if bytes.Contains(out["oauthgen_flow_refresh_token.gen.go"], []byte("flowkit.Validate")) {
		t.Error("refresh_token without team properties calls flowkit.Validate")
	}
	if !bytes.Contains(out["oauthgen_flow_magic_link.gen.go"], []byte("flowkit.Validate(c)")) {
		t.Error("magic_link (link_token is required) does not call flowkit.Validate")
	}
}

func TestServerFile(t *testing.T) {
	src := string(files(t, fixture.Full())[ServerFile])
	for _, want := range []string{
		fmt.Sprintf("_ = flowkit.EnforceVersion(%d - flowkit.MinVersion)", model.GenVersion),
		fmt.Sprintf("_ = flowkit.EnforceVersion(flowkit.MaxVersion - %d)", model.GenVersion),
		"func Flows(p *Procedures) runtime.Flows {",
		"return runtime.NewServer(cfg, Settings(), Flows(p))",
		"func Settings() runtime.Settings {",
		`SigningAlg: "EdDSA",`,
		"AuthMethods: []string{\"client_secret_basic\", \"client_secret_post\", \"none\"},",
		`{Name: "read", Description: "Read your documents"},`,
		"func NewServer(cfg runtime.Config, p *Procedures) (*runtime.Server, error) {",
		`Wire: "client_credentials",`,
		`Wire: "urn:example:params:grant-type:magic-link",`,
		"Credential: flowkit.ProcedureCredential,",
		"EndUser:    flowkit.EndUserByProcedure,",
		"Clients:    flowkit.ConfidentialClients,",
		"AccessFormat:   runtime.FormatOpaque,",
		"AccessTTL:      5 * time.Minute,",
		"RefreshTTL:     24 * time.Hour,",
		"CodeTTL:        time.Minute,",
		"Flow: clientCredentialsFlow{proc: &ClientCredentials{Procedures: p}},",
		"Flow: magicLinkFlow{proc: &MagicLink{Procedures: p}},",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("server file lacks %q", want)
		}
	}
	// Registrations in catalogue order, then extension grants.
	ac := strings.Index(src, `ID:   "oauth-token-authorization-code"`)
	cc := strings.Index(src, `ID:   "oauth-token-client-credentials"`)
	rt := strings.Index(src, `ID:   "oauth-token-refresh"`)
	ml := strings.Index(src, `ID:   "magic_link"`)
	if ac < 0 || !(ac < cc && cc < rt && rt < ml) {
		t.Errorf("registration order: %d %d %d %d", ac, cc, rt, ml)
	}
}

func render(t *testing.T, c jen.Code) string {
	t.Helper()
	return fmt.Sprintf("%#v", c)
}

func TestDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0"},
		{10 * time.Minute, "10 * time.Minute"},
		{time.Minute, "time.Minute"},
		{60 * time.Second, "time.Minute"},
		{90 * time.Second, "90 * time.Second"},
		{720 * time.Hour, "720 * time.Hour"},
		{1500 * time.Millisecond, "1500 * time.Millisecond"},
		{3, "3 * time.Nanosecond"},
	}
	for _, tt := range tests {
		if got := render(t, duration(tt.d)); got != tt.want {
			t.Errorf("duration(%v) = %s, want %s", tt.d, got, tt.want)
		}
	}
}

func TestParseField(t *testing.T) {
	m, err := model.Build(fixture.Spec("oauth-token-client-credentials"), fixture.Catalogue())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		f    model.Field
		want string
	}{
		{model.Field{Name: "Tenant", Kind: model.KindString, Source: "form", Wire: "tenant"},
			`c.Tenant = t.Param("tenant")`},
		{model.Field{Name: "Pin", Kind: model.KindSecret, Source: "form", Wire: "pin"},
			`c.Pin = runtime.Secret(t.Param("pin"))`},
		{model.Field{Name: "Aud", Kind: model.KindStringSlice, Source: "form", Wire: "aud"},
			"if v := t.Param(\"aud\"); v != \"\" {\n\tc.Aud = strings.Fields(v)\n}"},
		{model.Field{Name: "N", Kind: model.KindInt, Source: "form", Wire: "n"},
			"if v := t.Param(\"n\"); v != \"\" {\n\tn, err := strconv.Atoi(v)\n\tif err != nil {\n\t\treturn nil, flowkit.InvalidParameter(\"n\", err)\n\t}\n\tc.N = n\n}"},
		{model.Field{Name: "N", Kind: model.KindInt64, Source: "form", Wire: "n"},
			"if v := t.Param(\"n\"); v != \"\" {\n\tn, err := strconv.ParseInt(v, 10, 64)\n\tif err != nil {\n\t\treturn nil, flowkit.InvalidParameter(\"n\", err)\n\t}\n\tc.N = n\n}"},
		{model.Field{Name: "R", Kind: model.KindFloat64, Source: "form", Wire: "r"},
			"if v := t.Param(\"r\"); v != \"\" {\n\tn, err := strconv.ParseFloat(v, 64)\n\tif err != nil {\n\t\treturn nil, flowkit.InvalidParameter(\"r\", err)\n\t}\n\tc.R = n\n}"},
		{model.Field{Name: "B", Kind: model.KindBool, Source: "form", Wire: "b"},
			"if v := t.Param(\"b\"); v != \"\" {\n\tb, err := strconv.ParseBool(v)\n\tif err != nil {\n\t\treturn nil, flowkit.InvalidParameter(\"b\", err)\n\t}\n\tc.B = b\n}"},
		{model.Field{Name: "D", Kind: model.KindDuration, Source: "form", Wire: "d"},
			"if v := t.Param(\"d\"); v != \"\" {\n\td, err := time.ParseDuration(v)\n\tif err != nil {\n\t\treturn nil, flowkit.InvalidParameter(\"d\", err)\n\t}\n\tc.D = d\n}"},
		{model.Field{Name: "U", Kind: model.KindURL, Source: "form", Wire: "u"},
			"if v := t.Param(\"u\"); v != \"\" {\n\tu, err := flowkit.ParseURLParam(\"u\", v)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\tc.U = u\n}"},
		{model.Field{Name: "Region", Kind: model.KindString, Source: "header", Wire: "X-Region"},
			"hRegion, err := t.Header(\"X-Region\")\nif err != nil {\n\treturn nil, err\n}\nc.Region = hRegion"},
		{model.Field{Name: "P", Kind: model.KindInt, Source: "header", Wire: "X-P"},
			"hP, err := t.Header(\"X-P\")\nif err != nil {\n\treturn nil, err\n}\nif v := hP; v != \"\" {\n\tn, err := strconv.Atoi(v)\n\tif err != nil {\n\t\treturn nil, flowkit.InvalidParameter(\"X-P\", err)\n\t}\n\tc.P = n\n}"},
	}
	for _, tt := range tests {
		t.Run(tt.f.Name+"/"+tt.f.Kind.String()+"/"+tt.f.Source, func(t *testing.T) {
			f := jen.NewFile("p")
			f.ImportName(model.RuntimePath, "runtime")
			f.Func().Id("x").Params().Block(parseField(m, m.Flows[0], tt.f)...)
			var buf bytes.Buffer
			if err := f.Render(&buf); err != nil {
				t.Fatal(err)
			}
			body := buf.String()
			body = body[strings.Index(body, "func x() {\n")+len("func x() {\n"):]
			body = strings.TrimSuffix(body, "}\n")
			var lines []string
			for _, l := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
				lines = append(lines, strings.TrimPrefix(l, "\t"))
			}
			if got := strings.Join(lines, "\n"); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestErrorsType(t *testing.T) {
	f := &model.Flow{ID: "x", Names: model.Names{Errors: "XErrors"}, Errors: []model.ErrorCode{
		{Code: "invalid_request", Method: "InvalidRequest", Type: model.Ident{Path: model.FlowkitPath, Name: "InvalidRequestCode"}},
		{Code: "invalid_grant", Method: "InvalidGrant", Type: model.Ident{Path: model.FlowkitPath, Name: "InvalidGrantCode"}},
	}}
	got := render(t, errorsType(f))
	want := "// XErrors constructs the OAuth errors of the flow x: it has a method for each\n" +
		"// error code the flow may return, and no other, so returning another is a\n" +
		"// compile error.\n" +
		"type XErrors struct {\n\tflowkit.InvalidRequestCode\n\tflowkit.InvalidGrantCode\n}"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestGroupImports: the standard library first, then the others, each
// group sorted as jennifer wrote it.
func TestGroupImports(t *testing.T) {
	in := "package p\n\nimport (\n\t\"context\"\n\tflowkit \"github.com/x/flowkit\"\n\t\"github.com/x/runtime\"\n\t\"net/url\"\n)\n\nvar _ = 1\n"
	want := "package p\n\nimport (\n\t\"context\"\n\t\"net/url\"\n\n\tflowkit \"github.com/x/flowkit\"\n\t\"github.com/x/runtime\"\n)\n\nvar _ = 1\n"
	if got := string(groupImports([]byte(in))); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	one := "package p\n\nimport (\n\t\"context\"\n\t\"net/url\"\n)\n"
	if got := string(groupImports([]byte(one))); got != one {
		t.Errorf("a single group changed:\n%s", got)
	}
}

// TestExtensionGrantFile: an extension grant's context has no Default of
// its own (the base context's fails closed for a procedure credential) and
// its registration says its credential is the procedure's to check.
func TestExtensionGrantFile(t *testing.T) {
	out := files(t, fixture.Full())
	src := string(out["oauthgen_flow_magic_link.gen.go"])
	if strings.Contains(src, ") Default(") || strings.Contains(src, "runtime.Check") {
		t.Errorf("the magic link file has a Default or a runtime check of its own:\n%s", src)
	}
	contains(t, "magic link", out["oauthgen_flow_magic_link.gen.go"],
		"c.Default(ctx) fails closed with invalid_grant",
		"\tLinkToken runtime.Secret `form:\"link_token\" validate:\"required\"`",
		"\tDevice string `header:\"X-Device\"`",
		"hDevice, err := t.Header(\"X-Device\")",
	)
}

func TestCatalogueFlowFiles(t *testing.T) {
	out := files(t, fixture.Full())
	contains(t, "authorization code", out["oauthgen_flow_authorization_code.gen.go"],
		"// AuthorizationCodeContext is the context of the flow\n// oauth-token-authorization-code (grant_type=authorization_code at the\n// oauth-token endpoint, POST /oauth2/token;",
		"grant policy, then consumed the authorization code and checked its client,",
		"*runtime.TokenContext `validate:\"-\"`",
		"Errors AuthorizationCodeErrors `validate:\"-\"`\n}",
		"var _ runtime.Flow[runtime.TokenContext, runtime.TokenResponse] = authorizationCodeFlow{}",
		"func (f authorizationCodeFlow) Prepare(t *runtime.TokenContext) (func(context.Context) (*runtime.TokenResponse, error), error) {\n"+
			"\tc := &AuthorizationCodeContext{TokenContext: t}\n"+
			"\treturn func(ctx context.Context) (*runtime.TokenResponse, error) {\n\t\treturn f.proc.GenerateToken(ctx, c)\n\t}, nil\n}",
	)
	contains(t, "client credentials", out["oauthgen_flow_client_credentials.gen.go"],
		"// Tenant is the tenant the token is for. Source: form parameter \"tenant\".",
		"Callback *url.URL `form:\"callback\"`",
		"Region string `header:\"X-Region\"`",
	)
	for name, src := range out {
		if strings.Contains(string(src), "runtime.Check") || strings.Contains(string(src), "runtime.Issue") {
			t.Errorf("%s calls a runtime hook; the endpoint runs every check and default", name)
		}
	}
}

func TestRenderFailureKeepsSource(t *testing.T) {
	f := jen.NewFile("p")
	f.Func().Id("broken").Params().Block(jen.Op("}{"))
	_, err := Render("oauthgen_x.gen.go", f)
	var re *RenderError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want *RenderError", err)
	}
	if re.File != "oauthgen_x.gen.go" || re.Line == 0 || !bytes.Contains(re.Source, []byte("func broken")) {
		t.Errorf("render error = %+v\n%s", re, re.Source)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("line %d", re.Line)) {
		t.Errorf("message %q does not name the line", err.Error())
	}
}

func TestWrap(t *testing.T) {
	got := Wrap("a bb ccc dddd eeeee", 8)
	want := []string{"a bb ccc", "dddd", "eeeee"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrap = %q", got)
	}
	if got := Wrap("averyveryverylongword x", 5); strings.Join(got, "|") != "averyveryverylongword|x" {
		t.Errorf("wrap long word = %q", got)
	}
}

// TestValidateGuardedWhenOmitempty: when every rule of a flow starts with
// omitempty, flowkit.Validate runs only when a validated field is set; a
// flow with another rule (required) calls it unconditionally.
func TestValidateGuardedWhenOmitempty(t *testing.T) {
	out := files(t, fixture.Full())
	cc := string(out["oauthgen_flow_client_credentials.gen.go"])
	guard := "if c.Tenant != \"\" ||\n\t\tc.Lifetime != 0 {\n\t\tif err := flowkit.Validate(c); err != nil {"
	if !strings.Contains(cc, guard) {
		t.Errorf("client_credentials (all rules omitempty) lacks the guard %q:\n%s", guard, cc)
	}
	ml := string(out["oauthgen_flow_magic_link.gen.go"])
	if !strings.Contains(ml, "\n\tif err := flowkit.Validate(c); err != nil {") {
		t.Errorf("magic_link (link_token is required) does not call flowkit.Validate unconditionally:\n%s", ml)
	}
}

// TestNonZero: the guard's test of each kind matches what the validator's
// omitempty treats as a value (reflect's IsZero, nil for slices and
// pointers); runtime's TestValidateOmitemptyZero pins the validator's side.
func TestNonZero(t *testing.T) {
	for _, tc := range []struct {
		kind model.Kind
		want string
	}{
		{model.KindString, `c.X != ""`},
		{model.KindSecret, `c.X != ""`},
		{model.KindInt, `c.X != 0`},
		{model.KindInt64, `c.X != 0`},
		{model.KindDuration, `c.X != 0`},
		{model.KindFloat64, `c.X != 0`},
		{model.KindBool, `c.X`},
		{model.KindStringSlice, `c.X != nil`},
		{model.KindURL, `c.X != nil`},
	} {
		if got := fmt.Sprintf("%#v", nonZero(model.Field{Name: "X", Kind: tc.kind})); got != tc.want {
			t.Errorf("kind %d: nonZero = %q, want %q", tc.kind, got, tc.want)
		}
	}
}

// TestOmittedListStaysNil: a []string field is set only when its parameter
// is present, so that an omitempty rule skips an omitted one.
func TestOmittedListStaysNil(t *testing.T) {
	cc := string(files(t, fixture.Full())["oauthgen_flow_client_credentials.gen.go"])
	want := "if v := t.Param(\"aud\"); v != \"\" {\n\t\tc.Audiences = strings.Fields(v)\n\t}"
	if !strings.Contains(cc, want) {
		t.Errorf("client_credentials lacks %q:\n%s", want, cc)
	}
}
