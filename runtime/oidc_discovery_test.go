package runtime

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// getDoc fetches a JSON document from the test server and decodes it.
func getDoc(t *testing.T, env *htEnv, path string) (map[string]json.RawMessage, *httptest.ResponseRecorder) {
	t.Helper()
	w := env.do(t, htRequest{method: http.MethodGet, path: path})
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String())
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return doc, w
}

func docStrings(t *testing.T, doc map[string]json.RawMessage, name string) []string {
	t.Helper()
	var out []string
	if err := json.Unmarshal(doc[name], &out); err != nil {
		t.Fatalf("%s = %s: %v", name, doc[name], err)
	}
	return out
}

// TestOpenIDConfiguration: the document has every member OIDC Discovery §3
// makes REQUIRED, the RECOMMENDED ones the server can fill, the real values
// of the members whose omission means something else, and is served with
// Cache-Control public, max-age=300.
func TestOpenIDConfiguration(t *testing.T) {
	env := oidcNewEnv(t, oidcConfig{})
	doc, w := getDoc(t, env.htEnv, "/.well-known/openid-configuration")
	if got := w.Header().Get("Cache-Control"); got != "public, max-age=300" {
		t.Errorf("Cache-Control = %q", got)
	}
	if got := w.Header().Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	// OIDC Discovery §3 REQUIRED (authorization_endpoint only with an
	// authorization flow, which this server does not register).
	for _, m := range []string{"issuer", "token_endpoint", "jwks_uri", "response_types_supported",
		"subject_types_supported", "id_token_signing_alg_values_supported"} {
		if _, ok := doc[m]; !ok {
			t.Errorf("REQUIRED member %s missing", m)
		}
	}
	want := map[string]string{
		"issuer":                                `"` + htIssuer + `"`,
		"token_endpoint":                        `"` + htIssuer + `/oauth2/token"`,
		"jwks_uri":                              `"` + htIssuer + `/oauth2/jwks"`,
		"userinfo_endpoint":                     `"` + htIssuer + oidcUserInfoPath + `"`,
		"subject_types_supported":               `["public"]`,
		"id_token_signing_alg_values_supported": `["RS256"]`,
		"scopes_supported":                      `["openid","profile","email","address","phone","offline_access","read"]`,
		"claims_parameter_supported":            `false`,
		"request_parameter_supported":           `false`,
		"request_uri_parameter_supported":       `false`,
		"code_challenge_methods_supported":      `["S256"]`,
	}
	for m, v := range want {
		if got := string(doc[m]); got != v {
			t.Errorf("%s = %s, want %s", m, got, v)
		}
	}
	grants := docStrings(t, doc, "grant_types_supported")
	if !slices.Contains(grants, "authorization_code") || !slices.Contains(grants, "refresh_token") {
		t.Errorf("grant_types_supported = %v", grants)
	}
	if _, ok := doc["token_endpoint_auth_methods_supported"]; !ok {
		t.Error("token_endpoint_auth_methods_supported missing")
	}
	if _, ok := doc["response_modes_supported"]; !ok {
		t.Error("response_modes_supported missing (its omission means query and fragment)")
	}
	claims := docStrings(t, doc, "claims_supported")
	for _, c := range []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "azp", "email", "email_verified", "name", "address", "phone_number"} {
		if !slices.Contains(claims, c) {
			t.Errorf("claims_supported lacks %s: %v", c, claims)
		}
	}

	// A spec without the phone scope does not advertise its claims.
	var scopes []ScopeInfo
	for _, s := range oidcScopes() {
		if s.Name != oauth.ScopePhone {
			scopes = append(scopes, s)
		}
	}
	doc, _ = getDoc(t, oidcNewEnv(t, oidcConfig{scopes: scopes}).htEnv, "/.well-known/openid-configuration")
	if claims := docStrings(t, doc, "claims_supported"); slices.Contains(claims, "phone_number") {
		t.Errorf("claims_supported lists phone_number without the phone scope: %v", claims)
	}
}

