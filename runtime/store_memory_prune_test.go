package runtime

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/memstore"
	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
	"github.com/oauthgen/oauthgen/runtime/internal/testclock"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// pnStart is the fake time the pruning tests start at.
var pnStart = time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)

func pnStore() (*MemoryStore, *testclock.Clock) {
	c := testclock.New(pnStart)
	m := NewMemoryStore()
	m.adoptClock(c)
	return m, c
}

func pnHash() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}

func pnGrant(t *testing.T, m *MemoryStore, exp time.Time) Grant {
	t.Helper()
	g := Grant{ID: randtok.NewID(), ClientID: "c", Subject: "s", Created: pnStart, ExpiresAt: exp}
	if err := m.SaveGrant(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	return g
}

func pnAccess(t *testing.T, m *MemoryStore, grantID string, exp time.Time) []byte {
	t.Helper()
	r := AccessTokenRecord{Key: pnHash(), GrantID: grantID, ClientID: "c", ExpiresAt: exp,
		Claims: AccessTokenClaims{Subject: "s", ExpiresAt: exp, Extra: map[string]any{"k": 1}}}
	if err := m.SaveAccessToken(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r.Key
}

func pnRefresh(t *testing.T, m *MemoryStore, grantID string, exp time.Time) []byte {
	t.Helper()
	r := RefreshTokenRecord{Hash: pnHash(), ID: randtok.NewID(), GrantID: grantID, FamilyID: "f", ClientID: "c", IssuedAt: pnStart, ExpiresAt: exp}
	if err := m.SaveRefreshToken(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r.Hash
}

func pnCode(t *testing.T, m *MemoryStore, exp time.Time) []byte {
	t.Helper()
	c := AuthorizationCode{Hash: pnHash(), ClientID: "c", IssuedAt: pnStart, ExpiresAt: exp}
	if err := m.SaveCode(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c.Hash
}

// pnWrite is an unrelated write: writes are when the store prunes.
func pnWrite(t *testing.T, m *MemoryStore) {
	t.Helper()
	pnGrant(t, m, time.Time{})
}

func pnHasGrant(m *MemoryStore, id string) bool {
	_, ok, _ := m.Grant(context.Background(), id)
	return ok
}

func pnHasAccess(m *MemoryStore, key []byte) bool {
	_, ok, _ := m.AccessToken(context.Background(), key)
	return ok
}

func pnHasRefresh(m *MemoryStore, h []byte) bool {
	_, ok, _ := m.RefreshToken(context.Background(), h)
	return ok
}

// pnHasCode looks a code up without consuming it.
func pnHasCode(m *MemoryStore, h []byte) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, _, ok, _ := m.code(h)
	return ok
}

// TestMemoryStorePrunesAtExpiry: a grant or access token is kept up to its
// expiry, and pruned by the first write once it has passed (whole seconds).
func TestMemoryStorePrunesAtExpiry(t *testing.T) {
	m, clk := pnStore()
	exp := pnStart.Add(10 * time.Minute)
	g := pnGrant(t, m, exp)
	key := pnAccess(t, m, g.ID, exp)

	clk.Set(exp)
	pnWrite(t, m)
	if !pnHasGrant(m, g.ID) || !pnHasAccess(m, key) {
		t.Fatal("a record was pruned at its expiry instant; want kept until the next second")
	}
	clk.Advance(time.Second)
	if !pnHasGrant(m, g.ID) || !pnHasAccess(m, key) {
		t.Fatal("a record was pruned without a write")
	}
	pnWrite(t, m)
	if pnHasGrant(m, g.ID) || pnHasAccess(m, key) {
		t.Errorf("after expiry and a write: grant found %v, access token found %v; want both pruned",
			pnHasGrant(m, g.ID), pnHasAccess(m, key))
	}
}

// TestMemoryStoreKeepsRefreshUntilGrantExpires: a rotated refresh token
// stays known as rotated past its own expiry while its grant lives, so its
// reuse is still detected (RFC 9700 §4.14.2).
func TestMemoryStoreKeepsRefreshUntilGrantExpires(t *testing.T) {
	ctx := context.Background()
	m, clk := pnStore()
	grantExp := pnStart.Add(30 * 24 * time.Hour)
	g := pnGrant(t, m, grantExp)
	h := pnRefresh(t, m, g.ID, pnStart.Add(24*time.Hour))
	if _, res, err := m.RotateRefreshToken(ctx, h, pnStart.Add(time.Hour), false); err != nil || res != Consumed {
		t.Fatalf("RotateRefreshToken = %v, %v", res, err)
	}

	clk.Set(pnStart.Add(25 * time.Hour)) // past the token's expiry, not the grant's
	pnWrite(t, m)
	r, res, err := m.RotateRefreshToken(ctx, h, clk.Now(), false)
	if err != nil || res != AlreadyConsumed || !r.RotatedAt.Equal(pnStart.Add(time.Hour)) {
		t.Fatalf("reuse after the token's expiry = %v (rotated %v), %v; want AlreadyConsumed", res, r.RotatedAt, err)
	}

	clk.Set(grantExp.Add(time.Second))
	pnWrite(t, m)
	if pnHasRefresh(m, h) || pnHasGrant(m, g.ID) {
		t.Errorf("after the grant's expiry: refresh found %v, grant found %v; want both pruned", pnHasRefresh(m, h), pnHasGrant(m, g.ID))
	}
}

// TestMemoryStoreRefreshOutlivingGrant: a refresh token whose expiry is
// later than its grant's is kept to its own expiry.
func TestMemoryStoreRefreshOutlivingGrant(t *testing.T) {
	m, clk := pnStore()
	g := pnGrant(t, m, pnStart.Add(time.Hour))
	h := pnRefresh(t, m, g.ID, pnStart.Add(2*time.Hour))
	clk.Set(pnStart.Add(90 * time.Minute))
	pnWrite(t, m)
	if !pnHasRefresh(m, h) || pnHasGrant(m, g.ID) {
		t.Fatalf("between the expiries: refresh found %v (want true), grant found %v (want false)", pnHasRefresh(m, h), pnHasGrant(m, g.ID))
	}
	clk.Set(pnStart.Add(2*time.Hour + time.Second))
	pnWrite(t, m)
	if pnHasRefresh(m, h) {
		t.Error("refresh token kept after its expiry")
	}
}

// TestMemoryStoreCodePruning: a code is kept memstore.CodePruneSlack past its
// expiry; once its grant is recorded, until the grant expires, so that a
// replay still revokes it (RFC 6749 §4.1.2).
func TestMemoryStoreCodePruning(t *testing.T) {
	ctx := context.Background()
	m, clk := pnStore()
	codeExp := pnStart.Add(time.Minute)
	lone := pnCode(t, m, codeExp)
	redeemed := pnCode(t, m, codeExp)
	g := pnGrant(t, m, pnStart.Add(24*time.Hour))
	if _, res, _ := m.ConsumeCode(ctx, redeemed); res != Consumed {
		t.Fatalf("ConsumeCode = %v", res)
	}
	if _, err := m.SetCodeGrant(ctx, redeemed, g.ID); err != nil {
		t.Fatal(err)
	}

	clk.Set(codeExp.Add(memstore.CodePruneSlack))
	pnWrite(t, m)
	if !pnHasCode(m, lone) {
		t.Fatal("code pruned within memstore.CodePruneSlack of its expiry")
	}
	clk.Advance(time.Second)
	pnWrite(t, m)
	if pnHasCode(m, lone) {
		t.Error("code without a grant kept after its expiry and memstore.CodePruneSlack")
	}
	c, res, err := m.ConsumeCode(ctx, redeemed)
	if err != nil || res != AlreadyConsumed || c.GrantID != g.ID {
		t.Fatalf("replay of a redeemed code after its expiry = %v, grant %q, %v; want AlreadyConsumed, %q", res, c.GrantID, err, g.ID)
	}

	clk.Set(pnStart.Add(24*time.Hour + time.Second))
	pnWrite(t, m)
	if pnHasCode(m, redeemed) {
		t.Error("redeemed code kept after its grant expired")
	}
}

// TestMemoryStoreNeverPrunes: records without expiry, and every record of
// a store without a Clock, are kept.
func TestMemoryStoreNeverPrunes(t *testing.T) {
	far := 100 * 365 * 24 * time.Hour
	t.Run("zero expiry", func(t *testing.T) {
		m, clk := pnStore()
		g := pnGrant(t, m, time.Time{})
		key := pnAccess(t, m, g.ID, time.Time{})
		h := pnRefresh(t, m, g.ID, time.Time{})
		c := pnCode(t, m, time.Time{})
		clk.Advance(far)
		pnWrite(t, m)
		if !pnHasGrant(m, g.ID) || !pnHasAccess(m, key) || !pnHasRefresh(m, h) || !pnHasCode(m, c) {
			t.Error("a record without expiry was pruned")
		}
	})
	t.Run("no clock", func(t *testing.T) {
		m := NewMemoryStore()
		g := pnGrant(t, m, pnStart.Add(-far))
		key := pnAccess(t, m, g.ID, pnStart.Add(-far))
		pnWrite(t, m)
		if !pnHasGrant(m, g.ID) || !pnHasAccess(m, key) {
			t.Error("a store without a Clock pruned a record")
		}
	})
}

// TestMemoryStorePruneIsBounded: one write prunes at most memstore.PruneBudget
// records, and further writes prune the rest; the chunks of the pruned
// records are released.
func TestMemoryStorePruneIsBounded(t *testing.T) {
	m, clk := pnStore()
	exp := pnStart.Add(time.Minute)
	const n = 1000
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = pnAccess(t, m, "g", exp)
	}
	if got := m.slab.ChunkCount(); got < 2 {
		t.Fatalf("%d access tokens fill %d chunk(s); the test needs several", n, got)
	}
	clk.Set(exp.Add(time.Hour))
	pnWrite(t, m)
	if got := len(m.access); got != n-memstore.PruneBudget {
		t.Fatalf("after one write %d access tokens are left, want %d", got, n-memstore.PruneBudget)
	}
	for range n / memstore.PruneBudget {
		pnWrite(t, m)
	}
	if len(m.access) != 0 {
		t.Errorf("%d expired access tokens left after %d writes", len(m.access), n/memstore.PruneBudget+1)
	}
	// Left: the open chunk the access tokens were written to, the one of
	// the grants without expiry the writes added.
	if got := m.slab.ChunkCount(); got > 2 {
		t.Errorf("%d chunks held after pruning every expiring record, want at most 2", got)
	}
}

// TestMemoryStorePrunesUnderLoad: a store written to continuously by
// records of a fixed lifetime stays bounded by what is alive, and the
// occasional long-lived record does not pin the chunks of short-lived ones.
func TestMemoryStorePrunesUnderLoad(t *testing.T) {
	m, clk := pnStore()
	const ttl = 10 * time.Minute
	for i := range 20000 {
		clk.Advance(100 * time.Millisecond)
		g := pnGrant(t, m, clk.Now().Add(ttl))
		pnAccess(t, m, g.ID, clk.Now().Add(ttl))
		if i%50 == 0 {
			pnRefresh(t, m, "no-such-grant", clk.Now().Add(30*24*time.Hour))
		}
	}
	// 10 writes a second for 600 s are alive, 6000 of each, plus a second.
	if n := len(m.access); n > 6100 {
		t.Errorf("%d access tokens held, want about 6000", n)
	}
	if n := len(m.grants); n > 6100 {
		t.Errorf("%d grants held, want about 6000", n)
	}
	// The chunks hold the live records with at most as much again expired
	// or free, plus the chunks being filled.
	live := m.slab.LiveBytes()
	if n, max := m.slab.ChunkCount(), 2*live/memstore.ChunkSize+3; n > max {
		t.Errorf("%d chunks held for %d bytes of live records, want at most %d", n, live, max)
	}
}

// TestNewServerGivesMemoryStoreItsClock: a MemoryStore without a Clock,
// given or defaulted, prunes by the server's Clock; one with a Clock keeps it.
func TestNewServerGivesMemoryStoreItsClock(t *testing.T) {
	clk := testclock.New(pnStart)
	c := &Client{ID: "c", AuthMethod: oauth.AuthNone, GrantTypes: []oauth.GrantType{oauth.GrantAuthorizationCode}, RedirectURIs: []string{"https://app.example/cb"}}
	clients, err := NewMemoryClients(c)
	if err != nil {
		t.Fatal(err)
	}
	own := testclock.New(pnStart)
	withClock := NewMemoryStore()
	withClock.adoptClock(own)
	for name, tc := range map[string]struct {
		store Store
		want  Clock
	}{
		"default":    {nil, clk},
		"given":      {NewMemoryStore(), clk},
		"with clock": {withClock, own},
	} {
		s, err := NewServer(Config{Clients: clients, Store: tc.store, Clock: clk}, Settings{Issuer: "https://as.example"}, Flows{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := s.store.(*MemoryStore).clock; got != tc.want {
			t.Errorf("%s: store clock = %v, want %v", name, got, tc.want)
		}
	}
}
