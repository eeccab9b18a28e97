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
// wrote: it serves the package as serve/main.go does (the clients of
// clients.yaml, alice for oidc) and follows init's next steps: for oidc,
// the authorization URL, the login and consent pages, the code redeemed
// with the printed curl's form, userinfo; else the printed curl for a token,
// and introspection for the service preset. Its verbs: %[1]q the
// authorization URL (empty without one), %[2]q alice's password, %[3]q and
// %[4]q the client's id and secret, %[5]q the token request's form (with CODE
// for the code), %[6]t whether to introspect.
const presetServeTest = `package auth

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/clientfile"
)

const (
	devIssuer  = "http://127.0.0.1:8080"
	authURL    = %[1]q
	password   = %[2]q
	clientID   = %[3]q
	secret     = %[4]q
	tokenForm  = %[5]q
	introspect = %[6]t
)

var (
	formAttr    = regexp.MustCompile(` + "`" + `<form method="post" action="([^"]*)"` + "`" + `)
	hiddenInput = regexp.MustCompile(` + "`" + `<input type="hidden" name="([^"]*)" value="([^"]*)">` + "`" + `)
)

func TestFollowTheNextSteps(t *testing.T) {
	clients, err := clientfile.Load("clients.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	issuer := "http://" + ts.Listener.Addr().String()
	cfg := runtime.Config{Clients: clients, Issuer: issuer}
	if authURL != "" {
		hash, err := runtime.HashPassword(runtime.Secret(password))
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
	ts.Config.Handler = srv
	ts.Start()
	defer ts.Close()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	ua := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, u, body, user, pass, bearer string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, u, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := ua.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(b)
	}
	// submit posts a page's form, then follows the server's own 303s.
	submit := func(page string, fields url.Values) (*http.Response, string) {
		t.Helper()
		action := formAttr.FindStringSubmatch(page)
		if action == nil {
			t.Fatalf("no form on the page:\n%%s", page)
		}
		for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
			fields.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
		}
		resp, body := do("POST", issuer+html.UnescapeString(action[1]), fields.Encode(), "", "", "")
		for resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/") {
			resp, body = do("GET", issuer+resp.Header.Get("Location"), "", "", "", "")
		}
		return resp, body
	}

	form := tokenForm
	if authURL != "" {
		resp, page := do("GET", strings.Replace(authURL, devIssuer, issuer, 1), "", "", "", "")
		if resp.StatusCode != 200 || !strings.Contains(page, ` + "`" + `name="password"` + "`" + `) {
			t.Fatalf("authorization URL: %%d, want the login page:\n%%s", resp.StatusCode, page)
		}
		resp, page = submit(page, url.Values{"username": {"alice"}, "password": {password}})
		if resp.StatusCode != 200 || !strings.Contains(page, ` + "`" + `value="approve"` + "`" + `) {
			t.Fatalf("after login: %%d, want the consent page:\n%%s", resp.StatusCode, page)
		}
		resp, _ = submit(page, url.Values{"decision": {"approve"}})
		loc, err := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || err != nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != "xyz" {
			t.Fatalf("after consent: %%d %%q", resp.StatusCode, resp.Header.Get("Location"))
		}
		form = strings.Replace(form, "code=CODE", "code="+url.QueryEscape(loc.Query().Get("code")), 1)
	}
	resp, body := do("POST", issuer+"/oauth2/token", form, clientID, secret, "")
	var tokens struct {
		AccessToken  string ` + "`" + `json:"access_token"` + "`" + `
		RefreshToken string ` + "`" + `json:"refresh_token"` + "`" + `
		IDToken      string ` + "`" + `json:"id_token"` + "`" + `
	}
	if err := json.Unmarshal([]byte(body), &tokens); err != nil || resp.StatusCode != 200 || tokens.AccessToken == "" {
		t.Fatalf("token request: %%d %%s", resp.StatusCode, body)
	}
	if authURL != "" {
		if tokens.IDToken == "" || tokens.RefreshToken == "" {
			t.Errorf("no ID token or refresh token: %%s", body)
		}
		if resp, body := do("GET", issuer+"/oauth2/userinfo", "", "", "", tokens.AccessToken); resp.StatusCode != 200 || !strings.Contains(body, ` + "`" + `"sub":"alice"` + "`" + `) {
			t.Errorf("userinfo: %%d %%s", resp.StatusCode, body)
		}
	}
	if introspect {
		if resp, body := do("POST", issuer+"/oauth2/introspect", "token="+tokens.AccessToken, clientID, secret, ""); resp.StatusCode != 200 || !strings.Contains(body, ` + "`" + `"active":true` + "`" + `) {
			t.Errorf("introspection: %%d %%s", resp.StatusCode, body)
		}
	}
}
`

// TestInitPresetsBuildAndServe: for every preset of init, in one fresh
// module that uses this checkout (a replace directive, no download), init
// writes a package, generate completes it, and go vet, go build (serve/main.go
// included) and go test of init's next steps, as printed, pass.
func TestInitPresetsBuildAndServe(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command in a fresh module; skipped with -short")
	}
	goBin, mod := freshModule(t)
	var (
		authURL   = regexp.MustCompile(`(?m)^ +(http://127\.0\.0\.1:8080/oauth2/authorize\?\S+)$`)
		password  = regexp.MustCompile(`OAUTHGEN_DEV_PASSWORD=(\S+) go run ./serve`)
		tokenCurl = regexp.MustCompile(`(?m)^ +curl -u ([^:\s]+):(\S+) ((?:-d \S+ )+)http://127\.0\.0\.1:8080/oauth2/token$`)
	)
	for _, preset := range templates.Presets {
		dir := filepath.Join(mod, preset, "auth")
		var stdout, stderr bytes.Buffer
		if code := run([]string{"-C", dir, "init", "-preset", preset}, &stdout, &stderr); code != 0 {
			t.Fatalf("init -preset %s: exit %d\n%s", preset, code, stderr.String())
		}
		msg := stdout.String()
		if strings.Contains(msg, "go get -tool") {
			t.Errorf("%s: next steps add the tool, which go.mod has:\n%s", preset, msg)
		}
		curl := tokenCurl.FindStringSubmatch(msg)
		if curl == nil {
			t.Fatalf("%s: no curl for a token in:\n%s", preset, msg)
		}
		form := strings.Join(strings.Split(strings.TrimSpace(strings.ReplaceAll(curl[3], "-d ", "")), " "), "&")
		var au, pw string
		if preset == "oidc" {
			m, p := authURL.FindStringSubmatch(msg), password.FindStringSubmatch(msg)
			if m == nil || p == nil {
				t.Fatalf("%s: no authorization URL or password in:\n%s", preset, msg)
			}
			au, pw = m[1], p[1]
		}
		runCLI(t, 0, "-C", dir, "vet")
		runCLI(t, 0, "-C", dir, "generate")
		test := fmt.Sprintf(presetServeTest, au, pw, curl[1], curl[2], form, preset == "service")
		if err := os.WriteFile(filepath.Join(dir, "next_steps_test.go"), []byte(test), 0o644); err != nil {
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
