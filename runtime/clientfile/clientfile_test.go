package clientfile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

var hash = runtime.HashClientSecret("s3cret")

// csjwtSecret is the secret of a client_secret_jwt client: 43 octets, as
// oauthgen client new mints.
const csjwtSecret = "AqhlQ3c5nJ0p2ZQyvS9mO1uWcT7eXb4dFgHiJkLmNoP"

// TestLoadClientSecretJWT: a client_secret_jwt client's secret is read in
// clear, from YAML and JSON, and never printed.
func TestLoadClientSecretJWT(t *testing.T) {
	for name, doc := range map[string]string{
		"c.yaml": "clients:\n  - client_id: signer\n    token_endpoint_auth_method: client_secret_jwt\n    client_secret: " + csjwtSecret +
			"\n    token_endpoint_auth_signing_alg: HS256\n    grant_types: [client_credentials]\n",
		"c.json": `[{"client_id":"signer","token_endpoint_auth_method":"client_secret_jwt","client_secret":"` + csjwtSecret +
			`","token_endpoint_auth_signing_alg":"HS256","grant_types":["client_credentials"]}]`,
	} {
		m, err := Load(write(t, name, doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c, _ := m.Client(context.Background(), "signer")
		if c == nil || c.SigningSecret.Reveal() != csjwtSecret || c.SecretHash() != "" || c.TokenEndpointAuthSigningAlg != "HS256" {
			t.Fatalf("%s: client %+v", name, c)
		}
		if s := fmt.Sprintf("%v %+v", c, c); strings.Contains(s, csjwtSecret) {
			t.Errorf("%s: the secret is printed: %s", name, s)
		}
	}
}

func TestLoadYAML(t *testing.T) {
	doc := `clients:
  - client_id: svc
    client_name: Service
    token_endpoint_auth_method: client_secret_basic
    client_secret_hash: "` + hash + `"
    grant_types: [client_credentials]
    scopes: [read, write]
    default_scopes: [read]
    audiences: ["https://api.example"]
  - client_id: spa
    token_endpoint_auth_method: none
    grant_types: [authorization_code, refresh_token]
    redirect_uris: ["http://127.0.0.1/cb"]
    require_pkce: true
    require_pushed_authorization_requests: true
`
	for _, name := range []string{"clients.yaml", "clients.yml"} {
		m, err := Load(write(t, name, doc))
		if err != nil {
			t.Fatal(err)
		}
		svc, _ := m.Client(context.Background(), "svc")
		spa, _ := m.Client(context.Background(), "spa")
		if svc == nil || spa == nil || svc.SecretHash() != hash || svc.Name != "Service" || !spa.IsPublic() ||
			!spa.RequirePKCE || !spa.RequirePushedAuthorizationRequests || svc.RequirePushedAuthorizationRequests || svc.Scopes.String() != "read write" || svc.Audiences[0] != "https://api.example" {
			t.Fatalf("clients %+v %+v", svc, spa)
		}
	}
	// A bare list works too, and an empty file is no clients.
	if m, err := Load(write(t, "c.yaml", "- client_id: a\n  client_secret_hash: \""+hash+"\"\n  grant_types: [client_credentials]\n")); err != nil || len(m.IDs()) != 1 {
		t.Fatalf("bare list: %v", err)
	}
	if m, err := Load(write(t, "c.yaml", "")); err != nil || len(m.IDs()) != 0 {
		t.Fatalf("empty file: %v", err)
	}
}

func TestLoadJSON(t *testing.T) {
	p := write(t, "clients.json", `{"clients":[{"client_id":"svc","client_secret_hash":"`+hash+`","grant_types":["client_credentials"]}]}`)
	m, err := Load(p)
	if err != nil || len(m.IDs()) != 1 {
		t.Fatalf("%v", err)
	}
	_, err = Load(write(t, "clients.json", "[\n  {\"client_id\": \"a\", \"nope\": 1}]"))
	if err == nil || !strings.Contains(err.Error(), "clients.json:2:") {
		t.Fatalf("want file:line:col, got %v", err)
	}
	_, err = Load(write(t, "clients.json", `[{"client_id":"a","grant_types":["client_credentials"]}]`))
	if err == nil || !strings.Contains(err.Error(), "missing secret hash") {
		t.Fatalf("validation error: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	ok := "  - client_id: a\n    client_secret_hash: \"" + hash + "\"\n    grant_types: [client_credentials]\n"
	tests := []struct {
		name, file, content, want string
	}{
		{"unknown extension", "c.toml", "", "unknown file type"},
		{"syntax", "c.yaml", "clients: [\n", "c.yaml: yaml:"},
		{"unknown top key", "c.yaml", "clientz: []\n", "c.yaml:1:1: unknown key \"clientz\""},
		{"not a list", "c.yaml", "clients: 3\n", "c.yaml:1:10: want a list"},
		{"not a mapping", "c.yaml", "clients:\n  - 3\n", "c.yaml:2:5: want a client mapping"},
		{"unknown key", "c.yaml", "clients:\n  - client_id: a\n    colour: red\n", "c.yaml:3:5: unknown key \"colour\""},
		{"secret in clear", "c.yaml", "clients:\n  - client_id: a\n    client_secret: hunter2\n", "c.yaml:3:5: client_secret (a secret in clear) is only for client_secret_jwt clients"},
		{"secret in clear, method after it", "c.yaml", "clients:\n  - client_id: a\n    client_secret: " + csjwtSecret + "\n    token_endpoint_auth_method: private_key_jwt\n",
			"c.yaml:3:5: client_secret (a secret in clear) is only for client_secret_jwt clients"},
		{"client_secret_jwt secret too short", "c.yaml", "clients:\n  - client_id: a\n    token_endpoint_auth_method: client_secret_jwt\n    client_secret: hunter2\n    grant_types: [client_credentials]\n",
			"c.yaml:2:5: client \"a\": client_secret has 7 octets; client_secret_jwt needs at least 32"},
		{"client_secret_jwt with a hash", "c.yaml", "clients:\n  - client_id: a\n    token_endpoint_auth_method: client_secret_jwt\n    client_secret_hash: \"" + hash + "\"\n    grant_types: [client_credentials]\n",
			"needs client_secret"},
		{"duplicate key", "c.yaml", "clients:\n  - client_id: a\n    client_id: b\n", "c.yaml:3:5: key \"client_id\" is defined twice"},
		{"wrong type", "c.yaml", "clients:\n  - client_id: a\n    grant_types: client_credentials\n", "c.yaml:3:18: grant_types: cannot unmarshal"},
		{"invalid client", "c.yaml", "clients:\n  - client_id: a\n    grant_types: [client_credentials]\n", "c.yaml:2:5: client \"a\": "},
		{"duplicate id", "c.yaml", "clients:\n" + ok + ok, "c.yaml:5:5: client_id \"a\" is already used at line 2"},
		{"missing file", "", "", "clientfile:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "missing.yaml")
			if tc.file != "" {
				p = write(t, tc.file, tc.content)
			}
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestParseEmbedded: Parse reads the same format from memory, for files
// embedded with go:embed, and names the file in errors.
func TestParseEmbedded(t *testing.T) {
	m, err := Parse("clients.yaml", []byte("clients:\n  - client_id: svc\n    token_endpoint_auth_method: none\n    redirect_uris: [http://127.0.0.1/cb]\n    grant_types: [authorization_code]\n"))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c, _ := m.Client(t.Context(), "svc"); c == nil || !c.IsPublic() {
		t.Fatalf("client svc = %+v; want a public client", c)
	}
	_, err = Parse("embedded.yaml", []byte("clients:\n  - client_id: svc\n    bogus: 1\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "embedded.yaml:") {
		t.Errorf("Parse with an unknown key: err = %v; want an error starting with embedded.yaml:", err)
	}
}

// TestParseJSON: both shapes of a JSON clients file, every member, and the
// errors, with their line:col.
func TestParseJSON(t *testing.T) {
	hash := runtime.HashClientSecret("s")
	doc := `[{"client_id":"a","client_name":"A","token_endpoint_auth_method":"client_secret_post",
  "client_secret_hash":"` + hash + `","grant_types":["client_credentials"],"scopes":["read"],
  "default_scopes":["read"],"audiences":["https://api.example"],"require_pkce":true,"require_pushed_authorization_requests":true},
 {"client_id":"b","token_endpoint_auth_method":"none","grant_types":["authorization_code"],
  "redirect_uris":["http://127.0.0.1/cb"]}]`
	for _, data := range []string{doc, `{"clients":` + doc + `}`} {
		cs, err := parseJSON([]byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 2 || cs[0].ID != "a" || cs[0].Name != "A" || cs[0].SecretHash() != hash || !cs[0].RequirePKCE || !cs[0].RequirePushedAuthorizationRequests ||
			cs[0].Audiences[0] != "https://api.example" || cs[1].RedirectURIs[0] != "http://127.0.0.1/cb" {
			t.Fatalf("clients %+v %+v", cs[0], cs[1])
		}
		if _, err := runtime.NewMemoryClients(cs...); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ data, want string }{
		{`[{"client_id":"a","client_secret":"s"}]`, `client 0 ("a"): client_secret (a secret in clear) is only for client_secret_jwt clients`},
		{`[{"client_id":"a","token_endpoint_auth_method":"private_key_jwt","client_secret":"` + csjwtSecret + `"}]`, "only for client_secret_jwt clients"},
		{`[{"client_id":"a","colour":"red"}]`, `1:`},
		{`[{"client_id":"a","colour":"red"}]`, `unknown field "colour"`},
		{"[\n{\"client_id\": 1}]", "2:"},
		{"[\n{\"client_id\": \"a\",,}]", "2:"},
		{`[] []`, "unexpected data"},
		{`{"clients":[],"other":1}`, "unknown field"},
	} {
		if _, err := parseJSON([]byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseJSON(%s) = %v, want %q", tc.data, err, tc.want)
		}
	}
}

// TestResourceServer: a client that only introspects loads from YAML and
// JSON alike.
func TestResourceServer(t *testing.T) {
	hash := runtime.HashClientSecret("s")
	for name, data := range map[string]string{
		"rs.yaml": "- client_id: api\n  client_secret_hash: " + hash + "\n  introspection: true\n",
		"rs.json": `[{"client_id":"api","client_secret_hash":"` + hash + `","introspection":true}]`,
	} {
		m, err := Parse(name, []byte(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c, _ := m.Client(context.Background(), "api"); c == nil || !c.Introspection || len(c.GrantTypes) != 0 {
			t.Errorf("%s: client %+v", name, c)
		}
	}
}

// A P-256 public key, as a JWK (RFC 7517; RFC 7518 §6.2.1).
const testX, testY = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"

// TestLoadKeyClients: private_key_jwt clients with an inline jwks (a YAML
// mapping or JSON) or a jwks_uri, and their refusals with positions.
func TestLoadKeyClients(t *testing.T) {
	doc := `clients:
  - client_id: inline
    token_endpoint_auth_method: private_key_jwt
    token_endpoint_auth_signing_alg: ES256
    grant_types: [client_credentials]
    jwks:
      keys:
        - {kty: EC, crv: P-256, kid: k1, x: ` + testX + `, y: ` + testY + `}
  - client_id: remote
    token_endpoint_auth_method: private_key_jwt
    grant_types: [client_credentials]
    jwks_uri: https://client.example/jwks.json
`
	m, err := Load(write(t, "clients.yaml", doc))
	if err != nil {
		t.Fatal(err)
	}
	in, _ := m.Client(context.Background(), "inline")
	rm, _ := m.Client(context.Background(), "remote")
	if in == nil || !strings.Contains(string(in.JWKS), `"kid":"k1"`) || in.TokenEndpointAuthSigningAlg != "ES256" || rm == nil || rm.JWKSURI != "https://client.example/jwks.json" {
		t.Fatalf("clients %+v %+v", in, rm)
	}
	js := `[{"client_id":"inline","token_endpoint_auth_method":"private_key_jwt","grant_types":["client_credentials"],
  "jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"` + testX + `","y":"` + testY + `"}]}}]`
	if _, err := Load(write(t, "clients.json", js)); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	for _, tc := range []struct{ name, doc, want string }{
		{"jwks a list", "- client_id: a\n  token_endpoint_auth_method: private_key_jwt\n  grant_types: [client_credentials]\n  jwks: [1]\n", "clients.yaml:4:9: jwks: want a JWK Set"},
		{"private key", "- client_id: a\n  token_endpoint_auth_method: private_key_jwt\n  grant_types: [client_credentials]\n  jwks: {keys: [{kty: EC, crv: P-256, x: " + testX + ", y: " + testY + ", d: AAAA}]}\n", "clients.yaml:1:3: client \"a\": jwks: JWK Set: key 0: a private key"},
		{"http uri", "- client_id: a\n  token_endpoint_auth_method: private_key_jwt\n  grant_types: [client_credentials]\n  jwks_uri: http://client.example/k\n", "must be an absolute https URL"},
		{"no keys", "- client_id: a\n  token_endpoint_auth_method: private_key_jwt\n  grant_types: [client_credentials]\n", "needs jwks or jwks_uri"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(write(t, "clients.yaml", tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
