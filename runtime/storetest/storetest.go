// Package storetest is the conformance suite of runtime.Store: every storage
// backend, the in-memory one included, must pass Run. It checks the
// contracts documented in runtime/store.go, above all that codes and refresh
// tokens are consumed atomically under concurrency.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/pushed"
	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/oauthgen/oauthgen/runtime"
)

// Concurrency of the race tests: as many goroutines as a busy server has
// requests in flight for one code or token.
const (
	codeRacers    = 64
	refreshRacers = 64
)

// base is the instant the fixtures use. Times are whole seconds in UTC, so a
// backend that stores microseconds or another location still compares equal.
var base = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// Run runs the conformance suite against stores made by newStore; each
// subtest gets a fresh store.
func Run(t *testing.T, newStore func() runtime.Store) {
	t.Helper()
	t.Run("Grant", func(t *testing.T) { testGrant(t, newStore()) })
	t.Run("GrantNotFound", func(t *testing.T) { testGrantNotFound(t, newStore()) })
	t.Run("RevokeGrant", func(t *testing.T) { testRevokeGrant(t, newStore()) })
	t.Run("GrantIsCopied", func(t *testing.T) { testGrantIsCopied(t, newStore()) })
	t.Run("ConsumeCode", func(t *testing.T) { testConsumeCode(t, newStore()) })
	t.Run("SetCodeGrantWithoutReplay", func(t *testing.T) { testSetCodeGrantWithoutReplay(t, newStore()) })
	t.Run("ConsumeCodeNotFound", func(t *testing.T) { testConsumeCodeNotFound(t, newStore()) })
	t.Run("ConsumeCodeConcurrently", func(t *testing.T) { testConsumeCodeConcurrently(t, newStore()) })
	t.Run("CodeIsCopied", func(t *testing.T) { testCodeIsCopied(t, newStore()) })
	t.Run("RefreshToken", func(t *testing.T) { testRefreshToken(t, newStore()) })
	t.Run("RotateRefreshToken", func(t *testing.T) { testRotateRefreshToken(t, newStore()) })
	t.Run("RotateRefreshTokenNotFound", func(t *testing.T) { testRotateNotFound(t, newStore()) })
	t.Run("RotateRefreshTokenConcurrently", func(t *testing.T) { testRotateConcurrently(t, newStore()) })
	t.Run("RefreshTokenIsCopied", func(t *testing.T) { testRefreshIsCopied(t, newStore()) })
	t.Run("AccessToken", func(t *testing.T) { testAccessToken(t, newStore()) })
	t.Run("AccessTokenIsCopied", func(t *testing.T) { testAccessIsCopied(t, newStore()) })
	t.Run("RevokeAccessToken", func(t *testing.T) { testRevokeAccessToken(t, newStore()) })
	t.Run("AccessTokenWithoutGrant", func(t *testing.T) { testAccessTokenWithoutGrant(t, newStore()) })
	t.Run("Uniqueness", func(t *testing.T) { testUniqueness(t, newStore()) })
	t.Run("LargeValues", func(t *testing.T) { testLargeValues(t, newStore()) })
	t.Run("ContextCanceled", func(t *testing.T) { testContextCanceled(t, newStore()) })
	t.Run("Prune", func(t *testing.T) { testPrune(t, newStore()) })
	t.Run("State", func(t *testing.T) { testState(t, newStore()) })
	t.Run("TakeStateConcurrently", func(t *testing.T) { testTakeStateConcurrently(t, newStore()) })
	t.Run("AddStateConcurrently", func(t *testing.T) { testAddStateConcurrently(t, newStore()) })
	t.Run("CountStateConcurrently", func(t *testing.T) { testCountStateConcurrently(t, newStore()) })
	t.Run("ClientAssertionReplay", func(t *testing.T) { testClientAssertionReplay(t, newStore()) })
	t.Run("PushedRequest", func(t *testing.T) { testPushedRequest(t, newStore()) })
}

// Pruner is a store that deletes expired records on demand. Every store of
// this module is one; Run checks pruning on those that are.
type Pruner interface {
	Prune(ctx context.Context, now time.Time) error
}

