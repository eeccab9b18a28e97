package runtime

import (
	"net/http"
	"slices"

	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// OpenID Connect Discovery (OIDC Discovery §3, §4; flows.md §14). The
// OpenID configuration and the RFC 8414 metadata are one document, built
// once by buildMetadata: RFC 8414 §2 registers every OpenID member, so the
// two locations cannot disagree on a member they share (flows.md §14 rule 2).

// OpenIDMetadata are the members OIDC Discovery §3 adds to the RFC 8414
// document. They are empty, and omitted, unless the server speaks OpenID
// Connect (Settings.OpenID).
type OpenIDMetadata struct {
	// UserInfoEndpoint is the userinfo endpoint URL (RECOMMENDED), when the
	// userinfo flow is enabled.
	UserInfoEndpoint string `json:"userinfo_endpoint,omitempty"`
	// SubjectTypesSupported is REQUIRED: ["public"], the only kind built.
	SubjectTypesSupported []string `json:"subject_types_supported,omitempty"`
	// IDTokenSigningAlgValuesSupported is REQUIRED and MUST include RS256:
	// Settings.IDTokenSigningAlg, then RS256 when that is another one.
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported,omitempty"`
	// ClaimsSupported (RECOMMENDED) lists the ID token claims and the
	// standard claims of the declared profile, email, address and phone
	// scopes (OIDC Core §5.4).
	ClaimsSupported []string `json:"claims_supported,omitempty"`
}

// clone copies the slices, so a caller cannot change the served document.
func (o OpenIDMetadata) clone() OpenIDMetadata {
	o.SubjectTypesSupported = slices.Clone(o.SubjectTypesSupported)
	o.IDTokenSigningAlgValuesSupported = slices.Clone(o.IDTokenSigningAlgValuesSupported)
	o.ClaimsSupported = slices.Clone(o.ClaimsSupported)
	return o
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

// buildOpenIDMetadata computes the OpenID members once, at NewServer.
func (s *Server) buildOpenIDMetadata() OpenIDMetadata {
	if !s.settings.OpenID() {
		return OpenIDMetadata{}
	}
	o := OpenIDMetadata{
		SubjectTypesSupported:            []string{"public"},
		IDTokenSigningAlgValuesSupported: idTokenAlgs(s.settings),
		ClaimsSupported:                  slices.Clone(idTokenClaimNames),
	}
	if s.userinfo != nil && s.settings.UserInfoPath != "" {
		o.UserInfoEndpoint = s.origin() + s.settings.UserInfoPath
	}
	for _, sc := range scopeClaims {
		if slices.ContainsFunc(s.settings.Scopes, func(i ScopeInfo) bool { return i.Name == sc.scope }) {
			o.ClaimsSupported = append(o.ClaimsSupported, sc.claims...)
		}
	}
	return o
}

// OpenIDConfigurationPath returns the path of the OpenID configuration:
// the issuer's path followed by /.well-known/openid-configuration (OIDC
// Discovery §4.1). It is served only when Settings.OpenID().
func (s *Server) OpenIDConfigurationPath() string { return s.openIDConfigPath }

// serveOpenIDConfiguration serves the OpenID Provider configuration (OIDC
// Discovery §4.2): the server's one metadata document, whose issuer is the
// issuer the path was built from (OIDC Discovery §4.3). GET and HEAD only;
// cacheable for 5 minutes (flows.md §14).
func (s *Server) serveOpenIDConfiguration(w http.ResponseWriter, r *http.Request) {
	if !getOrHead(w, r) {
		return
	}
	reply.Public(w, r, metadataContentType, s.metadataJSON)
}
