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
	return Secret(base64.RawURLEncoding.EncodeToString(b[:]))
}

// newID returns 128 random bits, base64url-encoded: jti values and record ids.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashSecret returns the SHA-256 of a secret value: the only form in which
// tokens and codes are stored (security.md S-36). The values carry 256 bits
// of entropy, so a fast hash suffices.
func hashSecret(s Secret) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