// hash returns a fresh 32-byte key, as the runtime's SHA-256 hashes are.
func hash(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// id returns a fresh record id.
func id(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "id-" + hex.EncodeToString(b)
}

func newGrant(t *testing.T) runtime.Grant {
	return runtime.Grant{
		ID:       id(t),
		ClientID: "client-a",
		Subject:  "alice",
		Scope:    oauth.ScopeSet{"read", "write"},
		Audience: []string{"https://api.example"},
		Authentication: runtime.Authentication{
			Subject: "alice", AuthTime: base.Add(-time.Minute), ACR: "urn:acr:1", AMR: []string{"pwd", "otp"}, SessionID: "sid-1",
		},
		Created:   base,
		ExpiresAt: base.Add(24 * time.Hour),
		Data:      json.RawMessage(`{"tenant":"t1"}`),
	}
}

func newCode(t *testing.T) runtime.AuthorizationCode {
	return runtime.AuthorizationCode{
		Hash:                hash(t),
		ClientID:            "client-a",
		RedirectURI:         "https://app.example/cb",
		RedirectURIProvided: true,
		Scope:               oauth.ScopeSet{"read"},
		Authentication:      runtime.Authentication{Subject: "alice", AuthTime: base, AMR: []string{"pwd"}},
		Nonce:               "n-0S6_WzA2Mj",
		CodeChallenge:       "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
		CodeChallengeMethod: "S256",
		Resources:           []string{"https://api.example"},
		IssuedAt:            base,
		ExpiresAt:           base.Add(time.Minute),
		Data:                json.RawMessage(`{"k":1}`),
	}
}

func newRefresh(t *testing.T) runtime.RefreshTokenRecord {
	return runtime.RefreshTokenRecord{
		Hash:          hash(t),
		ID:            id(t),
		GrantID:       id(t),
		FamilyID:      id(t),
		ClientID:      "client-a",
		Scope:         oauth.ScopeSet{"read", "write"},
		IssuedAt:      base,
		ExpiresAt:     base.Add(720 * time.Hour),
		IdleExpiresAt: base.Add(72 * time.Hour),
	}
}

func newAccess(t *testing.T) runtime.AccessTokenRecord {
	return runtime.AccessTokenRecord{
		Key:      hash(t),
		GrantID:  id(t),
		ClientID: "client-a",
		Claims: runtime.AccessTokenClaims{
			Issuer: "https://as.example", Subject: "alice", Audience: runtime.Audience{"https://api.example"},
			ClientID: "client-a", IssuedAt: base, ExpiresAt: base.Add(10 * time.Minute), JTI: "jti-1",
			Scope: oauth.ScopeSet{"read"}, AMR: []string{"pwd"},
			Act: &runtime.ActorClaim{Subject: "svc-b", Issuer: "https://as.example",
				Act: &runtime.ActorClaim{Subject: "svc-a", ClientID: "client-a"}}, // RFC 8693 §4.1
		},
		ExpiresAt: base.Add(10 * time.Minute),
	}
}

func testGrant(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	want := newGrant(t)
	if err := s.SaveGrant(ctx, want); err != nil {
		t.Fatalf("SaveGrant: %v", err)
	}
	got, found, err := s.Grant(ctx, want.ID)
	if err != nil || !found {
		t.Fatalf("Grant = found %v, err %v; want found", found, err)
	}
	if !equalGrant(got, want) {
		t.Errorf("Grant = %+v\nwant %+v", got, want)
	}
}

func testGrantNotFound(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	if err := s.SaveGrant(ctx, newGrant(t)); err != nil {
		t.Fatalf("SaveGrant: %v", err)
	}
	_, found, err := s.Grant(ctx, "no-such-grant")
	if err != nil || found {
		t.Errorf("Grant(unknown) = found %v, err %v; want not found, nil", found, err)
	}
}

func testRevokeGrant(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	g, other := newGrant(t), newGrant(t)
	for _, x := range []runtime.Grant{g, other} {
		if err := s.SaveGrant(ctx, x); err != nil {
			t.Fatalf("SaveGrant: %v", err)
		}
	}
	// Revoking twice, and revoking an unknown grant, are not errors.
	for _, rid := range []string{g.ID, g.ID, "no-such-grant"} {
		if err := s.RevokeGrant(ctx, rid); err != nil {
			t.Fatalf("RevokeGrant(%q): %v", rid, err)
		}
	}
	got, found, err := s.Grant(ctx, g.ID)
	if err != nil || !found || !got.Revoked {
		t.Errorf("revoked grant = revoked %v, found %v, err %v; want revoked", got.Revoked, found, err)
	}
	got, _, _ = s.Grant(ctx, other.ID)
	if got.Revoked {
		t.Errorf("the other grant is revoked too")
	}
}

func testGrantIsCopied(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	g := newGrant(t)
	want := newGrant(t)
	want.ID = g.ID
	if err := s.SaveGrant(ctx, g); err != nil {
		t.Fatalf("SaveGrant: %v", err)
	}
	g.Scope[0], g.Audience[0], g.Authentication.AMR[0], g.Data[2] = "admin", "evil", "none", 'X'
	got, _, _ := s.Grant(ctx, g.ID)
	got.Scope[0], got.Audience[0], got.Authentication.AMR[0], got.Data[2] = "admin", "evil", "none", 'X'
	got, _, _ = s.Grant(ctx, g.ID)
	if !equalGrant(got, want) {
		t.Errorf("after mutating slices given to and returned by the store, Grant = %+v\nwant %+v", got, want)
	}
}

func testConsumeCode(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	want := newCode(t)
	if err := s.SaveCode(ctx, want); err != nil {
		t.Fatalf("SaveCode: %v", err)
	}
	got, res, err := s.ConsumeCode(ctx, want.Hash)
	if err != nil || res != runtime.Consumed {
		t.Fatalf("first ConsumeCode = %v, %v; want Consumed", res, err)
	}
	if !equalCode(got, want) {
		t.Errorf("consumed code = %+v\nwant %+v", got, want)
	}
	got, res, err = s.ConsumeCode(ctx, want.Hash)
	if err != nil || res != runtime.AlreadyConsumed {
		t.Fatalf("second ConsumeCode = %v, %v; want AlreadyConsumed", res, err)
	}
	if !equalCode(got, want) {
		t.Errorf("already consumed code = %+v\nwant %+v", got, want)
	}
	replayed, err := s.SetCodeGrant(ctx, want.Hash, "grant-7")
	if err != nil {
		t.Fatalf("SetCodeGrant: %v", err)
	}
	if !replayed {
		t.Errorf("SetCodeGrant after a second ConsumeCode: replayed = false; want true (RFC 6749 §4.1.2)")
	}
	got, res, err = s.ConsumeCode(ctx, want.Hash)
	if err != nil || res != runtime.AlreadyConsumed || got.GrantID != "grant-7" {
		t.Errorf("ConsumeCode after SetCodeGrant = %v, GrantID %q, %v; want AlreadyConsumed, grant-7", res, got.GrantID, err)
	}
}

func testConsumeCodeNotFound(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	if err := s.SaveCode(ctx, newCode(t)); err != nil {
		t.Fatalf("SaveCode: %v", err)
	}
	_, res, err := s.ConsumeCode(ctx, hash(t))
	if err != nil || res != runtime.NotFound {
		t.Errorf("ConsumeCode(unknown) = %v, %v; want NotFound", res, err)
	}
}

// testConsumeCodeConcurrently: codeRacers goroutines consume one code at the
// same moment; exactly one may get Consumed (RFC 6749 §4.1.2).
func testConsumeCodeConcurrently(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	c := newCode(t)
	if err := s.SaveCode(ctx, c); err != nil {
		t.Fatalf("SaveCode: %v", err)
	}
	results := race(codeRacers, func() (runtime.ConsumeResult, error) {
		_, res, err := s.ConsumeCode(ctx, c.Hash)
		return res, err
	})
	checkOneWinner(t, results)
}

func testCodeIsCopied(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	c, want := newCode(t), newCode(t)
	want.Hash = append([]byte(nil), c.Hash...)
	if err := s.SaveCode(ctx, c); err != nil {
		t.Fatalf("SaveCode: %v", err)
	}
	key := append([]byte(nil), c.Hash...)
	c.Scope[0], c.Resources[0], c.Authentication.AMR[0], c.Data[2] = "admin", "evil", "none", 'X'
	c.Hash[0] ^= 0xff
	got, _, _ := s.ConsumeCode(ctx, key)
	got.Scope[0], got.Resources[0], got.Authentication.AMR[0], got.Data[2] = "admin", "evil", "none", 'X'
	got.Hash[0] ^= 0xff
	got, res, err := s.ConsumeCode(ctx, key)
	if err != nil || res != runtime.AlreadyConsumed {
		t.Fatalf("ConsumeCode = %v, %v; want AlreadyConsumed", res, err)
	}
	if !equalCode(got, want) {
		t.Errorf("after mutating slices given to and returned by the store, code = %+v\nwant %+v", got, want)
	}
}

func testRefreshToken(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	want := newRefresh(t)
	if err := s.SaveRefreshToken(ctx, want); err != nil {
		t.Fatalf("SaveRefreshToken: %v", err)
	}
	got, found, err := s.RefreshToken(ctx, want.Hash)
	if err != nil || !found {
		t.Fatalf("RefreshToken = found %v, err %v; want found", found, err)
	}
	if !equalRefresh(got, want) {
		t.Errorf("RefreshToken = %+v\nwant %+v", got, want)
	}
	// A lookup does not rotate.
	if _, res, err := s.RotateRefreshToken(ctx, want.Hash, base, false); err != nil || res != runtime.Consumed {
		t.Errorf("RotateRefreshToken after RefreshToken = %v, %v; want Consumed", res, err)
	}
	if _, found, err := s.RefreshToken(ctx, hash(t)); err != nil || found {
		t.Errorf("RefreshToken(unknown) = found %v, err %v; want not found", found, err)
	}
}

// testRotateRefreshToken: the first rotation is Consumed and every later
// one AlreadyConsumed with the first rotation's time; the store then keeps
// only the rotated form of the record (what reuse detection reads), or the
// whole record when asked to, and every lookup returns what it keeps.
func testRotateRefreshToken(t *testing.T, s runtime.Store) {
	for _, whole := range []bool{false, true} {
		t.Run(fmt.Sprintf("whole=%v", whole), func(t *testing.T) {
			ctx := context.Background()
			r := newRefresh(t)
			if err := s.SaveRefreshToken(ctx, r); err != nil {
				t.Fatalf("SaveRefreshToken: %v", err)
			}
			first := base.Add(time.Hour)
			want := r
			want.RotatedAt = first
			if !whole {
				want = want.Rotated()
				if want.ID != "" || want.Scope != nil || !want.IssuedAt.IsZero() || !want.IdleExpiresAt.IsZero() ||
					want.GrantID != r.GrantID || want.FamilyID != r.FamilyID || want.ClientID != r.ClientID || !want.ExpiresAt.Equal(r.ExpiresAt) {
					t.Fatalf("Rotated() = %+v", want)
				}
			}
			got, res, err := s.RotateRefreshToken(ctx, r.Hash, first, whole)
			if err != nil || res != runtime.Consumed {
				t.Fatalf("first RotateRefreshToken = %v, %v; want Consumed", res, err)
			}
			if !equalRefresh(got, want) {
				t.Errorf("rotated record = %+v\nwant %+v", got, want)
			}
			got, res, err = s.RotateRefreshToken(ctx, r.Hash, first.Add(time.Minute), !whole)
			if err != nil || res != runtime.AlreadyConsumed {
				t.Fatalf("second RotateRefreshToken = %v, %v; want AlreadyConsumed", res, err)
			}
			if !equalRefresh(got, want) {
				t.Errorf("second rotation = %+v\nwant %+v (the first rotation's)", got, want)
			}
			got, found, err := s.RefreshToken(ctx, r.Hash)
			if err != nil || !found || !equalRefresh(got, want) {
				t.Errorf("RefreshToken after rotation = %+v, found %v, err %v\nwant %+v", got, found, err, want)
			}
		})
	}
}

func testRotateNotFound(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	if err := s.SaveRefreshToken(ctx, newRefresh(t)); err != nil {
		t.Fatalf("SaveRefreshToken: %v", err)
	}
	_, res, err := s.RotateRefreshToken(ctx, hash(t), base, false)
	if err != nil || res != runtime.NotFound {
		t.Errorf("RotateRefreshToken(unknown) = %v, %v; want NotFound", res, err)
	}
}

// testRotateConcurrently: refreshRacers goroutines rotate one token at the
// same moment; exactly one may get Consumed.
func testRotateConcurrently(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	r := newRefresh(t)
	if err := s.SaveRefreshToken(ctx, r); err != nil {
		t.Fatalf("SaveRefreshToken: %v", err)
	}
	results := race(refreshRacers, func() (runtime.ConsumeResult, error) {
		_, res, err := s.RotateRefreshToken(ctx, r.Hash, base.Add(time.Hour), false)
		return res, err
	})
	checkOneWinner(t, results)
}

func testRefreshIsCopied(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	r, want := newRefresh(t), newRefresh(t)
	want.Hash, want.ID, want.GrantID, want.FamilyID = append([]byte(nil), r.Hash...), r.ID, r.GrantID, r.FamilyID
	if err := s.SaveRefreshToken(ctx, r); err != nil {
		t.Fatalf("SaveRefreshToken: %v", err)
	}
	key := append([]byte(nil), r.Hash...)
	r.Scope[0] = "admin"
	r.Hash[0] ^= 0xff
	got, _, _ := s.RefreshToken(ctx, key)
	got.Scope[0] = "admin"
	got.Hash[0] ^= 0xff
	got, found, err := s.RefreshToken(ctx, key)
	if err != nil || !found || !equalRefresh(got, want) {
		t.Errorf("after mutating slices given to and returned by the store, RefreshToken = %+v, %v, %v\nwant %+v", got, found, err, want)
	}
}

func testAccessToken(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	want := newAccess(t)
	if err := s.SaveAccessToken(ctx, want); err != nil {
		t.Fatalf("SaveAccessToken: %v", err)
	}
	got, found, err := s.AccessToken(ctx, want.Key)
	if err != nil || !found {
		t.Fatalf("AccessToken = found %v, err %v; want found", found, err)
	}
	if !equalAccess(got, want) {
		t.Errorf("AccessToken = %+v\nwant %+v", got, want)
	}
	if _, found, err := s.AccessToken(ctx, hash(t)); err != nil || found {
		t.Errorf("AccessToken(unknown) = found %v, err %v; want not found", found, err)
	}
}

func testRevokeAccessToken(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	a, b := newAccess(t), newAccess(t)
	for _, r := range []runtime.AccessTokenRecord{a, b} {
		if err := s.SaveAccessToken(ctx, r); err != nil {
			t.Fatalf("SaveAccessToken: %v", err)
		}
	}
	for range 2 { // revoking twice is not an error
		if err := s.RevokeAccessToken(ctx, a.Key); err != nil {
			t.Fatalf("RevokeAccessToken: %v", err)
		}
	}
	got, found, err := s.AccessToken(ctx, a.Key)
	if err != nil || !found || !got.Revoked {
		t.Errorf("revoked AccessToken = %+v, found %v, err %v; want Revoked", got, found, err)
	}
	got.Revoked = false
	if !equalAccess(got, a) {
		t.Errorf("revoking changed the record: %+v\nwant %+v", got, a)
	}
	if other, _, _ := s.AccessToken(ctx, b.Key); other.Revoked {
		t.Error("revoking one access token revoked another")
	}
	if err := s.RevokeAccessToken(ctx, hash(t)); err != nil {
		t.Errorf("RevokeAccessToken(unknown) = %v, want nil", err)
	}
	if _, found, _ := s.AccessToken(ctx, hash(t)); found {
		t.Error("revoking an unknown token created a record")
	}
}

// testAccessTokenWithoutGrant: the record of a token a client got for
// itself has no GrantID, and is kept, found and revoked like any other;
// claims that repeat the record, or do not, even empty ones, read back as
// they were saved.
func testAccessTokenWithoutGrant(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	own := newAccess(t)
	own.GrantID = ""
	own.Claims.Subject, own.Claims.AMR = "client-a", nil
	apart := newAccess(t)
	apart.GrantID = ""
	apart.Claims.Subject, apart.Claims.ClientID, apart.Claims.ExpiresAt = "", "", base.Add(time.Minute)
	for name, want := range map[string]runtime.AccessTokenRecord{"own": own, "claims apart": apart} {
		if err := s.SaveAccessToken(ctx, want); err != nil {
			t.Fatalf("%s: SaveAccessToken: %v", name, err)
		}
		got, found, err := s.AccessToken(ctx, want.Key)
		if err != nil || !found || !equalAccess(got, want) {
			t.Fatalf("%s: AccessToken = %+v, found %v, err %v\nwant %+v", name, got, found, err, want)
		}
	}
	if err := s.RevokeAccessToken(ctx, own.Key); err != nil {
		t.Fatalf("RevokeAccessToken: %v", err)
	}
	if got, found, err := s.AccessToken(ctx, own.Key); err != nil || !found || !got.Revoked {
		t.Errorf("revoked AccessToken = %+v, found %v, err %v; want Revoked", got, found, err)
	}
}

func testAccessIsCopied(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	r, want := newAccess(t), newAccess(t)
	want.Key, want.GrantID = append([]byte(nil), r.Key...), r.GrantID
	if err := s.SaveAccessToken(ctx, r); err != nil {
		t.Fatalf("SaveAccessToken: %v", err)
	}
	key := append([]byte(nil), r.Key...)
	r.Claims.Scope[0], r.Claims.Audience[0], r.Claims.AMR[0] = "admin", "evil", "none"
	r.Key[0] ^= 0xff
	got, _, _ := s.AccessToken(ctx, key)
	got.Claims.Scope[0], got.Claims.Audience[0], got.Claims.AMR[0] = "admin", "evil", "none"
	got.Key[0] ^= 0xff
	got, found, err := s.AccessToken(ctx, key)
	if err != nil || !found || !equalAccess(got, want) {
		t.Errorf("after mutating slices given to and returned by the store, AccessToken = %+v, %v, %v\nwant %+v", got, found, err, want)
	}
}

// race runs f in n goroutines released at the same moment and returns their
// results.
func race(n int, f func() (runtime.ConsumeResult, error)) []raceResult {
	start := make(chan struct{})
	out := make([]raceResult, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i].res, out[i].err = f()
		}()
	}
	close(start)
	wg.Wait()
	return out
}

