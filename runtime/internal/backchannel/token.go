// Package backchannel sends logout tokens to the relying parties of an
// ended login session (OpenID Connect Back-Channel Logout 1.0): their
// claims, the deliveries kept in the server's StateStore, and their
// attempts, each claimed once across instances, retried with backoff
// within a bounded time.
package backchannel

import (
	"encoding/json"
	"time"
)

// EventURI is the member of the events claim that makes a JWT a logout
// token (Back-Channel Logout 1.0 §2.4).
const EventURI = "http://schemas.openid.net/event/backchannel-logout"

// Typ is the JOSE typ of logout tokens (Back-Channel Logout 1.0 §2.4,
// explicit typing per RFC 8725 §3.11).
const Typ = "logout+jwt"

// TokenTTL is the lifetime of a logout token: each attempt signs a new one,
// so it only needs to outlive one request (Back-Channel Logout 1.0 §2.4
// recommends a short one).
const TokenTTL = 2 * time.Minute

// Claims are a logout token's claims (Back-Channel Logout 1.0 §2.4): iss,
// aud, iat, exp, jti, events, and sid and/or sub. A logout token never
// carries nonce, which this type cannot hold.
type Claims struct {
	Issuer    string
	Audience  string
	IssuedAt  time.Time
	ExpiresAt time.Time
	ID        string
	Subject   string
	SessionID string
}

// MarshalJSON encodes the claims in the logout token's format: times as
// NumericDate, sub and sid only when set, events with its one member.
func (c Claims) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Iss    string                     `json:"iss"`
		Aud    string                     `json:"aud"`
		Iat    int64                      `json:"iat"`
		Exp    int64                      `json:"exp"`
		Jti    string                     `json:"jti"`
		Sub    string                     `json:"sub,omitempty"`
		Sid    string                     `json:"sid,omitempty"`
		Events map[string]json.RawMessage `json:"events"`
	}{c.Issuer, c.Audience, c.IssuedAt.Unix(), c.ExpiresAt.Unix(), c.ID, c.Subject, c.SessionID,
		map[string]json.RawMessage{EventURI: json.RawMessage("{}")}})
}
