// Package jsonx writes the JSON the runtime hand-encodes on the request
// path: strings, string arrays and the members a procedure adds, without
// reflection for the fixed members.
package jsonx

import (
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"
)

// AppendString appends s as a JSON string.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = AppendStringBody(dst, s)
	return append(dst, '"')
}

// AppendStrings appends ss as a JSON array of strings.
func AppendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, s)
	}
	return append(dst, ']')
}

// AppendJoined appends the tokens as one JSON string, joined by single
// spaces: the scope member of token responses (RFC 6749 §5.1) and of JWT
// access tokens (RFC 9068 §2.2.3).
func AppendJoined(dst []byte, tokens []string) []byte {
	dst = append(dst, '"')
	for i, tok := range tokens {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = AppendStringBody(dst, tok)
	}
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// AppendStringBody appends s escaped for the inside of a JSON string
// (RFC 8259 §7). Invalid UTF-8 becomes U+FFFD; U+2028 and U+2029 are
// escaped.
func AppendStringBody(dst []byte, s string) []byte {
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

// AppendMembers appends the members of extra, each preceded by a comma, in
// name order so that equal members give equal output, and closes the
// object.
func AppendMembers(dst []byte, extra map[string]any) ([]byte, error) {
	if len(extra) > 0 {
		names := make([]string, 0, len(extra))
		for name := range extra {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			v, err := json.Marshal(extra[name])
			if err != nil {
				return nil, fmt.Errorf("encode member %q: %w", name, err)
			}
			dst = append(dst, ',')
			dst = AppendString(dst, name)
			dst = append(dst, ':')
			dst = append(dst, v...)
		}
	}
	return append(dst, '}'), nil
}
