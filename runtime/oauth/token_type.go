package oauth

import (
	"net/url"
	"strings"
)

// TokenType is a token type identifier (RFC 8693 §3): the type of a
// token a token exchange request presents (subject_token_type,
// actor_token_type), asks for (requested_token_type) or gets
// (issued_token_type). It is an absolute URI.
type TokenType string

// The token type identifiers of RFC 8693 §3.
const (
	TokenTypeAccessToken  TokenType = "urn:ietf:params:oauth:token-type:access_token"
	TokenTypeRefreshToken TokenType = "urn:ietf:params:oauth:token-type:refresh_token"
	TokenTypeIDToken      TokenType = "urn:ietf:params:oauth:token-type:id_token"
	TokenTypeSAML1        TokenType = "urn:ietf:params:oauth:token-type:saml1"
	TokenTypeSAML2        TokenType = "urn:ietf:params:oauth:token-type:saml2"
	TokenTypeJWT          TokenType = "urn:ietf:params:oauth:token-type:jwt"
)

// ValidTokenType reports whether v can be a token type identifier: an
// absolute URI (RFC 8693 §3), at most 512 bytes, without a fragment or
// whitespace. Whether a server supports the type is another matter.
func ValidTokenType(v string) bool {
	if v == "" || len(v) > 512 || strings.ContainsAny(v, " \t\r\n#") {
		return false
	}
	u, err := url.Parse(v)
	return err == nil && u.IsAbs()
}
