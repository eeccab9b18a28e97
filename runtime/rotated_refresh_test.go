package runtime

import (
	"context"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/memstore"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// rrStored is the refresh token record the MemoryStore holds for tok, as
// encoded, and its size in bytes.
func rrStored(t *testing.T, env *htEnv, tok string) (RefreshTokenRecord, int) {
	t.Helper()
	env.store.mu.Lock()
	defer env.store.mu.Unlock()
	e, ok := env.store.refresh[memstore.KeyOfHash(hashSecret(Secret(tok)))]
	if !ok {
		t.Fatal("the refresh token is not stored")
	}
	enc := env.store.slab.Get(e.ref)
	r, err := decodeRefresh(enc)
	if err != nil {
		t.Fatal(err)
	}
	return r, len(enc)
}

// TestRotatedRefreshTokenKeptSlim: once rotated, a refresh token is kept
// only as what detects its reuse (RefreshTokenRecord.Rotated), and that is
// enough: another client presenting it changes nothing, its client
// presenting it revokes the grant (RFC 9700 §4.14.2).
func TestRotatedRefreshTokenKeptSlim(t *testing.T) {
	env := htNewEnv(t)
	t1 := env.tokens(t)
	whole, wholeSize := rrStored(t, env, t1.RefreshToken)
	t2 := htWantOK(t, env.do(t, *env.refresh(t, t1.RefreshToken)))

	kept, size := rrStored(t, env, t1.RefreshToken)
	if kept.RotatedAt.IsZero() || kept.ID != "" || kept.Scope != nil || !kept.IssuedAt.IsZero() || !kept.IdleExpiresAt.IsZero() ||
		kept.GrantID != whole.GrantID || kept.FamilyID != whole.FamilyID || kept.ClientID != "conf" || !kept.ExpiresAt.Equal(whole.ExpiresAt) {
		t.Errorf("the rotated token is kept as %+v; want the rotated form of %+v", kept, whole)
	}
	if size >= wholeSize-20 {
		t.Errorf("the rotated token takes %d bytes, the whole one %d", size, wholeSize)
	}

	rq := env.refresh(t, t1.RefreshToken)
	rq.basic = htBasic("other", htOtherSecret)
	htWantError(t, env.do(t, *rq), 400, oauth.ErrInvalidGrant)
	if !env.active(t, t2.AccessToken) {
		t.Fatal("another client's attempt with a rotated token revoked the grant")
	}
	htWantError(t, env.do(t, *env.refresh(t, t1.RefreshToken)), 400, oauth.ErrInvalidGrant)
	if env.active(t, t2.AccessToken) {
		t.Error("the reuse of a rotated token did not revoke its grant")
	}
	htWantError(t, env.do(t, *env.refresh(t, t2.RefreshToken)), 400, oauth.ErrInvalidGrant)
}

// TestRotatedRefreshTokenKeptWholeForGrace: with a grace window the rotated
// token is kept whole, so that a retry within it gets a token of the same
// scope and deadline.
func TestRotatedRefreshTokenKeptWholeForGrace(t *testing.T) {
	env := htNewEnv(t, htPolicyOf(oauth.GrantRefreshToken, func(p *TokenPolicy) { p.RefreshGrace = 30 * time.Second }))
	t1 := env.tokens(t)
	whole, _ := rrStored(t, env, t1.RefreshToken)
	htWantOK(t, env.do(t, *env.refresh(t, t1.RefreshToken)))
	kept, _ := rrStored(t, env, t1.RefreshToken)
	whole.RotatedAt = kept.RotatedAt
	if kept.RotatedAt.IsZero() || kept.ID != whole.ID || kept.Scope.String() != whole.Scope.String() || !kept.IssuedAt.Equal(whole.IssuedAt) {
		t.Errorf("kept %+v, want the whole %+v", kept, whole)
	}
	env.clock.Advance(10 * time.Second)
	retry := htWantOK(t, env.do(t, *env.refresh(t, t1.RefreshToken)))
	again, _ := rrStored(t, env, retry.RefreshToken)
	if again.Scope.String() != whole.Scope.String() || !again.ExpiresAt.Equal(whole.ExpiresAt) || again.FamilyID != whole.FamilyID {
		t.Errorf("the retry's token %+v, want the scope, deadline and family of %+v", again, whole)
	}
	if _, found, _ := env.store.RefreshToken(context.Background(), hashSecret(Secret(retry.RefreshToken))); !found {
		t.Error("the retry's token is not stored")
	}
}
