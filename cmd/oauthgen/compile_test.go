package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Compile tests: every scenario's output builds and vets in a temporary
// module that replaces github.com/oauthgen/oauthgen with this checkout, and
// each way of breaking the team's code fails to compile with an error naming
// the identifier at fault. One module holds every package, so the go command
// runs twice (build, vet), plus a generate for the init smoke test.

// brokenCase is a scenario whose user-owned code is broken after generation.
type brokenCase struct {
	name     string
	scenario string
	// breakIt edits the generated package in out (and may regenerate from
	// specDir); it runs after a successful generate.
	breakIt func(t *testing.T, specDir, out string)
	// want must appear in the package's build errors.
	want string
}

func editFile(t *testing.T, path string, edit func(string) string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	after := edit(string(b))
	if after == string(b) {
		t.Fatalf("edit of %s changed nothing", path)
	}
	if err := os.WriteFile(path, []byte(after), 0o644); err != nil {
		t.Fatal(err)
	}
}

// regenerate rewrites the spec in specDir with edit and generates again;
// orphans make generate exit 1, which is expected here.
func regenerate(t *testing.T, specDir string, edit func(string) string) {
	t.Helper()
	editFile(t, filepath.Join(specDir, "oauthgen.yaml"), edit)
	runCLI(t, 1, "-C", specDir, "generate")
}

func runCLI(t *testing.T, wantMax int, args ...string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code > wantMax {
		t.Fatalf("oauthgen %v exited %d:\n%s", args, code, stderr.String())
	}
}

var brokenCases = []brokenCase{
	{
		name: "missing_method", scenario: "minimal",
		breakIt: func(t *testing.T, _, out string) {
			editFile(t, filepath.Join(out, "client_credentials.go"), func(s string) string {
				i := strings.Index(s, "// GenerateToken")
				return s[:i]
			})
		},
		want: "missing method GenerateToken",
	},
	{
		name: "renamed_type", scenario: "minimal",
		breakIt: func(t *testing.T, _, out string) {
			editFile(t, filepath.Join(out, "client_credentials.go"), func(s string) string {
				return regexp.MustCompile(`\bClientCredentials\b`).ReplaceAllString(s, "ClientCreds")
			})
		},
		want: "undefined: ClientCredentials",
	},
	{
		name: "wrong_signature", scenario: "minimal",
		breakIt: func(t *testing.T, _, out string) {
			editFile(t, filepath.Join(out, "client_credentials.go"), func(s string) string {
				return strings.Replace(s, "GenerateToken(ctx context.Context, c *ClientCredentialsContext)", "GenerateToken(c *ClientCredentialsContext)", 1)
			})
		},
		want: "wrong type for method GenerateToken",
	},
	{
		name: "removed_field", scenario: "contract",
		breakIt: func(t *testing.T, specDir, out string) {
			editFile(t, filepath.Join(out, "client_credentials.go"), func(s string) string {
				return strings.Replace(s, "\treturn c.Default(ctx)", "\tc.Log.Info(\"token\", \"tenant\", c.Tenant)\n\treturn c.Default(ctx)", 1)
			})
			regenerate(t, specDir, func(s string) string {
				i := strings.Index(s, "    properties:\n      tenant:")
				j := strings.Index(s, "  oauth-token-authorization-code: {}")
				return s[:i] + s[j:]
			})
		},
		want: "c.Tenant undefined",
	},
	{
		// The token step's procedure reads the data the authorization step
		// attached to the code; the spec drops that code_data field.
		name: "removed_code_data", scenario: "oidc",
		breakIt: func(t *testing.T, specDir, out string) {
			editFile(t, filepath.Join(out, "authorization_code.go"), func(s string) string {
				return strings.Replace(s, "\treturn c.Default(ctx)", "\tc.Log.Info(\"redeemed\", \"device\", c.CodeData.DeviceID)\n\treturn c.Default(ctx)", 1)
			})
			regenerate(t, specDir, func(s string) string {
				i := strings.Index(s, "      device_id:\n")
				j := strings.Index(s, "      risk_score:\n")
				return s[:i] + s[j:]
			})
		},
		want: "c.CodeData.DeviceID undefined",
	},
	{
		name: "removed_flow", scenario: "contract",
		breakIt: func(t *testing.T, specDir, _ string) {
			regenerate(t, specDir, func(s string) string {
				// Without the refresh flow, refresh token settings are
				// refused (OG123): they go too.
				for _, key := range []string{"issue_refresh_token", "rotate_refresh_token", "refresh_token_ttl", "refresh_token_idle_ttl", "refresh_grace"} {
					s = regexp.MustCompile(`(?m)^  `+key+`: .*\n`).ReplaceAllString(s, "")
				}
				return strings.Replace(s, "  oauth-token-refresh: {}\n", "", 1)
			})
		},
		want: "undefined: RefreshTokenContext",
	},
}

func TestCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("compile tests run the go command; skipped with -short")
	}
	goBin, mod := freshModule(t)

	// Good packages: one per scenario.
	var good []string
	for _, name := range scenarios(t) {
		generateScenario(t, name, filepath.Join(mod, "ok", name))
		good = append(good, "./ok/"+name+"/out")
	}
	// The init smoke package: init, then `go generate` runs the tool.
	smoke := filepath.Join(mod, "ok", "initsmoke")
	if err := os.MkdirAll(smoke, 0o755); err != nil {
		t.Fatal(err)
	}
	runCLI(t, 0, "-C", smoke, "init")
	good = append(good, "./ok/initsmoke")

	// Broken packages.
	for _, bc := range brokenCases {
		dir := filepath.Join(mod, "broken", bc.name)
		out := generateScenario(t, bc.scenario, dir)
		bc.breakIt(t, dir, out)
	}

	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	goCmd := func(args ...string) (string, error) {
		cmd := exec.Command(goBin, args...)
		cmd.Dir = mod
		cmd.Env = env
		b, err := cmd.CombinedOutput()
		return string(b), err
	}

	if out, err := goCmd("generate", "./ok/initsmoke"); err != nil {
		t.Fatalf("go generate (go tool oauthgen generate) failed: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(smoke, "oauthgen_server.gen.go")); err != nil {
		t.Fatalf("go generate did not generate: %v", err)
	}

	out, err := goCmd("build", "./...")
	if err == nil {
		t.Fatalf("go build ./... succeeded although %d packages are broken:\n%s", len(brokenCases), out)
	}
	sections := buildErrors(out)
	for _, pkg := range good {
		if msg, ok := sections["example.com/svc"+strings.TrimPrefix(pkg, ".")]; ok {
			t.Errorf("%s does not build:\n%s", pkg, msg)
		}
	}
	for _, bc := range brokenCases {
		pkg := "example.com/svc/broken/" + bc.name + "/out"
		msg, ok := sections[pkg]
		if !ok {
			t.Errorf("%s: %s builds, want an error mentioning %q", bc.name, pkg, bc.want)
			continue
		}
		if !strings.Contains(msg, bc.want) {
			t.Errorf("%s: build errors do not mention %q:\n%s", bc.name, bc.want, msg)
		}
	}
	if t.Failed() {
		t.Logf("go build output:\n%s", out)
	}

	if out, err := goCmd(append([]string{"vet"}, good...)...); err != nil {
		t.Errorf("go vet: %v\n%s", err, out)
	}

	// generate --verify builds and vets the output: fine for a good package,
	// exit 1 for a broken one.
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOWORK", "off")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-C", filepath.Join(mod, "ok", "minimal"), "generate", "--verify"}, &stdout, &stderr); code != 0 {
		t.Errorf("generate --verify of a good package: exit %d\n%s", code, stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"-C", filepath.Join(mod, "broken", "missing_method"), "generate", "--verify"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "GenerateToken") {
		t.Errorf("generate --verify of a broken package: exit %d\n%s", code, stderr.String())
	}
}

// buildErrors splits go build output into its "# package" sections.
func buildErrors(out string) map[string]string {
	sections := map[string]string{}
	var pkg string
	for _, line := range strings.Split(out, "\n") {
		if p, ok := strings.CutPrefix(line, "# "); ok {
			pkg = strings.Fields(p)[0]
			continue
		}
		if pkg != "" {
			sections[pkg] += line + "\n"
		}
	}
	return sections
}

// writeModule writes go.mod and go.sum of a module example.com/svc that
// requires this checkout through a replace directive, with the checkout's
// requirements and checksums so that no download is needed, and oauthgen as
// a tool for go generate.
func writeModule(t *testing.T, mod, root string) {
	t.Helper()
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// The go line must be at least the checkout's, or the go command wants
	// to tidy go.mod first.
	goLine := regexp.MustCompile(`(?m)^go \S+$`).FindString(string(gomod))
	if goLine == "" {
		t.Fatal("no go line in go.mod")
	}
	var b strings.Builder
	b.WriteString("module example.com/svc\n\n" + goLine + "\n\n")
	b.WriteString("require github.com/oauthgen/oauthgen v0.0.0-00010101000000-000000000000\n\n")
	b.WriteString("replace github.com/oauthgen/oauthgen => " + root + "\n\n")
	b.WriteString("tool github.com/oauthgen/oauthgen/cmd/oauthgen\n\n")
	// Every requirement of the checkout, direct and indirect, so that the
	// go command (go tool refuses to edit go.mod) finds nothing to tidy.
	for _, req := range regexp.MustCompile(`(?ms)^require \(.*?^\)|^require [^(\n]+$`).FindAllString(string(gomod), -1) {
		b.WriteString(req + "\n\n")
	}
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
}

// freshModule returns the go command and a new module, in a temporary
// directory, that uses this checkout through a replace directive.
func freshModule(t *testing.T) (goBin, mod string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed: %v", err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	mod = t.TempDir()
	writeModule(t, mod, root)
	return goBin, mod
}