type raceResult struct {
	res runtime.ConsumeResult
	err error
}

func checkOneWinner(t *testing.T, results []raceResult) {
	t.Helper()
	won, lost := 0, 0
	for _, r := range results {
		switch {
		case r.err != nil:
			t.Errorf("racer error: %v", r.err)
		case r.res == runtime.Consumed:
			won++
		case r.res == runtime.AlreadyConsumed:
			lost++
		default:
			t.Errorf("racer result %v, want Consumed or AlreadyConsumed", r.res)
		}
	}
	if won != 1 || lost != len(results)-1 {
		t.Errorf("%d racers: %d Consumed, %d AlreadyConsumed; want exactly 1 Consumed", len(results), won, lost)
	}
}

// The equal functions compare records the way a faithful backend must
// preserve them: times as instants, JSON data by its compact form, and
// empty and nil slices alike.

func equalGrant(a, b runtime.Grant) bool {
	return a.ID == b.ID && a.ClientID == b.ClientID && a.Subject == b.Subject &&
		equalStrings(a.Scope, b.Scope) && equalStrings(a.Audience, b.Audience) &&
		equalAuthentication(a.Authentication, b.Authentication) &&
		a.Created.Equal(b.Created) && a.ExpiresAt.Equal(b.ExpiresAt) && a.Revoked == b.Revoked &&
		equalJSON(a.Data, b.Data)
}

