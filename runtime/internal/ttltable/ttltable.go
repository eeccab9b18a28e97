// Package ttltable is an in-memory table whose entries expire, bounded in
// bytes.
package ttltable

import (
	"errors"
	"sync"
	"time"
)

// ErrFull is returned when an entry cannot be stored because the table is
// at its budget and every live entry in it must be kept.
var ErrFull = errors.New("table full")

// Table is an in-memory table whose entries expire, bounded in bytes: no
// stream of requests can grow it past its budget. It is safe for
// concurrent use.
//
// Each entry costs Size(k, v) bytes of the budget. When a new entry would
// not fit, the table first removes the expired entries and then, unless
// Keep protects the table's entries, arbitrary live ones until it is three
// quarters full, so a flood of new entries costs O(1) per entry. A table
// whose entries are kept (throttle counts and blocks, single-use markers:
// dropping one would weaken a check) refuses a new entry with ErrFull
// instead; the caller fails closed.
type Table[K comparable, V any] struct {
	mu sync.Mutex
	// budget is the most bytes the entries may cost.
	budget int64
	// keep is set when live entries must not be dropped to make room.
	keep bool
	// size is the cost of an entry in bytes.
	size    func(k K, v V) int64
	used    int64
	entries map[K]entry[V]
	// sweepAfter is the earliest expiry among the entries at the last
	// sweep: before it, a sweep would find nothing to remove, so a full
	// table of kept entries answers ErrFull at O(1) instead of scanning.
	sweepAfter time.Time
}

type entry[V any] struct {
	value   V
	expires time.Time
	size    int64
}

// New returns an empty table whose entries cost at most budget bytes, as
// size counts them. When keep is set, live entries are never dropped to
// make room: a full table refuses new ones.
func New[K comparable, V any](budget int64, keep bool, size func(k K, v V) int64) *Table[K, V] {
	return &Table[K, V]{budget: budget, keep: keep, size: size, entries: make(map[K]entry[V])}
}

// live returns the entry of k unless it is missing or expired at now; the
// caller holds the lock.
func (t *Table[K, V]) live(k K, now time.Time) (entry[V], bool) {
	e, ok := t.entries[k]
	if !ok || !now.Before(e.expires) {
		return entry[V]{}, false
	}
	return e, true
}

// Get returns the entry of k unless it is missing or expired at now.
func (t *Table[K, V]) Get(k K, now time.Time) (V, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.live(k, now)
	return e.value, ok
}

// Put stores v under k until expires.
func (t *Table[K, V]) Put(k K, v V, expires, now time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.store(k, v, expires, now)
}

// Upsert stores under k what f returns for the live entry of k and its
// expiry (the zero value, the zero time and false when there is none), in
// one atomic step. When that is a new entry that does not fit, nothing is
// stored and the error is ErrFull.
func (t *Table[K, V]) Upsert(k K, now time.Time, f func(v V, expires time.Time, ok bool) (V, time.Time)) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.live(k, now)
	v, expires := f(e.value, e.expires, ok)
	return t.store(k, v, expires, now)
}

// Take returns the live entry of k and removes it, in one atomic step.
func (t *Table[K, V]) Take(k K, now time.Time) (V, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.live(k, now)
	t.remove(k)
	return e.value, ok
}

// Remove deletes k.
func (t *Table[K, V]) Remove(k K) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.remove(k)
}

// Len returns the number of entries, expired ones included.
func (t *Table[K, V]) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}

// Used returns the bytes the entries cost, expired ones included.
func (t *Table[K, V]) Used() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.used
}

// remove deletes k; the caller holds the lock.
func (t *Table[K, V]) remove(k K) {
	if e, ok := t.entries[k]; ok {
		t.used -= e.size
		delete(t.entries, k)
	}
}

// store puts v under k, making room first when it does not fit; the caller
// holds the lock.
func (t *Table[K, V]) store(k K, v V, expires, now time.Time) error {
	n := t.size(k, v)
	old := t.entries[k].size // 0 when k is new
	if t.used-old+n > t.budget {
		t.makeRoom(k, now)
		old = t.entries[k].size // k itself may have expired
		if t.used-old+n > t.budget {
			return ErrFull
		}
	}
	t.used += n - old
	t.entries[k] = entry[V]{value: v, expires: expires, size: n}
	if expires.Before(t.sweepAfter) {
		t.sweepAfter = expires
	}
	return nil
}

// makeRoom removes the expired entries and, unless entries are kept,
// others until the table is three quarters full; never the entry of
// except, which is being replaced. The caller holds the lock.
func (t *Table[K, V]) makeRoom(except K, now time.Time) {
	if !now.Before(t.sweepAfter) {
		var next time.Time
		for k, e := range t.entries {
			switch {
			case !now.Before(e.expires):
				t.remove(k)
			case next.IsZero() || e.expires.Before(next):
				next = e.expires
			}
		}
		t.sweepAfter = next
	}
	if t.keep {
		return
	}
	for k := range t.entries {
		if t.used <= t.budget*3/4 {
			return
		}
		if k != except {
			t.remove(k) // arbitrary victims: the map has no order
		}
	}
}
