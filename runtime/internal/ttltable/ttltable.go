// Package ttltable is a bounded in-memory table whose entries expire.
package ttltable

import (
	"sync"
	"time"
)

// Table is a bounded in-memory table whose entries expire: the
// server-side records of the end user's browser (login sessions, pending
// interactions, remembered consents) and the failure counts of the
// throttles. It is safe for concurrent use.
//
// When the table is full, adding an entry first removes the expired ones
// and then, if that was not enough, arbitrary entries until it is three
// quarters full, so a flood of new entries costs O(1) per entry and the
// memory stays bounded. Losing an entry costs the end user a new login or
// consent, never a security check. Entries that Keep reports are not
// dropped before they expire: a throttle's blocked pairs must outlive a
// flood of junk pairs.
type Table[K comparable, V any] struct {
	mu  sync.Mutex
	max int
	// Keep, when set, reports the entries that must not be dropped
	// before they expire to make room; nil means every entry may be.
	Keep    func(v V, now time.Time) bool
	entries map[K]entry[V]
}

type entry[V any] struct {
	value   V
	expires time.Time
}

// New returns an empty table of at most max entries.
func New[K comparable, V any](max int) *Table[K, V] {
	return &Table[K, V]{max: max, entries: make(map[K]entry[V])}
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
func (t *Table[K, V]) Put(k K, v V, expires, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.store(k, v, expires, now)
}

// Upsert stores under k what f returns for the live entry of k and its
// expiry (the zero value, the zero time and false when there is none), in
// one atomic step.
func (t *Table[K, V]) Upsert(k K, now time.Time, f func(v V, expires time.Time, ok bool) (V, time.Time)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.live(k, now)
	v, expires := f(e.value, e.expires, ok)
	t.store(k, v, expires, now)
}

// Take returns the live entry of k and removes it, in one atomic step.
func (t *Table[K, V]) Take(k K, now time.Time) (V, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.live(k, now)
	delete(t.entries, k)
	return e.value, ok
}

// Update runs f on the live entry of k under the table's lock, so that a
// check and its change are one atomic step; f's changes are stored when it
// returns true. It reports whether the entry existed and f returned true,
// and returns the entry as f left it.
func (t *Table[K, V]) Update(k K, now time.Time, f func(v *V) bool) (V, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.live(k, now)
	if !ok || !f(&e.value) {
		var zero V
		return zero, false
	}
	t.entries[k] = e
	return e.value, true
}

// Remove deletes k.
func (t *Table[K, V]) Remove(k K) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, k)
}

// Len returns the number of entries, expired ones included.
func (t *Table[K, V]) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}

// store puts v under k, making room first when k is new; the caller holds
// the lock.
func (t *Table[K, V]) store(k K, v V, expires, now time.Time) {
	if _, ok := t.entries[k]; !ok {
		t.makeRoom(now)
	}
	t.entries[k] = entry[V]{value: v, expires: expires}
}

// makeRoom keeps the table bounded; the caller holds the lock.
func (t *Table[K, V]) makeRoom(now time.Time) {
	if len(t.entries) < t.max {
		return
	}
	for k, e := range t.entries {
		if !now.Before(e.expires) {
			delete(t.entries, k)
		}
	}
	for k, e := range t.entries {
		if len(t.entries) <= t.max*3/4 {
			return
		}
		if t.Keep == nil || !t.Keep(e.value, now) {
			delete(t.entries, k)
		}
	}
}
