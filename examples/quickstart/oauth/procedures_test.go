package oauth

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
	"github.com/oauthgen/oauthgen/runtime/runtimetest"
)

// The quickstart's procedures, unit-tested with runtimetest: no HTTP
// server, the runtime's real checks and defaults, a fake clock.

var procs = &Procedures{DefaultTenant: "public"}

func testServer(t *testing.T) *runtimetest.Server {
	return runtimetest.New(t, runtimetest.Config{
		Settings: Settings(),
		Flows:    Flows(procs),
		Clients: []*runtime.Client{
			{ID: "svc", GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials}, Scopes: oauth.ScopeSet{"read"}, DefaultScopes: oauth.ScopeSet{"read"}},
			{ID: "app", AuthMethod: oauth.AuthNone, GrantTypes: []oauth.GrantType{oauth.GrantAuthorizationCode, oauth.GrantRefreshToken},
				RedirectURIs: []string{"https://app.example/cb"}, Scopes: oauth.ScopeSet{"read"}},
		},
	})
}

// TestClientCredentialsTenant: the tenant property becomes the tenant
// claim, defaults to the Procedures' tenant, and "blocked" is refused with
// the flow's own error constructor.
func TestClientCredentialsTenant(t *testing.T) {
	srv := testServer(t)
	for _, tc := range []struct{ tenant, claim string }{{"acme", "acme"}, {"", "public"}} {
		c := &ClientCredentialsContext{TokenContext: srv.Token(t, "svc", url.Values{"grant_type": {"client_credentials"}})}
		c.Tenant = tc.tenant // as the request would have carried it, validated
		resp, err := (&ClientCredentials{Procedures: procs}).GenerateToken(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		rec, active, err := srv.AccessTokenActive(context.Background(), resp.AccessToken)
		if err != nil || !active || rec.Claims.Extra["tenant"] != tc.claim {
			t.Errorf("tenant %q: token %+v active %v err %v", tc.tenant, rec.Claims.Extra, active, err)
		}
	}
	c := &ClientCredentialsContext{TokenContext: srv.Token(t, "svc", url.Values{"grant_type": {"client_credentials"}}), Tenant: "blocked"}
	if _, err := (&ClientCredentials{Procedures: procs}).GenerateToken(context.Background(), c); oauth.AsError(err).Code != oauth.ErrInvalidRequest {
		t.Errorf("blocked tenant: %v", err)
	}
}

// TestAuthorizationCodeLocale: the locale the authorize procedure attached
// to the code becomes the locale claim of the access token.
func TestAuthorizationCodeLocale(t *testing.T) {
	srv := testServer(t)
	const verifier = "0123456789abcdefghijklmnopqrstuvwxyz-._~ABCDEFGH"
	data, _ := json.Marshal(CodeData{Locale: "fr-CA"})
	code := srv.IssueCode(t, runtime.AuthorizationCode{ClientID: "app", RedirectURI: "https://app.example/cb", RedirectURIProvided: true,
		Scope: oauth.ScopeSet{"read"}, CodeChallenge: oauth.S256Challenge(verifier), CodeChallengeMethod: oauth.PKCEMethodS256, Data: data})
	c := &AuthorizationCodeContext{TokenContext: srv.Token(t, "app", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {"https://app.example/cb"}, "code_verifier": {verifier}})}
	c.CodeData = CodeData{Locale: "fr-CA"} // as generated code decodes it from c.Code.Data
	resp, err := (&AuthorizationCode{Procedures: procs}).GenerateToken(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if rec, active, _ := srv.AccessTokenActive(context.Background(), resp.AccessToken); !active || rec.Claims.Extra["locale"] != "fr-CA" || rec.Claims.Subject != "alice" {
		t.Errorf("token %+v active %v", rec.Claims, active)
	}
}
