package runtime

import (
	"encoding/binary"
	"errors"
	"time"
)

// The record encoding of MemoryStore. Each record is kept as bytes holding
// every field (in a recSlab), so that the store retains no pointers per
// record, where a Grant or an AccessTokenRecord kept as a struct holds a
// dozen pointers to strings and slices that every garbage collection must
// trace. A record is read back into one fresh string; the strings decoded
// from it are its substrings (immutable, so sharing them is safe), and
// slices and byte slices are fresh copies, so no caller shares mutable
// memory with the store.
//
// The format is private to the process and never persisted: a string is a
// uvarint length and the bytes; a string slice or byte slice is a uvarint
// count plus one (zero for nil, so nil and empty stay apart) and the
// elements; a bool is one byte; a time is a location byte (0 zero time,
// 1 UTC, 2 Local), then the Unix seconds (varint) and nanoseconds (uvarint).
// Each record type's fields follow in the order of its append function. Times keep their instant and a UTC or Local
// location, as a database would; another location reads back as UTC, and a
// monotonic clock reading is dropped.

// errCorruptRecord is a record that does not decode: a bug in this file.
var errCorruptRecord = errors.New("memory store: corrupt record")

// The append functions encode one field each, append-style, so that a
// record is built in a stack buffer and copied once into the store.

func appendRecBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendRecStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendRecBytes encodes a byte slice, nil apart from empty.
func appendRecBytes(b, v []byte) []byte {
	if v == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(v))+1)
	return append(b, v...)
}

// appendRecStrs encodes a string slice, nil apart from empty.
func appendRecStrs(b []byte, s []string) []byte {
	if s == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(s))+1)
	for _, v := range s {
		b = appendRecStr(b, v)
	}
	return b
}

// Location bytes of an encoded time.
const (
	recTimeZero  = 0
	recTimeUTC   = 1
	recTimeLocal = 2
)

