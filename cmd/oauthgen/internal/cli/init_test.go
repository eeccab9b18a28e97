package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/templates"
)

// TestInitPresets: for every preset, init writes a spec that vet passes
// and generate turns into a package that diff then finds clean, and its
// next steps name only commands, files and paths that exist.
func TestInitPresets(t *testing.T) {
	for _, preset := range templates.Presets {
		t.Run(preset, func(t *testing.T) {
			mod := t.TempDir()
			writeFile(t, filepath.Join(mod, "go.mod"), "module example.com/svc\n")
			dir := filepath.Join(mod, "auth")
			code, stdout, stderr := run(t, "-C", dir, "init", "-preset", preset)
			if code != 0 {
				t.Fatalf("init: exit %d, %s", code, stderr)
			}
			if got := readFile(t, filepath.Join(dir, "serve", "main.go")); !strings.Contains(got, `auth "example.com/svc/auth"`) {
				t.Errorf("serve/main.go does not import the package:\n%s", got)
			}
			if code, _, stderr := run(t, "-C", dir, "vet"); code != 0 {
				t.Fatalf("vet: exit %d, %s", code, stderr)
			}
			mustGenerate(t, dir)
			if code, _, stderr := run(t, "-C", dir, "diff"); code != 0 {
				t.Errorf("diff after init+generate: exit %d, %s", code, stderr)
			}
			checkNextSteps(t, dir, stdout)
		})
	}
}

// checkNextSteps checks init's message against the package it wrote and
// generate completed: every command is one that exists, in order, every
// file it names is there, every URL is at a path of the spec.
func checkNextSteps(t *testing.T, dir, msg string) {
	t.Helper()
	var commands []string
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "go ") || strings.HasPrefix(line, "curl ") || strings.HasPrefix(line, "OAUTHGEN_DEV_PASSWORD=") {
			commands = append(commands, line)
		}
	}
	want := []string{"go get -tool github.com/oauthgen/oauthgen/cmd/oauthgen", "go generate", "go mod tidy", "go run ./serve"}
	got := strings.Join(commands, "\n")
	at := 0
	for _, w := range want {
		i := strings.Index(got[at:], w)
		if i < 0 {
			t.Errorf("next steps lack %q after position %d:\n%s", w, at, msg)
			continue
		}
		at += i + len(w)
	}
	// go generate runs the directive generate.go holds.
	if !strings.Contains(readFile(t, filepath.Join(dir, "generate.go")), "//go:generate go tool oauthgen generate\n") {
		t.Error("generate.go does not run oauthgen generate")
	}
	// Every verb of oauthgen the message names is in the usage.
	for _, m := range regexp.MustCompile(`go tool oauthgen (\w+)`).FindAllStringSubmatch(msg, -1) {
		if m[1] != "init" && !strings.Contains(usage, "\n  "+m[1]+" ") {
			t.Errorf("next steps name %q, which is no verb of oauthgen", m[0])
		}
	}
	// Every Go file it names exists, and the procedures it names are in them.
	for _, m := range regexp.MustCompile(`([\w/]+\.go) +(\w+):`).FindAllStringSubmatch(msg, -1) {
		src := readFile(t, filepath.Join(dir, m[1]))
		if !strings.Contains(src, ") "+m[2]+"(") {
			t.Errorf("%s has no method %s", m[1], m[2])
		}
	}
	// Every URL is at the issuer, at a path the spec declares or, for the
	// redirect URI of clients.yaml's client, at the page serve/main.go
	// serves there.
	specText := readFile(t, filepath.Join(dir, "oauthgen.yaml"))
	serveText := readFile(t, filepath.Join(dir, "serve", "main.go"))
	if !strings.Contains(specText, "issuer: "+devIssuer+" ") {
		t.Errorf("the spec's issuer is not %s", devIssuer)
	}
	urls := regexp.MustCompile(regexp.QuoteMeta(devIssuer)+`(/[\w/]+)`).FindAllStringSubmatch(msg, -1)
	if len(urls) == 0 {
		t.Errorf("next steps name no URL of the server:\n%s", msg)
	}
	for _, m := range urls {
		if m[0] == devRedirectURI {
			if !strings.Contains(serveText, `callbackPath = "/callback"`) || !strings.Contains(readFile(t, filepath.Join(dir, "clients.yaml")), "redirect_uris: ["+devRedirectURI+"]") {
				t.Errorf("next steps name %s, which serve/main.go does not serve as clients.yaml's redirect URI", m[0])
			}
			continue
		}
		if !strings.Contains(specText, "path: "+m[1]+"\n") && !strings.Contains(specText, "path: "+m[1]+" ") {
			t.Errorf("next steps name %s, at no path of the spec", m[0])
		}
	}
	if !strings.Contains(msg, "curl -u ") {
		t.Errorf("next steps have no curl for a token:\n%s", msg)
	}
}

// TestInitPresetErrors: an unknown preset is a usage error; without a
// module there is no import path for serve/main.go; nothing is written.
func TestInitPresetErrors(t *testing.T) {
	mod := t.TempDir()
	writeFile(t, filepath.Join(mod, "go.mod"), "module example.com/svc\n")
	dir := filepath.Join(mod, "auth")
	if code, _, stderr := run(t, "-C", dir, "init", "-preset", "nope"); code != 2 || !strings.Contains(stderr, `unknown preset "nope"`) {
		t.Errorf("unknown preset: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("init wrote %s although it refused", dir)
	}
	bare := t.TempDir()
	if code, _, stderr := run(t, "-C", bare, "init", "--package", "auth"); code != 2 || !strings.Contains(stderr, "no go.mod") {
		t.Errorf("no module: exit %d, %q", code, stderr)
	}
	if got := listDir(t, bare); got != "" {
		t.Errorf("init wrote %s although it refused", got)
	}
}

func TestPackageImportPath(t *testing.T) {
	mod := t.TempDir()
	writeFile(t, filepath.Join(mod, "go.mod"), "// a comment\nmodule \"example.com/svc\" // the service\n\ngo 1.26\n")
	for dir, want := range map[string]string{mod: "example.com/svc", filepath.Join(mod, "a", "b"): "example.com/svc/a/b"} {
		got, _, err := packageImportPath(dir)
		if err != nil || got != want {
			t.Errorf("packageImportPath(%s) = %q, %v; want %q", dir, got, err, want)
		}
	}
}
