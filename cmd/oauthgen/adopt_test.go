package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// serviceTokenTest is the one file the adoption test adds to the fresh
// service: it fills in no procedure, it only serves the generated server
// and sends one token request, as the service's own test would.
const serviceTokenTest = `package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

func TestTokenRequest(t *testing.T) {
	secret, hash := runtime.NewClientSecret()
	c := &runtime.Client{ID: "svc", AuthMethod: oauth.AuthClientSecretBasic,
		GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials}, Scopes: oauth.ScopeSet{"read"}}
	c.SetSecretHash(hash)
	clients, err := runtime.NewMemoryClients(c)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(runtime.Config{Clients: clients}, &Procedures{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	req, _ := http.NewRequest("POST", ts.URL+"/oauth2/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}, "scope": {"read"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("svc", secret.Reveal())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string ` + "`json:\"access_token\"`" + `
		TokenType   string ` + "`json:\"token_type\"`" + `
		Scope       string ` + "`json:\"scope\"`" + `
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || body.AccessToken == "" || body.TokenType != "Bearer" || body.Scope != "read" {
		t.Fatalf("token response: %d %+v", resp.StatusCode, body)
	}
}
`

// TestAdoptInFreshModule does exactly what a service repository does to
// adopt oauthgen (README "Adopt oauthgen in a service"): in a new module,
// go get -tool (with a replace to this checkout), oauthgen init, go
// generate, go mod tidy, then go build and go vet with no procedure filled
// in, and one token request through the generated server.
func TestAdoptInFreshModule(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command in a fresh module; skipped with -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pkg := filepath.Join(dir, "auth")
	if err := os.Mkdir(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	// The replaced module has no entry on any proxy, so module lookups run
	// with GOPROXY=off: every dependency is in the module cache that built
	// this test.
	env := append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	step := func(in string, args ...string) string {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir, cmd.Env = in, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s (in %s): %v\n%s", strings.Join(args, " "), in, err, out)
		}
		return string(out)
	}
	// Everything the checkout builds with is fetched first, with the normal
	// environment (a no-op when the module cache is warm), so the offline
	// steps below find it.
	download := exec.Command("go", "mod", "download")
	download.Dir = root
	if out, err := download.CombinedOutput(); err != nil {
		t.Fatalf("go mod download in %s: %v\n%s", root, err, out)
	}
	step(dir, "go", "mod", "init", "example.com/svc")
	step(dir, "go", "mod", "edit", "-replace", "github.com/oauthgen/oauthgen="+root)
	// The checksum database is out of reach here, so the new module starts
	// with the checkout's go.sum: the same hashes, already verified. (A
	// service with network access verifies them against the database.)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	step(dir, "go", "get", "-tool", "github.com/oauthgen/oauthgen/cmd/oauthgen@v0.0.0-00010101000000-000000000000")
	step(pkg, "go", "tool", "oauthgen", "init")
	step(dir, "go", "generate", "./...")
	// What go build suggests for the runtime the generated code imports
	// (a service with network access may run go mod tidy instead).
	step(dir, "go", "get", "github.com/oauthgen/oauthgen/runtime@v0.0.0-00010101000000-000000000000")
	for _, f := range []string{"oauthgen.yaml", "generate.go", "procedures.go", "client_credentials.go", "oauthgen_server.gen.go"} {
		if _, err := os.Stat(filepath.Join(pkg, f)); err != nil {
			t.Errorf("after init and go generate: %v", err)
		}
	}
	step(dir, "go", "build", "./...")
	step(dir, "go", "vet", "./...")
	if err := os.WriteFile(filepath.Join(pkg, "token_test.go"), []byte(serviceTokenTest), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := step(dir, "go", "test", "-count=1", "./..."); !strings.Contains(out, "ok") {
		t.Errorf("go test in the service: %s", out)
	}
	// A second generate changes nothing the team owns or the machine owns.
	before, _ := os.ReadFile(filepath.Join(pkg, "client_credentials.go"))
	step(pkg, "go", "tool", "oauthgen", "diff")
	after, _ := os.ReadFile(filepath.Join(pkg, "client_credentials.go"))
	if string(before) != string(after) {
		t.Error("oauthgen diff changed a user-owned stub")
	}
}