// TestOpenIDConfigurationMatchesRFC8414: the OpenID configuration and the
// RFC 8414 document agree on every member they share,
// at the locations of OIDC Discovery §4.1 and RFC 8414 §3.1 for an issuer
// with a path.
func TestOpenIDConfigurationMatchesRFC8414(t *testing.T) {
	for _, issuer := range []string{htIssuer, htIssuer + "/tenant"} {
		t.Run(issuer, func(t *testing.T) {
			env := oidcNewEnv(t, oidcConfig{issuer: issuer})
			suffix := strings.TrimPrefix(issuer, htIssuer)
			oidcDoc, ow := getDoc(t, env.htEnv, suffix+"/.well-known/openid-configuration")
			oauthDoc, aw := getDoc(t, env.htEnv, "/.well-known/oauth-authorization-server"+suffix)
			shared := 0
			for m, v := range oidcDoc {
				if o, ok := oauthDoc[m]; ok {
					shared++
					if !bytes.Equal(v, o) {
						t.Errorf("%s: OpenID %s, RFC 8414 %s", m, v, o)
					}
				}
			}
			if shared < 12 {
				t.Errorf("only %d shared members", shared)
			}
			if !bytes.Equal(ow.Body.Bytes(), aw.Body.Bytes()) {
				t.Error("the two documents differ")
			}
			if got := string(oidcDoc["issuer"]); got != `"`+issuer+`"` {
				t.Errorf("issuer = %s, want the issuer the path was built from (OIDC Discovery §4.3)", got)
			}
			if env.srv.OpenIDConfigurationPath() != suffix+"/.well-known/openid-configuration" {
				t.Errorf("OpenIDConfigurationPath = %q", env.srv.OpenIDConfigurationPath())
			}
		})
	}
}

// TestOpenIDConfigurationWithAuthorize: with the authorization endpoint,
// authorization_endpoint (REQUIRED, OIDC Discovery §3), response_type code
// and the RFC 9207 iss parameter are advertised, in both documents alike.
func TestOpenIDConfigurationWithAuthorize(t *testing.T) {
	env := oidcNewEnv(t, oidcConfig{authorize: true})
	doc, ow := getDoc(t, env.htEnv, "/.well-known/openid-configuration")
	_, aw := getDoc(t, env.htEnv, "/.well-known/oauth-authorization-server")
	if !bytes.Equal(ow.Body.Bytes(), aw.Body.Bytes()) {
		t.Error("the two documents differ")
	}
	if got := string(doc["authorization_endpoint"]); got != `"`+htIssuer+`/oauth2/authorize"` {
		t.Errorf("authorization_endpoint = %s", got)
	}
	if got := docStrings(t, doc, "response_types_supported"); !slices.Contains(got, "code") {
		t.Errorf("response_types_supported = %v", got)
	}
	if got := string(doc["authorization_response_iss_parameter_supported"]); got != "true" {
		t.Errorf("authorization_response_iss_parameter_supported = %s", got)
	}
}

