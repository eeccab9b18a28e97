package memstore

import (
	"encoding/binary"
	"errors"
	"time"
)

// The record encoding of the memory store. Each record is kept as bytes holding
// every field (in a recSlab), so that the store retains no pointers per
// record, where a Grant or an AccessTokenRecord kept as a struct holds a
// dozen pointers to strings and slices that every garbage collection must
// trace. A record is read back into one fresh string; the strings decoded
// from it are its substrings (immutable, so sharing them is safe), and
// slices and byte slices are fresh copies, so no caller shares mutable
// memory with the store.
//
// The format is private to the process and never persisted: a string is a
// Uvarint length and the bytes; a string slice or byte slice is a uvarint
// count plus one (zero for nil, so nil and empty stay apart) and the
// elements; a bool is one byte; a time is a location byte (0 zero time,
// 1 UTC, 2 Local), then the Unix seconds (varint) and nanoseconds (uvarint).
// Each record type's fields follow in the order of its append function. Times keep their instant and a UTC or Local
// location, as a database would; another location reads back as UTC, and a
// monotonic clock reading is dropped.

// ErrCorrupt is a record that does not decode: a bug in this file.
var ErrCorrupt = errors.New("memory store: corrupt record")

// The append functions encode one field each, append-style, so that a
// record is built in a stack buffer and copied once into the store.

func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func AppendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// AppendBytes encodes a byte slice, nil apart from empty.
func AppendBytes(b, v []byte) []byte {
	if v == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(v))+1)
	return append(b, v...)
}

// AppendStrs encodes a string slice, nil apart from empty.
func AppendStrs(b []byte, s []string) []byte {
	if s == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(s))+1)
	for _, v := range s {
		b = AppendStr(b, v)
	}
	return b
}

// Location bytes of an encoded time.
const (
	recTimeZero  = 0
	recTimeUTC   = 1
	recTimeLocal = 2
)

func AppendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, recTimeZero)
	}
	loc := byte(recTimeUTC)
	if t.Location() == time.Local {
		loc = recTimeLocal
	}
	b = append(b, loc)
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

// TimeOf is t as it reads back from a record: the same instant in UTC,
// or in time.Local when t is, without a monotonic clock reading.
func TimeOf(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	u := time.Unix(t.Unix(), int64(t.Nanosecond()))
	if t.Location() == time.Local {
		return u
	}
	return u.UTC()
}

// Decoder reads the fields of a record in the order they were appended.
// A malformed record sets failed and yields zero values.
type Decoder struct {
	S      string
	failed bool
}

func (d *Decoder) Uvarint() uint64 {
	n, k := uvarintString(d.S)
	if k <= 0 {
		d.failed, d.S = true, ""
		return 0
	}
	d.S = d.S[k:]
	return n
}

// uvarintString is binary.Uvarint on a string, so that decoding does not
// copy the record into a byte slice.
func uvarintString(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		b := s[i]
		if b < 0x80 {
			if i == binary.MaxVarintLen64-1 && b > 1 {
				return 0, -1
			}
			return x | uint64(b)<<shift, i + 1
		}
		x |= uint64(b&0x7f) << shift
		shift += 7
	}
	return 0, 0
}

func (d *Decoder) Varint() int64 {
	ux := d.Uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

func (d *Decoder) U8() byte {
	if d.S == "" {
		d.failed = true
		return 0
	}
	b := d.S[0]
	d.S = d.S[1:]
	return b
}

func (d *Decoder) Bool() bool { return d.U8() == 1 }

// Take returns the next n bytes of the record as a substring.
func (d *Decoder) Take(n uint64) string {
	if n > uint64(len(d.S)) {
		d.failed, d.S = true, ""
		return ""
	}
	v := d.S[:n]
	d.S = d.S[n:]
	return v
}

func (d *Decoder) Str() string { return d.Take(d.Uvarint()) }

// Bytes returns a fresh copy of an encoded byte slice.
func (d *Decoder) Bytes() []byte {
	n := d.Uvarint()
	if n == 0 {
		return nil
	}
	return []byte(d.Take(n - 1))
}

// Strs returns a fresh slice of an encoded string slice.
func (d *Decoder) Strs() []string {
	n := d.Uvarint()
	if n == 0 {
		return nil
	}
	n--
	if n > uint64(len(d.S)) { // every element takes at least one byte
		d.failed, d.S = true, ""
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.Str()
	}
	return out
}

func (d *Decoder) Time() time.Time {
	switch d.U8() {
	case recTimeZero:
		return time.Time{}
	case recTimeUTC:
		sec := d.Varint()
		return time.Unix(sec, int64(d.Uvarint())).UTC()
	case recTimeLocal:
		sec := d.Varint()
		return time.Unix(sec, int64(d.Uvarint())) // in time.Local
	default:
		d.failed = true
		return time.Time{}
	}
}

// Done reports a record that was malformed or not read to its end.
func (d *Decoder) Done() error {
	if d.failed || d.S != "" {
		return ErrCorrupt
	}
	return nil
}
