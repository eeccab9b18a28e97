package jose

import (
	"crypto"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Sign returns the compact JWS (RFC 7515 §7.1) of payload, an encoded JSON
// claims set, with the header {"alg", "kid", "typ"}, signed by priv with
// method. typ is the explicit type of RFC 8725 §3.11, such as "at+jwt"
// (RFC 9068 §2.1); it must be printable ASCII without quotes or
// backslashes. alg and kid are the key's own (kid is base64url).
func Sign(method jwt.SigningMethod, priv crypto.Signer, alg, kid, typ string, payload []byte) (string, error) {
	if !headerValueOK(typ) {
		return "", fmt.Errorf("sign jwt: invalid typ %q", typ)
	}
	// The header is written by hand: its three values are known-safe
	// strings, and this avoids a map and a reflective encoding per token.
	var hdr [128]byte
	h := append(hdr[:0], `{"alg":"`...)
	h = append(h, alg...)
	h = append(h, `","kid":"`...)
	h = append(h, kid...)
	h = append(h, `","typ":"`...)
	h = append(h, typ...)
	h = append(h, `"}`...)

	enc := base64.RawURLEncoding
	buf := make([]byte, 0, enc.EncodedLen(len(h))+1+enc.EncodedLen(len(payload)))
	buf = enc.AppendEncode(buf, h)
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, payload)
	signingInput := string(buf)

	sig, err := signature(method, priv, signingInput)
	if err != nil {
		return "", fmt.Errorf("sign jwt: %w", err)
	}
	var sb strings.Builder
	sb.Grow(len(signingInput) + 1 + enc.EncodedLen(len(sig)))
	sb.WriteString(signingInput)
	sb.WriteByte('.')
	sb.Write(enc.AppendEncode(buf[:0], sig))
	return sb.String(), nil
}

// headerValueOK reports whether s can be written into a JSON string as is.
func headerValueOK(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// TypMatches compares JWT typ values as RFC 7515 §4.1.9 and RFC 8725 §3.11
// say: media types without case, "application/" optional.
func TypMatches(got, want string) bool {
	if len(got) > len("application/") && strings.EqualFold(got[:len("application/")], "application/") {
		got = got[len("application/"):]
	}
	return strings.EqualFold(got, want)
}
