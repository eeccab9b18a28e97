//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/oauthgen/oauthgen/internal/testenv"
)

// checkoutPlaceholder is where the README's adoption commands say the
// checkout of this repository is.
const checkoutPlaceholder = "/path/to/oauthgen"

var (
	// readmeAdoptBlock is the first sh block of the README's adoption
	// section.
	readmeAdoptBlock = regexp.MustCompile("(?s)\n## Adopt oauthgen in a service\n.*?\n```sh\n(.*?)\n```\n")
	// serving is the line serve/main.go logs once it listens.
	serving = regexp.MustCompile(`serving 127\.0\.0\.1:8080`)
	// printedCurl is a curl of init's next steps, with its purpose: the
	// token request, or introspection.
	printedCurl = regexp.MustCompile(`(?m)^ +(curl -u \S+ -d (grant_type=client_credentials|token=ACCESS_TOKEN) .*)$`)
)

// TestAdoptAsTheReadmeSays runs the README's adoption commands as written,
// with the placeholder path replaced by this checkout, in a new directory
// with a module cache of its own, then does what the README says next: with
// go run ./serve listening, it runs the curl init printed for a token, and
// the one for introspecting it.
func TestAdoptAsTheReadmeSays(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command in a fresh module with a fresh module cache; skipped with -short")
	}
	_, err := exec.LookPath("curl")
	testenv.Require(t, "curl", "install curl (Debian: apt-get install curl)", err)
	// The README's server listens on 127.0.0.1:8080.
	l, err := net.Listen("tcp", "127.0.0.1:8080")
	testenv.Require(t, "a free 127.0.0.1:8080", "stop what listens there (make demo?)", err)
	l.Close()

	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := readmeAdoptBlock.FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no sh block under \"## Adopt oauthgen in a service\"")
	}
	if !strings.Contains(string(m[1]), checkoutPlaceholder) {
		t.Fatalf("the README's adoption block does not name the checkout as %s:\n%s", checkoutPlaceholder, m[1])
	}
	script := strings.ReplaceAll(string(m[1]), checkoutPlaceholder, root)

	dir := t.TempDir()
	cmd := exec.Command("sh", "-e", "-x", "-c", script)
	cmd.Dir = dir
	cmd.Env = adoptEnv(t, filepath.Join(dir, "modcache"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // go run's server too is stopped at the end
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})

	// The commands' output, up to the server's line.
	var out strings.Builder
	lines := bufio.NewScanner(r)
	for {
		if !lines.Scan() {
			t.Fatalf("the README's commands ended before the server listened (%v):\n%s", <-exited, out.String())
		}
		out.WriteString(lines.Text() + "\n")
		if serving.MatchString(lines.Text()) {
			break
		}
	}
	go io.Copy(io.Discard, r) // the server's log, unread

	curls := map[string]string{}
	for _, c := range printedCurl.FindAllStringSubmatch(out.String(), -1) {
		curls[c[2]] = c[1]
	}
	tokenCurl, introspectCurl := curls["grant_type=client_credentials"], curls["token=ACCESS_TOKEN"]
	if tokenCurl == "" || introspectCurl == "" {
		t.Fatalf("init printed no curl for a token and for introspection:\n%s", out.String())
	}
	var token struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
	}
	shell(t, dir, tokenCurl, &token)
	if token.AccessToken == "" || token.TokenType != "Bearer" || token.Scope != "read" {
		t.Fatalf("%s: %+v", tokenCurl, token)
	}
	var active struct {
		Active   bool   `json:"active"`
		ClientID string `json:"client_id"`
	}
	shell(t, dir, strings.Replace(introspectCurl, "ACCESS_TOKEN", token.AccessToken, 1), &active)
	if !active.Active || active.ClientID == "" {
		t.Fatalf("%s: %+v", introspectCurl, active)
	}
}

// adoptEnv is the environment of the README's commands: this one, but with
// the module cache at modcache, writable so that the test can remove it,
// and the downloads it needs served first from this machine's module cache
// (then from the proxy as configured), so that a warm machine downloads
// nothing. The checksum database still verifies every module.
func adoptEnv(t *testing.T, modcache string) []string {
	t.Helper()
	goenv, err := exec.Command("go", "env", "GOMODCACHE", "GOPROXY", "GOFLAGS").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	v := strings.Split(strings.TrimSuffix(string(goenv), "\n"), "\n")
	if len(v) != 3 {
		t.Fatalf("go env: %q", goenv)
	}
	hostCache, proxy, flags := v[0], v[1], v[2]
	env := []string{
		"GOMODCACHE=" + modcache,
		"GOPROXY=file://" + filepath.ToSlash(filepath.Join(hostCache, "cache", "download")) + "," + proxy,
		"GOFLAGS=" + strings.TrimSpace(flags+" -modcacherw"),
		"GOWORK=off",
	}
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "GOMODCACHE", "GOPROXY", "GOFLAGS", "GOWORK":
		default:
			env = append(env, kv)
		}
	}
	return env
}

// shell runs a command line init printed, in dir, and decodes its JSON
// output into v.
func shell(t *testing.T, dir, line string, v any) {
	t.Helper()
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
}
