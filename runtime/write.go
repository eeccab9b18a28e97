package runtime

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Header values of token-endpoint responses. They are assigned into the
// header map directly, which saves the canonicalisation and a slice per
// header and per request; the slices are never modified.
var (
	headerJSON    = []string{"application/json"}
	headerNoStore = []string{"no-store"} // RFC 6749 §5.1
	headerNoCache = []string{"no-cache"} // RFC 6749 §5.1
)

// setNoStoreJSON sets the headers every token-endpoint response carries,
// errors included (RFC 6749 §5.1; flows.md §4.4; security.md S-41).
func setNoStoreJSON(h http.Header) {
	h["Content-Type"] = headerJSON
	h["Cache-Control"] = headerNoStore
	h["Pragma"] = headerNoCache
}

// tokenResponseMembers are the members TokenResponse defines, which Extra may
// not shadow (flows.md §4.1): RFC 6749 §5.1, OIDC Core §3.1.3.3, RFC 8693 §2.2.1.
var tokenResponseMembers = [...]string{
	"access_token", "token_type", "expires_in", "refresh_token", "scope", "id_token", "issued_token_type",
}

// encodeTokenResponse encodes a checked response as JSON without reflection
// for the defined members. Extra members follow in name order; an Extra
// member that shadows a defined one, or cannot be encoded, is an error.
func encodeTokenResponse(dst []byte, resp *TokenResponse) ([]byte, error) {
	dst = append(dst, `{"access_token":`...)
	dst = appendJSONString(dst, string(resp.AccessToken))
	dst = append(dst, `,"token_type":`...)
	dst = appendJSONString(dst, resp.TokenType)
	if resp.ExpiresIn > 0 {
		dst = append(dst, `,"expires_in":`...)
		dst = strconv.AppendInt(dst, resp.ExpiresIn, 10)
	}
	if resp.RefreshToken != "" {
		dst = append(dst, `,"refresh_token":`...)
		dst = appendJSONString(dst, string(resp.RefreshToken))
	}
	if len(resp.Scope) > 0 {
		dst = append(dst, `,"scope":`...) // one space-separated string, RFC 6749 §5.1
		dst = resp.Scope.appendJSON(dst)
	}
	if resp.IDToken != "" {
		dst = append(dst, `,"id_token":`...) // OIDC Core §3.1.3.3
		dst = appendJSONString(dst, resp.IDToken)
	}
	for name := range resp.Extra {
		if slices.Contains(tokenResponseMembers[:], name) || name == "" {
			return nil, fmt.Errorf("token response: Extra member %q shadows a defined member", name)
		}
	}
	dst, err := appendExtraClaims(dst, resp.Extra)
	if err != nil {
		return nil, fmt.Errorf("token response: %w", err)
	}
	return dst, nil
}

// writeTokenResponse writes a 200 token response.
func writeTokenResponse(w http.ResponseWriter, body []byte) {
	h := w.Header()
	setNoStoreJSON(h)
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// writeError writes an OAuth error response (RFC 6749 §5.2) with the given
// status and, when non-nil, a WWW-Authenticate challenge. error_description
// and error_uri are restricted to the RFC 6749 §5.2 characters.
func writeError(w http.ResponseWriter, status int, e *Error, challenge []string) {
	var buf [256]byte
	b := append(buf[:0], `{"error":`...)
	b = appendJSONString(b, sanitizeErrorText(string(e.Code)))
	if e.Description != "" {
		b = append(b, `,"error_description":`...)
		b = appendJSONString(b, sanitizeErrorText(e.Description))
	}
	if e.URI != "" {
		b = append(b, `,"error_uri":`...)
		b = appendJSONString(b, sanitizeErrorText(e.URI))
	}
	b = append(b, '}')
	h := w.Header()
	setNoStoreJSON(h)
	if challenge != nil {
		h["Www-Authenticate"] = challenge
	}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendJSONStringBody(dst, s)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// appendJSONStringBody appends s escaped for the inside of a JSON string
// (RFC 8259 §7). Invalid UTF-8 becomes U+FFFD; U+2028 and U+2029 are
// escaped. JWT claims and JSON responses both use it.
func appendJSONStringBody(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '\u2028' || r == '\u2029' {
			// Valid JSON either way; escaped so the output is also safe
			// inside JavaScript (RFC 8259 §7 allows any escape).
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// appendExtraClaims appends the members of extra in name order and closes
// the object.
func appendExtraClaims(dst []byte, extra map[string]any) ([]byte, error) {
	if len(extra) > 0 {
		names := make([]string, 0, len(extra))
		for name := range extra {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			v, err := json.Marshal(extra[name])
			if err != nil {
				return nil, fmt.Errorf("encode claim %q: %w", name, err)
			}
			dst = append(dst, ',')
			dst = appendJSONString(dst, name)
			dst = append(dst, ':')
			dst = append(dst, v...)
		}
	}
	return append(dst, '}'), nil
}
