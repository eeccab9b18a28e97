package runtime

import (
	"encoding/json"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// AccessTokenClaims are the claims of an access token. For JWT access tokens
// they are serialised as RFC 9068 §2.2 requires; for opaque tokens they are
// the record stored under the token's hash. A procedure edits
// c.Defaults.Access before handing it to c.Issuers.Access.
type AccessTokenClaims struct {
	Issuer    string    `json:"iss"`
	Subject   string    `json:"sub"`
	Audience  Audience  `json:"aud"`
	ClientID  string    `json:"client_id"`
	IssuedAt  time.Time `json:"-"`
	ExpiresAt time.Time `json:"-"`
	JTI       string    `json:"jti"`
	// Scope is serialised as one space-separated string (RFC 9068 §2.2.3).
	Scope oauth.ScopeSet `json:"-"`
	// AuthTime, ACR and AMR describe the user's authentication when there was one (RFC 9068 §2.2.1).
	AuthTime time.Time `json:"-"`
	ACR      string    `json:"acr,omitempty"`
	AMR      []string  `json:"amr,omitempty"`
	// Act is the act claim of a token issued through a token exchange to
	// a party acting for the subject: that actor and, nested, the prior
	// ones (RFC 8693 §4.1); nil otherwise.
	Act *ActorClaim `json:"act,omitempty"`
	// Extra holds the team's own claims. A registered claim name in Extra is
	// refused when the token is issued.
	Extra map[string]any `json:"-"`
}

// setUser makes c a token of the end user: sub, the granted scope, and the
// auth_time, acr and amr of their authentication (RFC 9068 §2.2, §2.2.1).
func (c *AccessTokenClaims) setUser(sub string, scope oauth.ScopeSet, a Authentication) {
	c.Subject, c.Scope = sub, scope
	c.AuthTime, c.ACR, c.AMR = a.AuthTime, a.ACR, a.AMR
}

// Audience is the "aud" claim: a JSON string when it has one element, an
// array otherwise (RFC 7519 §4.1.3).
type Audience []string

// MarshalJSON writes one audience as a string and several as an array.
func (a Audience) MarshalJSON() ([]byte, error) {
	if len(a) == 1 {
		return json.Marshal(a[0])
	}
	return json.Marshal([]string(a))
}

// GrantData is the grant (delegation) a procedure is about to create
// (Curity's getDefaultDelegationData(), typed).
type GrantData struct {
	Subject        string
	ClientID       string
	Scope          oauth.ScopeSet
	Audience       []string
	RedirectURI    string
	Authentication Authentication
	ExpiresAt      time.Time
	// Data is the team's carry-over data, JSON-encoded.
	Data json.RawMessage
}

// RefreshTokenData describes the refresh token a procedure may issue.
type RefreshTokenData struct {
	Scope         oauth.ScopeSet
	ExpiresAt     time.Time
	IdleExpiresAt time.Time
	// FamilyID is the rotation chain; empty for a new grant.
	FamilyID string
}

// DefaultData is what the standard issuance of a flow would use. A nil
// member means the flow or the client does not issue that artefact, and
// issuers given nil return an empty value.
type DefaultData struct {
	Grant   GrantData
	Access  *AccessTokenClaims
	Refresh *RefreshTokenData
	// ID is the ID token to issue; nil unless openid is granted (OIDC Core §3.1.3.3).
	ID *IDTokenClaims
}
