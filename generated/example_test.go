package generated_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/generated"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
	"github.com/oauthgen/oauthgen/runtime/runtimetest"
)

// exampleServer builds the generated server, as a service's main does, with
// one confidential client whose secret it returns, and serves it on a
// loopback listener.
func exampleServer(p *generated.Procedures) (srv *httptest.Server, clientID string, secret runtime.Secret) {
	secret, hash := runtime.NewClientSecret() // hand out the secret, store only the hash
	client := &runtime.Client{
		ID:         "reporting",
		AuthMethod: oauth.AuthClientSecretBasic,
		GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials, "urn:example:params:grant-type:magic-link"},
		Scopes:     oauth.ScopeSet{"read"},
	}
	client.SetSecretHash(hash)
	clients, err := runtime.NewMemoryClients(client)
	if err != nil {
		panic(err)
	}
	// The spec also enables the authorization endpoint, whose login page
	// needs users: a service passes its own runtime.UserStore.
	users, err := runtime.NewMemoryUsers()
	if err != nil {
		panic(err)
	}
	s, err := generated.NewServer(runtime.Config{Clients: clients, Users: users, Store: runtime.NewMemoryStore()}, p)
	if err != nil {
		panic(err)
	}
	return httptest.NewServer(s), client.ID, secret
}

// tokenRequest posts form to the token endpoint with the client's Basic
// credentials and decodes the JSON answer.
func tokenRequest(srv *httptest.Server, id string, secret runtime.Secret, form url.Values) (int, map[string]any) {
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(string(secret))) // RFC 6749 §2.3.1
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// jwtClaims decodes the payload of a JWT without verifying it: enough to
// show what a procedure put in. Resource servers verify (RFC 9068 §4).
func jwtClaims(token string) map[string]any {
	parts := strings.Split(token, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	_ = json.Unmarshal(payload, &claims)
	return claims
}

// A service builds its server from the generated NewServer, its
// procedures and a runtime.Config: clients, users, a store, keys
// (generated when none are given). Every flow the spec enables is then served.
func ExampleNewServer() {
	srv, id, secret := exampleServer(&generated.Procedures{})
	defer srv.Close()

	status, body := tokenRequest(srv, id, secret, url.Values{"grant_type": {"client_credentials"}, "scope": {"read"}})
	fmt.Println(status, body["token_type"], body["scope"])
	// Output: 200 Bearer read
}

// A team property ("tenant", declared in the spec with type string and the
// rule omitempty,alphanum,max=32) arrives parsed and validated in the
// flow's context, as c.Tenant; this service's ClientCredentials procedure
// (client_credentials.go) copies it into the access token as a claim.
func ExampleClientCredentials_GenerateToken() {
	srv, id, secret := exampleServer(&generated.Procedures{})
	defer srv.Close()

	_, body := tokenRequest(srv, id, secret, url.Values{"grant_type": {"client_credentials"}, "scope": {"read"}, "tenant": {"acme"}})
	fmt.Println("tenant claim:", jwtClaims(body["access_token"].(string))["tenant"])

	// A value the rule refuses never reaches the procedure: the runtime
	// answers invalid_request, naming the parameter.
	status, body := tokenRequest(srv, id, secret, url.Values{"grant_type": {"client_credentials"}, "scope": {"read"}, "tenant": {"not alphanumeric!"}})
	fmt.Println(status, body["error"])
	// Output:
	// tenant claim: acme
	// 400 invalid_request
}

// An extension grant (RFC 6749 §4.5) is a flow of the spec with its own
// grant_type and properties; its procedure decides whether the grant is
// good. This one redeems one-time magic-link tokens (magic_link.go).
func ExampleMagicLink_GenerateToken() {
	links := generated.NewMagicLinks()
	srv, id, secret := exampleServer(&generated.Procedures{MagicLinks: links})
	defer srv.Close()

	link, err := links.Issue(id, "user-42", time.Now().Add(time.Minute))
	if err != nil {
		panic(err)
	}
	form := url.Values{"grant_type": {"urn:example:params:grant-type:magic-link"}, "scope": {"read"}, "link_token": {string(link)}}
	status, body := tokenRequest(srv, id, secret, form)
	fmt.Println(status, body["token_type"])
	status, body = tokenRequest(srv, id, secret, form) // the link is single use
	fmt.Println(status, body["error"])
	// Output:
	// 200 Bearer
	// 400 invalid_grant
}

// A procedure is unit-tested with runtime/runtimetest: the runtime's real
// pipeline runs in memory, and the test gets the context the procedure
// would receive, every check made and every default filled. The flow's own
// properties are set on the generated context, as a valid request would
// have them. In a service this is a func TestTenantClaim(t *testing.T).
func Example_runtimetest() {
	testTenantClaim = func(t *testing.T) {
		p := &generated.Procedures{}
		srv := runtimetest.New(t, runtimetest.Config{
			Settings: generated.Settings(),
			Flows:    generated.Flows(p),
			Clients: []*runtime.Client{{ID: "svc", GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials},
				Scopes: oauth.ScopeSet{"read"}}},
		})
		c := &generated.ClientCredentialsContext{
			TokenContext: srv.Token(t, "svc", url.Values{"grant_type": {"client_credentials"}, "scope": {"read"}}),
			Tenant:       "acme",
		}
		resp, err := (&generated.ClientCredentials{Procedures: p}).GenerateToken(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		if got := jwtClaims(string(resp.AccessToken))["tenant"]; got != "acme" {
			t.Errorf("tenant claim %v; want acme", got)
		}
	}
}

// testTenantClaim is the test Example_runtimetest shows; TestRuntimetestExample
// runs it, so the example is kept working.
var testTenantClaim func(t *testing.T)

func TestRuntimetestExample(t *testing.T) {
	Example_runtimetest()
	testTenantClaim(t)
}