func equalCode(a, b runtime.AuthorizationCode) bool {
	return bytes.Equal(a.Hash, b.Hash) && a.ClientID == b.ClientID && a.RedirectURI == b.RedirectURI &&
		a.RedirectURIProvided == b.RedirectURIProvided && equalStrings(a.Scope, b.Scope) &&
		equalAuthentication(a.Authentication, b.Authentication) && a.Nonce == b.Nonce &&
		a.CodeChallenge == b.CodeChallenge && a.CodeChallengeMethod == b.CodeChallengeMethod &&
		equalStrings(a.Resources, b.Resources) && a.IssuedAt.Equal(b.IssuedAt) &&
		a.ExpiresAt.Equal(b.ExpiresAt) && a.GrantID == b.GrantID && equalJSON(a.Data, b.Data)
}

func equalRefresh(a, b runtime.RefreshTokenRecord) bool {
	return bytes.Equal(a.Hash, b.Hash) && a.ID == b.ID && a.GrantID == b.GrantID && a.FamilyID == b.FamilyID &&
		a.ClientID == b.ClientID && equalStrings(a.Scope, b.Scope) && a.IssuedAt.Equal(b.IssuedAt) &&
		a.ExpiresAt.Equal(b.ExpiresAt) && a.IdleExpiresAt.Equal(b.IdleExpiresAt) && a.RotatedAt.Equal(b.RotatedAt)
}

