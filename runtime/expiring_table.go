package runtime

import (
	"sync"
	"time"
)

// expiringTable is a bounded in-memory table whose entries expire: the
// server-side records of the end user's browser (login sessions, pending
// interactions, remembered consents) and the failure counts of the
// throttles (client_auth_throttle.go, login_throttle.go). It is safe for
// concurrent use.
//
// When the table is full, adding an entry first removes the expired ones
// and then, if that was not enough, arbitrary entries until it is three
// quarters full, so a flood of new entries costs O(1) per entry and the
// memory stays bounded. Losing an entry costs the end user a new login or
// consent, never a security check. Entries that keep reports are not
// dropped before they expire: a throttle's blocked pairs must outlive a
// flood of junk pairs.
type expiringTable[K comparable, V any] struct {
	mu      sync.Mutex
	max     int
	keep    func(v V, now time.Time) bool // nil: every entry may be dropped
	entries map[K]expiringEntry[V]
}

type expiringEntry[V any] struct {
	value   V
	expires time.Time
}

func newExpiringTable[K comparable, V any](max int) *expiringTable[K, V] {
	return &expiringTable[K, V]{max: max, entries: make(map[K]expiringEntry[V])}
}

// live returns the entry of k unless it is missing or expired at now; the
// caller holds the lock.
func (t *expiringTable[K, V]) live(k K, now time.Time) (expiringEntry[V], bool) {
	e, ok := t.entries[k]
	if !ok || !now.Before(e.expires) {
		return expiringEntry[V]{}, false
	}
	return e, true
}

// get returns the entry of k unless it is missing or expired at now.
func (t *expiringTable[K, V]) get(k K, now time.Time) (V, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.live(k, now)
	return e.value, ok
}

// put stores v under k until expires.
func (t *expiringTable[K, V]) put(k K, v V, expires, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.store(k, v, expires, now)
}

// upsert stores under k what f returns for the live entry of k (the zero
// value and false when there is none), in one atomic step.
func (t *expiringTable[K, V]) upsert(k K, now time.Time, f func(v V, ok bool) (V, time.Time)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.live(k, now)
	v, expires := f(e.value, ok)
	t.store(k, v, expires, now)
}

// update runs f on the live entry of k under the table's lock, so that a
// check and its change are one atomic step; f's changes are stored when it
// returns true. It reports whether the entry existed and f returned true,
// and returns the entry as f left it.
func (t *expiringTable[K, V]) update(k K, now time.Time, f func(v *V) bool) (V, bool) {
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

// remove deletes k.
func (t *expiringTable[K, V]) remove(k K) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, k)
}

// len returns the number of entries, expired ones included.
func (t *expiringTable[K, V]) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}

// store puts v under k, making room first when k is new; the caller holds
// the lock.
func (t *expiringTable[K, V]) store(k K, v V, expires, now time.Time) {
	if _, ok := t.entries[k]; !ok {
		t.makeRoom(now)
	}
	t.entries[k] = expiringEntry[V]{value: v, expires: expires}
}

// makeRoom keeps the table bounded; the caller holds the lock.
func (t *expiringTable[K, V]) makeRoom(now time.Time) {
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
		if t.keep == nil || !t.keep(e.value, now) {
			delete(t.entries, k)
		}
	}
}
