package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// errHintInvalid is an id_token_hint that is not an ID token of this
// server: malformed, forged, signed by a key the server no longer
// publishes, of another issuer, or without a subject or audience.
var errHintInvalid = errors.New("id_token_hint is not an ID token of this server")

// verifyIDTokenHint verifies an id_token_hint (OpenID Connect
// RP-Initiated Logout 1.0 §2): a JWT with typ JWT signed by one of the
// keys of the server's JWK Set at now (a key rotated out of signing still
// verifies while it is published), whose iss is the issuer, with a sub and
// an aud. Its exp is not enforced: the OP SHOULD accept a hint that has
// expired when the RP's session has ended (§2, id_token_hint). The error
// wraps errHintInvalid, unless the keys could not be read.
func (s *Server) verifyIDTokenHint(ctx context.Context, raw string, now time.Time) (*IDTokenClaims, error) {
	keys, err := s.keys.keySet(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("id_token_hint: %w", err)
	}
	var m jwt.MapClaims
	// Claims are checked below: the parser's validation would refuse an
	// expired hint.
	if err := keys.Verify(raw, idTokenTyp, &m, jwt.WithoutClaimsValidation()); err != nil {
		return nil, fmt.Errorf("%w: %w", errHintInvalid, err)
	}
	c, ok := idTokenClaimsOf(m)
	switch {
	case !ok:
		return nil, fmt.Errorf("%w: a registered claim has the wrong type", errHintInvalid)
	case c.Issuer != s.settings.Issuer:
		return nil, fmt.Errorf("%w: iss is another issuer's", errHintInvalid)
	case c.Subject == "" || len(c.Audience) == 0:
		return nil, fmt.Errorf("%w: no sub or aud", errHintInvalid)
	}
	return c, nil
}

// idTokenClaimsOf reads the claims of a verified ID token; a registered
// claim of the wrong type is not ok.
func idTokenClaimsOf(m jwt.MapClaims) (*IDTokenClaims, bool) {
	r := readClaims(m)
	c := &IDTokenClaims{
		Issuer:          r.str("iss"),
		Subject:         r.str("sub"),
		Audience:        Audience(r.strs("aud", true)), // a string or an array (RFC 7519 §4.1.3)
		ExpiresAt:       r.date("exp"),
		IssuedAt:        r.date("iat"),
		AuthTime:        r.date("auth_time"),
		Nonce:           r.str("nonce"),
		ACR:             r.str("acr"),
		AuthorizedParty: r.str("azp"),
		SessionID:       r.str("sid"),
	}
	return c, r.ok
}
