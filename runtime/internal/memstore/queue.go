package memstore

import (
	"math"
	"time"
)

// PruneBudget is the most records one write examines for pruning.
const PruneBudget = 8

// CodePruneSlack is how long a code is kept past its expiry.
const CodePruneSlack = time.Minute

// NoPrune is the pruning time of a record that is never pruned.
const NoPrune = math.MaxInt64

// PruneAt is the pruning time of a record that expires at exp: the first
// whole second after it, so a record is never pruned before it expired.
func PruneAt(exp time.Time) int64 {
	if exp.IsZero() {
		return NoPrune
	}
	return exp.Unix() + 1
}

// CodePruneAt is the pruning time of a code that expires at exp, whose grant
// (when it has one) may be pruned at grant.
func CodePruneAt(exp time.Time, grant int64) int64 {
	if exp.IsZero() {
		return NoPrune
	}
	return max(exp.Add(CodePruneSlack).Unix()+1, grant)
}

// Kind tells the table of a record.
type Kind uint8

// The kinds of records.
const (
	KindGrant Kind = iota
	KindCode
	KindRefresh
	KindAccess
)

// Entry is a record and the time it may be pruned at.
type Entry struct {
	At   int64 // Unix seconds
	Key  Key
	Kind Kind
}

// Queue is a binary min-heap of entries by at, laid out in chunks of
// expiryChunk entries: growing it never copies the entries already queued,
// which for a store of millions of records would cost more than the rest of
// a write.
type Queue struct {
	chunks [][]Entry // every chunk has length expiryChunk
	n      int
}

// expiryChunk is the number of entries of one chunk (48 KiB).
const expiryChunk = 1024

func (q *Queue) Len() int { return q.n }

func (q *Queue) at(i int) *Entry { return &q.chunks[i/expiryChunk][i%expiryChunk] }

func (q *Queue) swap(i, j int) {
	a, b := q.at(i), q.at(j)
	*a, *b = *b, *a
}

// Add queues the record; a record that is never pruned is not queued.
func (q *Queue) Add(at int64, kind Kind, key Key) {
	if at == NoPrune {
		return
	}
	if q.n == len(q.chunks)*expiryChunk {
		q.chunks = append(q.chunks, make([]Entry, expiryChunk))
	}
	i := q.n
	q.n++
	*q.at(i) = Entry{At: at, Key: key, Kind: kind}
	for i > 0 {
		p := (i - 1) / 2
		if q.at(p).At <= q.at(i).At {
			break
		}
		q.swap(p, i)
		i = p
	}
}

// Peek returns the earliest entry; the queue must not be empty.
func (q *Queue) Peek() *Entry { return q.at(0) }

// Pop removes and returns the earliest entry; the queue must not be empty.
func (q *Queue) Pop() Entry {
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
		if r := l + 1; r < n && q.at(r).At < q.at(l).At {
			c = r
		}
		if q.at(i).At <= q.at(c).At {
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
