package runtime

import (
	"math"
	"time"
)

// Pruning of MemoryStore: without it a long-running server would keep every
// grant and token it ever issued. Each record that can expire has an entry
// in a min-heap ordered by the time it may be pruned; every write first
// removes up to pruneBudget records whose time has passed, so the work is
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
//     (RFC 9700 §4.14.2; security.md S-12);
//   - a code: codePruneSlack after its ExpiresAt, so that a redemption in
//     flight can still record its grant, and once the grant is recorded not
//     before the grant's expiry, so that a replay still revokes the grant
//     (RFC 6749 §4.1.2; security.md S-08).
//
// A zero ExpiresAt never expires; times are whole Unix seconds, rounded up.

// pruneBudget is the most records one write examines for pruning.
const pruneBudget = 8

// codePruneSlack is how long a code is kept past its expiry.
const codePruneSlack = time.Minute

// noPrune is the pruning time of a record that is never pruned.
const noPrune = math.MaxInt64

// pruneAt is the pruning time of a record that expires at exp: the first
// whole second after it, so a record is never pruned before it expired.
func pruneAt(exp time.Time) int64 {
	if exp.IsZero() {
		return noPrune
	}
	return exp.Unix() + 1
}

// codePruneAt is the pruning time of a code that expires at exp, whose grant
// (when it has one) may be pruned at grant.
func codePruneAt(exp time.Time, grant int64) int64 {
	if exp.IsZero() {
		return noPrune
	}
	return max(exp.Add(codePruneSlack).Unix()+1, grant)
}

// recKind tells the map of a record.
type recKind uint8

const (
	kindGrant recKind = iota
	kindCode
	kindRefresh
	kindAccess
)

// expiryEntry is a record and the time it may be pruned at.
type expiryEntry struct {
	at   int64 // Unix seconds
	key  memKey
	kind recKind
}

// expiryQueue is a binary min-heap of entries by at, laid out in chunks of
// expiryChunk entries: growing it never copies the entries already queued,
// which for a store of millions of records would cost more than the rest of
// a write.
type expiryQueue struct {
	chunks [][]expiryEntry // every chunk has length expiryChunk
	n      int
}

// expiryChunk is the number of entries of one chunk (48 KiB).
const expiryChunk = 1024

func (q *expiryQueue) len() int { return q.n }

func (q *expiryQueue) at(i int) *expiryEntry { return &q.chunks[i/expiryChunk][i%expiryChunk] }

func (q *expiryQueue) swap(i, j int) {
	a, b := q.at(i), q.at(j)
	*a, *b = *b, *a
}

// add queues the record; a record that is never pruned is not queued.
func (q *expiryQueue) add(at int64, kind recKind, key memKey) {
	if at == noPrune {
		return
	}
	if q.n == len(q.chunks)*expiryChunk {
		q.chunks = append(q.chunks, make([]expiryEntry, expiryChunk))
	}
	i := q.n
	q.n++
	*q.at(i) = expiryEntry{at: at, key: key, kind: kind}
	for i > 0 {
		p := (i - 1) / 2
		if q.at(p).at <= q.at(i).at {
			break
		}
		q.swap(p, i)
		i = p
	}
}

// peek returns the earliest entry; the queue must not be empty.
func (q *expiryQueue) peek() *expiryEntry { return q.at(0) }

// pop removes and returns the earliest entry; the queue must not be empty.
func (q *expiryQueue) pop() expiryEntry {
	top := *q.at(0)
	q.n--
	n := q.n
	*q.at(0) = *q.at(n)
	for i := 0; ; {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && q.at(r).at < q.at(l).at {
			c = r
		}
		if q.at(i).at <= q.at(c).at {
			break
		}
		q.swap(i, c)
		i = c
	}
	// Release chunks no longer needed, keeping one spare so that a queue
	// around a chunk boundary does not allocate on every add.
	if used := (n + expiryChunk - 1) / expiryChunk; len(q.chunks) > used+1 {
		clear(q.chunks[used+1:])
		q.chunks = q.chunks[:used+1]
	}
	return top
}

// nowLocked is the store's time in Unix seconds, 0 without a Clock.
func (m *MemoryStore) nowLocked() int64 {
	if m.clock == nil {
		return 0
	}
	return m.clock.Now().Unix()
}

// pruneLocked removes up to pruneBudget records whose pruning time has
// passed, and returns the time it pruned by (nowLocked). The caller holds
// m.mu.
func (m *MemoryStore) pruneLocked() int64 {
	if m.clock == nil {
		return 0
	}
	now := m.clock.Now().Unix()
	for n := 0; n < pruneBudget && m.expiry.len() > 0 && m.expiry.peek().at <= now; n++ {
		e := m.expiry.pop()
		m.pruneRecord(e.kind, e.key, now)
	}
	return now
}

// pruneRecord removes the record when its pruning time has passed: a record
// whose time was changed since the entry was queued (replaceLocked) has
// another entry.
func (m *MemoryStore) pruneRecord(kind recKind, k memKey, now int64) {
	t := m.table(kind)
	e, ok := t[k]
	if !ok || e.prune > now {
		return
	}
	delete(t, k)
	if kind == kindAccess {
		delete(m.accessExtra, k)
	}
	m.slab.drop(e.ref)
}
