package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The redemption of a refresh token, for a flow whose credential is a
// refresh token (flowkit.RefreshCredential; RFC 6749 §6; RFC 9700
// §4.14.2).

// errRefreshInvalid is the one description of a refused refresh token; the
// log tells the reasons apart.
func errRefreshInvalid(reason string) *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidGrant, "refresh token is invalid").WithCause(errors.New(reason))
}

// redeemRefreshToken redeems the request's refresh token, in order:
//
//  1. The token is looked up by its hash; unknown is invalid_grant.
//  2. It was issued to this client (RFC 6749 §6, §10.4). Another client's
//     attempt changes nothing, so the owner's token keeps working.
//  3. A token already rotated away, presented outside Policy.RefreshGrace,
//     is invalid_grant and revokes the whole grant: every refresh token of
//     the family and every access token (RFC 9700 §4.14.2; RFC 6819
//     §5.2.2.3).
//  4. An expired or idle-expired token is invalid_grant.
//  5. The grant exists, is active and has not expired; otherwise invalid_grant.
//  6. The requested scope is within the token's (RFC 6749 §6), otherwise
//     invalid_scope; the resources within the grant's audience (RFC 8707
//     §2.2), otherwise invalid_target. Both are checked before rotation,
//     so a bad request does not spend the token.
//  7. With Policy.RotateRefresh, the token is rotated atomically: of
//     concurrent requests with one token exactly one passes, unless inside
//     the grace window; the loser is handled as in 3.
//
// On success t holds the token, its grant and end user, the granted scope
// (the requested scope, else the token's) and the default token data:
// tokens against the existing grant (no new grant) and, with rotation, a
// new refresh token of the same family with the token's original scope and
// absolute deadline, and a new idle deadline.
func (s *Server) redeemRefreshToken(ctx context.Context, t *TokenContext) error {
	presented := Secret(t.form.Get("refresh_token"))
	if presented == "" {
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'refresh_token' is missing")
	}
	hash := hashSecret(presented)
	rec, found, err := s.store.RefreshToken(ctx, hash)
	if err != nil {
		return oauth.AsError(fmt.Errorf("look up refresh token: %w", err))
	}
	if !found {
		return errRefreshInvalid("refresh token not found")
	}
	if rec.ClientID != t.Client.ID {
		return errRefreshInvalid("refresh token was issued to another client")
	}
	if !rec.RotatedAt.IsZero() && !withinGrace(t, rec.RotatedAt) {
		return reuseDetected(ctx, t, rec)
	}
	if !t.Now.Before(rec.ExpiresAt) && !rec.ExpiresAt.IsZero() {
		return errRefreshInvalid("refresh token expired")
	}
	if !rec.IdleExpiresAt.IsZero() && !t.Now.Before(rec.IdleExpiresAt) {
		return errRefreshInvalid("refresh token idle-expired")
	}
	g, found, err := s.store.Grant(ctx, rec.GrantID)
	if err != nil {
		return oauth.AsError(fmt.Errorf("look up grant: %w", err))
	}
	if !found || g.Revoked || g.ClientID != t.Client.ID {
		return errRefreshInvalid("grant is not active")
	}
	if !g.ExpiresAt.IsZero() && !t.Now.Before(g.ExpiresAt) {
		return errRefreshInvalid("grant expired")
	}
	granted, e := narrowScope(t.RequestedScope, rec.Scope, "was not originally granted") // RFC 6749 §6
	if e != nil {
		return e
	}
	resources, e := resourceParams(t.form, g.Audience, "is not in the grant's audience")
	if e != nil {
		return e
	}
	if t.Policy.RotateRefresh {
		// The atomic step: of concurrent requests one sees Consumed. The
		// store then keeps only what detects a reuse, unless the token may
		// be presented again within the grace window.
		rotated, res, err := s.store.RotateRefreshToken(ctx, hash, t.Now, t.Policy.RefreshGrace > 0)
		if err != nil {
			return oauth.AsError(fmt.Errorf("rotate refresh token: %w", err))
		}
		switch res {
		case Consumed:
		case AlreadyConsumed:
			if !withinGrace(t, rotated.RotatedAt) {
				return reuseDetected(ctx, t, rotated)
			}
		default:
			return errRefreshInvalid("refresh token not found")
		}
	}

	t.RefreshToken = &rec
	t.Grant = &g
	t.Authentication = g.Authentication
	t.GrantedScope = granted
	t.Resources = resources
	t.presented = presented
	fillRefreshDefaults(t, rec, g)
	t.Defaults.ID = refreshIDDefaults(t, g) // nil unless openid is in the grant's scope (OIDC Core §12.2)
	if len(resources) > 0 && t.Defaults.Access != nil {
		t.Defaults.Access.Audience = Audience(withUserInfoAudience(t, t.GrantedScope, resources))
	}
	return nil
}

// withinGrace reports whether a rotated token may still be used: the spec's
// RefreshGrace (default 0, so never) after its rotation.
func withinGrace(t *TokenContext, rotatedAt time.Time) bool {
	return t.Policy.RefreshGrace > 0 && !rotatedAt.IsZero() && t.Now.Sub(rotatedAt) <= t.Policy.RefreshGrace
}

// reuseDetected revokes the grant of a reused refresh token and refuses the
// request (RFC 9700 §4.14.2).
func reuseDetected(ctx context.Context, t *TokenContext, rec RefreshTokenRecord) error {
	if err := t.Issuers.RevokeGrant(ctx, rec.GrantID); err != nil {
		return oauth.AsError(fmt.Errorf("revoke grant of reused refresh token: %w", err))
	}
	t.Log.LogAttrs(ctx, slog.LevelWarn, "refresh token reused; its grant is revoked",
		slog.String("grant_id", rec.GrantID), slog.String("family_id", rec.FamilyID))
	t.server.observeRefreshReuse(ctx, t, rec)
	return errRefreshInvalid("refresh token reused after rotation")
}

// fillRefreshDefaults sets the default token data of a refresh: the grant's
// subject, authentication and audience; with rotation, the next refresh
// token of the family.
func fillRefreshDefaults(t *TokenContext, rec RefreshTokenRecord, g Grant) {
	d := &t.Defaults
	a := g.Authentication
	d.Grant = GrantData{
		Subject:        g.Subject,
		ClientID:       g.ClientID,
		Scope:          g.Scope,
		Audience:       g.Audience,
		Authentication: a,
		ExpiresAt:      g.ExpiresAt,
		Data:           g.Data,
	}
	if d.Access != nil {
		d.Access.setUser(g.Subject, t.GrantedScope, a)
		if len(g.Audience) > 0 {
			d.Access.Audience = Audience(g.Audience)
		}
		if !g.ExpiresAt.IsZero() && g.ExpiresAt.Before(d.Access.ExpiresAt) {
			d.Access.ExpiresAt = g.ExpiresAt // no token outlives its grant
		}
	}
	d.Refresh = nil
	if t.Policy.RotateRefresh {
		// RFC 6749 §6: the new token has the scope of the presented one and
		// keeps the absolute deadline; only the idle deadline moves.
		d.Refresh = &RefreshTokenData{
			Scope:     slices.Clip(rec.Scope),
			ExpiresAt: rec.ExpiresAt,
			FamilyID:  rec.FamilyID,
		}
		if t.Policy.RefreshIdleTTL > 0 {
			d.Refresh.IdleExpiresAt = t.Now.Add(t.Policy.RefreshIdleTTL)
		}
	}
}