// TestOpenIDConfigurationGoOIDC: go-oidc discovers the server at an issuer
// with a path.
func TestOpenIDConfigurationGoOIDC(t *testing.T) {
	env, ts := oidcServe(t, oidcConfig{issuer: "/tenant"})
	p, verifier, ctx := oidcProvider(t, env, ts.URL+"/tenant", "rp")
	if p.Endpoint().TokenURL != ts.URL+"/oauth2/token" {
		t.Errorf("token URL %q", p.Endpoint().TokenURL)
	}
	b := env.tokens(t, "openid")
	if _, err := verifier.Verify(ctx, idTokenOf(b)); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

// TestOpenIDConfigurationMethods: GET and HEAD only.
func TestOpenIDConfigurationMethods(t *testing.T) {
	env := oidcNewEnv(t, oidcConfig{})
	const path = "/.well-known/openid-configuration"
	w := env.do(t, htRequest{method: http.MethodHead, path: path})
	if w.Code != http.StatusOK || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "0" {
		t.Errorf("HEAD: %d, body %d bytes, Content-Length %q", w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
	}
	w = env.do(t, htRequest{method: http.MethodPost, path: path})
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
}

// TestOpenIDConfigurationOnlyForOpenID: a server without the openid scope
// serves no OpenID configuration, and its RFC 8414 document no OpenID member.
func TestOpenIDConfigurationOnlyForOpenID(t *testing.T) {
	env := htNewEnv(t)
	if w := env.do(t, htRequest{method: http.MethodGet, path: "/.well-known/openid-configuration"}); w.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", w.Code)
	}
	doc, _ := getDoc(t, env, "/.well-known/oauth-authorization-server")
	for _, m := range []string{"subject_types_supported", "id_token_signing_alg_values_supported", "userinfo_endpoint", "claims_supported"} {
		if _, ok := doc[m]; ok {
			t.Errorf("member %s in a non-OpenID document", m)
		}
	}
}

// TestOpenIDSigningAlgs: with ES256 ID tokens and ES256 access tokens the
// document lists ES256 and RS256, and the JWKS publishes an RS256 key
// beside the ES256 one, with distinct kids (OIDC Discovery §3); every listed
// algorithm has a key.
func TestOpenIDSigningAlgs(t *testing.T) {
	for _, tc := range []struct {
		idAlg string
		want  []string
	}{
		{"", []string{oauth.AlgRS256}},
		{oauth.AlgES256, []string{oauth.AlgES256, oauth.AlgRS256}},
		{oauth.AlgEdDSA, []string{oauth.AlgEdDSA, oauth.AlgRS256}},
	} {
		t.Run(tc.idAlg, func(t *testing.T) {
			env := oidcNewEnv(t, oidcConfig{idAlg: tc.idAlg})
			doc, _ := getDoc(t, env.htEnv, "/.well-known/openid-configuration")
			got := docStrings(t, doc, "id_token_signing_alg_values_supported")
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("id_token_signing_alg_values_supported = %v, want %v", got, tc.want)
			}
			var jwks struct {
				Keys []struct{ Kid, Alg string }
			}
			w := env.do(t, htRequest{method: http.MethodGet, path: "/oauth2/jwks"})
			if err := json.Unmarshal(w.Body.Bytes(), &jwks); err != nil {
				t.Fatal(err)
			}
			kids := map[string]bool{}
			var algs []string
			for _, k := range jwks.Keys {
				if kids[k.Kid] {
					t.Errorf("kid %s twice", k.Kid)
				}
				kids[k.Kid] = true
				algs = append(algs, k.Alg)
			}
			for _, a := range append(tc.want, oauth.AlgES256) {
				if !slices.Contains(algs, a) {
					t.Errorf("JWKS has no %s key: %v", a, algs)
				}
			}
		})
	}
}

// TestScopeClaimsCoverUserClaims: scopeClaims names every member of
// UserClaims exactly once, so isUserClaim and claims_supported cannot miss
// one (OIDC Core §5.1, §5.4).
func TestScopeClaimsCoverUserClaims(t *testing.T) {
	seen := map[string]int{}
	for _, sc := range scopeClaims {
		for _, c := range sc.claims {
			seen[c]++
		}
	}
	ty := reflect.TypeFor[UserClaims]()
	for i := 0; i < ty.NumField(); i++ {
		name, _, _ := strings.Cut(ty.Field(i).Tag.Get("json"), ",")
		if seen[name] != 1 {
			t.Errorf("UserClaims member %q is in scopeClaims %d times, want 1", name, seen[name])
		}
		delete(seen, name)
	}
	for name := range seen {
		t.Errorf("scopeClaims names %q, which UserClaims does not have", name)
	}
}
