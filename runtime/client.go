package runtime

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/oauthgen/oauthgen/runtime/internal/jwkset"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Client is a registered client. The secret hash is unexported, so a
// procedure can never read it; set it with SetSecretHash, or load clients
// with runtime/clientfile. Only a client_secret_jwt client has its secret
// itself (SigningSecret, a Secret: never printed or logged).
type Client struct {
	// ID is the client_id.
	ID string `json:"client_id"`
	// Name is shown to end users.
	Name string `json:"client_name,omitempty"`
	// AuthMethod is the one token_endpoint_auth_method this client must
	// use (OpenID Connect Dynamic Client Registration 1.0 §2): another
	// method fails authentication. "none" makes the client public
	// (RFC 6749 §2.1).
	AuthMethod oauth.ClientAuthMethod `json:"token_endpoint_auth_method"`
	// RedirectURIs are compared by exact string match.
	RedirectURIs []string `json:"redirect_uris,omitempty"`
	// GrantTypes the client may use; others get unauthorized_client.
	GrantTypes []oauth.GrantType `json:"grant_types"`
	// Scopes the client may request; others get invalid_scope.
	Scopes oauth.ScopeSet `json:"scopes,omitempty"`
	// DefaultScopes are granted when a request omits scope (RFC 6749 §3.3).
	DefaultScopes oauth.ScopeSet `json:"default_scopes,omitempty"`
	// Audiences are the resources the client may request tokens for
	// (RFC 8707 §2), and the default "aud" of its access tokens.
	Audiences []string `json:"audiences,omitempty"`
	// RequirePKCE requires PKCE of this client even when the spec does not
	// require it of confidential clients (endpoints.authorize.require_pkce).
	// Public clients always need PKCE (RFC 9700 §2.1.1).
	RequirePKCE bool `json:"require_pkce"`
	// Introspection lets the client call the introspection endpoint (RFC
	// 7662 §2.1, §4): resource servers are clients, and one that only
	// introspects has no grant types. A public client cannot have it.
	Introspection bool `json:"introspection,omitempty"`
	// JWKS is the JWK Set (RFC 7517 §5) of the public keys whose private
	// halves sign the client's assertions, for private_key_jwt (RFC 7523
	// §2.2; RFC 7591 §2). A private_key_jwt client has either JWKS or
	// JWKSURI; other clients have neither.
	JWKS json.RawMessage `json:"jwks,omitempty"`
	// JWKSURI is the https URL of the client's JWK Set, for private_key_jwt:
	// fetched when needed, cached for minutes, and fetched again, at most
	// once a minute, when an assertion names a kid it lacks, so that the
	// client can rotate its keys by publishing the new one there.
	JWKSURI string `json:"jwks_uri,omitempty"`
	// TokenEndpointAuthSigningAlg, when set, is the one JWS algorithm the
	// client's assertions may use (OpenID Connect Dynamic Client
	// Registration 1.0 §2): RS256, PS256, ES256 or EdDSA for
	// private_key_jwt; HS256, HS384 or HS512 for client_secret_jwt. Empty
	// means any of them (for HMAC, any its secret is long enough for,
	// RFC 7518 §3.2).
	TokenEndpointAuthSigningAlg string `json:"token_endpoint_auth_signing_alg,omitempty"`
	// SigningSecret is the shared secret of a client_secret_jwt client
	// (RFC 7523 §2.2; OIDC Core §9), the key of the HMAC of its
	// assertions: at least 32 octets, 48 for HS384 and 64 for HS512
	// (RFC 7518 §3.2). The server must keep it in clear, so only a
	// client registered for client_secret_jwt may have one, and it has no
	// secret hash; every other client has only a hash, or no secret.
	SigningSecret Secret `json:"client_secret,omitempty"`
	// RequirePushedAuthorizationRequests refuses the client's authorization
	// requests that are not pushed (RFC 9126 §6): it must push them to the
	// pushed authorization request endpoint, which the spec must enable.
	RequirePushedAuthorizationRequests bool `json:"require_pushed_authorization_requests,omitempty"`
	// PostLogoutRedirectURIs are where the end-session endpoint may send
	// the browser after a logout the client asked for (OpenID Connect
	// RP-Initiated Logout 1.0 §3.1): compared by exact string match, and
	// checked at registration like RedirectURIs.
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris,omitempty"`
	// BackchannelLogoutURI, when set, receives a logout token when a login
	// session the client took part in ends (OpenID Connect Back-Channel
	// Logout 1.0 §2.2): an absolute https URL, or http on a loopback IP
	// literal for tests, without fragment.
	BackchannelLogoutURI string `json:"backchannel_logout_uri,omitempty"`
	// BackchannelLogoutSessionRequired asks for the sid claim in the
	// client's logout tokens (Back-Channel Logout 1.0 §2.2); the runtime
	// always sends it for a session, so this only documents the client's
	// need.
	BackchannelLogoutSessionRequired bool `json:"backchannel_logout_session_required,omitempty"`

	secretHash string
	// jwks is JWKS parsed, by the registry that validated the client.
	jwks *jwkset.Set
}

// SecretHash returns the stored hash of the client's secret, for stores that
// persist clients. It is never the secret itself.
func (c *Client) SecretHash() string { return c.secretHash }

// SetSecretHash sets the stored hash of the client's secret.
func (c *Client) SetSecretHash(h string) { c.secretHash = h }

// AllowsGrant reports whether the client is registered for the grant type.
func (c *Client) AllowsGrant(g oauth.GrantType) bool { return slices.Contains(c.GrantTypes, g) }

// IsPublic reports whether the client is public: it authenticates with
// "none" (RFC 6749 §2.1).
func (c *Client) IsPublic() bool { return c.AuthMethod == oauth.AuthNone }

// ClientRegistry finds registered clients. It returns (nil, nil) for an
// unknown client.
type ClientRegistry interface {
	Client(ctx context.Context, id string) (*Client, error)
}
