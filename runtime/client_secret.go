package runtime

import "github.com/oauthgen/oauthgen/runtime/internal/clientauth"

// Client secrets are stored only as hashes: "sha256:<base64url of
// SHA-256(secret)>" for the secrets NewClientSecret makes, whose 256 random
// bits make a fast hash enough, or a bcrypt hash ("$2a$", "$2b$", "$2y$")
// for imported low-entropy secrets, verified behind a short-lived cache of
// successful checks. Comparisons are constant-time.

// NewClientSecret returns a new client secret of 256 bits from crypto/rand
// and the hash to store for it. Hand the secret to the client once; keep
// only the hash.
func NewClientSecret() (Secret, string) {
	s := newSecretValue()
	return s, HashClientSecret(s)
}

// HashClientSecret returns the stored form of a secret: "sha256:" followed by
// the unpadded base64url SHA-256 of the secret.
func HashClientSecret(s Secret) string { return clientauth.Hash(string(s)) }
