package spec

import (
	"go/token"
	"strings"
	"unicode"
	"unicode/utf8"
)

// GoName converts a spec name (snake_case, kebab-case or already camelCase)
// to the exported Go name oauthgen generates from it: each part gets an upper
// case first letter, and a part that is a known initialism is upper-cased
// whole. "link_token" gives "LinkToken", "redirect_uri" gives "RedirectURI",
// "X-Tenant" gives "XTenant". The generator and the validation use this one
// function, so a name the validation accepts is exactly the name generated.
func GoName(s string) string {
	var b strings.Builder
	for _, part := range nameParts(s) {
		up := strings.ToUpper(part)
		if isInitialism(up) && (part == up || part == strings.ToLower(part)) {
			b.WriteString(up)
			continue
		}
		r, n := utf8.DecodeRuneInString(part)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(part[n:])
	}
	return b.String()
}

// lowerGoName is the unexported form of GoName, as generated code would name
// a local variable or parameter: "link_token" gives "linkToken", "id_hint"
// gives "idHint".
func lowerGoName(s string) string {
	parts := nameParts(s)
	if len(parts) == 0 {
		return ""
	}
	first := parts[0]
	if isInitialism(strings.ToUpper(first)) {
		first = strings.ToLower(first)
	} else {
		r, n := utf8.DecodeRuneInString(first)
		first = string(unicode.ToLower(r)) + first[n:]
	}
	return first + strings.TrimPrefix(GoName(s), GoName(parts[0]))
}

func nameParts(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '_' || r == '-' })
}

// isInitialism reports whether the upper-cased word is written all in capitals
// in Go names (the Go code review convention, plus OAuth's own).
func isInitialism(up string) bool {
	switch up {
	case "ACL", "ACR", "AMR", "API", "ASCII", "CIBA", "CPU", "CSS", "DNS", "EOF", "GUID",
		"HTML", "HTTP", "HTTPS", "ID", "IP", "JSON", "JTI", "JWK", "JWKS", "JWT", "OIDC",
		"PKCE", "SQL", "SSH", "TCP", "TLS", "TTL", "UDP", "UI", "UID", "UUID", "URI", "URL",
		"UTF8", "XML":
		return true
	}
	return false
}

// isPredeclared reports whether s is one of Go's predeclared identifiers
// (The Go Programming Language Specification, "Predeclared identifiers").
func isPredeclared(s string) bool {
	switch s {
	case "any", "bool", "byte", "comparable", "complex64", "complex128", "error",
		"float32", "float64", "int", "int8", "int16", "int32", "int64", "rune", "string",
		"uint", "uint8", "uint16", "uint32", "uint64", "uintptr",
		"true", "false", "iota", "nil",
		"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len",
		"make", "max", "min", "new", "panic", "print", "println", "real", "recover":
		return true
	}
	return false
}

// specNameOK reports whether s has the shape oauthgen accepts for names that
// become Go identifiers: ASCII letters and digits in parts joined by single
// "_" or "-", starting with a letter.
func specNameOK(s string) bool {
	if s == "" {
		return false
	}
	prevSep := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			prevSep = false
		case c >= '0' && c <= '9':
			if i == 0 {
				return false
			}
			prevSep = false
		case c == '_' || c == '-':
			if prevSep {
				return false
			}
			prevSep = true
		default:
			return false
		}
	}
	return !prevSep
}

// checkGoName returns why the spec name s cannot become a Go identifier, or
// "" when it can.
func checkGoName(s string) string {
	switch {
	case s == "":
		return "is empty"
	case s[0] >= '0' && s[0] <= '9':
		return "starts with a digit"
	case !specNameOK(s):
		return "must be ASCII letters and digits in parts joined by single '_' or '-', starting with a letter"
	}
	if !token.IsIdentifier(GoName(s)) {
		return "does not give a Go identifier"
	}
	low := lowerGoName(s)
	switch {
	case token.IsKeyword(low) && low == s:
		return "is a Go keyword"
	case token.IsKeyword(low):
		return "gives " + low + ", a Go keyword"
	case isPredeclared(low) && low == s:
		return "is a predeclared Go identifier"
	case isPredeclared(low):
		return "gives " + low + ", a predeclared Go identifier"
	}
	return ""
}