func equalAccess(a, b runtime.AccessTokenRecord) bool {
	ca, cb := a.Claims, b.Claims
	return bytes.Equal(a.Key, b.Key) && a.GrantID == b.GrantID && a.ClientID == b.ClientID &&
		a.ExpiresAt.Equal(b.ExpiresAt) &&
		ca.Issuer == cb.Issuer && ca.Subject == cb.Subject && equalStrings(ca.Audience, cb.Audience) &&
		ca.ClientID == cb.ClientID && ca.IssuedAt.Equal(cb.IssuedAt) && ca.ExpiresAt.Equal(cb.ExpiresAt) &&
		ca.JTI == cb.JTI && equalStrings(ca.Scope, cb.Scope) && ca.AuthTime.Equal(cb.AuthTime) &&
		ca.ACR == cb.ACR && equalStrings(ca.AMR, cb.AMR) && reflect.DeepEqual(ca.Act, cb.Act) &&
		(len(ca.Extra) == 0 && len(cb.Extra) == 0 || reflect.DeepEqual(ca.Extra, cb.Extra))
}

func equalAuthentication(a, b runtime.Authentication) bool {
	return a.Subject == b.Subject && a.AuthTime.Equal(b.AuthTime) && a.ACR == b.ACR &&
		equalStrings(a.AMR, b.AMR) && a.SessionID == b.SessionID
}

