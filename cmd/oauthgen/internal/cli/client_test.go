package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/generated"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/clientfile"
	"github.com/oauthgen/oauthgen/runtime/oauth"
	"github.com/oauthgen/oauthgen/templates"
)

// appendToQuickstartClients appends entry to a copy of the quickstart's
// clients file and loads it as a server does.
func appendToQuickstartClients(t *testing.T, entry string) *runtime.MemoryClients {
	t.Helper()
	base, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "examples", "quickstart", "clients.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "clients.yaml")
	writeFile(t, file, string(base)+entry)
	clients, err := clientfile.Load(file)
	if err != nil {
		t.Fatalf("the printed entry does not load:\n%s\n%v", entry, err)
	}
	return clients
}

// printedSecret is the secret on the last line of client new's stderr.
func printedSecret(t *testing.T, stderr string) string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "shown only this once") {
		t.Fatalf("stderr = %q", stderr)
	}
	return lines[1]
}

// tokenStatus posts a client_credentials request with Basic credentials
// (RFC 6749 §2.3.1, §4.4.2) to srv and returns the status and the body.
func tokenStatus(t *testing.T, srv *httptest.Server, id, secret string) (int, map[string]any) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// TestClientNewAuthenticates: the printed entry, appended to a clients
// file, loads with runtime/clientfile, and the printed secret gets a token
// from a server of the reference spec that uses those clients; another
// secret does not.
func TestClientNewAuthenticates(t *testing.T) {
	code, stdout, stderr := run(t, "client", "new", "-id", "reporting", "-name", "Reporting", "-scopes", "read,write", "-default-scopes", "read")
	if code != 0 {
		t.Fatalf("exit %d, %s", code, stderr)
	}
	want := regexp.MustCompile(`^  # Added by oauthgen client new, which printed the secret once; only its hash is kept.
  - client_id: reporting
    client_name: Reporting
    token_endpoint_auth_method: client_secret_basic
    client_secret_hash: sha256:[A-Za-z0-9_-]{43}
    grant_types: \[client_credentials\]
    scopes: \[read, write\]
    default_scopes: \[read\]
$`)
	if !want.MatchString(stdout) {
		t.Errorf("stdout:\n%s", stdout)
	}
	secret := printedSecret(t, stderr)
	if strings.Contains(stdout, secret) {
		t.Error("the secret is in the entry")
	}
	clients := appendToQuickstartClients(t, stdout)
	cl, err := clients.Client(t.Context(), "reporting")
	if err != nil || cl == nil {
		t.Fatalf("client reporting not loaded: %v", err)
	}
	if got := runtime.HashClientSecret(runtime.Secret(secret)); got != cl.SecretHash() {
		t.Errorf("hash of the printed secret %s, loaded %s", got, cl.SecretHash())
	}

	users, err := runtime.NewMemoryUsers()
	if err != nil {
		t.Fatal(err)
	}
	s, err := generated.NewServer(runtime.Config{Clients: clients, Users: users, Store: runtime.NewMemoryStore()}, &generated.Procedures{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	if status, body := tokenStatus(t, srv, "reporting", secret); status != http.StatusOK || body["access_token"] == nil || body["scope"] != "read" {
		t.Errorf("token request with the printed secret: %d %v", status, body)
	}
	if status, body := tokenStatus(t, srv, "reporting", secret+"x"); status != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Errorf("token request with another secret: %d %v", status, body)
	}
}

func TestClientNewVariants(t *testing.T) {
	t.Run("random id, two calls, two clients", func(t *testing.T) {
		_, a, errA := run(t, "client", "new")
		_, b, errB := run(t, "client", "new")
		idRe := regexp.MustCompile(`client_id: ([a-z2-7]{26})\n`)
		ma, mb := idRe.FindStringSubmatch(a), idRe.FindStringSubmatch(b)
		if ma == nil || mb == nil || ma[1] == mb[1] {
			t.Fatalf("ids:\n%s\n%s", a, b)
		}
		if sa, sb := printedSecret(t, errA), printedSecret(t, errB); sa == sb || len(sa) < 43 {
			t.Errorf("secrets %q %q", sa, sb)
		}
		clients := appendToQuickstartClients(t, a+b)
		if len(clients.IDs()) < 2 {
			t.Errorf("ids = %v", clients.IDs())
		}
	})
	t.Run("public client with redirect URIs", func(t *testing.T) {
		code, stdout, stderr := run(t, "client", "new", "-id", "spa", "-auth-method", "none",
			"-grant-types", "authorization_code,refresh_token", "-redirect-uris", "http://127.0.0.1:9090/cb,https://app.example.com/cb?x=1",
			"-scopes", "openid,profile", "-require-pkce", "-require-par", "-audiences", "https://api.example.com")
		if code != 0 || stderr != "" || strings.Contains(stdout, "client_secret_hash") {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		clients := appendToQuickstartClients(t, stdout)
		cl, _ := clients.Client(t.Context(), "spa")
		if cl == nil || !cl.IsPublic() || !cl.RequirePKCE || !cl.RequirePushedAuthorizationRequests || len(cl.RedirectURIs) != 2 || cl.RedirectURIs[1] != "https://app.example.com/cb?x=1" || cl.Audiences[0] != "https://api.example.com" {
			t.Errorf("client = %+v", cl)
		}
	})
	t.Run("relying party with logout URIs", func(t *testing.T) {
		code, stdout, stderr := run(t, "client", "new", "-id", "rp", "-auth-method", "none",
			"-grant-types", "authorization_code", "-redirect-uris", "https://rp.example/cb",
			"-post-logout-redirect-uris", "https://rp.example/bye,https://rp.example/bye?x=1", "-backchannel-logout-uri", "https://rp.example/bc")
		if code != 0 {
			t.Fatalf("exit %d, %s", code, stderr)
		}
		cl, _ := appendToQuickstartClients(t, stdout).Client(t.Context(), "rp")
		if cl == nil || len(cl.PostLogoutRedirectURIs) != 2 || cl.PostLogoutRedirectURIs[1] != "https://rp.example/bye?x=1" || cl.BackchannelLogoutURI != "https://rp.example/bc" {
			t.Errorf("client = %+v", cl)
		}
		if code, _, stderr := run(t, "client", "new", "-auth-method", "none", "-grant-types", "authorization_code", "-redirect-uris", "https://rp.example/cb",
			"-backchannel-logout-uri", "http://rp.example/bc"); code == 0 || !strings.Contains(stderr, "backchannel_logout_uri") {
			t.Errorf("an http backchannel_logout_uri: exit %d, %s", code, stderr)
		}
	})
	t.Run("introspecting resource server, secret in the form", func(t *testing.T) {
		code, stdout, stderr := run(t, "client", "new", "-id", "api", "-auth-method", "client_secret_post", "-grant-types", "", "-introspection")
		if code != 0 {
			t.Fatalf("exit %d, %s", code, stderr)
		}
		printedSecret(t, stderr)
		cl, _ := appendToQuickstartClients(t, stdout).Client(t.Context(), "api")
		if cl == nil || !cl.Introspection || len(cl.GrantTypes) != 0 || cl.AuthMethod != "client_secret_post" {
			t.Errorf("client = %+v\n%s", cl, stdout)
		}
	})
	t.Run("private_key_jwt with a JWK Set file", func(t *testing.T) {
		jwks := filepath.Join(t.TempDir(), "jwks.json")
		writeFile(t, jwks, `{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`)
		code, stdout, stderr := run(t, "client", "new", "-id", "signer", "-auth-method", "private_key_jwt", "-jwks", jwks, "-signing-alg", "ES256")
		if code != 0 || stderr != "" || strings.Contains(stdout, "client_secret_hash") {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		cl, _ := appendToQuickstartClients(t, stdout).Client(t.Context(), "signer")
		if cl == nil || cl.AuthMethod != oauth.AuthPrivateKeyJWT || !strings.Contains(string(cl.JWKS), `"kid":"k1"`) || cl.TokenEndpointAuthSigningAlg != "ES256" {
			t.Errorf("client = %+v\n%s", cl, stdout)
		}
	})
	t.Run("client_secret_jwt", func(t *testing.T) {
		code, stdout, stderr := run(t, "client", "new", "-id", "macer", "-auth-method", "client_secret_jwt", "-signing-alg", "HS256")
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 0 || len(lines) != 2 || !strings.Contains(lines[0], "protect the clients file like a private key") {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		secret := lines[1]
		if len(secret) != 43 || strings.Contains(stdout, "client_secret_hash") || !strings.Contains(stdout, "client_secret: "+secret) {
			t.Fatalf("secret %q, entry\n%s", secret, stdout)
		}
		cl, _ := appendToQuickstartClients(t, stdout).Client(t.Context(), "macer")
		if cl == nil || cl.AuthMethod != oauth.AuthClientSecretJWT || cl.SigningSecret.Reveal() != secret || cl.SecretHash() != "" || cl.TokenEndpointAuthSigningAlg != "HS256" {
			t.Errorf("client = %+v\n%s", cl, stdout)
		}
	})
	t.Run("private_key_jwt with a jwks_uri", func(t *testing.T) {
		code, stdout, stderr := run(t, "client", "new", "-id", "signer", "-auth-method", "private_key_jwt", "-jwks-uri", "https://client.example/jwks.json")
		if code != 0 || stderr != "" {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
		cl, _ := appendToQuickstartClients(t, stdout).Client(t.Context(), "signer")
		if cl == nil || cl.JWKSURI != "https://client.example/jwks.json" {
			t.Errorf("client = %+v\n%s", cl, stdout)
		}
	})
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"client"}, "usage: oauthgen client new"},
		{[]string{"client", "old"}, "usage: oauthgen client new"},
		{[]string{"client", "new", "-nope"}, "flag provided but not defined"},
		{[]string{"client", "new", "extra"}, "unexpected arguments extra"},
		{[]string{"client", "new", "-grant-types", "bogus"}, `unknown grant type "bogus"`},
		{[]string{"client", "new", "-auth-method", "private_key_jwt"}, "needs jwks or jwks_uri"},
		{[]string{"client", "new", "-auth-method", "private_key_jwt", "-jwks-uri", "http://client.example/k"}, "https"},
		{[]string{"client", "new", "-auth-method", "private_key_jwt", "-jwks", "/nonexistent/jwks.json"}, "-jwks"},
		{[]string{"client", "new", "-jwks-uri", "https://client.example/k"}, "private_key_jwt clients only"},
		{[]string{"client", "new", "-auth-method", "client_secret_jwt", "-signing-alg", "HS512"}, "too short for HS512"},
		{[]string{"client", "new", "-auth-method", "client_secret_jwt", "-signing-alg", "ES256"}, "not one of HS256"},
	} {
		code, stdout, stderr := run(t, tt.args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tt.args, code, stdout, stderr)
		}
	}
}

// TestClientNewAppendsToInitFile: for every preset, the command init's next
// steps give for more clients, run as printed (NAME and REDIRECT_URI filled
// in) with its output appended to the clients.yaml init wrote, adds a
// client that runtime/clientfile loads beside init's own, with the hash of
// the printed secret and grants the preset's server serves. It does so
// too when the file's last line has lost its newline.
func TestClientNewAppendsToInitFile(t *testing.T) {
	more := regexp.MustCompile(`(?m)^ +go tool oauthgen (client new -id NAME .*) >> clients\.yaml$`)
	for _, preset := range templates.Presets {
		for _, trailingNewline := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/newline=%t", preset, trailingNewline), func(t *testing.T) {
				mod := t.TempDir()
				writeFile(t, filepath.Join(mod, "go.mod"), "module example.com/svc\n")
				dir := filepath.Join(mod, "auth")
				code, msg, stderr := run(t, "-C", dir, "init", "-preset", preset)
				if code != 0 {
					t.Fatalf("init: exit %d, %s", code, stderr)
				}
				m := more.FindStringSubmatch(msg)
				if m == nil {
					t.Fatalf("init's next steps give no client new command appending to clients.yaml:\n%s", msg)
				}
				args := strings.Fields(strings.NewReplacer("NAME", "extra", "REDIRECT_URI", "http://127.0.0.1:8080/extra/callback").Replace(m[1]))
				code, entry, stderr := run(t, args...)
				if code != 0 {
					t.Fatalf("%s: exit %d, %s", m[1], code, stderr)
				}
				secret := printedSecret(t, stderr)

				file := filepath.Join(dir, "clients.yaml")
				before, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if !trailingNewline {
					before = bytes.TrimRight(before, "\n")
				}
				writeFile(t, file, string(before)+entry)
				clients, err := clientfile.Load(file)
				if err != nil {
					t.Fatalf("clients.yaml with the entry appended does not load: %v\n%s%s", err, before, entry)
				}
				if ids := clients.IDs(); len(ids) != 2 || ids[1] != "extra" {
					t.Fatalf("clients %v, want init's and extra", ids)
				}
				cl, err := clients.Client(t.Context(), "extra")
				if err != nil {
					t.Fatal(err)
				}
				if got := runtime.HashClientSecret(runtime.Secret(secret)); got != cl.SecretHash() {
					t.Errorf("hash of the printed secret %s, loaded %s", got, cl.SecretHash())
				}
				// The new client may use a flow of the preset's spec.
				grant := oauth.GrantClientCredentials
				if preset == "oidc" {
					grant = oauth.GrantAuthorizationCode
				}
				if !cl.AllowsGrant(grant) || preset == "oidc" && (len(cl.RedirectURIs) != 1 || !cl.RequirePKCE) {
					t.Errorf("client extra = %+v: not a client of the %s preset's server", cl, preset)
				}
			})
		}
	}
}

// TestClientNewUsage: the help names the file init writes and how the
// entry is appended to it.
func TestClientNewUsage(t *testing.T) {
	code, stdout, _ := run(t, "client", "new", "-h")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"oauthgen init writes", ">> clients.yaml", "under its clients: key", "ends the file init writes"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("usage lacks %q:\n%s", want, stdout)
		}
	}
}
