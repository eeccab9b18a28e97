package throttle_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
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

// guardProbe wraps a guard's calls for a test.
type guardProbe struct {
	t *testing.T
	g *throttle.Guard
}

func (p guardProbe) fail(name, addr string, at time.Time) {
	p.t.Helper()
	if err := p.g.Fail(p.t.Context(), name, addr, at); err != nil {
		p.t.Fatal(err)
	}
}

func (p guardProbe) check(name, addr string, at time.Time) throttle.Refusal {
	p.t.Helper()
	r, err := p.g.Check(p.t.Context(), name, addr, at)
	if err != nil {
		p.t.Fatal(err)
	}
	return r
}

// TestClientThrottle: two instances on one store count failures together,
// concurrently; the limit blocks the pair, and only it, until the block
// ends, and every further failure within the window blocks it again;
// failures spread wider than the window never block.
func TestClientThrottle(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			a, b := guardProbe{t, throttle.NewClientAuth(st)}, guardProbe{t, throttle.NewClientAuth(st)}
			var wg sync.WaitGroup
			for i := range throttle.ClientAuthLimit - 1 {
				wg.Go(func() {
					g := a.g
					if i%2 == 1 {
						g = b.g
					}
					if err := g.Fail(t.Context(), "app", "192.0.2.1", now); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if r := b.check("app", "192.0.2.1", now); r.Refused() {
				t.Fatalf("refused %+v after %d failures", r, throttle.ClientAuthLimit-1)
			}
			a.fail("app", "192.0.2.1", now.Add(time.Second))
			if r := b.check("app", "192.0.2.1", now.Add(time.Second)); r != (throttle.Refusal{By: "pair", Wait: throttle.ClientAuthBlock}) {
				t.Errorf("refusal %+v, want the pair for %v", r, throttle.ClientAuthBlock)
			}
			for _, other := range [][2]string{{"app", "192.0.2.2"}, {"other", "192.0.2.1"}} {
				if r := a.check(other[0], other[1], now); r.Refused() {
					t.Errorf("%v is refused too: %+v", other, r)
				}
			}
			end := now.Add(time.Second + throttle.ClientAuthBlock)
			if r := a.check("app", "192.0.2.1", end); r.Refused() {
				t.Errorf("still refused at the block's end: %+v", r)
			}

			// Failures spread wider than the window never block.
			for i := range 3 * throttle.ClientAuthLimit {
				at := now.Add(time.Duration(i) * throttle.ClientAuthWindow / (throttle.ClientAuthLimit - 1))
				a.fail("app", "192.0.2.3", at)
				if r := a.check("app", "192.0.2.3", at); r.Refused() {
					t.Fatalf("failure %d outside the window refused: %+v", i, r)
				}
			}
		})
	}
}

// TestPolicyWait: the first Free failures are free; then the wait doubles
// at each failure up to Max.
func TestPolicyWait(t *testing.T) {
	st := runtime.NewMemoryStore()
	p := guardProbe{t, throttle.NewLogin(st)}
	for i := range throttle.LoginFree {
		p.fail("alice", "192.0.2.1", now)
		if r := p.check("alice", "192.0.2.1", now); r.Refused() {
			t.Fatalf("refused after %d failures", i+1)
		}
	}
	want := throttle.LoginDelay
	for range 14 {
		p.fail("alice", "192.0.2.1", now)
		if r := p.check("alice", "192.0.2.1", now); r.Wait != want || r.By != "pair" {
			t.Errorf("refusal %+v, want the pair for %v", r, want)
		}
		want = min(2*want, throttle.LoginMaxDelay)
	}
}

// TestGuardSource: a source failing for LoginSourceLimit different
// accounts is refused for every account; other sources are not, and a
// success for one account does not lift it.
func TestGuardSource(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			p := guardProbe{t, throttle.NewLogin(st)}
			for i := range throttle.LoginSourceLimit {
				p.fail(fmt.Sprintf("user%d", i), "198.51.100.7", now)
			}
			if r := p.check("fresh", "198.51.100.7", now); r.By != "source" || r.Wait != throttle.LoginWindow {
				t.Errorf("a fresh account from the source: %+v, want the source for %v", r, throttle.LoginWindow)
			}
			if r := p.check("fresh", "198.51.100.8", now); r.Refused() {
				t.Errorf("another source is refused: %+v", r)
			}
			if err := p.g.Succeed(t.Context(), "fresh", "198.51.100.7"); err != nil {
				t.Fatal(err)
			}
			if r := p.check("other", "198.51.100.7", now); !r.Refused() {
				t.Error("a success lifted the source's block")
			}
		})
	}
}

