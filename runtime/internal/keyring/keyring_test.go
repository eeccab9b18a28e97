package keyring_test

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/internal/jose"
	"github.com/oauthgen/oauthgen/runtime/internal/keyring"
	"github.com/oauthgen/oauthgen/runtime/sqlite"
)

var t0 = time.Date(2032, 1, 2, 3, 4, 5, 0, time.UTC)

var policy = keyring.Policy{Algs: []string{"ES256", "EdDSA"}, Rotation: 24 * time.Hour, PrePublish: time.Hour, Retention: 2 * time.Hour}

// stores are the stores the ring is tested on: the memory store and a
// SQLite file.
func stores(t *testing.T) map[string]keyring.Store {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return map[string]keyring.Store{"memory": runtime.NewMemoryStore(), "sqlite": db}
}

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

func kids(keys []keyring.Key) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k.KID)
	}
	return out
}

// TestEnsureFirstStart: instances starting together on an empty store
// end with one ring, a key per algorithm active at once, whose private
// keys decode to their kids.
func TestEnsureFirstStart(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			rings := make([]keyring.Ring, 4)
			var wg sync.WaitGroup
			for i := range rings {
				wg.Go(func() {
					r, err := keyring.Ensure(t.Context(), st, policy, at(t0))
					if err != nil {
						t.Error(err)
					}
					rings[i] = r
				})
			}
			wg.Wait()
			stored, found, err := keyring.Load(t.Context(), st, t0)
			if err != nil || !found || len(stored.Keys) != 2 {
				t.Fatalf("stored ring %v, %v, %v", kids(stored.Keys), found, err)
			}
			for i, r := range rings {
				for _, alg := range policy.Algs {
					got, ok := r.Active(alg, t0)
					want, _ := stored.Active(alg, t0)
					if !ok || got.KID != want.KID {
						t.Errorf("instance %d: active %s key %q, stored %q", i, alg, got.KID, want.KID)
					}
				}
			}
			for _, k := range stored.Keys {
				priv, err := k.Private()
				if err != nil {
					t.Fatal(err)
				}
				jwk, _ := jose.NewPublicJWK(priv.Public())
				if jwk.Thumbprint() != k.KID {
					t.Errorf("kid %q is not the key's thumbprint", k.KID)
				}
			}
		})
	}
}

// TestScheduledRotation: the successor is published PrePublish before it
// signs, Rotation after its predecessor started to; the predecessor stays
// published for Retention after it stops signing, then leaves the ring.
func TestScheduledRotation(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			r, err := keyring.Ensure(ctx, st, policy, at(t0))
			if err != nil {
				t.Fatal(err)
			}
			first, _ := r.Active("ES256", t0)
			if first.ActiveFrom.After(t0) || !first.Published.Equal(first.ActiveFrom) {
				t.Fatalf("the first key is published at %v, active from %v", first.Published, first.ActiveFrom)
			}
			start := first.ActiveFrom
			before := start.Add(policy.Rotation - policy.PrePublish - time.Second)
			if r, _ = keyring.Ensure(ctx, st, policy, at(before)); len(r.Keys) != 2 {
				t.Fatalf("rotated early: %v", kids(r.Keys))
			}
			due := start.Add(policy.Rotation - policy.PrePublish)
			if r, err = keyring.Ensure(ctx, st, policy, at(due)); err != nil || len(r.Keys) != 4 {
				t.Fatalf("no successors at the due time: %v, %v", kids(r.Keys), err)
			}
			if r2, _ := keyring.Ensure(ctx, st, policy, at(due.Add(time.Minute))); len(r2.Keys) != 4 {
				t.Errorf("a second successor while one is pending: %v", kids(r2.Keys))
			}
			switchAt := start.Add(policy.Rotation)
			if k, _ := r.Active("ES256", switchAt.Add(-time.Nanosecond)); k.KID != first.KID {
				t.Error("the successor signs before its time")
			}
			next, _ := r.Active("ES256", switchAt)
			if next.KID == first.KID {
				t.Fatal("the successor does not sign at its time")
			}
			for _, tt := range []struct {
				at   time.Time
				want []string
			}{
				{due, []string{first.KID, next.KID}},
				{switchAt.Add(policy.Retention - time.Nanosecond), []string{first.KID, next.KID}},
				{switchAt.Add(policy.Retention), []string{next.KID}},
			} {
				var got []string
				for _, k := range r.Published(tt.at) {
					if k.Alg == "ES256" {
						got = append(got, k.KID)
					}
				}
				if len(got) != len(tt.want) || got[0] != tt.want[0] {
					t.Errorf("published at %v: %v, want %v", tt.at.Sub(t0), got, tt.want)
				}
			}
			if nc := r.NextChange(due); !nc.Equal(switchAt) {
				t.Errorf("NextChange = %v, want %v", nc.Sub(t0), switchAt.Sub(t0))
			}
			// The next write after the retention prunes the dropped keys.
			later := start.Add(2*policy.Rotation - policy.PrePublish)
			r, _ = keyring.Ensure(ctx, st, policy, at(later))
			for _, k := range r.Keys {
				if k.KID == first.KID {
					t.Error("a dropped key stays in the ring")
				}
			}
		})
	}
}

