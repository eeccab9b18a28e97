package runtime

import (
	"encoding/json"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Authentication records who authenticated, when and how.
type Authentication struct {
	Subject   string    `json:"sub"`
	AuthTime  time.Time `json:"auth_time,omitzero"`
	ACR       string    `json:"acr,omitempty"`
	AMR       []string  `json:"amr,omitempty"`
	SessionID string    `json:"sid,omitempty"`
}

// isZero reports whether a records no authentication at all.
func (a Authentication) isZero() bool {
	return a.Subject == "" && a.AuthTime.IsZero() && a.ACR == "" && len(a.AMR) == 0 && a.SessionID == ""
}

// Grant is a persisted grant (Curity's delegation): the authorization a
// resource owner gave a client. Tokens are issued against a grant, and
// revoking it revokes every token issued from it.
type Grant struct {
	ID             string
	ClientID       string
	Subject        string
	Scope          oauth.ScopeSet
	Audience       []string
	Authentication Authentication
	Created        time.Time
	ExpiresAt      time.Time
	// Revoked is set once the grant is revoked: every token issued against
	// it is then inactive.
	Revoked bool
	// Data is the team's carry-over data, JSON-encoded by generated code.
	Data json.RawMessage
}

// AuthorizationCode is a stored authorization code. Only the hash of the code
// is kept.
type AuthorizationCode struct {
	Hash                []byte
	ClientID            string
	RedirectURI         string
	RedirectURIProvided bool
	Scope               oauth.ScopeSet
	Authentication      Authentication
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string
	Resources           []string
	IssuedAt            time.Time
	ExpiresAt           time.Time
	// GrantID is set once the code has been redeemed, so that a replay can
	// revoke the tokens issued from it (RFC 6749 §4.1.2).
	GrantID string
	Data    json.RawMessage
}

// RefreshTokenRecord is a stored refresh token. Only its hash is kept.
type RefreshTokenRecord struct {
	Hash          []byte
	ID            string
	GrantID       string
	FamilyID      string
	ClientID      string
	Scope         oauth.ScopeSet
	IssuedAt      time.Time
	ExpiresAt     time.Time
	IdleExpiresAt time.Time
	// RotatedAt is set when the token has been exchanged for a new one.
	RotatedAt time.Time
}

// Rotated is what a store keeps of a refresh token once it has been
// exchanged for a new one (RefreshTokenStore.RotateRefreshToken): what
// tells its reuse (RotatedAt), whose it is (ClientID: another client's
// attempt changes nothing), what reuse revokes (GrantID, FamilyID), and
// how long to keep it (ExpiresAt). The other fields are zero.
func (r RefreshTokenRecord) Rotated() RefreshTokenRecord {
	return RefreshTokenRecord{
		Hash: r.Hash, GrantID: r.GrantID, FamilyID: r.FamilyID, ClientID: r.ClientID,
		ExpiresAt: r.ExpiresAt, RotatedAt: r.RotatedAt,
	}
}

// AccessTokenRecord is what the server remembers of an access token: opaque
// tokens are looked up by the hash of their value, JWT access tokens by their
// jti, so that revoking a grant revokes them. A JWT a client got for itself
// (IssueDefaults) is not stored: its record is read from the token.
type AccessTokenRecord struct {
	// Key is the SHA-256 of an opaque token's value, or of a JWT's jti.
	Key []byte
	// GrantID is the grant the token was issued against; empty for a
	// token a client got for itself, which has no grant and is revoked
	// alone.
	GrantID   string
	ClientID  string
	Claims    AccessTokenClaims
	ExpiresAt time.Time
	// Revoked is set once the token alone is revoked (RFC 7009 §2.1); a
	// revoked grant revokes its tokens without setting it.
	Revoked bool

	// unstored is set on the record of a JWT that was never stored, read
	// from the token itself: revoking it puts it on the deny-list.
	unstored bool
}

// ConsumeResult tells apart the outcomes of consuming a single-use artefact,
// so "already consumed" cannot be confused with "not found".
type ConsumeResult int

// The outcomes of a Consume or Rotate call.
const (
	NotFound ConsumeResult = iota
	Consumed
	AlreadyConsumed
)