func equalStrings[S ~[]string](a, b S) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

// testSetCodeGrantWithoutReplay: a code consumed once and then given its
// grant is not reported as replayed.
func testSetCodeGrantWithoutReplay(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	c := newCode(t)
	if err := s.SaveCode(ctx, c); err != nil {
		t.Fatalf("SaveCode: %v", err)
	}
	if _, res, err := s.ConsumeCode(ctx, c.Hash); err != nil || res != runtime.Consumed {
		t.Fatalf("ConsumeCode = %v, %v; want Consumed", res, err)
	}
	replayed, err := s.SetCodeGrant(ctx, c.Hash, "grant-1")
	if err != nil || replayed {
		t.Errorf("SetCodeGrant = %v, %v; want false, nil", replayed, err)
	}
}

// testUniqueness: a record saved twice under one key is refused, and the
// first stays as it was.
func testUniqueness(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	g := newGrant(t)
	c := newCode(t)
	r := newRefresh(t)
	a := newAccess(t)
	saves := map[string]func() error{
		"grant":         func() error { return s.SaveGrant(ctx, g) },
		"code":          func() error { return s.SaveCode(ctx, c) },
		"refresh token": func() error { return s.SaveRefreshToken(ctx, r) },
		"access token":  func() error { return s.SaveAccessToken(ctx, a) },
	}
	for name, save := range saves {
		if err := save(); err != nil {
			t.Fatalf("first save of the %s: %v", name, err)
		}
		if err := save(); err == nil {
			t.Errorf("a second %s with the same key was accepted", name)
		}
	}
	if _, res, err := s.ConsumeCode(ctx, c.Hash); err != nil || res != runtime.Consumed {
		t.Errorf("the code after a refused duplicate: %v, %v; want Consumed", res, err)
	}
}

// testLargeValues: records with large team data and claims survive the
// round trip.
func testLargeValues(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	big := strings.Repeat("x", 256<<10)
	g := newGrant(t)
	g.Data = json.RawMessage(`{"blob":"` + big + `"}`)
	g.Scope = make(oauth.ScopeSet, 200)
	for i := range g.Scope {
		g.Scope[i] = fmt.Sprintf("scope-%03d", i)
	}
	if err := s.SaveGrant(ctx, g); err != nil {
		t.Fatalf("SaveGrant: %v", err)
	}
	if got, found, err := s.Grant(ctx, g.ID); err != nil || !found || !equalGrant(got, g) {
		t.Errorf("large grant did not survive: found %v, err %v", found, err)
	}
	a := newAccess(t)
	a.Claims.Extra = map[string]any{"blob": big, "nested": map[string]any{"list": []any{"a", true, 1.5}}}
	if err := s.SaveAccessToken(ctx, a); err != nil {
		t.Fatalf("SaveAccessToken: %v", err)
	}
	if got, found, err := s.AccessToken(ctx, a.Key); err != nil || !found || !equalAccess(got, a) {
		t.Errorf("large access token did not survive: found %v, err %v", found, err)
	}
}

// testContextCanceled: a call whose context is canceled fails and changes
// nothing: a record is not saved, a code is not consumed.
func testContextCanceled(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	g := newGrant(t)
	if err := s.SaveGrant(canceled, g); err == nil {
		t.Error("SaveGrant with a canceled context succeeded")
	}
	if _, found, _ := s.Grant(ctx, g.ID); found {
		t.Error("a grant saved with a canceled context is there")
	}
	c := newCode(t)
	if err := s.SaveCode(ctx, c); err != nil {
		t.Fatalf("SaveCode: %v", err)
	}
	if _, _, err := s.ConsumeCode(canceled, c.Hash); err == nil {
		t.Error("ConsumeCode with a canceled context succeeded")
	}
	if _, res, err := s.ConsumeCode(ctx, c.Hash); err != nil || res != runtime.Consumed {
		t.Errorf("ConsumeCode after a canceled one = %v, %v; want Consumed", res, err)
	}
	if _, _, err := s.Grant(canceled, g.ID); err == nil {
		t.Error("Grant with a canceled context succeeded")
	}
}

