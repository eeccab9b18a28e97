package runtime

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Metadata is the authorization server metadata document (RFC 8414 §2),
// which is also the OpenID Provider configuration (OIDC Discovery §3):
// RFC 8414 §2 registers every OpenID member, so the two locations serve
// one document and cannot disagree on a member they share. It advertises
// exactly what the server enables: each endpoint sets its own members.
type Metadata struct {
	// Issuer is the spec's issuer, verbatim (RFC 8414 §3.3).
	Issuer string `json:"issuer"`
	// AuthorizationEndpoint is the authorization endpoint URL, when the
	// authorization flow is enabled.
	AuthorizationEndpoint string `json:"authorization_endpoint,omitempty"`
	// TokenEndpoint is the token endpoint URL.
	TokenEndpoint string `json:"token_endpoint"`
	// JWKSURI is the JWK Set URL.
	JWKSURI string `json:"jwks_uri"`
	// UserInfoEndpoint is the userinfo endpoint URL (OIDC Discovery §3),
	// when the userinfo flow is enabled.
	UserInfoEndpoint string `json:"userinfo_endpoint,omitempty"`
	// ResponseTypesSupported is REQUIRED by RFC 8414 §2; it is empty while
	// no authorization endpoint flow is enabled, and always emitted.
	ResponseTypesSupported []string `json:"response_types_supported"`
	// ResponseModesSupported is always emitted: an omitted member would mean
	// ["query","fragment"] (RFC 8414 §2).
	ResponseModesSupported []string `json:"response_modes_supported"`
	// GrantTypesSupported lists exactly the enabled grant types; an omitted
	// member would mean ["authorization_code","implicit"] (RFC 8414 §2).
	GrantTypesSupported []oauth.GrantType `json:"grant_types_supported"`
	// TokenEndpointAuthMethodsSupported lists the enabled client
	// authentication methods (RFC 8414 §2).
	TokenEndpointAuthMethodsSupported []oauth.ClientAuthMethod `json:"token_endpoint_auth_methods_supported"`
	// TokenEndpointAuthSigningAlgValuesSupported lists the algorithms of
	// client assertions when private_key_jwt is enabled (RFC 8414 §2).
	TokenEndpointAuthSigningAlgValuesSupported []string `json:"token_endpoint_auth_signing_alg_values_supported,omitempty"`
	// IntrospectionEndpoint, IntrospectionEndpointAuthMethodsSupported,
	// IntrospectionEndpointAuthSigningAlgValuesSupported and
	// IntrospectionSigningAlgValuesSupported advertise the introspection
	// endpoint (RFC 8414 §2; RFC 9701 §7), when it is enabled.
	IntrospectionEndpoint                              string                   `json:"introspection_endpoint,omitempty"`
	IntrospectionEndpointAuthMethodsSupported          []oauth.ClientAuthMethod `json:"introspection_endpoint_auth_methods_supported,omitempty"`
	IntrospectionEndpointAuthSigningAlgValuesSupported []string                 `json:"introspection_endpoint_auth_signing_alg_values_supported,omitempty"`
	IntrospectionSigningAlgValuesSupported             []string                 `json:"introspection_signing_alg_values_supported,omitempty"`
	// RevocationEndpoint, RevocationEndpointAuthMethodsSupported and
	// RevocationEndpointAuthSigningAlgValuesSupported advertise the
	// revocation endpoint (RFC 8414 §2), when it is enabled.
	RevocationEndpoint                              string                   `json:"revocation_endpoint,omitempty"`
	RevocationEndpointAuthMethodsSupported          []oauth.ClientAuthMethod `json:"revocation_endpoint_auth_methods_supported,omitempty"`
	RevocationEndpointAuthSigningAlgValuesSupported []string                 `json:"revocation_endpoint_auth_signing_alg_values_supported,omitempty"`
	// PushedAuthorizationRequestEndpoint and
	// RequirePushedAuthorizationRequests advertise the pushed
	// authorization request endpoint (RFC 9126 §5), both exactly when it
	// is enabled.
	PushedAuthorizationRequestEndpoint string `json:"pushed_authorization_request_endpoint,omitempty"`
	RequirePushedAuthorizationRequests *bool  `json:"require_pushed_authorization_requests,omitempty"`
	// DeviceAuthorizationEndpoint advertises the device authorization
	// endpoint (RFC 8628 §4), exactly when it is enabled.
	DeviceAuthorizationEndpoint string `json:"device_authorization_endpoint,omitempty"`
	// CodeChallengeMethodsSupported is ["S256"] when codes are redeemed
	// (RFC 8414 §2; RFC 9700 §2.1.1).
	CodeChallengeMethodsSupported []string `json:"code_challenge_methods_supported,omitempty"`
	// ScopesSupported are the spec's scopes (RECOMMENDED, RFC 8414 §2).
	ScopesSupported []string `json:"scopes_supported,omitempty"`
	// RequestParameterSupported, RequestURIParameterSupported and
	// ClaimsParameterSupported are always emitted with their real values:
	// request_uri_parameter_supported means true when omitted (OIDC
	// Discovery §3).
	RequestParameterSupported    bool `json:"request_parameter_supported"`
	RequestURIParameterSupported bool `json:"request_uri_parameter_supported"`
	ClaimsParameterSupported     bool `json:"claims_parameter_supported"`
	// AuthorizationResponseIssParameterSupported is true when the
	// authorization endpoint is enabled: every authorization response
	// carries iss (RFC 9207 §3).
	AuthorizationResponseIssParameterSupported bool `json:"authorization_response_iss_parameter_supported,omitempty"`
	// SubjectTypesSupported (REQUIRED by OIDC Discovery §3) is ["public"],
	// the only kind built, when the server speaks OpenID Connect.
	SubjectTypesSupported []string `json:"subject_types_supported,omitempty"`
	// IDTokenSigningAlgValuesSupported (REQUIRED, and MUST include RS256)
	// is Settings.IDTokenSigningAlg, then RS256 when that is another one.
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported,omitempty"`
	// ClaimsSupported (RECOMMENDED) lists the ID token claims and the
	// standard claims of the declared profile, email, address and phone
	// scopes (OIDC Core §5.4).
	ClaimsSupported []string `json:"claims_supported,omitempty"`
	// EndSessionEndpoint advertises the end-session endpoint (OpenID
	// Connect RP-Initiated Logout 1.0 §2.1), and
	// BackchannelLogoutSupported and BackchannelLogoutSessionSupported that
	// it sends logout tokens, with sid (Back-Channel Logout 1.0 §2.1): all
	// three exactly when it is enabled.
	EndSessionEndpoint                string `json:"end_session_endpoint,omitempty"`
	BackchannelLogoutSupported        bool   `json:"backchannel_logout_supported,omitempty"`
	BackchannelLogoutSessionSupported bool   `json:"backchannel_logout_session_supported,omitempty"`
}

