package runtime

import (
	"context"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/memstore"
)

// Pruning of MemoryStore: without it a long-running server would keep every
// grant and token it ever issued. Each record that can expire has an entry
// in a min-heap ordered by the time it may be pruned; every write first
// removes up to memstore.PruneBudget records whose time has passed, so the work is
// bounded per write and, since a write adds at most one entry, the heap
// never falls behind. The heap's chunks hold no pointers, so it costs the
// garbage collector next to nothing to keep.
//
// When a record may be pruned (a record is never pruned before the moment
// the runtime would refuse it anyway):
//
//   - a grant or an access token: at its ExpiresAt;
//   - a refresh token: at the later of its ExpiresAt and its grant's, so that
//     a token rotated away stays known as rotated, and its reuse is detected
//     and revokes the grant, for as long as either could be used
//     (RFC 9700 §4.14.2);
//   - a code: codePruneSlack after its ExpiresAt, so that a redemption in
//     flight can still record its grant, and once the grant is recorded not
//     before the grant's expiry, so that a replay still revokes the grant
//     (RFC 6749 §4.1.2).
//
// A zero ExpiresAt never expires; times are whole Unix seconds, rounded up.

// nowLocked is the store's time in Unix seconds, 0 without a Clock.
func (m *MemoryStore) nowLocked() int64 {
	if m.clock == nil {
		return 0
	}
	return m.clock.Now().Unix()
}

// pruneLocked removes up to memstore.PruneBudget records whose pruning time has
// passed, and returns the time it pruned by (nowLocked). The caller holds
// m.mu.
func (m *MemoryStore) pruneLocked() int64 {
	if m.clock == nil {
		return 0
	}
	now := m.clock.Now().Unix()
	for n := 0; n < memstore.PruneBudget && m.expiry.Len() > 0 && m.expiry.Peek().At <= now; n++ {
		e := m.expiry.Pop()
		m.pruneRecord(e.Kind, e.Key, now)
	}
	return now
}

// pruneRecord removes the record when its pruning time has passed: a record
// whose time was changed since the entry was queued (replaceLocked) has
// another entry.
func (m *MemoryStore) pruneRecord(kind memstore.Kind, k memstore.Key, now int64) {
	t := m.table(kind)
	e, ok := t[k]
	if !ok || e.prune > now {
		return
	}
	delete(t, k)
	m.slab.Drop(e.ref)
}

// Prune removes every record whose pruning time is before now, whatever
// the store's clock says. A MemoryStore prunes as it is written; Prune is
// for tests and for a store that is no longer written.
func (m *MemoryStore) Prune(ctx context.Context, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	at := now.Unix()
	for m.expiry.Len() > 0 && m.expiry.Peek().At <= at {
		e := m.expiry.Pop()
		m.pruneRecord(e.Kind, e.Key, at)
	}
	return nil
}