// testPrune: a store that prunes deletes each record once its expiry has
// passed, keeps the others, and keeps a code as long as its grant, so a
// late replay can still revoke it (RFC 6749 §4.1.2).
func testPrune(t *testing.T, s runtime.Store) {
	p, ok := s.(Pruner)
	if !ok {
		t.Skip("the store does not prune on demand")
	}
	ctx := context.Background()
	short, forever := newGrant(t), newGrant(t)
	short.ExpiresAt, forever.ExpiresAt = base.Add(time.Hour), time.Time{}
	lone, granted := newCode(t), newCode(t) // expire at base+1m
	access := newAccess(t)                  // expires at base+10m
	refresh := newRefresh(t)                // expires at base+720h
	for _, err := range []error{
		s.SaveGrant(ctx, short), s.SaveGrant(ctx, forever), s.SaveCode(ctx, lone), s.SaveCode(ctx, granted),
		s.SaveAccessToken(ctx, access), s.SaveRefreshToken(ctx, refresh),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SetCodeGrant(ctx, granted.Hash, forever.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.Prune(ctx, base.Add(2*time.Hour)); err != nil {
		t.Fatalf("Prune: %v", err)
	}
	if _, found, _ := s.Grant(ctx, short.ID); found {
		t.Error("an expired grant was kept")
	}
	if _, found, _ := s.Grant(ctx, forever.ID); !found {
		t.Error("a grant without expiry was pruned")
	}
	if _, res, _ := s.ConsumeCode(ctx, lone.Hash); res != runtime.NotFound {
		t.Error("an expired code without a grant was kept")
	}
	if _, res, _ := s.ConsumeCode(ctx, granted.Hash); res == runtime.NotFound {
		t.Error("a code was pruned before its grant")
	}
	if _, found, _ := s.AccessToken(ctx, access.Key); found {
		t.Error("an expired access token was kept")
	}
	if _, found, _ := s.RefreshToken(ctx, refresh.Hash); !found {
		t.Error("a live refresh token was pruned")
	}
	if err := p.Prune(ctx, base.Add(721*time.Hour)); err != nil {
		t.Fatalf("Prune: %v", err)
	}
	if _, found, _ := s.RefreshToken(ctx, refresh.Hash); found {
		t.Error("an expired refresh token was kept")
	}
}

// stateRacers is how many goroutines race for one state entry.
const stateRacers = 64

// testState: entries live until they expire, namespaces are apart, Put
// replaces and resets the count, Take deletes, Add stores only over a
// missing or expired entry, Count restarts after expiry, values survive
// the round trip whatever their size, and a canceled context fails.
func testState(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	key := hash(t)
	exp := base.Add(time.Minute)
	if err := s.PutState(ctx, "a", key, []byte("v1"), exp, base); err != nil {
		t.Fatalf("PutState: %v", err)
	}
	if v, found, err := s.State(ctx, "a", key, base); err != nil || !found || string(v) != "v1" {
		t.Fatalf("State = %q, %v, %v; want v1", v, found, err)
	}
	if _, found, _ := s.State(ctx, "b", key, base); found {
		t.Error("another namespace sees the entry")
	}
	if _, found, _ := s.State(ctx, "a", key, exp); found {
		t.Error("an entry is live at its expiry")
	}
	// Replace, with an empty value.
	if err := s.PutState(ctx, "a", key, nil, exp, base); err != nil {
		t.Fatal(err)
	}
	if v, found, _ := s.State(ctx, "a", key, base); !found || len(v) != 0 {
		t.Errorf("replaced entry = %q, %v; want empty, found", v, found)
	}
	// Take.
	if v, found, err := s.TakeState(ctx, "a", key, base); err != nil || !found || len(v) != 0 {
		t.Errorf("TakeState = %q, %v, %v", v, found, err)
	}
	if _, found, _ := s.TakeState(ctx, "a", key, base); found {
		t.Error("an entry was taken twice")
	}
	// Add.
	if added, err := s.AddState(ctx, "r", key, []byte("x"), exp, base); err != nil || !added {
		t.Fatalf("first AddState = %v, %v", added, err)
	}
	if added, _ := s.AddState(ctx, "r", key, []byte("y"), exp, base.Add(time.Second)); added {
		t.Error("AddState over a live entry stored")
	}
	if added, _ := s.AddState(ctx, "r", key, []byte("z"), exp.Add(time.Minute), exp); !added {
		t.Error("AddState over an expired entry did not store")
	}
	if v, _, _ := s.State(ctx, "r", key, exp); string(v) != "z" {
		t.Errorf("after AddState over an expired entry, State = %q", v)
	}
	// Count.
	for want := int64(1); want <= 3; want++ {
		if n, err := s.CountState(ctx, "c", key, exp, base); err != nil || n != want {
			t.Fatalf("CountState = %d, %v; want %d", n, err, want)
		}
	}
	if n, _ := s.CountState(ctx, "c", key, exp.Add(time.Hour), exp); n != 1 {
		t.Errorf("CountState after expiry = %d; want 1", n)
	}
	if n, _ := s.CountState(ctx, "c", key, exp, exp.Add(time.Minute)); n != 2 {
		t.Errorf("CountState keeps the new expiry: %d; want 2", n)
	}
	// Delete.
	if err := s.DeleteState(ctx, "c", key); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountState(ctx, "c", key, exp, base); n != 1 {
		t.Errorf("CountState after DeleteState = %d; want 1", n)
	}
	if err := s.DeleteState(ctx, "c", hash(t)); err != nil {
		t.Errorf("DeleteState of nothing: %v", err)
	}
	// Large values.
	big := make([]byte, 1<<20)
	if _, err := rand.Read(big); err != nil {
		t.Fatal(err)
	}
	if err := s.PutState(ctx, "big", key, big, exp, base); err != nil {
		t.Fatalf("PutState of 1 MiB: %v", err)
	}
	if v, _, _ := s.State(ctx, "big", key, base); !bytes.Equal(v, big) {
		t.Error("a 1 MiB value did not survive")
	}
	// A canceled context.
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.PutState(canceled, "x", key, []byte("v"), exp, base); err == nil {
		t.Error("PutState with a canceled context succeeded")
	}
	if _, found, _ := s.State(ctx, "x", key, base); found {
		t.Error("PutState with a canceled context stored")
	}
}

// testTakeStateConcurrently: of stateRacers takers of one entry, exactly
// one gets it.
func testTakeStateConcurrently(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	key := hash(t)
	if err := s.PutState(ctx, "csrf", key, []byte("token"), base.Add(time.Minute), base); err != nil {
		t.Fatal(err)
	}
	checkOneWinner(t, race(stateRacers, func() (runtime.ConsumeResult, error) {
		_, found, err := s.TakeState(ctx, "csrf", key, base)
		if found {
			return runtime.Consumed, err
		}
		return runtime.AlreadyConsumed, err
	}))
}

// testAddStateConcurrently: of stateRacers adders of one key, exactly one
// stores (a replay cache's guarantee).
func testAddStateConcurrently(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	key := hash(t)
	checkOneWinner(t, race(stateRacers, func() (runtime.ConsumeResult, error) {
		added, err := s.AddState(ctx, "replay", key, []byte("jti"), base.Add(time.Minute), base)
		if added {
			return runtime.Consumed, err
		}
		return runtime.AlreadyConsumed, err
	}))
}

// testClientAssertionReplay: the replay cache of client assertions' jti
// (RFC 7523 §3), as the runtime keeps it: in statens.Replay under the
// hash of client and jti until the assertion expires. Of concurrent
// first uses exactly one is accepted; a later use before the expiry is
// refused, one at or after it accepted; another client's equal jti is
// its own.
func testClientAssertionReplay(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	exp := base.Add(5 * time.Minute)
	key := statens.Key("client-assertion", "client-a", "jti-1")
	checkOneWinner(t, race(stateRacers, func() (runtime.ConsumeResult, error) {
		added, err := s.AddState(ctx, statens.Replay, key, []byte{1}, exp, base)
		if added {
			return runtime.Consumed, err
		}
		return runtime.AlreadyConsumed, err
	}))
	if added, err := s.AddState(ctx, statens.Replay, key, []byte{1}, exp, exp.Add(-time.Second)); err != nil || added {
		t.Errorf("a use just before the expiry: added %v, %v", added, err)
	}
	other := statens.Key("client-assertion", "client-b", "jti-1")
	if added, err := s.AddState(ctx, statens.Replay, other, []byte{1}, exp, base); err != nil || !added {
		t.Errorf("another client's jti: added %v, %v", added, err)
	}
	if added, err := s.AddState(ctx, statens.Replay, key, []byte{1}, exp.Add(5*time.Minute), exp); err != nil || !added {
		t.Errorf("a use at the expiry: added %v, %v", added, err)
	}
}

// testCountStateConcurrently: stateRacers concurrent counts of one key
// each count once: the counts returned are 1 to stateRacers.
func testCountStateConcurrently(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	key := hash(t)
	counts := make([]int64, stateRacers)
	var wg sync.WaitGroup
	for i := range stateRacers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := s.CountState(ctx, "failures", key, base.Add(time.Minute), base)
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		}()
	}
	wg.Wait()
	slices.Sort(counts)
	for i, n := range counts {
		if n != int64(i+1) {
			t.Fatalf("counts %v; want 1 to %d, each once", counts, stateRacers)
		}
	}
}

