// Package throttle limits failed authentications: of clients at the
// endpoints that authenticate them (RFC 6749 §2.3.1: the server MUST
// protect them against brute force), and of end users at the login form
// (RFC 6749 §10.10). The counts live in the server's StateStore, so every
// instance on one store counts the same failures, and keys are hashes of
// bounded size whatever was presented. docs/throttling.md describes the
// policy for operators.
package throttle

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
)

// Store is the part of the server's StateStore (runtime.StateStore) the
// counts live in.
type Store interface {
	PutState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) error
	State(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error)
	CountState(ctx context.Context, ns string, key []byte, expires, now time.Time) (count int64, err error)
	DeleteState(ctx context.Context, ns string, key []byte) error
}

// Policy is how a counter answers failures: the first Free failures
// within Window cost nothing; the next one makes the key wait Delay, and
// each one after that twice as long as the one before, up to Max. The
// window starts at the first failure; once it ends, the count starts
// again.
type Policy struct {
	Free   int64
	Delay  time.Duration
	Max    time.Duration
	Window time.Duration
}

// Hard is the policy that blocks a key for block once it has failed
// limit times within window, and again at each failure after that within
// the window.
func Hard(limit int64, window, block time.Duration) Policy {
	return Policy{Free: limit - 1, Delay: block, Max: block, Window: window}
}

// wait is how long a key waits after its nth failure.
func (p Policy) wait(n int64) time.Duration {
	if n <= p.Free {
		return 0
	}
	d := p.Delay
	for i := p.Free + 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// counter counts the failures of keys of one kind under a Policy: a
// failure adds one to the key's count in statens.Failures, which expires
// Window after the first; a failure that must be waited for puts the
// instant the wait ends in statens.Block. Checking a key is one read, of
// the block.
type counter struct {
	store  Store
	kind   string
	policy Policy
}

func (c counter) key(a, b string) []byte { return statens.Key(c.kind, a, b) }

// waiting reports how long the key must still wait, or 0.
func (c counter) waiting(ctx context.Context, key []byte, now time.Time) (time.Duration, error) {
	return readUntil(ctx, c.store, key, now)
}

// fail counts a failure of the key and returns the count.
func (c counter) fail(ctx context.Context, key []byte, now time.Time) (int64, error) {
	n, err := c.store.CountState(ctx, statens.Failures, key, now.Add(c.policy.Window), now)
	if err != nil {
		return 0, fmt.Errorf("count failure: %w", err)
	}
	if d := c.policy.wait(n); d > 0 {
		if err := putUntil(ctx, c.store, key, now.Add(d), now); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// forget deletes the key's failures and its wait.
func (c counter) forget(ctx context.Context, key []byte) error {
	if err := c.store.DeleteState(ctx, statens.Failures, key); err != nil {
		return fmt.Errorf("reset failures: %w", err)
	}
	if err := c.store.DeleteState(ctx, statens.Block, key); err != nil {
		return fmt.Errorf("reset block: %w", err)
	}
	return nil
}

// putUntil records in statens.Block that key waits until until.
func putUntil(ctx context.Context, st Store, key []byte, until, now time.Time) error {
	v := binary.BigEndian.AppendUint64(nil, uint64(until.UnixNano()))
	if err := st.PutState(ctx, statens.Block, key, v, until, now); err != nil {
		return fmt.Errorf("block: %w", err)
	}
	return nil
}

// readUntil returns how long key still waits in statens.Block, or 0.
func readUntil(ctx context.Context, st Store, key []byte, now time.Time) (time.Duration, error) {
	v, ok, err := st.State(ctx, statens.Block, key, now)
	if err != nil {
		return 0, fmt.Errorf("read throttle: %w", err)
	}
	if !ok || len(v) != 8 {
		return 0, nil
	}
	until := time.Unix(0, int64(binary.BigEndian.Uint64(v)))
	return max(until.Sub(now), 0), nil
}
