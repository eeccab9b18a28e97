package generated

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

// The RFC 8414 metadata document and the JWK Set of the generated server.

// TestMetadata: the document advertises exactly what the reference spec
// enables: the four grant types, the three auth methods, S256 only, the
// spec's scopes, the code response type, RS256 ID tokens, endpoints under
// the issuer (RFC 8414 §2, §3; RFC 9700 §2.1.1). The members OpenID Connect
// adds whatever the spec says (oidcMembers) are the runtime's, and tested
// there.
func TestMetadata(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, call{method: http.MethodGet, path: "/.well-known/oauth-authorization-server", ctype: "-"})
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET metadata: %d %s %s", r.status, r.header.Get("Content-Type"), r.raw)
	}
	if cc := r.header.Get("Cache-Control"); cc != "public, max-age=300" {
		t.Errorf("Cache-Control = %q, want a public cacheable document", cc)
	}
	var got map[string]any
	if err := json.Unmarshal(r.raw, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"issuer":         specIssuer,
		"token_endpoint": specIssuer + "/oauth2/token",
		"jwks_uri":       specIssuer + "/oauth2/jwks",
		"grant_types_supported": []any{"authorization_code", "client_credentials", "refresh_token", "password", deviceGrant,
			"urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:jwt-bearer", magicGrant},
		"token_endpoint_auth_methods_supported":                    []any{"client_secret_basic", "client_secret_post", "client_secret_jwt", "none"},
		"token_endpoint_auth_signing_alg_values_supported":         []any{"HS256", "HS384", "HS512"},
		"code_challenge_methods_supported":                         []any{"S256"},
		"scopes_supported":                                         []any{"read", "write", "admin", "openid", "profile", "email", "offline_access"},
		"response_types_supported":                                 []any{"code"},
		"request_parameter_supported":                              false,
		"request_uri_parameter_supported":                          false,
		"claims_parameter_supported":                               false,
		"authorization_endpoint":                                   specIssuer + "/oauth2/authorize",
		"userinfo_endpoint":                                        specIssuer + "/oauth2/userinfo",
		"id_token_signing_alg_values_supported":                    []any{"RS256"},
		"introspection_endpoint":                                   specIssuer + "/oauth2/introspect",
		"introspection_endpoint_auth_methods_supported":            []any{"client_secret_basic", "client_secret_post", "client_secret_jwt"},
		"introspection_endpoint_auth_signing_alg_values_supported": []any{"HS256", "HS384", "HS512"},
		"introspection_signing_alg_values_supported":               []any{"ES256"},
		"revocation_endpoint":                                      specIssuer + "/oauth2/revoke",
		"revocation_endpoint_auth_methods_supported":               []any{"client_secret_basic", "client_secret_post", "client_secret_jwt", "none"},
		"revocation_endpoint_auth_signing_alg_values_supported":    []any{"HS256", "HS384", "HS512"},
		"pushed_authorization_request_endpoint":                    specIssuer + "/oauth2/par", // RFC 9126 §5
		"require_pushed_authorization_requests":                    false,
		"end_session_endpoint":                                     specIssuer + "/oauth2/logout", // RP-Initiated Logout 1.0 §2.1
		"backchannel_logout_supported":                             true,                          // Back-Channel Logout 1.0 §2.1
		"backchannel_logout_session_supported":                     true,
		"device_authorization_endpoint":                            specIssuer + "/oauth2/device_authorization", // RFC 8628 §4
	}
	oidcMembers := []string{"response_modes_supported", "claims_supported", "subject_types_supported", "authorization_response_iss_parameter_supported"}
	for _, k := range oidcMembers {
		if _, ok := got[k]; !ok {
			t.Errorf("metadata lacks %s", k)
		}
		delete(got, k)
	}
	if !reflect.DeepEqual(got, want) {
		gotJSON, _ := json.MarshalIndent(got, "", "  ")
		t.Errorf("metadata:\n%s", gotJSON)
		for k, v := range want {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("%s = %#v, want %#v", k, got[k], v)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("unexpected member %s", k)
			}
		}
	}
	// The Go view agrees with the served document.
	if md := e.srv.Metadata(); len(md.GrantTypesSupported) != 8 || e.srv.MetadataPath() != "/.well-known/oauth-authorization-server" {
		t.Errorf("Metadata() %+v, MetadataPath %q", md, e.srv.MetadataPath())
	}
}

// TestJWKS: the JWK Set has the ES256 signing key with public members only,
// and it is the key that signs the access tokens (RFC 7517 §5; RFC 7518
// §6.2.1). The reference spec's ID tokens are RS256, so an RSA key is
// published beside it (OIDC Discovery §3), public members only too.
func TestJWKS(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, call{method: http.MethodGet, path: "/oauth2/jwks", ctype: "-"})
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/jwk-set+json" {
		t.Fatalf("GET jwks: %d %q", r.status, r.header.Get("Content-Type"))
	}
	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(r.raw, &doc); err != nil {
		t.Fatal(err)
	}
	var k map[string]any
	for _, key := range doc.Keys {
		switch key["alg"] {
		case "ES256":
			k = key
		case "RS256":
			for name := range key {
				switch name {
				case "kty", "use", "alg", "kid", "n", "e":
				default:
					t.Errorf("RSA JWK member %q (private members are d, p, q, dp, dq, qi, oth)", name)
				}
			}
		default:
			t.Errorf("unexpected key %v", key)
		}
	}
	if len(doc.Keys) != 2 || k == nil {
		t.Fatalf("%d keys, want the ES256 key of access tokens and the RS256 key of ID tokens: %v", len(doc.Keys), doc.Keys)
	}
	for name, v := range map[string]any{"kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256"} {
		if k[name] != v {
			t.Errorf("%s = %v, want %v", name, k[name], v)
		}
	}
	for name := range k {
		switch name {
		case "kty", "crv", "use", "alg", "kid", "x", "y":
		default:
			t.Errorf("JWK member %q (private members are d, p, q, dp, dq, qi, oth, k)", name)
		}
	}
	if _, err := ecPublicKey(k); err != nil {
		t.Errorf("published key: %v", err)
	}
	tok := wantToken(t, e.ccRequest(t, nil))
	header, _ := e.verifyAccessJWT(t, tok.AccessToken)
	if header["kid"] != k["kid"] {
		t.Errorf("token kid %v, JWKS kid %v", header["kid"], k["kid"])
	}
}

