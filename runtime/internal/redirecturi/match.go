// Package redirecturi checks redirect URIs: at registration (RFC 6749
// §3.1.2; RFC 8252 §7), and at the authorization endpoint, by exact string
// comparison (RFC 9700 §2.1, §4.1.3).
package redirecturi

import (
	"net/url"
	"strings"
)

// Match reports whether raw matches one of the registered redirect URIs.
// The comparison is an exact, case-sensitive string comparison: no normalisation, no prefix or
// sub-path matching, no trailing-slash or query tolerance (RFC 9700
// §4.1.3). The one variance allowed is the port of a loopback IP redirect
// URI (RFC 8252 §7.3): a registered http://127.0.0.1/… or http://[::1]/…
// matches the same URI with any port. "localhost" is a host name, not an
// IP literal, so it gets no variance (RFC 8252 §8.3).
func Match(registered []string, raw string) bool {
	for _, reg := range registered {
		if raw == reg || loopbackPortVariant(reg, raw) {
			return true
		}
	}
	return false
}

// The loopback IP literals whose redirect URIs may vary in port (RFC 8252 §7.3).
var loopbackRedirectPrefixes = [...]string{"http://127.0.0.1", "http://[::1]"}

// loopbackPortVariant reports whether raw is reg with another port, or with
// a port where reg has none (or the other way round), reg being an http URI
// on a loopback IP literal.
func loopbackPortVariant(reg, raw string) bool {
	for _, prefix := range loopbackRedirectPrefixes {
		if !strings.HasPrefix(reg, prefix) || !strings.HasPrefix(raw, prefix) {
			continue
		}
		regRest, ok1 := stripPort(reg[len(prefix):])
		rawRest, ok2 := stripPort(raw[len(prefix):])
		return ok1 && ok2 && regRest == rawRest
	}
	return false
}

// stripPort removes an optional ":port" from s, the part of a URI after
// its host, and returns the rest, which must be empty or start with the
// path or the query. A port is 1-65535 in decimal without a leading zero.
// Anything else after the host (userinfo tricks such as
// "http://127.0.0.1@evil", a longer host such as "http://127.0.0.10") is
// refused.
func stripPort(s string) (string, bool) {
	if strings.HasPrefix(s, ":") {
		end := 1
		for end < len(s) && s[end] >= '0' && s[end] <= '9' {
			end++
		}
		digits := s[1:end]
		if digits == "" || len(digits) > 5 || digits[0] == '0' {
			return "", false
		}
		port := 0
		for i := 0; i < len(digits); i++ {
			port = port*10 + int(digits[i]-'0')
		}
		if port > 65535 {
			return "", false
		}
		s = s[end:]
	}
	if s != "" && s[0] != '/' && s[0] != '?' {
		return "", false
	}
	return s, true
}

// WellFormed reports whether raw can be a redirect URI at all: an
// absolute URI without a fragment (RFC 6749 §3.1.2), and not a scheme that
// would run or read something in the user agent. A registry that does not
// check its URIs cannot make the server redirect to javascript: or data:.
func WellFormed(raw string) (*url.URL, bool) {
	if strings.ContainsAny(raw, "# \t\r\n") {
		return nil, false
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() {
		return nil, false
	}
	switch strings.ToLower(u.Scheme) {
	case "javascript", "data", "vbscript", "file", "blob", "about":
		return nil, false
	}
	return u, true
}
