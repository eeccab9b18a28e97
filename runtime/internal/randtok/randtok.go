// Package randtok makes the random values of the runtime, all from
// crypto/rand: token, code and secret values of 256 bits, ids of 128 bits;
// and the hash under which such a value is stored.
package randtok

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// NewValue returns 256 bits from crypto/rand, base64url-encoded without
// padding: the value of opaque access tokens, refresh tokens and codes
// (RFC 6749 §10.10).
func NewValue() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error (Go 1.24+)
	return Encode(b[:])
}

// NewID returns 128 random bits, base64url-encoded: jti values and record ids.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return Encode(b[:])
}

// Encode base64url-encodes up to 48 bytes without padding, through a
// stack buffer, so the string is the only allocation.
func Encode(b []byte) string {
	var out [64]byte
	n := base64.RawURLEncoding.EncodedLen(len(b))
	base64.RawURLEncoding.Encode(out[:n], b)
	return string(out[:n])
}

// Hash returns the SHA-256 of a token or code value: the only form in
// which they are stored. The values carry 256 bits of entropy, so a fast
// hash suffices.
func Hash(s string) []byte {
	h := Sum256(s)
	return h[:]
}

// Equal reports whether a and b are equal without leaking, through timing,
// where they differ. Lengths are not secret.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// Sum256 is sha256.Sum256 of a string. A string of up to 64 bytes
// (tokens, codes and generated client secrets have 43) is hashed from a
// stack copy, where the conversion to []byte would allocate.
func Sum256(s string) [sha256.Size]byte {
	var buf [64]byte
	if len(s) <= len(buf) {
		n := copy(buf[:], s)
		return sha256.Sum256(buf[:n])
	}
	return sha256.Sum256([]byte(s))
}
