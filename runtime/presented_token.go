package runtime

import (
	"context"
	"fmt"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// presentedToken is a token a client presents to the introspection or
// revocation endpoint, as the server found it: an active access token or
// an active refresh token of this server, with its grant. Every member is
// nil when the token is none of them: unknown, malformed, forged, expired,
// revoked, rotated away, or of a revoked or expired grant. Callers cannot
// tell these apart (RFC 7662 §2.2).
type presentedToken struct {
	access  *AccessTokenRecord
	refresh *RefreshTokenRecord
	grant   *Grant
}

// findToken looks token up as an access token and as a refresh token,
// first as the type the hint names: the hint orders the lookup and never
// limits it (RFC 7662 §2.1; RFC 7009 §2.1). The error is for store
// failures only.
func (s *Server) findToken(ctx context.Context, token Secret, hint oauth.TokenTypeHint, now time.Time) (presentedToken, error) {
	if token == "" {
		return presentedToken{}, nil
	}
	lookups := []func(context.Context, Secret, time.Time) (presentedToken, error){s.findAccessToken, s.findRefreshToken}
	if hint == oauth.HintRefreshToken {
		lookups[0], lookups[1] = lookups[1], lookups[0]
	}
	for _, find := range lookups {
		p, err := find(ctx, token, now)
		if err != nil || p.grant != nil {
			return p, err
		}
	}
	return presentedToken{}, nil
}

// findAccessToken finds an active access token, opaque or JWT.
func (s *Server) findAccessToken(ctx context.Context, token Secret, now time.Time) (presentedToken, error) {
	rec, g, active, err := s.accessTokenActiveAt(ctx, token, now)
	if err != nil || !active {
		return presentedToken{}, err
	}
	return presentedToken{access: &rec, grant: &g}, nil
}

// findRefreshToken finds an active refresh token: neither expired, nor
// idle past its deadline, nor rotated away, of a grant that is active.
func (s *Server) findRefreshToken(ctx context.Context, token Secret, now time.Time) (presentedToken, error) {
	rec, found, err := s.store.RefreshToken(ctx, hashSecret(token))
	if err != nil {
		return presentedToken{}, fmt.Errorf("look up refresh token: %w", err)
	}
	if !found || !rec.RotatedAt.IsZero() || (!rec.ExpiresAt.IsZero() && !now.Before(rec.ExpiresAt)) ||
		(!rec.IdleExpiresAt.IsZero() && !now.Before(rec.IdleExpiresAt)) {
		return presentedToken{}, nil
	}
	g, found, err := s.store.Grant(ctx, rec.GrantID)
	if err != nil {
		return presentedToken{}, fmt.Errorf("look up grant: %w", err)
	}
	if !found || g.Revoked || (!g.ExpiresAt.IsZero() && !now.Before(g.ExpiresAt)) {
		return presentedToken{}, nil
	}
	return presentedToken{refresh: &rec, grant: &g}, nil
}

// clientID is the client the token was issued to; "" when none was found.
func (p presentedToken) clientID() string {
	switch {
	case p.access != nil:
		return p.access.ClientID
	case p.refresh != nil:
		return p.refresh.ClientID
	}
	return ""
}