// testPushedRequest: a pushed authorization request (RFC 9126), as the
// runtime keeps it, round-trips; another client's client_id finds nothing
// and consumes nothing; of stateRacers uses of its request_uri exactly one
// finds it; and one pushed earlier is gone once its lifetime has passed.
func testPushedRequest(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	reqs := pushed.New(s)
	p, e := form.Split("response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&resource=r1&resource=r2&state=%E2%9C%93")
	if e != nil {
		t.Fatal(e)
	}
	uri, err := reqs.Push(ctx, "app", false, "192.0.2.1", p, base)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(uri, pushed.URIPrefix) || len(uri) < len(pushed.URIPrefix)+22 { // at least 128 bits
		t.Fatalf("request_uri %q", uri)
	}
	if _, found, err := reqs.Take(ctx, "other", uri, base); err != nil || found {
		t.Fatalf("another client's Take = %v, %v; want not found", found, err)
	}
	results := race(stateRacers, func() (runtime.ConsumeResult, error) {
		got, found, err := reqs.Take(ctx, "app", uri, base.Add(pushed.TTL-time.Second))
		if found {
			if got.Encode() != p.Encode() {
				return runtime.NotFound, fmt.Errorf("pushed params %q, want %q", got.Encode(), p.Encode())
			}
			return runtime.Consumed, err
		}
		return runtime.AlreadyConsumed, err
	})
	checkOneWinner(t, results)

	old, err := reqs.Push(ctx, "app", false, "192.0.2.1", p, base)
	if err != nil {
		t.Fatal(err)
	}
	if _, found, err := reqs.Take(ctx, "app", old, base.Add(pushed.TTL)); err != nil || found {
		t.Fatalf("Take at expiry = %v, %v; want not found", found, err)
	}
}
