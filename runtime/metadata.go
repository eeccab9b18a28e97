package runtime

import (
	"slices"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Metadata is the authorization server metadata document (RFC 8414 §2;
// flows.md §14). It advertises exactly what the server enables and is a pure
// function of the settings and the registered flows.
type Metadata struct {
	// Issuer is the spec's issuer, verbatim (RFC 8414 §3.3).
	Issuer string `json:"issuer"`
	// AuthorizationEndpoint is the authorization endpoint URL, when the
	// authorization flow is enabled (RFC 8414 §2).
	AuthorizationEndpoint string `json:"authorization_endpoint,omitempty"`
	// TokenEndpoint is the token endpoint URL.
	TokenEndpoint string `json:"token_endpoint"`
	// JWKSURI is the JWK Set URL.
	JWKSURI string `json:"jwks_uri"`
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
	// CodeChallengeMethodsSupported is ["S256"] when authorization_code is
	// enabled (RFC 8414 §2; security.md S-02).
	CodeChallengeMethodsSupported []string `json:"code_challenge_methods_supported,omitempty"`
	// ScopesSupported are the spec's scopes (RECOMMENDED, RFC 8414 §2).
	ScopesSupported []string `json:"scopes_supported,omitempty"`
	// RequestParameterSupported, RequestURIParameterSupported and
	// ClaimsParameterSupported are always emitted with their real values
	// (flows.md §14): request_uri_parameter_supported defaults to true when
	// omitted (OIDC Discovery §3).
	RequestParameterSupported    bool `json:"request_parameter_supported"`
	RequestURIParameterSupported bool `json:"request_uri_parameter_supported"`
	ClaimsParameterSupported     bool `json:"claims_parameter_supported"`
	// AuthorizationResponseIssParameterSupported is true when the
	// authorization endpoint is enabled: every authorization response
	// carries iss (RFC 9207 §3; security.md S-21).
	AuthorizationResponseIssParameterSupported bool `json:"authorization_response_iss_parameter_supported,omitempty"`

	// The OpenID Connect members (OIDC Discovery §3), set only when the
	// server speaks OpenID Connect; RFC 8414 §2 registers them too, so the
	// one document serves both locations (oidc_discovery.go).
	OpenIDMetadata
}

// Metadata returns the server's RFC 8414 metadata document.
func (s *Server) Metadata() Metadata {
	m := s.metadata
	// Copy the slices so the caller cannot change the served document.
	m.ResponseTypesSupported = append([]string{}, m.ResponseTypesSupported...)
	m.ResponseModesSupported = append([]string{}, m.ResponseModesSupported...)
	m.GrantTypesSupported = append([]oauth.GrantType(nil), m.GrantTypesSupported...)
	m.TokenEndpointAuthMethodsSupported = append([]oauth.ClientAuthMethod(nil), m.TokenEndpointAuthMethodsSupported...)
	m.CodeChallengeMethodsSupported = append([]string(nil), m.CodeChallengeMethodsSupported...)
	m.ScopesSupported = append([]string(nil), m.ScopesSupported...)
	m.OpenIDMetadata = m.OpenIDMetadata.clone()
	return m
}

// MetadataPath returns the path at which the server serves its metadata:
// /.well-known/oauth-authorization-server followed by the issuer's path
// (RFC 8414 §3.1).
func (s *Server) MetadataPath() string { return s.metadataPath }

// buildMetadata computes the document once, at NewServer; grants are the
// registered grant types in registration order.
func (s *Server) buildMetadata(grants []oauth.GrantType) Metadata {
	origin := s.origin()
	m := Metadata{
		Issuer:                            s.settings.Issuer,
		TokenEndpoint:                     origin + s.settings.TokenPath,
		JWKSURI:                           origin + s.settings.JWKSPath,
		ResponseTypesSupported:            []string{},
		ResponseModesSupported:            []string{},
		GrantTypesSupported:               append([]oauth.GrantType{}, grants...),
		TokenEndpointAuthMethodsSupported: slices.Clone(s.tokenAuthMethods),
	}
	if s.codeGrant != "" { // codes are redeemed with PKCE
		m.CodeChallengeMethodsSupported = []string{oauth.PKCEMethodS256}
	}
	for _, sc := range s.settings.Scopes {
		m.ScopesSupported = append(m.ScopesSupported, sc.Name)
	}
	if s.authorize != nil {
		// The authorization endpoint (authorize_endpoint.go): response_type
		// code, delivered by query or form_post, always with iss.
		m.AuthorizationEndpoint = origin + s.settings.AuthorizePath
		m.ResponseTypesSupported = []string{"code"}
		m.ResponseModesSupported = []string{string(oauth.ResponseModeQuery), string(oauth.ResponseModeFormPost)}
		m.AuthorizationResponseIssParameterSupported = true
	}
	m.OpenIDMetadata = s.buildOpenIDMetadata()
	return m
}
