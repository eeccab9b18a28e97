package runtime

import (
	"bytes"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestNewServerWarnsAboutPushRequiredClients: a server with the
// authorization endpoint and without pushed authorization requests warns
// at startup about the clients that require them (RFC 9126 §6), which can
// then sign nobody in; with PAR on, without such clients, or without the
// authorization endpoint it says nothing.
func TestNewServerWarnsAboutPushRequiredClients(t *testing.T) {
	strict := htClient("strict", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantAuthorizationCode)
	strict.RequirePushedAuthorizationRequests = true
	web := htClient("web", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantAuthorizationCode)
	const warning = `level=WARN msg="pushed authorization requests: these clients require them (require_pushed_authorization_requests), and the server does not accept them, so every authorization request of theirs is refused; declare endpoints.par in the spec, or drop the requirement" clients=strict` + "\n"
	for _, c := range []struct {
		name      string
		clients   []*Client
		par       bool
		authorize bool
		want      string
	}{
		{"a client requires PAR, the server has none", []*Client{web, strict}, false, true, warning},
		{"the server has PAR", []*Client{web, strict}, true, true, ""},
		{"no client requires it", []*Client{web}, false, true, ""},
		{"no authorization endpoint", []*Client{web, strict}, false, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			reg, err := NewMemoryClients(c.clients...)
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			st := htSettings()
			fl := Flows{Token: []Registration[TokenContext, TokenResponse]{{ID: "oauth-token-authorization-code", Wire: "authorization_code", Grant: htCodeGrant, Flow: htDefaultFlow{}}}}
			if c.authorize {
				st.Paths["oauth-authorize"] = azAuthorizePath
				fl.Authorize = &Registration[AuthorizeContext, AuthorizeResponse]{ID: "oauth-authorize-authorization-code", Flow: azFlow{&azEnv{}}}
			}
			if c.par {
				st.Paths[parEndpointID] = "/par"
				st.PushedAuthorizationRequests = true
			}
			if _, err := NewServer(Config{Clients: reg, Users: NewMemoryUsersMust(t), Keys: htKeys(t), Logger: warnLogger(&logs)}, st, fl); err != nil {
				t.Fatalf("NewServer: %v", err)
			}
			if got := logs.String(); got != c.want {
				t.Errorf("logs =\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}
