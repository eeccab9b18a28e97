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

// presetServeTest is the test the preset test adds to the serve/ directory
// of each package init wrote: it serves the package through serve/main.go's
// own handler (newHandler: the clients of clients.yaml, alice for oidc,
// the callback page) and follows init's next steps. For oidc: the
// authorization URL, the login and consent pages, the callback page, whose
// command must be init's with the code, run with the values init
// exported, then userinfo; else the printed curl for a token, and
// introspection for the service preset. Its verbs: %[1]q the authorization
// URL (empty without one), %[2]q alice's password, %[3]q the printed curl
// for a token (with CODE for the code), %[4]q and %[5]q the client
// secret and the code verifier init exported (empty without), %[6]t whether
// to introspect.
const presetServeTest = `package main

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
)

const (
	devIssuer  = "http://127.0.0.1:8080"
	authURL    = %[1]q
	password   = %[2]q
	tokenCurl  = %[3]q
	secret     = %[4]q
	verifier   = %[5]q
	introspect = %[6]t
)

var (
	formAttr    = regexp.MustCompile(` + "`" + `<form method="post" action="([^"]*)"` + "`" + `)
	hiddenInput = regexp.MustCompile(` + "`" + `<input type="hidden" name="([^"]*)" value="([^"]*)">` + "`" + `)
	redeemPre   = regexp.MustCompile(` + "`" + `<pre id="redeem">([^<]*)</pre>` + "`" + `)
)

// curlRequest is the request a printed curl -u ... -d ... URL makes, its
// shell variables expanded from env.
func curlRequest(t *testing.T, cmd string, env map[string]string) (user, pass, form, target string) {
	t.Helper()
	words := strings.Fields(cmd)
	if len(words) < 4 || words[0] != "curl" || words[1] != "-u" {
		t.Fatalf("not a curl -u command: %%s", cmd)
	}
	word := func(w string) string {
		return os.Expand(strings.ReplaceAll(w, ` + "`" + `"` + "`" + `, ""), func(k string) string {
			v, ok := env[k]
			if !ok {
				t.Fatalf("%%s uses $%%s, which init's next steps do not export", cmd, k)
			}
			return v
		})
	}
	user, pass, _ = strings.Cut(word(words[2]), ":")
	var fields []string
	for i := 3; i < len(words)-1; i += 2 {
		if words[i] != "-d" {
			t.Fatalf("%%s: %%s is not -d", cmd, words[i])
		}
		fields = append(fields, word(words[i+1]))
	}
	return user, pass, strings.Join(fields, "&"), words[len(words)-1]
}

func TestFollowTheNextSteps(t *testing.T) {
	var logged bytes.Buffer
	log.SetOutput(&logged)
	defer log.SetOutput(os.Stderr)
	if authURL != "" {
		t.Setenv("OAUTHGEN_DEV_PASSWORD", password)
	}
	ts := httptest.NewUnstartedServer(nil)
	issuer := "http://" + ts.Listener.Addr().String()
	h, err := newHandler("../clients.yaml", runtime.Config{Issuer: issuer})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = h
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

	// The command for tokens: the printed curl, or the one the callback page shows.
	redeem, code := strings.Replace(tokenCurl, devIssuer, issuer, 1), ""
	env := map[string]string{"OAUTHGEN_DEV_CLIENT_SECRET": secret, "OAUTHGEN_DEV_CODE_VERIFIER": verifier}
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
		if !strings.HasPrefix(loc.String(), devIssuer+"/callback?") {
			t.Fatalf("after consent the browser goes to %%s, not to serve/main.go's callback page", loc)
		}
		code = loc.Query().Get("code")
		// The callback page, as the browser gets it.
		resp, page = do("GET", strings.Replace(loc.String(), devIssuer, issuer, 1), "", "", "", "")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("callback page: %%d %%s\n%%s", resp.StatusCode, resp.Header.Get("Content-Type"), page)
		}
		if cc, csp := resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Security-Policy"); cc != "no-store" || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("callback page: Cache-Control %%q, CSP %%q", cc, csp)
		}
		if !strings.Contains(page, ` + "`" + `<code id="code">` + "`" + `+html.EscapeString(code)+"</code>") {
			t.Errorf("the callback page does not show the code:\n%%s", page)
		}
		m := redeemPre.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("the callback page shows no command:\n%%s", page)
		}
		want := strings.Replace(redeem, "code=CODE", "code="+code, 1)
		if redeem = html.UnescapeString(m[1]); redeem != want {
			t.Errorf("the callback page's command is not init's with the code:\n got %%s\nwant %%s", redeem, want)
		}
		// What a crafted link puts on the page is escaped, and makes no command.
		for _, q := range []string{
			"code=%%3Cscript%%3Ealert(1)%%3C%%2Fscript%%3E&state=xyz&iss=" + url.QueryEscape(issuer),
			"code=abc%%27%%3Brm&state=%%22%%3E%%3Cb%%3E&iss=" + url.QueryEscape(issuer),
			"code=abc&state=xyz&iss=https%%3A%%2F%%2Fevil.example",
			"error=access_denied&error_description=%%3Ci%%3Eno%%3C%%2Fi%%3E&state=xyz",
		} {
			resp, page := do("GET", issuer+"/callback?"+q, "", "", "", "")
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Cache-Control") != "no-store" ||
				strings.Contains(page, "<script>") || strings.Contains(page, "<b>") || strings.Contains(page, "<i>") || strings.Contains(page, "curl") {
				t.Errorf("callback?%%s: %%d\n%%s", q, resp.StatusCode, page)
			}
		}
		if resp, _ := do("POST", issuer+"/callback", "code=x", "", "", ""); resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST /callback: %%d", resp.StatusCode)
		}
	}
	user, pass, form, target := curlRequest(t, redeem, env)
	resp, body := do("POST", target, form, user, pass, "")
	var tokens struct {
		AccessToken  string ` + "`" + `json:"access_token"` + "`" + `
		RefreshToken string ` + "`" + `json:"refresh_token"` + "`" + `
		IDToken      string ` + "`" + `json:"id_token"` + "`" + `
	}
	if err := json.Unmarshal([]byte(body), &tokens); err != nil || resp.StatusCode != 200 || tokens.AccessToken == "" {
		t.Fatalf("token request %%s: %%d %%s", redeem, resp.StatusCode, body)
	}
	if authURL != "" {
		if tokens.IDToken == "" || tokens.RefreshToken == "" {
			t.Errorf("no ID token or refresh token: %%s", body)
		}
		if resp, body := do("GET", issuer+"/oauth2/userinfo", "", "", "", tokens.AccessToken); resp.StatusCode != 200 || !strings.Contains(body, ` + "`" + `"sub":"alice"` + "`" + `) {
			t.Errorf("userinfo: %%d %%s", resp.StatusCode, body)
		}
		if strings.Contains(logged.String(), code) {
			t.Errorf("the code is in the log:\n%%s", logged.String())
		}
	}
	if introspect {
		if resp, body := do("POST", issuer+"/oauth2/introspect", "token="+tokens.AccessToken, user, pass, ""); resp.StatusCode != 200 || !strings.Contains(body, ` + "`" + `"active":true` + "`" + `) {
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
		exported  = regexp.MustCompile(`(?m)^ +export OAUTHGEN_DEV_CLIENT_SECRET=(\S+) OAUTHGEN_DEV_CODE_VERIFIER=(\S+)$`)
		tokenCurl = regexp.MustCompile(`(?m)^ +(curl -u \S+ (?:-d \S+ )+http://127\.0\.0\.1:8080/oauth2/token)$`)
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
		var au, pw, secret, verifier string
		if preset == "oidc" {
			m, p, e := authURL.FindStringSubmatch(msg), password.FindStringSubmatch(msg), exported.FindStringSubmatch(msg)
			if m == nil || p == nil || e == nil {
				t.Fatalf("%s: no authorization URL, password or exported secret and verifier in:\n%s", preset, msg)
			}
			au, pw, secret, verifier = m[1], p[1], e[1], e[2]
		}
		runCLI(t, 0, "-C", dir, "vet")
		runCLI(t, 0, "-C", dir, "generate")
		test := fmt.Sprintf(presetServeTest, au, pw, curl[1], secret, verifier, preset == "service")
		if err := os.WriteFile(filepath.Join(dir, "serve", "next_steps_test.go"), []byte(test), 0o644); err != nil {
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
