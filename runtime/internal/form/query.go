package form

import "strings"

// QueryCarriesCredentials reports whether a raw query string names a
// client_secret or client_assertion parameter (RFC 6749 §2.3.1: client
// credentials MUST NOT be sent in the request URI).
//
// url.ParseQuery is not enough: it drops pairs it cannot decode, so
// "?client_secret=%zz" or "?x=1;client_secret=abc" would pass. Here every
// pair, split at '&' and ';', has its key decoded leniently (invalid escapes
// are kept as they are) and compared without regard to case.
func QueryCarriesCredentials(raw string) bool {
	return QueryHasParam(raw, "client_secret") || QueryHasParam(raw, "client_assertion")
}

// QueryHasParam reports whether a raw query names the parameter name,
// decoding keys leniently and without regard to case, so that a malformed
// pair cannot hide it (as QueryCarriesCredentials does).
func QueryHasParam(raw, name string) bool {
	for raw != "" {
		var pair string
		if i := strings.IndexAny(raw, "&;"); i >= 0 {
			pair, raw = raw[:i], raw[i+1:]
		} else {
			pair, raw = raw, ""
		}
		key, _, _ := strings.Cut(pair, "=")
		if strings.EqualFold(lenientUnescape(key), name) {
			return true
		}
	}
	return false
}

// lenientUnescape decodes '+' and valid %XX escapes and keeps anything else.
func lenientUnescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
