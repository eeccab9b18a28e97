package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/templates"
)

// presetServeTest is the test the preset test adds to each package init
// wrote: it serves the package as serve/main.go does, with the clients of
// clients.yaml, and sends the first request of init's next steps. %[1]s is
// the client id, %[2]s its secret as init printed it, %[3]s the preset.
const presetServeTest = `package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/clientfile"
)

func TestServeAsInitSays(t *testing.T) {
	clients, err := clientfile.Load("clients.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := runtime.Config{Clients: clients}
	if %[3]q == "oidc" {
		hash, err := runtime.HashPassword(runtime.Secret("pw"))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Users, err = runtime.NewMemoryUsers(runtime.User{Subject: "alice", Username: "alice", PasswordHash: hash}); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := NewServer(cfg, &Procedures{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	if resp, err := http.Get(ts.URL + "/.well-known/oauth-authorization-server"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("metadata: %%v %%v", resp, err)
	}
	var req *http.Request
	if %[3]q == "oidc" {
		// The authorization request of the next steps: the login page.
		req, _ = http.NewRequest("GET", ts.URL+"/oauth2/authorize?"+url.Values{"response_type": {"code"}, "client_id": {%[1]q},
			"redirect_uri": {"http://127.0.0.1:9090/callback"}, "scope": {"openid profile offline_access"}, "state": {"xyz"},
			"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"}}.Encode(), nil)
	} else {
		// The curl of the next steps.
		req, _ = http.NewRequest("POST", ts.URL+"/oauth2/token", strings.NewReader("grant_type=client_credentials&scope=read"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(%[1]q, %[2]q)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%%s %%s: status %%d", req.Method, req.URL.Path, resp.StatusCode)
	}
}
`

// TestInitPresetsBuildAndServe: for every preset of init, in one fresh
// module that uses this checkout (a replace directive, no download), init
// writes a package, generate completes it, and go vet, go build (serve/main.go
// included) and go test of a request from the next steps pass.
func TestInitPresetsBuildAndServe(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command in a fresh module; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed: %v", err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	writeModule(t, mod, root)
	curl := regexp.MustCompile(`curl -u ([\w-]+):([\w-]+) `)
	for _, preset := range templates.Presets {
		dir := filepath.Join(mod, preset, "auth")
		var stdout, stderr bytes.Buffer
		if code := run([]string{"-C", dir, "init", "-preset", preset}, &stdout, &stderr); code != 0 {
			t.Fatalf("init -preset %s: exit %d\n%s", preset, code, stderr.String())
		}
		if strings.Contains(stdout.String(), "go get -tool") {
			t.Errorf("%s: next steps add the tool, which go.mod has:\n%s", preset, stdout.String())
		}
		m := curl.FindStringSubmatch(stdout.String())
		if m == nil {
			t.Fatalf("%s: no curl with the client's credentials in:\n%s", preset, stdout.String())
		}
		runCLI(t, 0, "-C", dir, "vet")
		runCLI(t, 0, "-C", dir, "generate")
		test := fmt.Sprintf(presetServeTest, m[1], m[2], preset)
		if err := os.WriteFile(filepath.Join(dir, "serve_test.go"), []byte(test), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off")
	for _, args := range [][]string{{"vet", "./..."}, {"build", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.Command(goBin, args...)
		cmd.Dir, cmd.Env = mod, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
