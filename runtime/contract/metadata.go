package contract

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// metadata is the part of an RFC 8414 / OIDC Discovery document the
// checks compare with the spec.
type metadata struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	UserInfoEndpoint                  string   `json:"userinfo_endpoint"`
	IntrospectionEndpoint             string   `json:"introspection_endpoint"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	PAREndpoint                       string   `json:"pushed_authorization_request_endpoint"`
	RequirePAR                        *bool    `json:"require_pushed_authorization_requests"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	TokenEndpointAuthSigningAlgs      []string `json:"token_endpoint_auth_signing_alg_values_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
}

// fetchMetadata reads the document at the well-known path.
func (h *harness) fetchMetadata(t *testing.T, path string) metadata {
	t.Helper()
	r := h.get(t, h.issuer+path, "")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("RFC 8414 §3.2: %s answered %d %q, want 200 application/json", r.req, r.status, r.header.Get("Content-Type"))
	}
	var md metadata
	r.json(t, &md)
	return md
}

// checkMetadata: the authorization server metadata says what the spec
// enables, at the spec's paths, and nothing it does not (RFC 8414 §2, §3).
func checkMetadata(t *testing.T, h *harness) {
	md := h.fetchMetadata(t, h.srv.MetadataPath())
	h.checkDocument(t, "RFC 8414", md)
}

// checkOpenIDConfiguration: the OpenID provider metadata does the same,
// with the members OpenID Connect requires (OIDC Discovery §3, §4.3).
func checkOpenIDConfiguration(t *testing.T, h *harness) {
	md := h.fetchMetadata(t, h.srv.OpenIDConfigurationPath())
	h.checkDocument(t, "OIDC Discovery §3", md)
	fl := h.suite.Flows
	endpoint(t, "OIDC Discovery §3", "userinfo_endpoint", md.UserInfoEndpoint, fl.UserInfo != nil, h.url("oauth-userinfo"))
	if len(md.SubjectTypesSupported) == 0 {
		t.Error("OIDC Discovery §3: subject_types_supported is missing")
	}
	alg := h.srv.Settings().IDTokenSigningAlg
	if !slices.Contains(md.IDTokenSigningAlgValuesSupported, "RS256") || !slices.Contains(md.IDTokenSigningAlgValuesSupported, alg) {
		t.Errorf("OIDC Discovery §3: id_token_signing_alg_values_supported is %q, want RS256 and the spec's %s", md.IDTokenSigningAlgValuesSupported, alg)
	}
}

// checkDocument compares one metadata document with the spec.
func (h *harness) checkDocument(t *testing.T, rfc string, md metadata) {
	t.Helper()
	fl := h.suite.Flows
	if md.Issuer != h.issuer {
		t.Errorf("%s (RFC 8414 §3.3): issuer is %q, want exactly the server's issuer %q", rfc, md.Issuer, h.issuer)
	}
	endpoint(t, rfc, "token_endpoint", md.TokenEndpoint, true, h.url("oauth-token"))
	endpoint(t, rfc, "jwks_uri", md.JWKSURI, true, h.url("oauth-jwks"))
	endpoint(t, rfc, "authorization_endpoint", md.AuthorizationEndpoint, fl.Authorize != nil, h.url("oauth-authorize"))
	endpoint(t, rfc, "introspection_endpoint", md.IntrospectionEndpoint, fl.Introspection != nil, h.url("oauth-introspect"))
	endpoint(t, rfc, "revocation_endpoint", md.RevocationEndpoint, fl.Revocation != nil, h.url("oauth-revoke"))
	par := h.parEnabled()
	endpoint(t, rfc+", RFC 9126 §5", "pushed_authorization_request_endpoint", md.PAREndpoint, par, h.url("oauth-par"))
	switch required := h.srv.Settings().RequirePushedAuthorizationRequests; {
	case par && (md.RequirePAR == nil || *md.RequirePAR != required):
		t.Errorf("%s (RFC 9126 §5): require_pushed_authorization_requests is %v, want %v (the spec's)", rfc, md.RequirePAR, required)
	case !par && md.RequirePAR != nil:
		t.Errorf("%s (RFC 9126 §5): require_pushed_authorization_requests is advertised, but the spec does not enable the endpoint", rfc)
	}

	var grants []string
	for _, reg := range fl.Token {
		grants = append(grants, reg.Wire)
	}
	sameSet(t, rfc, "grant_types_supported", md.GrantTypesSupported, grants)
	methods := h.srv.Settings().AuthMethods
	if len(methods) == 0 {
		methods = []string{string(oauth.AuthClientSecretBasic)}
	}
	sameSet(t, rfc, "token_endpoint_auth_methods_supported", md.TokenEndpointAuthMethodsSupported, methods)
	keyJWT, secretJWT := slices.Contains(methods, string(oauth.AuthPrivateKeyJWT)), slices.Contains(methods, string(oauth.AuthClientSecretJWT))
	algs := md.TokenEndpointAuthSigningAlgs
	hmac := slices.ContainsFunc(algs, func(a string) bool { return strings.HasPrefix(a, "HS") })
	asym := slices.ContainsFunc(algs, func(a string) bool { return a != "none" && !strings.HasPrefix(a, "HS") })
	switch {
	case slices.Contains(algs, "none"):
		t.Errorf("%s (RFC 8414 §2): token_endpoint_auth_signing_alg_values_supported lists none", rfc)
	case keyJWT != asym:
		t.Errorf("%s: token_endpoint_auth_signing_alg_values_supported is %q; it lists asymmetric algorithms exactly when private_key_jwt is enabled (it is: %v)", rfc, algs, keyJWT)
	case secretJWT != hmac:
		t.Errorf("%s: token_endpoint_auth_signing_alg_values_supported is %q; it lists HMAC algorithms exactly when client_secret_jwt is enabled (it is: %v)", rfc, algs, secretJWT)
	case !keyJWT && !secretJWT && algs != nil:
		t.Errorf("%s: token_endpoint_auth_signing_alg_values_supported is %q, and no JWT client authentication is enabled", rfc, algs)
	}
	var types []string
	if fl.Authorize != nil {
		types = []string{"code"}
		if !slices.Contains(md.CodeChallengeMethodsSupported, "S256") || slices.Contains(md.CodeChallengeMethodsSupported, "plain") {
			t.Errorf("%s (RFC 9700 §2.1.1, RFC 8414 §2): code_challenge_methods_supported is %q, want S256 and not plain", rfc, md.CodeChallengeMethodsSupported)
		}
	}
	sameSet(t, rfc, "response_types_supported", md.ResponseTypesSupported, types)
	var scopes []string
	for _, sc := range h.srv.Settings().Scopes {
		scopes = append(scopes, sc.Name)
	}
	if len(md.ScopesSupported) > 0 {
		sameSet(t, rfc, "scopes_supported", md.ScopesSupported, scopes)
	}
}

// endpoint checks one endpoint member: present and equal to want when the
// endpoint is enabled, absent otherwise.
func endpoint(t *testing.T, rfc, member, got string, enabled bool, want string) {
	t.Helper()
	switch {
	case enabled && got != want:
		t.Errorf("%s: %s is %q, want %q (the spec enables it there)", rfc, member, got, want)
	case !enabled && got != "":
		t.Errorf("%s: %s is %q, but the spec does not enable that endpoint", rfc, member, got)
	}
}

// sameSet checks that a metadata member lists exactly want, in any order.
func sameSet(t *testing.T, rfc, member string, got, want []string) {
	t.Helper()
	if !oauth.ScopeSet(got).Equal(want) || len(got) != len(want) {
		t.Errorf("%s: %s is %q, want %q (what the spec enables)", rfc, member, got, want)
	}
}