// TestGuardNameUnderAttack: failures for one account spread over many
// sources never lock it: a source with fewer than AttackAllowance failures
// for it is let through, those with more are refused while the attack
// lasts; another account is unaffected.
func TestGuardNameUnderAttack(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			p := guardProbe{t, throttle.NewLogin(st)}
			const sources = throttle.LoginAccountLimit / throttle.AttackAllowance
			for i := range sources * throttle.AttackAllowance {
				p.fail("alice", fmt.Sprintf("198.51.100.%d", i%sources), now)
			}
			p.fail("alice", "203.0.113.1", now) // one mistyped password of the owner
			at := now.Add(throttle.LoginMaxDelay / 2)
			if r := p.check("alice", "198.51.100.7", at); r.By != "name" || !r.Refused() {
				t.Errorf("an attacking source: %+v, want refused for the name", r)
			}
			for _, addr := range []string{"203.0.113.1", "203.0.113.2"} {
				if r := p.check("alice", addr, at); r.Refused() {
					t.Errorf("the owner's source %s is refused: %+v", addr, r)
				}
			}
			if r := p.check("bob", "198.51.100.7", at); r.Refused() {
				t.Errorf("another account is refused: %+v", r)
			}
			if r := p.check("alice", "198.51.100.7", now.Add(throttle.LoginWindow)); r.Refused() {
				t.Errorf("the attack does not end: %+v", r)
			}
		})
	}
}

// TestGuardSucceed: a success forgets the pair's failures.
func TestGuardSucceed(t *testing.T) {
	p := guardProbe{t, throttle.NewLogin(runtime.NewMemoryStore())}
	for range throttle.LoginFree + 1 {
		p.fail("carol", "198.51.100.9", now)
	}
	if err := p.g.Succeed(t.Context(), "carol", "198.51.100.9"); err != nil {
		t.Fatal(err)
	}
	p.fail("carol", "198.51.100.9", now)
	if r := p.check("carol", "198.51.100.9", now); r.Refused() {
		t.Errorf("a success did not clear the pair: %+v", r)
	}
}

// TestGuardNoEvictionReset: a flood of junk names from many sources fills
// the memory store's failure counts to their budget without dropping the
// victim pair's count: its next failure still blocks it, and the flood's
// further failures are refused by the store (the caller fails closed)
// rather than evicting anything.
func TestGuardNoEvictionReset(t *testing.T) {
	st := runtime.NewMemoryStore()
	p := guardProbe{t, throttle.NewClientAuth(st)}
	for range throttle.ClientAuthLimit - 1 {
		p.fail("victim", "192.0.2.1", now)
	}
	full := false
	for i := 0; !full; i++ {
		if i > 1<<20 {
			t.Fatal("the failure counts never filled")
		}
		err := p.g.Fail(t.Context(), fmt.Sprintf("junk-%d", i), fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), now)
		switch {
		case errors.Is(err, ttltable.ErrFull):
			full = true
		case err != nil:
			t.Fatal(err)
		}
	}
	p.fail("victim", "192.0.2.1", now)
	if r := p.check("victim", "192.0.2.1", now); r.By != "pair" || r.Wait != throttle.ClientAuthBlock {
		t.Errorf("after the flood: %+v; want the pair blocked", r)
	}
}

// TestThrottleStoreFailure: a failing store is an error, never "not
// refused".
func TestThrottleStoreFailure(t *testing.T) {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	for _, g := range []*throttle.Guard{throttle.NewClientAuth(db), throttle.NewLogin(db)} {
		if _, err := g.Check(t.Context(), "app", "192.0.2.1", now); err == nil {
			t.Error("Check: no error")
		}
		if err := g.Fail(t.Context(), "app", "192.0.2.1", now); err == nil {
			t.Error("Fail: no error")
		}
	}
}
