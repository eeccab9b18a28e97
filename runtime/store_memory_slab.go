package runtime

import "math/bits"

// recSlab is where MemoryStore keeps its encoded records: in byte chunks
// that hold many records each, so that the store's maps hold only
// pointer-free references (recRef) and the garbage collector, which would
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
type recSlab struct {
	chunks [][]byte // nil once released; the index is reused
	live   []int    // bytes of live records, per chunk
	sealed []bool   // whether the chunk takes no more records
	free   []uint32 // indexes of released chunks
	// open is the chunk each lifetime class appends to, plus one.
	open [recClasses]uint32
}

// recRef locates a record in a recSlab.
type recRef struct {
	chunk, off, n uint32
}

// recChunkSize is the size of a chunk; a record larger than a quarter of
// it gets a chunk of its own.
const recChunkSize = 16 << 10

// recClasses is the number of lifetime classes: 0 to 64 bits of seconds.
const recClasses = 65

// recClass is the lifetime class of a record that may be pruned at prune
// (Unix seconds) when it is stored at now.
func recClass(prune, now int64) int {
	if prune == noPrune {
		return recClasses - 1
	}
	if prune <= now {
		return 0
	}
	return bits.Len64(uint64(prune - now))
}

// put stores a record of the class and returns its reference.
func (s *recSlab) put(class int, rec []byte) recRef {
	n := len(rec)
	if n > recChunkSize/4 {
		c := s.newChunk(n)
		s.chunks[c] = append(s.chunks[c], rec...)
		s.live[c] = n
		s.sealed[c] = true
		return recRef{chunk: c, n: uint32(n)}
	}
	c := s.open[class] - 1
	if s.open[class] == 0 || len(s.chunks[c])+n > recChunkSize {
		if s.open[class] != 0 {
			s.seal(c)
		}
		c = s.newChunk(recChunkSize)
		s.open[class] = c + 1
	}
	off := len(s.chunks[c])
	s.chunks[c] = append(s.chunks[c], rec...)
	s.live[c] += n
	return recRef{chunk: c, off: uint32(off), n: uint32(n)}
}

// newChunk returns the index of a new empty chunk of capacity size.
func (s *recSlab) newChunk(size int) uint32 {
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
func (s *recSlab) seal(c uint32) {
	s.sealed[c] = true
	s.releaseIfEmpty(c)
}

func (s *recSlab) releaseIfEmpty(c uint32) {
	if s.sealed[c] && s.live[c] == 0 {
		s.chunks[c] = nil
		s.free = append(s.free, c)
	}
}

// get returns a copy of the record.
func (s *recSlab) get(r recRef) string {
	return string(s.chunks[r.chunk][r.off : r.off+r.n])
}

// drop releases the record; its chunk goes once it holds no live record.
func (s *recSlab) drop(r recRef) {
	s.live[r.chunk] -= int(r.n)
	s.releaseIfEmpty(r.chunk)
}

// chunkCount is the number of chunks held, for tests.
func (s *recSlab) chunkCount() int { return len(s.chunks) - len(s.free) }