// clone copies the slices, so that a caller cannot change the served
// document.
func (m Metadata) clone() Metadata {
	m.ResponseTypesSupported = slices.Clone(m.ResponseTypesSupported)
	m.ResponseModesSupported = slices.Clone(m.ResponseModesSupported)
	m.GrantTypesSupported = slices.Clone(m.GrantTypesSupported)
	m.TokenEndpointAuthMethodsSupported = slices.Clone(m.TokenEndpointAuthMethodsSupported)
	m.TokenEndpointAuthSigningAlgValuesSupported = slices.Clone(m.TokenEndpointAuthSigningAlgValuesSupported)
	m.IntrospectionEndpointAuthSigningAlgValuesSupported = slices.Clone(m.IntrospectionEndpointAuthSigningAlgValuesSupported)
	m.RevocationEndpointAuthSigningAlgValuesSupported = slices.Clone(m.RevocationEndpointAuthSigningAlgValuesSupported)
	m.CodeChallengeMethodsSupported = slices.Clone(m.CodeChallengeMethodsSupported)
	m.IntrospectionEndpointAuthMethodsSupported = slices.Clone(m.IntrospectionEndpointAuthMethodsSupported)
	m.IntrospectionSigningAlgValuesSupported = slices.Clone(m.IntrospectionSigningAlgValuesSupported)
	m.RevocationEndpointAuthMethodsSupported = slices.Clone(m.RevocationEndpointAuthMethodsSupported)
	m.ScopesSupported = slices.Clone(m.ScopesSupported)
	m.SubjectTypesSupported = slices.Clone(m.SubjectTypesSupported)
	m.IDTokenSigningAlgValuesSupported = slices.Clone(m.IDTokenSigningAlgValuesSupported)
	m.ClaimsSupported = slices.Clone(m.ClaimsSupported)
	if r := m.RequirePushedAuthorizationRequests; r != nil {
		v := *r
		m.RequirePushedAuthorizationRequests = &v
	}
	return m
}

