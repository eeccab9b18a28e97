package runtime

import (
	"context"
	"fmt"
	"slices"

	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Refresh issues a refresh token described by data against g. Nil data
// issues nothing and returns "". The value is 256 random bits; only its
// SHA-256 is stored (RFC 6819 §5.1.4.1.3). Empty members are filled: Scope with the grant's,
// FamilyID with a new rotation chain, ExpiresAt with Now + Policy.RefreshTTL
// and IdleExpiresAt with Now + Policy.RefreshIdleTTL (each only when that
// TTL is set). The token never outlives the grant, and its idle deadline
// never passes its absolute one. A scope wider than the grant's is
// server_error (RFC 6749 §6).
func (i Issuers) Refresh(ctx context.Context, data *RefreshTokenData, g Grant) (Secret, error) {
	if data == nil {
		return "", nil
	}
	t := i.t
	if err := checkGrantClient(t, "refresh token", g); err != nil {
		return "", err
	}
	scope := data.Scope
	if scope == nil {
		scope = g.Scope
	}
	if !scope.SubsetOf(g.Scope) {
		return "", oauth.ServerError("refresh token: scope %q is wider than the grant's %q", scope.String(), g.Scope.String())
	}
	exp := data.ExpiresAt
	if exp.IsZero() && t.Policy.RefreshTTL > 0 {
		exp = t.Now.Add(t.Policy.RefreshTTL)
	}
	if !g.ExpiresAt.IsZero() && (exp.IsZero() || exp.After(g.ExpiresAt)) {
		exp = g.ExpiresAt
	}
	idle := data.IdleExpiresAt
	if idle.IsZero() && t.Policy.RefreshIdleTTL > 0 {
		idle = t.Now.Add(t.Policy.RefreshIdleTTL)
	}
	if !exp.IsZero() && idle.After(exp) {
		idle = exp
	}
	if (!exp.IsZero() && !exp.After(t.Now)) || (!idle.IsZero() && !idle.After(t.Now)) {
		return "", oauth.ServerError("refresh token: already expired at issue")
	}
	family := data.FamilyID
	if family == "" {
		family = randtok.NewID()
	}
	value := newSecretValue()
	rec := RefreshTokenRecord{
		Hash:          hashSecret(value),
		ID:            randtok.NewID(),
		GrantID:       g.ID,
		FamilyID:      family,
		ClientID:      g.ClientID,
		Scope:         slices.Clone(scope),
		IssuedAt:      t.Now,
		ExpiresAt:     exp,
		IdleExpiresAt: idle,
	}
	if err := t.server.store.SaveRefreshToken(ctx, rec); err != nil {
		return "", fmt.Errorf("save refresh token: %w", err)
	}
	return value, nil
}
