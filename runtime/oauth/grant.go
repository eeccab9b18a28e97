package oauth

import (
	"fmt"
	"net/url"
	"slices"
)

// GrantType is a grant_type value (RFC 6749 §4), or an extension grant's
// absolute URI (RFC 6749 §4.5).
type GrantType string

// The grant types the runtime serves.
const (
	GrantAuthorizationCode GrantType = "authorization_code" // RFC 6749 §4.1.3
	GrantClientCredentials GrantType = "client_credentials" // RFC 6749 §4.4.2
	GrantRefreshToken      GrantType = "refresh_token"      // RFC 6749 §6
	// GrantPassword is the resource owner password credentials grant,
	// which RFC 9700 §2.4 says MUST NOT be used; a server serves it only
	// when its spec enables it.
	GrantPassword GrantType = "password" // RFC 6749 §4.3.2
	// GrantJWTBearer is the JWT bearer authorization grant.
	GrantJWTBearer GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer" // RFC 7523 §2.1
	// GrantTokenExchange is the token exchange grant.
	GrantTokenExchange GrantType = "urn:ietf:params:oauth:grant-type:token-exchange" // RFC 8693 §2.1
	// GrantDeviceCode is the device authorization grant.
	GrantDeviceCode GrantType = "urn:ietf:params:oauth:grant-type:device_code" // RFC 8628 §3.4
)

// registeredGrantTypes are the grant_type names RFC 6749 registers that the
// runtime knows; any other grant type must be an absolute URI.
var registeredGrantTypes = []GrantType{GrantAuthorizationCode, GrantClientCredentials, GrantRefreshToken, GrantPassword}

// CheckGrantType accepts the registered grant type names the runtime knows
// and extension grants named by an absolute URI (RFC 6749 §4.5).
func CheckGrantType(g GrantType) error {
	if slices.Contains(registeredGrantTypes, g) {
		return nil
	}
	u, err := url.Parse(string(g))
	if err != nil || !u.IsAbs() {
		return fmt.Errorf("unknown grant type %q (extension grants are absolute URIs, RFC 6749 §4.5)", g)
	}
	return nil
}

// ClientAuthMethod is a token_endpoint_auth_method value (RFC 7591 §2;
// RFC 8414 §2).
type ClientAuthMethod string

// The client authentication methods the runtime implements.
const (
	AuthClientSecretBasic ClientAuthMethod = "client_secret_basic" // RFC 6749 §2.3.1
	AuthClientSecretPost  ClientAuthMethod = "client_secret_post"  // RFC 6749 §2.3.1
	AuthNone              ClientAuthMethod = "none"                // public clients, RFC 6749 §2.1
	AuthPrivateKeyJWT     ClientAuthMethod = "private_key_jwt"     // RFC 7523 §2.2; OIDC Core §9
	AuthClientSecretJWT   ClientAuthMethod = "client_secret_jwt"   // RFC 7523 §2.2; OIDC Core §9
)

// TokenTypeHint is a token_type_hint value (RFC 7009 §2.1; RFC 7662 §2.1).
type TokenTypeHint string

// The token type hints of RFC 7009 §4.1.2.
const (
	HintAccessToken  TokenTypeHint = "access_token"
	HintRefreshToken TokenTypeHint = "refresh_token"
)

// ResponseMode is how an authorization response is delivered.
type ResponseMode string

// The response modes of response_type=code.
const (
	ResponseModeQuery    ResponseMode = "query"     // RFC 6749 §4.1.2
	ResponseModeFormPost ResponseMode = "form_post" // OAuth 2.0 Form Post Response Mode
)
