package devicecode

import (
	"crypto/rand"
	"strings"
)

// Alphabet is the user code's alphabet: 20 consonants, without vowels (no
// words spelled by accident) and without characters that look alike
// (RFC 8628 §6.1).
const Alphabet = "BCDFGHJKLMNPQRSTVWXZ"

// UserCodeLen is the user code's length in characters: 20^8 codes, about
// 34.5 bits (RFC 8628 §6.1), which the guessing limits of the verification
// page make enough (RFC 8628 §5.1).
const UserCodeLen = 8

// maxUserCodeInput bounds what NormalizeUserCode reads: a user code and
// the separators a person may type around it.
const maxUserCodeInput = 64

// NewUserCode returns a user code of UserCodeLen characters drawn
// uniformly from Alphabet with crypto/rand, unformatted.
func NewUserCode() string {
	var out [UserCodeLen]byte
	var buf [32]byte
	n := 0
	for n < UserCodeLen {
		_, _ = rand.Read(buf[:]) // crypto/rand.Read never returns an error (Go 1.24+)
		for _, b := range buf {
			// 240 = 12 × 20: bytes at or above it are dropped, so that every
			// character is equally likely.
			if b >= 240 || n == UserCodeLen {
				continue
			}
			out[n] = Alphabet[b%20]
			n++
		}
	}
	return string(out[:])
}

// FormatUserCode shows a normalised user code as XXXX-XXXX, the way the
// device displays it (RFC 8628 §6.1).
func FormatUserCode(code string) string {
	if len(code) != UserCodeLen {
		return code
	}
	return code[:4] + "-" + code[4:]
}

// NormalizeUserCode reads a user code as a person typed it: letters in
// either case, with dashes and white space anywhere ignored (RFC 8628
// §6.1). It reports false for anything else: another length, a character
// outside Alphabet, an input longer than anyone types.
func NormalizeUserCode(in string) (string, bool) {
	if len(in) > maxUserCodeInput {
		return "", false
	}
	var out [UserCodeLen]byte
	n := 0
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch {
		case c == '-' || c == ' ' || c == '\t':
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		if n == UserCodeLen || strings.IndexByte(Alphabet, c) < 0 {
			return "", false
		}
		out[n] = c
		n++
	}
	if n != UserCodeLen {
		return "", false
	}
	return string(out[:]), true
}
