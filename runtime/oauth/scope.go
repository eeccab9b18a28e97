package oauth

import "strings"

// ScopeSet is an ordered set of scope tokens (RFC 6749 §3.3). The order is
// the order of first appearance; duplicates are dropped.
type ScopeSet []string

// The scopes OpenID Connect gives a meaning (OIDC Core §3.1.2.1, §5.4, §11).
const (
	ScopeOpenID        = "openid"
	ScopeOfflineAccess = "offline_access"
	ScopeProfile       = "profile"
	ScopeEmail         = "email"
	ScopeAddress       = "address"
	ScopePhone         = "phone"
)

// maxLinearScopes is the set size up to which membership is checked by
// comparing every token; beyond it a map is used, so that no request can
// make de-duplication or a subset check quadratic.
const maxLinearScopes = 16

// ParseScope parses the space-delimited scope syntax of RFC 6749 §3.3. It
// reports false when a token contains a character outside
// %x21 / %x23-5B / %x5D-7E. It takes time linear in len(s).
func ParseScope(s string) (ScopeSet, bool) {
	if s == "" {
		return nil, true
	}
	var out ScopeSet
	var seen map[string]struct{} // once out outgrows maxLinearScopes
	for rest := s; rest != ""; {
		var tok string
		tok, rest, _ = strings.Cut(rest, " ")
		if tok == "" {
			continue // tolerate runs of spaces
		}
		if !ValidScopeToken(tok) {
			return nil, false
		}
		if seen == nil && len(out) == maxLinearScopes {
			seen = make(map[string]struct{}, 2*maxLinearScopes)
			for _, t := range out {
				seen[t] = struct{}{}
			}
		}
		if seen != nil {
			if _, dup := seen[tok]; dup {
				continue
			}
			seen[tok] = struct{}{}
		} else if out.Contains(tok) {
			continue
		}
		out = append(out, tok)
	}
	return out, true
}

// ValidScopeToken reports whether tok is a non-empty scope token
// (RFC 6749 §3.3).
func ValidScopeToken(tok string) bool {
	if tok == "" {
		return false
	}
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

// Contains reports whether tok is in the set.
func (s ScopeSet) Contains(tok string) bool {
	for _, t := range s {
		if t == tok {
			return true
		}
	}
	return false
}

// SubsetOf reports whether every token of s is in o, in time linear in
// their sizes.
func (s ScopeSet) SubsetOf(o ScopeSet) bool {
	in := o.membership(len(s))
	for _, t := range s {
		if !in(t) {
			return false
		}
	}
	return true
}

// membership returns the membership test of s for n look-ups: a scan when
// s is small or the look-ups few, else a map, so that the total is linear.
func (s ScopeSet) membership(n int) func(string) bool {
	if len(s) <= maxLinearScopes || n <= 1 {
		return s.Contains
	}
	in := make(map[string]struct{}, len(s))
	for _, t := range s {
		in[t] = struct{}{}
	}
	return func(t string) bool { _, ok := in[t]; return ok }
}

// Without returns the tokens of s that are not in o, in the order of s.
// Error descriptions name them: scope tokens cannot hold the characters
// RFC 6749 §5.2 forbids there (a double quote and a backslash).
func (s ScopeSet) Without(o ScopeSet) ScopeSet {
	var out ScopeSet
	in := o.membership(len(s))
	for _, t := range s {
		if !in(t) {
			out = append(out, t)
		}
	}
	return out
}

// Equal reports whether s and o hold the same tokens, in any order.
func (s ScopeSet) Equal(o ScopeSet) bool { return s.SubsetOf(o) && o.SubsetOf(s) }

// PromptSet is the prompt parameter (OIDC Core §3.1.2.1).
type PromptSet []string

// The prompt values of OIDC Core §3.1.2.1.
const (
	PromptNone          = "none"
	PromptLogin         = "login"
	PromptConsent       = "consent"
	PromptSelectAccount = "select_account"
)

// Has reports whether the set holds v.
func (p PromptSet) Has(v string) bool {
	for _, x := range p {
		if x == v {
			return true
		}
	}
	return false
}
