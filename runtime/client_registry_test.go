package runtime

import (
	"context"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

func TestNewMemoryClients(t *testing.T) {
	good := func() *Client {
		return htClient("c", oauth.AuthClientSecretBasic, "s", oauth.GrantClientCredentials, oauth.GrantAuthorizationCode, oauth.GrantRefreshToken)
	}
	tests := []struct {
		name string
		mod  func(c *Client)
		want string // "" means valid
	}{
		{"valid", func(*Client) {}, ""},
		{"default method", func(c *Client) { c.AuthMethod = "" }, ""},
		{"extension grant", func(c *Client) { c.GrantTypes = append(c.GrantTypes, "urn:example:grant") }, ""},
		{"loopback http", func(c *Client) { c.RedirectURIs = []string{"http://127.0.0.1:4000/cb", "http://[::1]/cb"} }, ""},
		{"private-use scheme", func(c *Client) { c.RedirectURIs = []string{"com.example.app:/cb"} }, ""},
		{"empty id", func(c *Client) { c.ID = "" }, "client_id is empty"},
		{"unknown method", func(c *Client) { c.AuthMethod = "tls_client_auth" }, "unsupported token_endpoint_auth_method"},
		{"client_secret_jwt with a hash", func(c *Client) { c.AuthMethod = oauth.AuthClientSecretJWT }, "not a secret hash"},
		{"confidential without secret", func(c *Client) { c.SetSecretHash("") }, "missing secret hash"},
		{"plain secret", func(c *Client) { c.SetSecretHash("hunter2") }, "unknown secret hash format"},
		{"public with secret", func(c *Client) {
			c.AuthMethod = oauth.AuthNone
			c.GrantTypes = []oauth.GrantType{oauth.GrantAuthorizationCode}
		}, "must not have a secret"},
		{"public client_credentials", func(c *Client) { c.AuthMethod = oauth.AuthNone; c.SetSecretHash("") }, "client_credentials"},
		{"http redirect", func(c *Client) { c.RedirectURIs = []string{"http://app.example/cb"} }, "loopback"},
		{"localhost redirect", func(c *Client) { c.RedirectURIs = []string{"http://localhost/cb"} }, "loopback"},
		{"fragment", func(c *Client) { c.RedirectURIs = []string{"https://app.example/cb#x"} }, "fragment"},
		{"relative redirect", func(c *Client) { c.RedirectURIs = []string{"/cb"} }, "absolute"},
		{"javascript redirect", func(c *Client) { c.RedirectURIs = []string{"javascript:alert(1)"} }, "reverse domain"},
		{"code without redirect", func(c *Client) { c.RedirectURIs = nil }, "redirect_uri"},
		{"no grants", func(c *Client) { c.GrantTypes = nil }, "grant_types is empty"},
		{"unknown grant", func(c *Client) { c.GrantTypes = []oauth.GrantType{"implicit"} }, "unknown grant type"},
		{"grant twice", func(c *Client) { c.GrantTypes = []oauth.GrantType{oauth.GrantRefreshToken, oauth.GrantRefreshToken} }, "twice"},
		{"bad scope", func(c *Client) { c.Scopes = oauth.ScopeSet{"a\\b"} }, "scope"},
		{"default not allowed", func(c *Client) { c.DefaultScopes = oauth.ScopeSet{"admin"} }, "subset"},
		{"empty audience", func(c *Client) { c.Audiences = []string{""} }, "audiences"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.mod(c)
			m, err := NewMemoryClients(c)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				got, _ := m.Client(context.Background(), c.ID)
				if got == nil || got == c || got.AuthMethod == "" {
					t.Fatalf("client %+v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := NewMemoryClients(good(), good()); err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Fatalf("duplicate ids: %v", err)
	}
	if _, err := NewMemoryClients(nil); err == nil {
		t.Fatal("nil client accepted")
	}
	m, _ := NewMemoryClients(good())
	if c, err := m.Client(context.Background(), "nobody"); c != nil || err != nil {
		t.Fatalf("unknown client: %v %v", c, err)
	}
	// A returned client is a copy.
	c1, _ := m.Client(context.Background(), "c")
	c1.Name = "changed"
	if c2, _ := m.Client(context.Background(), "c"); c2.Name == "changed" || len(m.IDs()) != 1 {
		t.Fatal("registry shares its clients")
	}
}