// Metadata returns the server's metadata document.
func (s *Server) Metadata() Metadata { return s.metadata.clone() }

// MetadataPath returns the path at which the server serves its metadata:
// /.well-known/oauth-authorization-server followed by the issuer's path
// (RFC 8414 §3.1).
func (s *Server) MetadataPath() string { return metadataPath(s.settings.Issuer) }

// OpenIDConfigurationPath returns the path of the OpenID configuration:
// the issuer's path followed by /.well-known/openid-configuration (OIDC
// Discovery §4.1). It is served only when Settings.OpenID().
func (s *Server) OpenIDConfigurationPath() string { return openIDConfigPath(s.settings.Issuer) }

// metadataEndpoint serves the metadata document at the RFC 8414 §3.1
// location and, for a server that speaks OpenID Connect, at the OIDC
// Discovery §4.1 one. Anyone may call it. It is the last endpoint: the
// document is complete once every other endpoint has advertised.
type metadataEndpoint struct{ s *Server }

func (e *metadataEndpoint) id() string       { return "" }
func (e *metadataEndpoint) auth() callerAuth { return callerNone }

// routes: GET and HEAD, cacheable for five minutes; the issuer of the
// document is the one its paths were built from (OIDC Discovery §4.3).
func (e *metadataEndpoint) routes() []route {
	rs := []route{{path: e.s.MetadataPath(), methods: getHead, serve: e.serve, refuse: refusePlain}}
	if e.s.settings.OpenID() {
		rs = append(rs, route{path: e.s.OpenIDConfigurationPath(), methods: getHead, serve: e.serve, refuse: refusePlain})
	}
	return rs
}

// advertise sets what no one endpoint owns: the issuer, the scopes, the
// request-object and claims parameters (not supported), and the OpenID
// Connect members of a server that speaks it.
func (e *metadataEndpoint) advertise(md *Metadata) {
	s := e.s.settings
	md.Issuer = s.Issuer
	for _, sc := range s.Scopes {
		md.ScopesSupported = append(md.ScopesSupported, sc.Name)
	}
	if !s.OpenID() {
		return
	}
	md.SubjectTypesSupported = []string{"public"}
	md.IDTokenSigningAlgValuesSupported = idTokenAlgs(s)
	md.ClaimsSupported = slices.Clone(idTokenClaimNames)
	for _, sc := range scopeClaims {
		if slices.ContainsFunc(s.Scopes, func(i ScopeInfo) bool { return i.Name == sc.scope }) {
			md.ClaimsSupported = append(md.ClaimsSupported, sc.claims...)
		}
	}
}

func (e *metadataEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	reply.Public(w, r, metadataContentType, e.s.metadataJSON)
}

// idTokenClaimNames are the claims the server puts in ID tokens (OIDC Core §2).
var idTokenClaimNames = []string{
	"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "sid",
}

// scopeClaims are the standard claims each scope requests (OIDC Core §5.4).
var scopeClaims = []struct {
	scope  string
	claims []string
}{
	{oauth.ScopeProfile, []string{"name", "family_name", "given_name", "middle_name", "nickname",
		"preferred_username", "profile", "picture", "website", "gender", "birthdate",
		"zoneinfo", "locale", "updated_at"}},
	{oauth.ScopeEmail, []string{"email", "email_verified"}},
	{oauth.ScopeAddress, []string{"address"}},
	{oauth.ScopePhone, []string{"phone_number", "phone_number_verified"}},
}

// metadataPath is the RFC 8414 §3.1 location of the metadata of iss: the
// well-known string inserted between the host and the issuer's path, whose
// terminating "/" is removed.
func metadataPath(iss string) string {
	u, err := url.Parse(iss)
	if err != nil {
		return wellKnownOAuthPath
	}
	return wellKnownOAuthPath + strings.TrimSuffix(u.EscapedPath(), "/")
}

// openIDConfigPath is where OIDC Discovery §4.1 puts the configuration:
// the issuer's path followed by /.well-known/openid-configuration.
func openIDConfigPath(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return "/.well-known/openid-configuration"
	}
	return strings.TrimSuffix(u.Path, "/") + "/.well-known/openid-configuration"
}
