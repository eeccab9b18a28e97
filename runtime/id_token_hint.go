package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// errNotOwnIDToken is a token that is not an ID token of this server
// (an id_token_hint, a token exchange's subject): malformed, forged, signed
// by a key the server no longer publishes, of another issuer, or without a
// subject or audience.
var errNotOwnIDToken = errors.New("id_token_hint is not an ID token of this server")

// verifyIDTokenHint verifies an id_token_hint (OpenID Connect
// RP-Initiated Logout 1.0 §2) as an ID token of this server (ownIDToken).
// Its exp is not enforced: the OP SHOULD accept a hint that has expired
// when the RP's session has ended (§2, id_token_hint). The error wraps
// errNotOwnIDToken, unless the keys could not be read.
func (s *Server) verifyIDTokenHint(ctx context.Context, raw string, now time.Time) (*IDTokenClaims, error) {
	c, _, err := s.ownIDToken(ctx, raw, now)
	if err != nil && !errors.Is(err, errNotOwnIDToken) {
		return nil, fmt.Errorf("id_token_hint: %w", err)
	}
	return c, err
}

// ownIDToken verifies an ID token this server signed: a JWT with typ JWT
// signed by one of the keys of the server's JWK Set at now (a key rotated
// out of signing still verifies while it is published), whose iss is the
// issuer, with a sub and an aud. It returns its claims, and all of them as
// the parser read them; exp is the caller's to enforce. The error wraps
// errNotOwnIDToken, unless the keys could not be read.
func (s *Server) ownIDToken(ctx context.Context, raw string, now time.Time) (*IDTokenClaims, jwt.MapClaims, error) {
	keys, err := s.keys.keySet(ctx, now)
	if err != nil {
		return nil, nil, err
	}
	var m jwt.MapClaims
	// Claims are checked below: the parser's validation would refuse an
	// expired hint.
	if err := keys.Verify(raw, idTokenTyp, &m, jwt.WithoutClaimsValidation()); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errNotOwnIDToken, err)
	}
	c, ok := idTokenClaimsOf(m)
	switch {
	case !ok:
		return nil, nil, fmt.Errorf("%w: a registered claim has the wrong type", errNotOwnIDToken)
	case c.Issuer != s.settings.Issuer:
		return nil, nil, fmt.Errorf("%w: iss is another issuer's", errNotOwnIDToken)
	case c.Subject == "" || len(c.Audience) == 0:
		return nil, nil, fmt.Errorf("%w: no sub or aud", errNotOwnIDToken)
	}
	return c, m, nil
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
