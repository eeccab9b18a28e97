package runtime

import (
	"net/http"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestOwnRequestsReachOnlyPublicAddresses: without Config.HTTPClient, a
// server whose issuer is not on a loopback host refuses to fetch a jwks_uri
// at a loopback address: the client does not authenticate, no request
// reaches the address (the guard refuses the connection; a name resolving
// there is checked the same way, internal/outbound), and the log says why (server-side
// request forgery: whoever registers a client picks the URL). With an
// HTTPClient of the team's, the same fetch is made.
func TestOwnRequestsReachOnlyPublicAddresses(t *testing.T) {
	f := paNewFixture(t)
	jwks := paNewJWKSServer(t, paJWKS(t, f.es))
	uri := jwks.ts.URL + "/jwks.json"
	client := func() *Client {
		return &Client{ID: "pkuri", AuthMethod: oauth.AuthPrivateKeyJWT, GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials},
			Scopes: oauth.ScopeSet{"read"}, DefaultScopes: oauth.ScopeSet{"read"}, JWKSURI: uri}
	}
	settings := func(s *Settings, _ []Registration[TokenContext, TokenResponse]) {
		s.AuthMethods = append(s.AuthMethods, string(oauth.AuthPrivateKeyJWT))
	}

	guarded := itNewEnvConfig(t, func(cfg *Config, _ *Flows) { cfg.Clients = f.clients(t, client()) }, settings)
	htWantError(t, guarded.do(t, htRequest{body: paForm(f.es.sign(t, paClaims("pkuri"), nil))}), http.StatusBadRequest, oauth.ErrInvalidClient)
	if n := jwks.fetches.Load(); n != 0 {
		t.Errorf("%d fetches reached the loopback jwks_uri", n)
	}
	if logs := guarded.logs.String(); !strings.Contains(logs, "not publicly routable") || !strings.Contains(logs, "loopback") {
		t.Errorf("the log does not say why the keys were not fetched:\n%s", logs)
	}

	open := itNewEnvConfig(t, func(cfg *Config, _ *Flows) {
		cfg.Clients = f.clients(t, client())
		cfg.HTTPClient = jwks.ts.Client()
	}, settings)
	htWantOK(t, open.do(t, htRequest{body: paForm(f.es.sign(t, paClaims("pkuri"), nil))}))
	if n := jwks.fetches.Load(); n != 1 {
		t.Errorf("%d fetches with the team's HTTPClient, want 1", n)
	}
}
