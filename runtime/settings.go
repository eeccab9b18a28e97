package runtime

import "time"

// AccessTokenFormat is how access tokens are issued.
type AccessTokenFormat string

// The access token formats.
const (
	FormatJWT    AccessTokenFormat = "jwt"    // RFC 9068
	FormatOpaque AccessTokenFormat = "opaque" // ≥256 random bits, stored hashed
)

// TokenPolicy is a flow's token settings from the spec (flows.md §3.1).
type TokenPolicy struct {
	AccessFormat   AccessTokenFormat
	AccessTTL      time.Duration
	IssueRefresh   bool
	RotateRefresh  bool
	RefreshTTL     time.Duration
	RefreshIdleTTL time.Duration
	// RefreshGrace lets a rotated refresh token be presented again within
	// this window without revoking the grant (flows.md §7.3). Default 0.
	RefreshGrace time.Duration
	CodeTTL      time.Duration
}

// ScopeInfo is a scope the spec declares.
type ScopeInfo struct {
	Name        string
	Description string
}

// Settings is what the spec says about the server. Generated code builds it
// as a literal; the runtime never reads the spec.
type Settings struct {
	// Issuer is the exact issuer identifier (RFC 8414 §2).
	Issuer string
	// TokenPath and JWKSPath are the endpoint paths.
	TokenPath string
	JWKSPath  string
	// AuthMethods are the client authentication methods the token endpoint accepts.
	AuthMethods []ClientAuthMethod
	// Scopes are the scopes the spec declares, in spec order.
	Scopes []ScopeInfo
	// SigningAlg is the JWS algorithm of JWT access tokens: ES256, RS256 or EdDSA.
	SigningAlg string
	// MaxBodyBytes limits request bodies; 0 means 64 KiB.
	MaxBodyBytes int64
}

// Flows are the flows a server serves, by endpoint. Generated code builds
// them from the spec (the generated Flows function); NewServer takes them.
type Flows struct {
	// Token are the token endpoint's flows, one per grant type.
	Token []TokenFlowRegistration
}

// TokenFlowRegistration registers one token flow with the server.
type TokenFlowRegistration struct {
	ID        FlowID
	GrantType GrantType
	Policy    TokenPolicy
	// PublicClients is whether public clients may use the flow.
	PublicClients bool
	Flow          TokenFlow
}
