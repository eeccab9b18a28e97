// Package pkce checks Proof Key for Code Exchange (RFC 7636) at both ends:
// the challenge of an authorization request and the verifier of the token
// request that redeems its code.
package pkce

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// ValidVerifier reports whether v is a code_verifier: 43 to 128 characters
// from the unreserved set [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"
// (RFC 7636 §4.1).
func ValidVerifier(v string) bool {
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

// Verify checks a verifier against a stored S256 challenge in constant
// time (RFC 7636 §4.6). A malformed verifier fails.
func Verify(challenge, method, verifier string) bool {
	if method != oauth.PKCEMethodS256 || !ValidVerifier(verifier) {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	var enc [43]byte // base64url of 32 bytes without padding
	base64.RawURLEncoding.Encode(enc[:], sum[:])
	return subtle.ConstantTimeCompare(enc[:], []byte(challenge)) == 1
}

// s256ChallengeLen is the length of BASE64URL(SHA-256(verifier)) without
// padding (RFC 7636 §4.2).
const s256ChallengeLen = 43

// CheckChallenge checks the challenge of an authorization request: one is
// needed when required; the method must be S256, an omitted method meaning
// plain (RFC 7636 §4.3; RFC 9700 §2.1.1); the challenge must be 43
// base64url characters. A failure is invalid_request.
func CheckChallenge(required bool, challenge, method string) *oauth.Error {
	if challenge == "" {
		if method != "" {
			return oauth.NewError(oauth.ErrInvalidRequest, "code_challenge_method without code_challenge")
		}
		if required {
			return oauth.NewError(oauth.ErrInvalidRequest, "code_challenge required") // RFC 7636 §4.4.1
		}
		return nil
	}
	if method != oauth.PKCEMethodS256 {
		return oauth.NewError(oauth.ErrInvalidRequest, "code_challenge_method must be S256")
	}
	if len(challenge) != s256ChallengeLen {
		return oauth.NewError(oauth.ErrInvalidRequest, "malformed code_challenge")
	}
	for i := 0; i < len(challenge); i++ {
		c := challenge[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return oauth.NewError(oauth.ErrInvalidRequest, "malformed code_challenge")
		}
	}
	return nil
}
