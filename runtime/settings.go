package runtime

import (
	"time"
)

// AccessTokenFormat is how access tokens are issued.
type AccessTokenFormat string

// The access token formats.
const (
	FormatJWT    AccessTokenFormat = "jwt"    // RFC 9068
	FormatOpaque AccessTokenFormat = "opaque" // ≥256 random bits, stored hashed
)

// TokenPolicy is a flow's token settings: the spec's tokens, server-wide
// and for the flow.
type TokenPolicy struct {
	AccessFormat   AccessTokenFormat
	AccessTTL      time.Duration
	IssueRefresh   bool
	RotateRefresh  bool
	RefreshTTL     time.Duration
	RefreshIdleTTL time.Duration
	// RefreshGrace lets a rotated refresh token be presented again within
	// this window without revoking the grant, for a client that retries
	// after a lost response. Default 0.
	RefreshGrace time.Duration
	CodeTTL      time.Duration
	// DeviceCodeTTL is the lifetime of a device authorization's device
	// code and user code (RFC 8628 §3.2 expires_in), read by the device
	// authorization flow; 0 means 10 minutes, at most 30.
	DeviceCodeTTL time.Duration
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
	// Paths are the paths of the endpoints, by endpoint id: "oauth-token",
	// "oauth-jwks", "oauth-authorize" (whose login and consent pages are
	// under it), "oauth-userinfo", "oauth-introspect", "oauth-revoke", "oauth-par". An
	// endpoint without one gets its default (/oauth2/token, ...); a path
	// for an endpoint that is not enabled is refused. The metadata
	// locations are fixed (RFC 8414 §3.1, OIDC Discovery §4.1).
	Paths map[string]string
	// AuthMethods are the token_endpoint_auth_method values of the client
	// authentication methods the token endpoint accepts; none means
	// client_secret_basic (RFC 8414 §2).
	AuthMethods []string
	// Scopes are the scopes the spec declares, in spec order.
	Scopes []ScopeInfo
	// SigningAlg is the JWS algorithm of JWT access tokens: ES256, RS256 or EdDSA.
	SigningAlg string
	// MaxBodyBytes limits request bodies; 0 means 64 KiB.
	MaxBodyBytes int64

	// RequirePKCE requires PKCE of confidential clients too (RFC 9700
	// §2.1.1 recommends it); public clients always need it. Default true
	// in specs.
	RequirePKCE bool
	// IDTokenSigningAlg is the JWS algorithm of ID tokens: RS256 (the
	// default; OIDC Discovery §3 requires it be available), ES256 or EdDSA.
	IDTokenSigningAlg string
	// IDTokenTTL is the lifetime of ID tokens; 0 means 10 minutes.
	IDTokenTTL time.Duration

	// PushedAuthorizationRequests serves the pushed authorization request
	// endpoint (RFC 9126), "oauth-par" in Paths (default /oauth2/par),
	// and lets the authorization endpoint take a request_uri it returned.
	// It needs the authorization endpoint's flow.
	PushedAuthorizationRequests bool
	// RequirePushedAuthorizationRequests refuses every authorization
	// request that is not pushed, from any client (RFC 9126 §5); a client
	// may require it of itself (Client.RequirePushedAuthorizationRequests).
	// It needs PushedAuthorizationRequests.
	RequirePushedAuthorizationRequests bool
}

// OpenID reports whether the server speaks OpenID Connect: the spec
// declares the openid scope. It then issues ID tokens when openid is
// granted and serves /.well-known/openid-configuration.
func (s Settings) OpenID() bool {
	for _, sc := range s.Scopes {
		if sc.Name == "openid" {
			return true
		}
	}
	return false
}
