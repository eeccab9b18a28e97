package oauth

import (
	"crypto/sha256"
	"encoding/base64"
)

// PKCEMethodS256 is the only code_challenge_method the runtime accepts
// (RFC 7636 §4.2; RFC 9700 §2.1.1).
const PKCEMethodS256 = "S256"

// S256Challenge returns BASE64URL(SHA256(ASCII(verifier))), the S256
// code_challenge of a verifier (RFC 7636 §4.2).
func S256Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// The JWS algorithms the runtime signs with (RFC 7518 §3.1; RFC 8037 §3.1).
const (
	AlgES256 = "ES256" // ECDSA on P-256 with SHA-256, RFC 7518 §3.4
	AlgRS256 = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3
	AlgEdDSA = "EdDSA" // Ed25519, RFC 8037 §3.1
)
