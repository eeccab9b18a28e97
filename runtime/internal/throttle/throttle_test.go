package throttle_test

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/sqlite"
)

var now = time.Date(2032, 1, 2, 3, 4, 5, 0, time.UTC)

// stores are the stores the throttles are tested on: the memory store,
// and a SQLite file.
func stores(t *testing.T) map[string]throttle.Store {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return map[string]throttle.Store{"memory": runtime.NewMemoryStore(), "sqlite": db}
}

// TestClientThrottle: two instances on one store count failures together,
// concurrently; the limit blocks the pair, and only it, until the block
// ends; failures older than the window are forgotten.
func TestClientThrottle(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			a, b := throttle.NewClientAuth(st), throttle.NewClientAuth(st)
			victim := throttle.ClientKey("app", "192.0.2.1")
			blocked := func(th *throttle.Throttle, k throttle.Key, at time.Time) time.Duration {
				t.Helper()
				d, err := th.Blocked(ctx, k, at)
				if err != nil {
					t.Fatal(err)
				}
				return d
			}
			var wg sync.WaitGroup
			for i := range throttle.ClientAuthLimit - 1 {
				wg.Go(func() {
					th := a
					if i%2 == 1 {
						th = b
					}
					if err := th.Fail(ctx, victim, now); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if d := blocked(b, victim, now); d != 0 {
				t.Fatalf("blocked for %v after %d failures", d, throttle.ClientAuthLimit-1)
			}
			if err := a.Fail(ctx, victim, now.Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			if d := blocked(b, victim, now.Add(time.Second)); d != throttle.ClientAuthBlock {
				t.Errorf("blocked for %v, want %v", d, throttle.ClientAuthBlock)
			}
			for _, other := range []throttle.Key{throttle.ClientKey("app", "192.0.2.2"), throttle.ClientKey("other", "192.0.2.1")} {
				if d := blocked(a, other, now); d != 0 {
					t.Errorf("%v is blocked too", other)
				}
			}
			end := now.Add(time.Second + throttle.ClientAuthBlock)
			if d := blocked(a, victim, end); d != 0 {
				t.Errorf("still blocked at the block's end: %v", d)
			}

			// Failures spread wider than the window never block.
			spread := throttle.ClientKey("app", "192.0.2.3")
			for i := range 3 * throttle.ClientAuthLimit {
				if err := a.Fail(ctx, spread, now.Add(time.Duration(i)*throttle.ClientAuthWindow/(throttle.ClientAuthLimit-1))); err != nil {
					t.Fatal(err)
				}
			}
			if d := blocked(a, spread, now.Add(3*throttle.ClientAuthWindow)); d != 0 {
				t.Error("failures outside the window blocked")
			}
		})
	}
}

// TestThrottleKinds: throttles of different kinds on one store count
// separately.
func TestThrottleKinds(t *testing.T) {
	st := runtime.NewMemoryStore()
	x := throttle.New(st, "x", 1, time.Minute, time.Minute)
	y := throttle.New(st, "y", 1, time.Minute, time.Minute)
	k := throttle.Key{Name: "n"}
	if err := x.Fail(t.Context(), k, now); err != nil {
		t.Fatal(err)
	}
	if d, _ := x.Blocked(t.Context(), k, now); d == 0 {
		t.Error("x is not blocked")
	}
	if d, _ := y.Blocked(t.Context(), k, now); d != 0 {
		t.Error("y is blocked by x's failure")
	}
}

// TestThrottleStoreFailure: a failing store is an error, never "not
// blocked".
func TestThrottleStoreFailure(t *testing.T) {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	th := throttle.NewClientAuth(db)
	k := throttle.ClientKey("app", "192.0.2.1")
	if _, err := th.Blocked(t.Context(), k, now); err == nil {
		t.Error("Blocked: no error")
	}
	if err := th.Fail(t.Context(), k, now); err == nil {
		t.Error("Fail: no error")
	}
	l := throttle.NewLogin(db)
	if _, err := l.Blocked(t.Context(), "alice", "192.0.2.1", now); err == nil {
		t.Error("Login.Blocked: no error")
	}
}