// TestRotationOnce: instances finding a rotation due at the same instant
// add one successor per algorithm between them.
func TestRotationOnce(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := keyring.Ensure(t.Context(), st, policy, at(t0)); err != nil {
				t.Fatal(err)
			}
			due := t0.Add(policy.Rotation - policy.PrePublish)
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					if _, err := keyring.Ensure(t.Context(), st, policy, at(due)); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			r, _, _ := keyring.Load(t.Context(), st, due)
			if len(r.Keys) != 4 {
				t.Errorf("%d keys after a concurrent rotation, want 4", len(r.Keys))
			}
		})
	}
}

// TestRotateOnDemand: Rotate pre-publishes a successor for every
// algorithm, once while one is pending; on an empty store it is
// ErrNoRing.
func TestRotateOnDemand(t *testing.T) {
	st := runtime.NewMemoryStore()
	if _, _, err := keyring.Rotate(t.Context(), st, at(t0)); err != keyring.ErrNoRing {
		t.Fatalf("Rotate on an empty store: %v", err)
	}
	manual := policy
	manual.Rotation = 0
	if _, err := keyring.Ensure(t.Context(), st, manual, at(t0)); err != nil {
		t.Fatal(err)
	}
	if r, _ := keyring.Ensure(t.Context(), st, manual, at(t0.Add(1000*time.Hour))); len(r.Keys) != 2 {
		t.Error("a ring without a schedule rotated")
	}
	now := t0.Add(time.Hour)
	r, added, err := keyring.Rotate(t.Context(), st, at(now))
	if err != nil || len(added) != 2 {
		t.Fatalf("Rotate added %v, %v", kids(added), err)
	}
	for _, k := range added {
		if !k.Published.Equal(now) || !k.ActiveFrom.Equal(now.Add(policy.PrePublish)) {
			t.Errorf("%s: published %v, active from %v", k.Alg, k.Published, k.ActiveFrom)
		}
	}
	if len(r.Published(now)) != 4 {
		t.Errorf("published %d keys, want 4", len(r.Published(now)))
	}
	if _, again, _ := keyring.Rotate(t.Context(), st, at(now.Add(time.Minute))); len(again) != 0 {
		t.Errorf("Rotate while pending added %v", kids(again))
	}
}

// TestStoreFailure: a failing store is an error, never a ring.
func TestStoreFailure(t *testing.T) {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	if r, err := keyring.Ensure(t.Context(), db, policy, at(t0)); err == nil || len(r.Keys) != 0 {
		t.Errorf("Ensure: %v, %v", kids(r.Keys), err)
	}
	if _, _, err := keyring.Rotate(t.Context(), db, at(t0)); err == nil {
		t.Error("Rotate: no error")
	}
}
