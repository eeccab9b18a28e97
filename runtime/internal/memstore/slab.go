// Package memstore holds the mechanics of the runtime's in-memory store:
// records encoded into pointer-free byte chunks, the keys they are found
// by, and the queue by which expired records are pruned, so that a store of
// millions of records costs the garbage collector almost nothing.
package memstore

import "math/bits"

// Slab is where the memory store keeps its encoded records: in byte chunks
// that hold many records each, so that the store's maps hold only
// pointer-free references (Ref) and the garbage collector, which would
// otherwise trace every stored record at every collection, sees one
// pointer-free object per chunk.
//
// A chunk is filled by records of one lifetime class (the seconds they have
// left to live, rounded up to a power of two), so the records of a chunk
// expire at about the same time and the chunk is released when the last of
// them is pruned: a long-lived record never pins a chunk of short-lived
// ones. A chunk of class k is released at most 2^k seconds after it was
// sealed, so the memory held stays within a small factor of the records
// alive.
type Slab struct {
	chunks [][]byte // nil once released; the index is reused
	live   []int    // bytes of live records, per chunk
	sealed []bool   // whether the chunk takes no more records
	free   []uint32 // indexes of released chunks
	// open is the chunk each lifetime class appends to, plus one.
	open [recClasses]uint32
}

// Ref locates a record in a Slab.
type Ref struct {
	chunk, off, n uint32
}

// ChunkSize is the size of a chunk; a record larger than a quarter of
// it gets a chunk of its own.
const ChunkSize = 16 << 10

// recClasses is the number of lifetime classes: 0 to 64 bits of seconds.
const recClasses = 65

// Class is the lifetime class of a record that may be pruned at prune
// (Unix seconds) when it is stored at now.
func Class(prune, now int64) int {
	if prune == NoPrune {
		return recClasses - 1
	}
	if prune <= now {
		return 0
	}
	return bits.Len64(uint64(prune - now))
}

// Put stores a record of the class and returns its reference.
func (s *Slab) Put(class int, rec []byte) Ref {
	n := len(rec)
	if n > ChunkSize/4 {
		c := s.newChunk(n)
		s.chunks[c] = append(s.chunks[c], rec...)
		s.live[c] = n
		s.sealed[c] = true
		return Ref{chunk: c, n: uint32(n)}
	}
	c := s.open[class] - 1
	if s.open[class] == 0 || len(s.chunks[c])+n > ChunkSize {
		if s.open[class] != 0 {
			s.seal(c)
		}
		c = s.newChunk(ChunkSize)
		s.open[class] = c + 1
	}
	off := len(s.chunks[c])
	s.chunks[c] = append(s.chunks[c], rec...)
	s.live[c] += n
	return Ref{chunk: c, off: uint32(off), n: uint32(n)}
}

// newChunk returns the index of a new empty chunk of capacity size.
func (s *Slab) newChunk(size int) uint32 {
	b := make([]byte, 0, size)
	if k := len(s.free); k > 0 {
		c := s.free[k-1]
		s.free = s.free[:k-1]
		s.chunks[c], s.live[c], s.sealed[c] = b, 0, false
		return c
	}
	s.chunks = append(s.chunks, b)
	s.live = append(s.live, 0)
	s.sealed = append(s.sealed, false)
	return uint32(len(s.chunks) - 1)
}

// seal stops chunk c taking records, and releases it when it has no live one.
func (s *Slab) seal(c uint32) {
	s.sealed[c] = true
	s.releaseIfEmpty(c)
}

func (s *Slab) releaseIfEmpty(c uint32) {
	if s.sealed[c] && s.live[c] == 0 {
		s.chunks[c] = nil
		s.free = append(s.free, c)
	}
}

// Get returns a copy of the record.
func (s *Slab) Get(r Ref) string {
	return string(s.chunks[r.chunk][r.off : r.off+r.n])
}

// Drop releases the record; its chunk goes once it holds no live record.
func (s *Slab) Drop(r Ref) {
	s.live[r.chunk] -= int(r.n)
	s.releaseIfEmpty(r.chunk)
}

// ChunkCount is the number of chunks held, for tests.
func (s *Slab) ChunkCount() int { return len(s.chunks) - len(s.free) }

// LiveBytes is the number of bytes of the records not dropped.
func (s *Slab) LiveBytes() int {
	n := 0
	for _, l := range s.live {
		n += l
	}
	return n
}
