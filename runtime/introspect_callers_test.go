package runtime

import (
	"bytes"
	"io"
	"log/slog"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// onlyLookup is a client registry that cannot list its clients.
type onlyLookup struct{ ClientRegistry }

// TestNewServerWarnsAboutIntrospectionCallers: with a registry that lists
// its clients, NewServer warns when no client can call the introspection
// endpoint (none may introspect, or those that may authenticate with a
// method it does not accept). It still starts: the endpoint fails closed.
func TestNewServerWarnsAboutIntrospectionCallers(t *testing.T) {
	app := htClient("app", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantClientCredentials)
	rs := htClient("rs", oauth.AuthClientSecretBasic, htConfSecret)
	rs.RedirectURIs, rs.Introspection = nil, true
	registry := func(cs ...*Client) ClientRegistry {
		reg, err := NewMemoryClients(cs...)
		if err != nil {
			t.Fatal(err)
		}
		return reg
	}
	const noCaller = `level=WARN msg="introspection endpoint: no registered client can call it, so every request is refused; set introspection: true on a confidential client (Client.Introspection) that authenticates with one of auth_methods" endpoint=/introspect auth_methods="client_secret_basic, client_secret_post"`
	for _, c := range []struct {
		name       string
		clients    ClientRegistry
		methods    []string
		introspect bool
		want       string
	}{
		{"no client may introspect", registry(app), nil, true, noCaller + "\n"},
		{"the resource server may", registry(app, rs), nil, true, ""},
		{"the resource server's method is not accepted", registry(app, rs), []string{"client_secret_post", "none"}, true,
			`level=WARN msg="introspection endpoint: no registered client can call it, so every request is refused; set introspection: true on a confidential client (Client.Introspection) that authenticates with one of auth_methods" endpoint=/introspect auth_methods=client_secret_post clients_with_another_method="rs (client_secret_basic)"` + "\n"},
		{"a registry that cannot list its clients", onlyLookup{registry(app)}, nil, true, ""},
		{"no endpoint", registry(app), nil, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			log := warnLogger(&logs)
			s := htSettings()
			s.AuthMethods = []string{"client_secret_basic", "client_secret_post", "none"}
			if c.methods != nil {
				s.AuthMethods = c.methods
			}
			fl := Flows{Token: []Registration[TokenContext, TokenResponse]{{ID: "cc", Wire: string(oauth.GrantClientCredentials), Grant: htCCGrant, Flow: htNopFlow{}}}}
			if c.introspect {
				s.Paths["oauth-introspect"] = "/introspect"
				fl.Introspection = &Registration[IntrospectionContext, IntrospectionResponse]{ID: "oauth-introspect", Flow: itFlow{}}
			}
			if _, err := NewServer(Config{Clients: c.clients, Keys: htKeys(t), Logger: log}, s, fl); err != nil {
				t.Fatalf("NewServer: %v", err)
			}
			if got := logs.String(); got != c.want {
				t.Errorf("logs =\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// warnLogger logs warnings and errors to w as text without times, for
// tests of startup warnings.
func warnLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: slog.LevelWarn,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}
