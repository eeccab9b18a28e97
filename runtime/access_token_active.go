package runtime

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// AccessTokenActive reports whether token is an access token this server
// issued that is still active, and returns its record. An opaque token is
// looked up by its hash; a JWT is verified (signature, typ "at+jwt", exp,
// and iss when the server has one; RFC 8725 §3.1, §3.11) and then looked
// up by the hash of its jti. A token is active only when its record exists
// and has not expired, and its grant exists, is not revoked and has not
// expired (RFC 7662 §2.2). A malformed, forged or unknown token is simply
// inactive; the error is for store failures only.
func (s *Server) AccessTokenActive(ctx context.Context, token Secret) (AccessTokenRecord, bool, error) {
	rec, _, active, err := s.accessTokenActiveAt(ctx, token, s.clock.Now())
	return rec, active, err
}

// accessTokenActiveAt is AccessTokenActive at the instant now, so that an
// endpoint that has read its request instant does not read the clock again.
// It also returns the token's grant.
func (s *Server) accessTokenActiveAt(ctx context.Context, token Secret, now time.Time) (AccessTokenRecord, Grant, bool, error) {
	raw := token.Reveal()
	if raw == "" {
		return AccessTokenRecord{}, Grant{}, false, nil
	}
	var key []byte
	if strings.Count(raw, ".") == 2 {
		if s.keys == nil {
			return AccessTokenRecord{}, Grant{}, false, nil
		}
		opts := []jwt.ParserOption{jwt.WithTimeFunc(func() time.Time { return now })}
		if s.settings.Issuer != "" {
			opts = append(opts, jwt.WithIssuer(s.settings.Issuer))
		}
		keys, err := s.keys.keySet(ctx, now)
		if err != nil {
			return AccessTokenRecord{}, Grant{}, false, err
		}
		var rc jwt.RegisteredClaims
		if err := keys.Verify(raw, accessTokenTyp, &rc, opts...); err != nil || rc.ID == "" {
			return AccessTokenRecord{}, Grant{}, false, nil
		}
		sum := sha256.Sum256([]byte(rc.ID))
		key = sum[:]
	} else {
		key = hashSecret(token)
	}

	rec, found, err := s.store.AccessToken(ctx, key)
	if err != nil {
		return AccessTokenRecord{}, Grant{}, false, fmt.Errorf("look up access token: %w", err)
	}
	if !found || rec.Revoked || !now.Before(rec.ExpiresAt) || rec.GrantID == "" {
		return AccessTokenRecord{}, Grant{}, false, nil
	}
	g, found, err := s.store.Grant(ctx, rec.GrantID)
	if err != nil {
		return AccessTokenRecord{}, Grant{}, false, fmt.Errorf("look up grant: %w", err)
	}
	if !found || g.Revoked || (!g.ExpiresAt.IsZero() && !now.Before(g.ExpiresAt)) {
		return AccessTokenRecord{}, Grant{}, false, nil
	}
	return rec, g, true, nil
}
