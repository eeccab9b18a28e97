package keyring

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
)

// Store is the part of the server's StateStore (runtime.StateStore) the
// ring lives in.
type Store interface {
	State(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error)
	PutState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) error
	AddState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) (added bool, err error)
	DeleteState(ctx context.Context, ns string, key []byte) error
}

// The ring's entries in statens.Keys: the document, and the lock its
// writers take turns with.
var (
	ringEntry = []byte("ring")
	lockEntry = []byte("lock")
)

const (
	// ringLifetime is the document's expiry: for practical purposes never.
	ringLifetime = 100 * 365 * 24 * time.Hour
	// lockTTL frees the lock of a writer that died holding it. A write
	// takes two store calls; keys are generated before the lock is taken.
	lockTTL = 30 * time.Second
	// maxLockWait bounds how long a writer that must write waits for
	// another.
	maxLockWait = 2 * lockTTL
	// firstKeyBackdate backdates the keys of a new ring: nothing was
	// signed before them, and an instance whose clock is behind the one
	// that made them must find them active too.
	firstKeyBackdate = 5 * time.Minute
)

// ErrNoRing is returned by Rotate when the store holds no ring yet.
var ErrNoRing = errors.New("the store holds no signing keys yet: start a server on it first")

// Load reads the ring; found is false when the store has none.
func Load(ctx context.Context, st Store, now time.Time) (r Ring, found bool, err error) {
	b, ok, err := st.State(ctx, statens.Keys, ringEntry, now)
	if err != nil {
		return Ring{}, false, fmt.Errorf("read the key ring: %w", err)
	}
	if !ok {
		return Ring{}, false, nil
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return Ring{}, false, fmt.Errorf("read the key ring: %w", err)
	}
	return r, true, nil
}

// save writes the ring.
func save(ctx context.Context, st Store, r Ring, now time.Time) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("write the key ring: %w", err)
	}
	if err := st.PutState(ctx, statens.Keys, ringEntry, b, now.Add(ringLifetime), now); err != nil {
		return fmt.Errorf("write the key ring: %w", err)
	}
	return nil
}

// lock takes the ring's lock. With wait, it retries with backoff until
// it has it, ctx is done or maxLockWait has passed on clock; without, it
// tries once. It returns the unlock function, or nil when the lock is
// another's.
func lock(ctx context.Context, st Store, clock func() time.Time, wait bool) (func(), error) {
	token := make([]byte, 16)
	_, _ = rand.Read(token) // crypto/rand.Read never returns an error (Go 1.24+)
	deadline := clock().Add(maxLockWait)
	backoff := 5 * time.Millisecond
	for {
		now := clock()
		ok, err := st.AddState(ctx, statens.Keys, lockEntry, token, now.Add(lockTTL), now)
		if err != nil {
			return nil, fmt.Errorf("lock the key ring: %w", err)
		}
		if ok {
			// Deleting unconditionally: a writer that held the lock past
			// lockTTL could delete the next one's, whose write then
			// races ours; both writes are of keys that do not sign
			// before PrePublish, far longer than lockTTL.
			return func() { _ = st.DeleteState(context.WithoutCancel(ctx), statens.Keys, lockEntry) }, nil
		}
		if !wait {
			return nil, nil
		}
		if !now.Before(deadline) {
			return nil, errors.New("lock the key ring: another writer holds it")
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, 250*time.Millisecond)
	}
}

// Ensure returns the ring after making it fit pol at now: a key, active
// at once (firstKeyBackdate), for each algorithm of pol that has none (the
// first start), and
// a pre-published successor for each key due for rotation. When the
// stored ring already fits, it is one read. A ring that can sign already
// is returned as is when another writer holds the lock (it is updating
// it); one that cannot waits for the lock.
func Ensure(ctx context.Context, st Store, pol Policy, clock func() time.Time) (Ring, error) {
	now := clock()
	r, found, err := Load(ctx, st, now)
	if err != nil {
		return Ring{}, err
	}
	usable := found && r.canSign(pol.Algs, now)
	if usable && !r.due(pol, now) {
		return r, nil
	}
	// Keys are generated before the lock is taken (RSA takes a while).
	fresh := map[string]Key{}
	for _, alg := range union(r.Algs(), pol.Algs) {
		if r.needs(alg, pol, now) {
			if fresh[alg], err = newKey(alg, now, now); err != nil {
				return Ring{}, err
			}
		}
	}
	unlock, err := lock(ctx, st, clock, !usable)
	if err != nil || unlock == nil {
		return r, err
	}
	defer unlock()
	now = clock()
	if r, _, err = Load(ctx, st, now); err != nil {
		return Ring{}, err
	}
	r.Policy = pol
	changed := false
	for _, alg := range union(r.Algs(), pol.Algs) {
		if !r.needs(alg, pol, now) {
			continue
		}
		k, ok := fresh[alg]
		if !ok {
			if k, err = newKey(alg, now, now); err != nil {
				return Ring{}, err
			}
		}
		k.Published, k.ActiveFrom = now, now.Add(pol.PrePublish) // a successor: published first
		if _, has := r.latest(alg); !has {
			k.Published = now.Add(-firstKeyBackdate)
			k.ActiveFrom = k.Published
		}
		r.add(k, now)
		changed = true
	}
	if !changed {
		return r, nil // another writer did it
	}
	r.Policy.Algs = r.Algs()
	if err := save(ctx, st, r, now); err != nil {
		return Ring{}, err
	}
	return r, nil
}

// Rotate adds a successor to each algorithm's key, published at once and
// signing after the ring's PrePublish, unless it has a pending one
// already. It returns the ring and the keys it added.
func Rotate(ctx context.Context, st Store, clock func() time.Time) (Ring, []Key, error) {
	r, found, err := Load(ctx, st, clock())
	if err != nil {
		return Ring{}, nil, err
	}
	if !found {
		return Ring{}, nil, ErrNoRing
	}
	fresh := map[string]Key{}
	for _, alg := range r.Algs() {
		if fresh[alg], err = newKey(alg, clock(), clock()); err != nil {
			return Ring{}, nil, err
		}
	}
	unlock, err := lock(ctx, st, clock, true)
	if err != nil {
		return Ring{}, nil, err
	}
	defer unlock()
	now := clock()
	if r, _, err = Load(ctx, st, now); err != nil {
		return Ring{}, nil, err
	}
	var added []Key
	for _, alg := range r.Algs() {
		k, ok := fresh[alg]
		if !ok || r.pending(alg, now) {
			continue
		}
		k.Published, k.ActiveFrom = now, now.Add(r.Policy.PrePublish)
		r.add(k, now)
		added = append(added, k)
	}
	if len(added) > 0 {
		if err := save(ctx, st, r, now); err != nil {
			return Ring{}, nil, err
		}
	}
	return r, added, nil
}

// canSign reports whether every algorithm of algs has an active key.
func (r *Ring) canSign(algs []string, now time.Time) bool {
	for _, alg := range algs {
		if _, ok := r.Active(alg, now); !ok {
			return false
		}
	}
	return true
}

// due reports whether an algorithm of the ring or of pol needs a key.
func (r *Ring) due(pol Policy, now time.Time) bool {
	for _, alg := range union(r.Algs(), pol.Algs) {
		if r.needs(alg, pol, now) {
			return true
		}
	}
	return false
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
