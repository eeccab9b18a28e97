package runtime

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// PKCEMethodS256 is the only code_challenge_method oauthgen accepts
// (RFC 7636 §4.2; security.md S-02).
const PKCEMethodS256 = "S256"

// validVerifier reports whether v is a code_verifier: 43 to 128 characters
// from the unreserved set [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"
// (RFC 7636 §4.1; security.md S-06).
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-', c == '.', c == '_', c == '~':
		default:
			return false
		}
	}
	return true
}

// S256Challenge returns BASE64URL(SHA256(ASCII(verifier))), the S256
// code_challenge of a verifier (RFC 7636 §4.2).
func S256Challenge(verifier Secret) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// verifyPKCE checks a verifier against a stored S256 challenge in constant
// time (RFC 7636 §4.6; security.md S-03, S-04). A malformed verifier fails.
func verifyPKCE(challenge, method string, verifier Secret) bool {
	if method != PKCEMethodS256 || !validVerifier(string(verifier)) {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	var enc [43]byte // base64url of 32 bytes without padding
	base64.RawURLEncoding.Encode(enc[:], sum[:])
	return subtle.ConstantTimeCompare(enc[:], []byte(challenge)) == 1
}
