package runtime

import "github.com/oauthgen/oauthgen/runtime/oauth"

// TokenResponse is the successful response of every token flow
// (RFC 6749 §5.1). TokenType and ExpiresIn are set by the runtime from the
// access token that was issued; a procedure sets the rest.
type TokenResponse struct {
	AccessToken  Secret
	TokenType    string
	ExpiresIn    int64
	RefreshToken Secret
	Scope        oauth.ScopeSet
	// IDToken is the OpenID Connect ID token (OIDC Core §3.1.3.3).
	IDToken string
	// IssuedTokenType is the type of the token in AccessToken, for a
	// token exchange only (RFC 8693 §2.2.1), where the runtime sets it to
	// an access token's when the procedure leaves it empty; token_type is
	// then N_A for a token that is not an access token.
	IssuedTokenType oauth.TokenType
	// Extra members. A member the response already defines is refused with
	// server_error.
	Extra map[string]any
}