// TestDiscoveryMethods: the public documents accept GET and HEAD only; other
// methods get 405 with Allow (RFC 9110 §15.5.6); unknown paths are 404.
func TestDiscoveryMethods(t *testing.T) {
	e := newEnv(t, nil)
	for _, path := range []string{"/oauth2/jwks", "/.well-known/oauth-authorization-server"} {
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			r := e.do(t, call{method: m, path: path, body: "x=y"})
			if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: %d Allow %q, want 405 \"GET, HEAD\"", m, path, r.status, r.header.Get("Allow"))
			}
		}
		r := e.do(t, call{method: http.MethodHead, path: path, ctype: "-"})
		if r.status != http.StatusOK || len(r.raw) != 0 {
			t.Errorf("HEAD %s: %d with %d body bytes", path, r.status, len(r.raw))
		}
	}
	for _, path := range []string{"/oauth2/token/", "/oauth2/authorize/", "/oauth2/userinfo/x", "/.well-known/openid-configuration/x"} {
		if r := e.do(t, call{method: http.MethodGet, path: path, ctype: "-"}); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, r.status)
		}
	}
}

// TestOpenIDConfiguration: the OpenID Provider configuration is served at
// the issuer's /.well-known/openid-configuration with every member OIDC
// Discovery §3 makes REQUIRED, the RECOMMENDED ones the spec enables,
// authorization_response_iss_parameter_supported true, and it is the RFC
// 8414 document, member for member.
func TestOpenIDConfiguration(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, call{method: http.MethodGet, path: "/.well-known/openid-configuration", ctype: "-"})
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" { // OIDC Discovery §4.2
		t.Fatalf("GET openid-configuration: %d %q %s", r.status, r.header.Get("Content-Type"), r.raw)
	}
	var got map[string]any
	if err := json.Unmarshal(r.raw, &got); err != nil {
		t.Fatal(err)
	}
	contains := func(member, v string) bool {
		list, _ := got[member].([]any)
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	// OIDC Discovery §3 REQUIRED members, with the values the spec implies.
	for member, want := range map[string]any{
		"issuer":                  specIssuer, // OIDC Discovery §4.3: identical to the issuer the URL was built from
		"authorization_endpoint":  specIssuer + "/oauth2/authorize",
		"token_endpoint":          specIssuer + "/oauth2/token",
		"jwks_uri":                specIssuer + "/oauth2/jwks",
		"subject_types_supported": []any{"public"},
	} {
		if !reflect.DeepEqual(got[member], want) {
			t.Errorf("%s = %#v, want %#v (OIDC Discovery §3 REQUIRED)", member, got[member], want)
		}
	}
	if !contains("response_types_supported", "code") { // OIDC Discovery §3 REQUIRED: code for a code-flow OP
		t.Errorf("response_types_supported = %v, want code", got["response_types_supported"])
	}
	if !contains("id_token_signing_alg_values_supported", "RS256") { // OIDC Discovery §3: MUST include RS256
		t.Errorf("id_token_signing_alg_values_supported = %v, want RS256", got["id_token_signing_alg_values_supported"])
	}
	// OIDC Discovery §3 RECOMMENDED members the spec enables.
	if got["userinfo_endpoint"] != specIssuer+userInfoPath {
		t.Errorf("userinfo_endpoint = %v", got["userinfo_endpoint"])
	}
	if !contains("scopes_supported", "openid") { // OIDC Discovery §3: MUST support openid when listed
		t.Errorf("scopes_supported = %v, want openid", got["scopes_supported"])
	}
	for _, c := range []string{"sub", "iss", "auth_time", "name", "email", "email_verified"} { // OIDC Core §2, §5.4: profile and email declared
		if !contains("claims_supported", c) {
			t.Errorf("claims_supported lacks %s: %v", c, got["claims_supported"])
		}
	}
	if got["authorization_response_iss_parameter_supported"] != true { // RFC 9207 §3
		t.Errorf("authorization_response_iss_parameter_supported = %v, want true", got["authorization_response_iss_parameter_supported"])
	}
	// One document at both locations.
	r8414 := e.do(t, call{method: http.MethodGet, path: "/.well-known/oauth-authorization-server", ctype: "-"})
	var md map[string]any
	if err := json.Unmarshal(r8414.raw, &md); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, md) {
		t.Errorf("openid-configuration and RFC 8414 metadata differ:\n%s\n%s", r.raw, r8414.raw)
	}
}
