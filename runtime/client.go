package runtime

import "context"

// GrantType is a grant_type value (RFC 6749 §4, Appendix A of flows.md), or an
// extension grant's absolute URI (RFC 6749 §4.5).
type GrantType string

// The grant types this runtime serves.
const (
	GrantAuthorizationCode GrantType = "authorization_code" // RFC 6749 §4.1.3
	GrantClientCredentials GrantType = "client_credentials" // RFC 6749 §4.4.2
	GrantRefreshToken      GrantType = "refresh_token"      // RFC 6749 §6
)

// FlowID is a flow type id of the catalogue, such as
// "oauth-token-client-credentials".
type FlowID string

// ClientType is confidential or public (RFC 6749 §2.1).
type ClientType string

// The client types of RFC 6749 §2.1.
const (
	ClientConfidential ClientType = "confidential"
	ClientPublic       ClientType = "public"
)

// ClientAuthMethod is a token_endpoint_auth_method value (RFC 8414 §2).
type ClientAuthMethod string

// The client authentication methods this runtime implements.
const (
	AuthClientSecretBasic ClientAuthMethod = "client_secret_basic" // RFC 6749 §2.3.1
	AuthClientSecretPost  ClientAuthMethod = "client_secret_post"  // RFC 6749 §2.3.1
	AuthNone              ClientAuthMethod = "none"                // public clients, RFC 6749 §2.1
)

// Client is a registered client. The secret hash is unexported, so a
// procedure can never read it; use NewClient or a ClientRegistry loader to
// set it.
type Client struct {
	// ID is the client_id.
	ID string `json:"client_id"`
	// Name is shown to end users.
	Name string `json:"client_name,omitempty"`
	// Type is derived from AuthMethod: "none" means public.
	Type ClientType `json:"-"`
	// AuthMethod is the one token_endpoint_auth_method this client must use
	// (flows.md §2.2 rule 3).
	AuthMethod ClientAuthMethod `json:"token_endpoint_auth_method"`
	// RedirectURIs are compared by exact string match.
	RedirectURIs []string `json:"redirect_uris,omitempty"`
	// GrantTypes the client may use; others get unauthorized_client.
	GrantTypes []GrantType `json:"grant_types"`
	// Scopes the client may request; others get invalid_scope.
	Scopes ScopeSet `json:"scopes,omitempty"`
	// DefaultScopes are granted when a request omits scope (RFC 6749 §3.3).
	DefaultScopes ScopeSet `json:"default_scopes,omitempty"`
	// Audiences are the default "aud" of the client's access tokens.
	Audiences []string `json:"audiences,omitempty"`
	// RequirePKCE requires PKCE of this client even when the spec does not
	// require it of confidential clients (endpoints.authorize.require_pkce).
	// Public clients always need PKCE (RFC 9700 §2.1.1).
	RequirePKCE bool `json:"require_pkce"`

	secretHash string
}

// SecretHash returns the stored hash of the client's secret, for stores that
// persist clients. It is never the secret itself.
func (c *Client) SecretHash() string { return c.secretHash }

// SetSecretHash sets the stored hash of the client's secret.
func (c *Client) SetSecretHash(h string) { c.secretHash = h }

// AllowsGrant reports whether the client is registered for the grant type.
func (c *Client) AllowsGrant(g GrantType) bool {
	for _, x := range c.GrantTypes {
		if x == g {
			return true
		}
	}
	return false
}

// IsPublic reports whether the client is public (RFC 6749 §2.1).
func (c *Client) IsPublic() bool { return c.Type == ClientPublic }

// ClientRegistry finds registered clients. It returns (nil, nil) for an
// unknown client.
type ClientRegistry interface {
	Client(ctx context.Context, id string) (*Client, error)
}
