package runtime

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/oauthgen/oauthgen/runtime/internal/jsonx"
)

// tokenResponseMembers are the members TokenResponse defines, which Extra may
// not shadow: RFC 6749 §5.1, OIDC Core §3.1.3.3, RFC 8693 §2.2.1.
var tokenResponseMembers = [...]string{
	"access_token", "token_type", "expires_in", "refresh_token", "scope", "id_token", "issued_token_type",
}

// encodeTokenResponse encodes a checked response as JSON without reflection
// for the defined members. Extra members follow in name order; an Extra
// member that shadows a defined one, or cannot be encoded, is an error.
func encodeTokenResponse(dst []byte, resp *TokenResponse) ([]byte, error) {
	dst = append(dst, `{"access_token":`...)
	dst = jsonx.AppendString(dst, string(resp.AccessToken))
	dst = append(dst, `,"token_type":`...)
	dst = jsonx.AppendString(dst, resp.TokenType)
	if resp.ExpiresIn > 0 {
		dst = append(dst, `,"expires_in":`...)
		dst = strconv.AppendInt(dst, resp.ExpiresIn, 10)
	}
	if resp.RefreshToken != "" {
		dst = append(dst, `,"refresh_token":`...)
		dst = jsonx.AppendString(dst, string(resp.RefreshToken))
	}
	if len(resp.Scope) > 0 {
		dst = append(dst, `,"scope":`...) // one space-separated string, RFC 6749 §5.1
		dst = jsonx.AppendJoined(dst, resp.Scope)
	}
	if resp.IDToken != "" {
		dst = append(dst, `,"id_token":`...) // OIDC Core §3.1.3.3
		dst = jsonx.AppendString(dst, resp.IDToken)
	}
	if resp.IssuedTokenType != "" {
		dst = append(dst, `,"issued_token_type":`...) // RFC 8693 §2.2.1
		dst = jsonx.AppendString(dst, string(resp.IssuedTokenType))
	}
	for name := range resp.Extra {
		if slices.Contains(tokenResponseMembers[:], name) || name == "" {
			return nil, fmt.Errorf("token response: Extra member %q shadows a defined member", name)
		}
	}
	dst, err := jsonx.AppendMembers(dst, resp.Extra)
	if err != nil {
		return nil, fmt.Errorf("token response: %w", err)
	}
	return dst, nil
}
