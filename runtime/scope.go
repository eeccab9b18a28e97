package runtime

import "strings"

// ScopeSet is an ordered set of scope tokens (RFC 6749 §3.3). The order is the
// order of first appearance; duplicates are dropped.
type ScopeSet []string

// ParseScope parses the space-delimited scope syntax of RFC 6749 §3.3. It
// reports false when a token contains a character outside
// %x21 / %x23-5B / %x5D-7E.
func ParseScope(s string) (ScopeSet, bool) {
	if s == "" {
		return nil, true
	}
	var out ScopeSet
	for rest := s; rest != ""; {
		var tok string
		tok, rest, _ = strings.Cut(rest, " ")
		if tok == "" {
			continue // tolerate runs of spaces
		}
		if !validScopeToken(tok) {
			return nil, false
		}
		if !out.Contains(tok) {
			out = append(out, tok)
		}
	}
	return out, true
}

func validScopeToken(tok string) bool {
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e {
			return false
		}
	}
	return true
}

// String joins the tokens with single spaces.
func (s ScopeSet) String() string { return strings.Join(s, " ") }

// appendJSON appends the tokens to dst as one JSON string, space-separated:
// the scope member of token responses (RFC 6749 §5.1) and of JWT access
// tokens (RFC 9068 §2.2.3).
func (s ScopeSet) appendJSON(dst []byte) []byte {
	dst = append(dst, '"')
	for i, tok := range s {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = appendJSONStringBody(dst, tok)
	}
	return append(dst, '"')
}

// Contains reports whether tok is in the set.
func (s ScopeSet) Contains(tok string) bool {
	for _, t := range s {
		if t == tok {
			return true
		}
	}
	return false
}

// SubsetOf reports whether every token of s is in o.
func (s ScopeSet) SubsetOf(o ScopeSet) bool {
	for _, t := range s {
		if !o.Contains(t) {
			return false
		}
	}
	return true
}

// Intersect returns the tokens of s that are also in o, in the order of s.
func (s ScopeSet) Intersect(o ScopeSet) ScopeSet {
	var out ScopeSet
	for _, t := range s {
		if o.Contains(t) {
			out = append(out, t)
		}
	}
	return out
}

// Without returns the tokens of s that are not in o, in the order of s.
// Error descriptions name them: scope tokens cannot hold the characters
// RFC 6749 §5.2 forbids there (a double quote and a backslash).
func (s ScopeSet) Without(o ScopeSet) ScopeSet {
	var out ScopeSet
	for _, t := range s {
		if !o.Contains(t) {
			out = append(out, t)
		}
	}
	return out
}

// Equal reports whether s and o hold the same tokens, in any order.
func (s ScopeSet) Equal(o ScopeSet) bool { return s.SubsetOf(o) && o.SubsetOf(s) }