func appendRecTime(b []byte, t time.Time) []byte {
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

// recTimeOf is t as it reads back from a record: the same instant in UTC,
// or in time.Local when t is, without a monotonic clock reading.
func recTimeOf(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	u := time.Unix(t.Unix(), int64(t.Nanosecond()))
	if t.Location() == time.Local {
		return u
	}
	return u.UTC()
}

func appendRecAuthentication(b []byte, a *Authentication) []byte {
	b = appendRecStr(b, a.Subject)
	b = appendRecTime(b, a.AuthTime)
	b = appendRecStr(b, a.ACR)
	b = appendRecStrs(b, a.AMR)
	return appendRecStr(b, a.SessionID)
}

// recDecoder reads the fields of a record in the order they were appended.
// A malformed record sets failed and yields zero values.
type recDecoder struct {
	s      string
	failed bool
}

func (d *recDecoder) uvarint() uint64 {
	n, k := uvarintString(d.s)
	if k <= 0 {
		d.failed, d.s = true, ""
		return 0
	}
	d.s = d.s[k:]
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

func (d *recDecoder) varint() int64 {
	ux := d.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

func (d *recDecoder) u8() byte {
	if d.s == "" {
		d.failed = true
		return 0
	}
	b := d.s[0]
	d.s = d.s[1:]
	return b
}

func (d *recDecoder) bool() bool { return d.u8() == 1 }

// take returns the next n bytes of the record as a substring.
func (d *recDecoder) take(n uint64) string {
	if n > uint64(len(d.s)) {
		d.failed, d.s = true, ""
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

func (d *recDecoder) str() string { return d.take(d.uvarint()) }

// bytes returns a fresh copy of an encoded byte slice.
func (d *recDecoder) bytes() []byte {
	n := d.uvarint()
	if n == 0 {
		return nil
	}
	return []byte(d.take(n - 1))
}

// strs returns a fresh slice of an encoded string slice.
func (d *recDecoder) strs() []string {
	n := d.uvarint()
	if n == 0 {
		return nil
	}
	n--
	if n > uint64(len(d.s)) { // every element takes at least one byte
		d.failed, d.s = true, ""
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *recDecoder) time() time.Time {
	switch d.u8() {
	case recTimeZero:
		return time.Time{}
	case recTimeUTC:
		sec := d.varint()
		return time.Unix(sec, int64(d.uvarint())).UTC()
	case recTimeLocal:
		sec := d.varint()
		return time.Unix(sec, int64(d.uvarint())) // in time.Local
	default:
		d.failed = true
		return time.Time{}
	}
}

func (d *recDecoder) authentication() Authentication {
	return Authentication{
		Subject:   d.str(),
		AuthTime:  d.time(),
		ACR:       d.str(),
		AMR:       d.strs(),
		SessionID: d.str(),
	}
}

// done reports a record that was malformed or not read to its end.
func (d *recDecoder) done() error {
	if d.failed || d.s != "" {
		return errCorruptRecord
	}
	return nil
}

// recScratch is the size of the stack buffer records are encoded into
// before they are copied into the store; a larger record grows onto the heap.
const recScratch = 512

func appendGrant(b []byte, g *Grant) []byte {
	b = appendRecStr(b, g.ID)
	b = appendRecStr(b, g.ClientID)
	b = appendRecStr(b, g.Subject)
	b = appendRecStrs(b, g.Scope)
	b = appendRecStrs(b, g.Audience)
	b = appendRecAuthentication(b, &g.Authentication)
	b = appendRecTime(b, g.Created)
	b = appendRecTime(b, g.ExpiresAt)
	b = appendRecStr(b, string(g.Status))
	b = appendRecBytes(b, g.Data)
	return b
}

func decodeGrant(s string) (Grant, error) {
	d := recDecoder{s: s}
	g := Grant{
		ID:             d.str(),
		ClientID:       d.str(),
		Subject:        d.str(),
		Scope:          d.strs(),
		Audience:       d.strs(),
		Authentication: d.authentication(),
		Created:        d.time(),
		ExpiresAt:      d.time(),
		Status:         GrantStatus(d.str()),
		Data:           d.bytes(),
	}
	return g, d.done()
}

func appendCode(b []byte, c *AuthorizationCode) []byte {
	b = appendRecBytes(b, c.Hash)
	b = appendRecStr(b, c.ClientID)
	b = appendRecStr(b, c.RedirectURI)
	b = appendRecBool(b, c.RedirectURIProvided)
	b = appendRecStrs(b, c.Scope)
	b = appendRecAuthentication(b, &c.Authentication)
	b = appendRecStr(b, c.Nonce)
	b = appendRecStr(b, c.CodeChallenge)
	b = appendRecStr(b, c.CodeChallengeMethod)
	b = appendRecStrs(b, c.Resources)
	b = appendRecTime(b, c.IssuedAt)
	b = appendRecTime(b, c.ExpiresAt)
	b = appendRecStr(b, c.GrantID)
	b = appendRecBytes(b, c.Data)
	return b
}

func decodeCode(s string) (AuthorizationCode, error) {
	d := recDecoder{s: s}
	c := AuthorizationCode{
		Hash:                d.bytes(),
		ClientID:            d.str(),
		RedirectURI:         d.str(),
		RedirectURIProvided: d.bool(),
		Scope:               d.strs(),
		Authentication:      d.authentication(),
		Nonce:               d.str(),
		CodeChallenge:       d.str(),
		CodeChallengeMethod: d.str(),
		Resources:           d.strs(),
		IssuedAt:            d.time(),
		ExpiresAt:           d.time(),
		GrantID:             d.str(),
		Data:                d.bytes(),
	}
	return c, d.done()
}

func appendRefresh(b []byte, r *RefreshTokenRecord) []byte {
	b = appendRecBytes(b, r.Hash)
	b = appendRecStr(b, r.ID)
	b = appendRecStr(b, r.GrantID)
	b = appendRecStr(b, r.FamilyID)
	b = appendRecStr(b, r.ClientID)
	b = appendRecStrs(b, r.Scope)
	b = appendRecTime(b, r.IssuedAt)
	b = appendRecTime(b, r.ExpiresAt)
	b = appendRecTime(b, r.IdleExpiresAt)
	b = appendRecTime(b, r.RotatedAt)
	return b
}

func decodeRefresh(s string) (RefreshTokenRecord, error) {
	d := recDecoder{s: s}
	r := RefreshTokenRecord{
		Hash:          d.bytes(),
		ID:            d.str(),
		GrantID:       d.str(),
		FamilyID:      d.str(),
		ClientID:      d.str(),
		Scope:         d.strs(),
		IssuedAt:      d.time(),
		ExpiresAt:     d.time(),
		IdleExpiresAt: d.time(),
		RotatedAt:     d.time(),
	}
	return r, d.done()
}

// appendAccess encodes everything but Claims.Extra, which MemoryStore keeps
// beside the record: its values are the team's and have no encoding that
// keeps their types.
func appendAccess(b []byte, r *AccessTokenRecord) []byte {
	b = appendRecBytes(b, r.Key)
	b = appendRecStr(b, r.GrantID)
	b = appendRecStr(b, r.ClientID)
	b = appendRecTime(b, r.ExpiresAt)
	c := &r.Claims
	b = appendRecStr(b, c.Issuer)
	b = appendRecStr(b, c.Subject)
	b = appendRecStrs(b, c.Audience)
	b = appendRecStr(b, c.ClientID)
	b = appendRecTime(b, c.IssuedAt)
	b = appendRecTime(b, c.ExpiresAt)
	b = appendRecStr(b, c.JTI)
	b = appendRecStrs(b, c.Scope)
	b = appendRecTime(b, c.AuthTime)
	b = appendRecStr(b, c.ACR)
	b = appendRecStrs(b, c.AMR)
	return b
}

func decodeAccess(s string) (AccessTokenRecord, error) {
	d := recDecoder{s: s}
	r := AccessTokenRecord{
		Key:       d.bytes(),
		GrantID:   d.str(),
		ClientID:  d.str(),
		ExpiresAt: d.time(),
		Claims: AccessTokenClaims{
			Issuer:    d.str(),
			Subject:   d.str(),
			Audience:  d.strs(),
			ClientID:  d.str(),
			IssuedAt:  d.time(),
			ExpiresAt: d.time(),
			JTI:       d.str(),
			Scope:     d.strs(),
			AuthTime:  d.time(),
			ACR:       d.str(),
			AMR:       d.strs(),
		},
	}
	return r, d.done()
}
