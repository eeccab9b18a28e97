package memstore

import (
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// TestExpiryQueueOrder: entries come out in order of their time, across
// chunk boundaries, and a drained queue releases its chunks.
func TestExpiryQueueOrder(t *testing.T) {
	r := mrand.New(mrand.NewPCG(1, 2))
	var q Queue
	const n = 3*expiryChunk + 17
	for i := range n {
		var k Key
		binary.LittleEndian.PutUint64(k[:], uint64(i))
		q.Add(r.Int64N(1000), KindAccess, k)
	}
	q.Add(NoPrune, KindAccess, Key{})
	if q.Len() != n {
		t.Fatalf("len = %d, want %d (NoPrune is not queued)", q.Len(), n)
	}
	last := int64(-1)
	seen := map[Key]bool{}
	for q.Len() > 0 {
		e := q.Pop()
		if e.At < last {
			t.Fatalf("popped %d after %d", e.At, last)
		}
		last = e.At
		seen[e.Key] = true
	}
	if len(seen) != n {
		t.Errorf("popped %d distinct entries, want %d", len(seen), n)
	}
	if len(q.chunks) > 1 {
		t.Errorf("drained queue holds %d chunks, want at most 1", len(q.chunks))
	}
}

// TestClass: records that expire at about the same time share a class.
func TestClass(t *testing.T) {
	for _, tc := range []struct {
		prune, now int64
		want       int
	}{
		{NoPrune, 5, recClasses - 1},
		{5, 5, 0},
		{4, 5, 0},
		{6, 5, 1},
		{5 + 600, 5, 10},
		{5 + 1023, 5, 10},
		{5 + 1024, 5, 11},
	} {
		if got := Class(tc.prune, tc.now); got != tc.want {
			t.Errorf("Class(%d, %d) = %d, want %d", tc.prune, tc.now, got, tc.want)
		}
	}
}

// TestSlab: records read back as stored; a large record gets its own
// chunk; a chunk is released when its last record is dropped, not before.
func TestSlab(t *testing.T) {
	var s Slab
	var refs []Ref
	for i := range 400 {
		refs = append(refs, s.Put(3, []byte(fmt.Sprintf("record %03d %0100d", i, i))))
	}
	big := s.Put(3, make([]byte, ChunkSize))
	for i, r := range refs {
		if got, want := s.Get(r), fmt.Sprintf("record %03d %0100d", i, i); got != want {
			t.Fatalf("record %d = %q, want %q", i, got, want)
		}
	}
	if got := len(s.Get(big)); got != ChunkSize {
		t.Fatalf("big record has %d bytes", got)
	}
	held := s.ChunkCount()
	s.Drop(big)
	if s.ChunkCount() != held-1 {
		t.Errorf("dropping a large record released %d chunks, want 1", held-s.ChunkCount())
	}
	first := refs[0].chunk
	for _, r := range refs {
		if r.chunk == first {
			if s.chunks[first] == nil {
				t.Fatal("a chunk was released while it held a live record")
			}
			s.Drop(r)
		}
	}
	if s.chunks[first] != nil {
		t.Error("a sealed chunk without live records was not released")
	}
	if r := s.Put(3, []byte("x")); s.Get(r) != "x" {
		t.Error("a record after a release reads back wrong")
	}
}

// TestKeyOfID: short ids are their own key, long ones a hash; the two
// never meet.
func TestKeyOfID(t *testing.T) {
	short := KeyOfID("abc")
	if short[0] != 3 || string(short[1:4]) != "abc" {
		t.Errorf("key of a short id = %x", short)
	}
	long := KeyOfID("0123456789012345678901234567890123456789")
	if long[0]&0x80 == 0 {
		t.Errorf("key of a long id %x lacks the top bit", long)
	}
	if KeyOfID("") == KeyOfID("\x00") {
		t.Error("ids of different lengths share a key")
	}
}

// TestTimeOf: TimeOf gives what a record reads back, so a record
// changed in place (RotateRefreshToken) need not be decoded again.
func TestTimeOf(t *testing.T) {
	for name, in := range map[string]time.Time{
		"zero":       {},
		"utc":        time.Date(2031, 1, 2, 3, 4, 5, 678, time.UTC),
		"local":      time.Unix(1900000000, 12345).Local(),
		"fixed zone": time.Date(2031, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600)),
		"monotonic":  time.Now(),
	} {
		var d Decoder
		d.S = string(AppendTime(nil, in))
		want := d.Time()
		if got := TimeOf(in); !reflect.DeepEqual(got, want) || d.Done() != nil {
			t.Errorf("%s: TimeOf = %#v, read back %#v (%v)", name, got, want, d.Done())
		}
	}
}
