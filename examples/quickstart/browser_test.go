package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/internal/testenv"
)

// browserInstall says what the real-browser test needs installed.
const browserInstall = "apt-get install chromium nodejs npm, and registry access for npm ci in examples/quickstart/browser (.ci/run does both)"

// browserTools finds Debian's Chromium and node. Their absence skips the
// test, saying what to install, or fails it in CI (internal/testenv).
func browserTools(t *testing.T) (chromium, node string) {
	t.Helper()
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	_, err := os.Stat(chromium)
	testenv.Require(t, "Chromium ("+chromium+")", browserInstall, err)
	node, err = exec.LookPath("node")
	testenv.Require(t, "node", browserInstall, err)
	return chromium, node
}

// browserScripts returns the directory of the browser scripts, with
// playwright-core installed by npm ci when it is not yet. No npm, or an
// npm ci that fails (no registry, say), skips the test outside CI.
func browserScripts(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("browser")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core")); err == nil {
		return dir
	}
	npmBin, err := exec.LookPath("npm")
	testenv.Require(t, "npm", browserInstall, err)
	npm := exec.Command(npmBin, "ci", "--no-audit", "--no-fund")
	npm.Dir = dir
	if out, err := npm.CombinedOutput(); err != nil {
		t.Logf("npm ci in %s:\n%s", dir, out)
		testenv.Require(t, "the npm package playwright-core", browserInstall, fmt.Errorf("npm ci: %w: %s", err, npmReason(out)))
	}
	return dir
}

// npmReason is npm's first error line in out (its cause, in one line), or
// the last line when none is marked as an error.
func npmReason(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "npm error") || strings.HasPrefix(l, "npm ERR!") {
			return strings.TrimSpace(l)
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

// runBrowserScript runs the script of browser/ in node with Debian's
// Chromium, its arguments args and then the test's artifacts directory,
// and returns what it printed and that directory. A script that fails
// fails the test with its output.
func runBrowserScript(t *testing.T, script string, args ...string) ([]byte, string) {
	t.Helper()
	chromium, node := browserTools(t)
	dir := browserScripts(t)
	artifacts := t.ArtifactDir()
	cmd := exec.CommandContext(t.Context(), node, append(append([]string{script}, args...), artifacts)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s: %v\n%s%s", script, err, out, stderr)
	}
	return out, artifacts
}

// wantScreenshots checks that a script saved the screenshots.
func wantScreenshots(t *testing.T, artifacts string, shots ...string) {
	t.Helper()
	for _, shot := range shots {
		if fi, err := os.Stat(filepath.Join(artifacts, shot)); err != nil || fi.Size() == 0 {
			t.Errorf("screenshot %s: %v", shot, err)
		}
	}
}

// TestBrowserSignIn: headless Chromium, driven by playwright-core, opens the
// README's authorize URL, signs in as a demo user, consents, and lands on
// the client's redirect URI with a code, state and iss; the code then
// redeems, with PKCE, for an access token, a refresh token and an ID token
// that verifies. The error page of an unknown client leads back with its
// "Go back" button. Every page passes browser/a11y.mjs (labels, focus
// order, contrast, no /favicon.ico request, no console error).
// Screenshots of the login, consent and error pages are saved as test
// artifacts (go test -artifacts keeps them).
func TestBrowserSignIn(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser; skipped with -short")
	}
	ctx := t.Context()
	_, issuer := startServer(t)
	cfg := demoAppOAuth2Config(issuer)
	verifier := oauth2.GenerateVerifier()
	state := "st+/=%ate"
	authURL := cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", "n-0S6_WzA2Mj"))

	out, artifacts := runBrowserScript(t, "signin.mjs", authURL, cfg.RedirectURL, demoUser, demoPassword)
	landed, err := url.Parse(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("signin.mjs printed %q: %v", out, err)
	}
	q := landed.Query()
	if q.Get("state") != state || q.Get("iss") != issuer || q.Get("code") == "" {
		t.Fatalf("redirect %s: want code, state %q and iss %q (RFC 9207)", landed, state, issuer)
	}
	wantScreenshots(t, artifacts, "login.png", "consent.png", "error.png")
	redeemAndVerify(t, ctx, cfg, issuer, q.Get("code"), verifier, "n-0S6_WzA2Mj")
}

