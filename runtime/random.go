package runtime

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// newSecretValue returns 256 bits from crypto/rand, base64url-encoded without
// padding: the value of opaque access tokens, refresh tokens and codes
// (RFC 6749 §10.10; security.md S-35).
func newSecretValue() Secret {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error (Go 1.24+)
	return Secret(encodeRandom(b[:]))
}

// newID returns 128 random bits, base64url-encoded: jti values and record ids.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return encodeRandom(b[:])
}

// encodeRandom base64url-encodes up to 48 bytes without padding, through a
// stack buffer, so the string is the only allocation.
func encodeRandom(b []byte) string {
	var out [64]byte
	n := base64.RawURLEncoding.EncodedLen(len(b))
	base64.RawURLEncoding.Encode(out[:n], b)
	return string(out[:n])
}

// hashSecret returns the SHA-256 of a secret value: the only form in which
// tokens and codes are stored (security.md S-36). The values carry 256 bits
// of entropy, so a fast hash suffices.
func hashSecret(s Secret) []byte {
	h := sum256String(string(s))
	return h[:]
}

// sum256String is sha256.Sum256 of a string. A string of up to 64 bytes
// (tokens, codes and generated client secrets have 43) is hashed from a
// stack copy, where the conversion to []byte would allocate.
func sum256String(s string) [sha256.Size]byte {
	var buf [64]byte
	if len(s) <= len(buf) {
		n := copy(buf[:], s)
		return sha256.Sum256(buf[:n])
	}
	return sha256.Sum256([]byte(s))
}