// TestBrowserDemoClient: headless Chromium signs in through the demo
// client (/demo/, sent on to its entry point /demo/login, the login and
// consent pages, /demo/callback) and is shown the signed-in user: the sign-in cookie makes the round trip in a
// real browser. The same callback URL opened in another browser context
// (another person's browser, holding no sign-in cookie) is refused with
// the 400 page: login CSRF (RFC 9700 §4.7). Both pages pass
// browser/a11y.mjs; their screenshots are test artifacts.
func TestBrowserDemoClient(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser; skipped with -short")
	}
	_, issuer := startServer(t)
	out, artifacts := runBrowserScript(t, "demo.mjs", issuer+"/demo/", demoUser, demoPassword)
	var got struct {
		Callback              string
		Status, OtherStatus   int
		Heading, OtherHeading string
		OtherText             string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("demo.mjs printed %q: %v", out, err)
	}
	if got.Status != http.StatusOK || got.Heading != "Signed in as user-alice" {
		t.Errorf("the demo client's callback: %d %q, want 200 and the signed-in user", got.Status, got.Heading)
	}
	if got.OtherStatus != http.StatusBadRequest || !strings.Contains(got.OtherText, "not started in this browser") {
		t.Errorf("the callback in another browser: %d %q %q, want 400 and the refusal", got.OtherStatus, got.OtherHeading, got.OtherText)
	}
	wantScreenshots(t, artifacts, "demo-signed-in.png", "demo-refused.png")
}

// TestBrowserDevice: golang.org/x/oauth2 starts a device authorization as
// demo-tv; headless Chromium completes the verification page from
// verification_uri_complete (browser/device.mjs): the code filled in and
// confirmed, a wrong code refused, the login and consent pages, the result
// page; then DeviceAccessToken gets the tokens. Every page passes
// browser/a11y.mjs; their screenshots are test artifacts.
func TestBrowserDevice(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser; skipped with -short")
	}
	ctx := t.Context()
	_, issuer := startServer(t)
	cfg := demoTVConfig(issuer)
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		t.Fatalf("DeviceAuth: %v", err)
	}
	out, artifacts := runBrowserScript(t, "device.mjs", da.VerificationURIComplete, da.UserCode, demoUser, demoPassword)
	if got := strings.TrimSpace(string(out)); got != "Device connected" {
		t.Errorf("result page heading %q, want Device connected", got)
	}
	wantScreenshots(t, artifacts, "device-code.png", "device-login.png", "device-consent.png", "device-done.png")
	tok, err := cfg.DeviceAccessToken(ctx, da)
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("DeviceAccessToken after the browser approved: %v", err)
	}
}

// TestBrowserLogout: headless Chromium signs in, then opens a logout
// request of demo-app without an ID token: the confirmation page (which
// passes browser/a11y.mjs) ends the session only when "Sign out" is
// pressed, and its 303 reaches the registered post-logout redirect URI
// with state, which the page's form-action allows; the next authorization
// request shows the login page.
func TestBrowserLogout(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser; skipped with -short")
	}
	browserTools(t)
	_, issuer := startServer(t)
	cfg := demoAppOAuth2Config(issuer)
	authURL := cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("nonce", "n-1"))
	logoutURL := issuer + "/oauth2/logout?" + url.Values{"client_id": {"demo-app"}, "post_logout_redirect_uri": {hSignedOut}, "state": {"s+/="}}.Encode()
	out, artifacts := runBrowserScript(t, "logout.mjs", authURL, cfg.RedirectURL, logoutURL, hSignedOut, demoUser, demoPassword)
	var got struct {
		Landed     string
		LoginAgain bool
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("logout.mjs printed %q: %v", out, err)
	}
	if want := hSignedOut + "?state=" + url.QueryEscape("s+/="); got.Landed != want || !got.LoginAgain {
		t.Errorf("landed on %q (want %q), login page again %v", got.Landed, want, got.LoginAgain)
	}
	wantScreenshots(t, artifacts, "logout-confirm.png")
}
