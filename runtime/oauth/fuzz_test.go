package oauth

import (
	"slices"
	"strings"
	"testing"
)

// FuzzParseScope: ParseScope agrees with the simplest reading of RFC 6749
// §3.3 (split on spaces, every token valid, first appearance kept), and
// its String parses back to the same set.
func FuzzParseScope(f *testing.F) {
	for _, s := range []string{"", "read", "a b a", "  a  b ", "a\tb", "\"x\"", "a\\b", "caf\u00e9", strings.Repeat("s ", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseScope(s)
		var want ScopeSet
		wantOK := true
		for _, tok := range strings.Split(s, " ") {
			if tok == "" {
				continue
			}
			if !ValidScopeToken(tok) {
				wantOK = false
				break
			}
			if !slices.Contains(want, tok) {
				want = append(want, tok)
			}
		}
		if !wantOK {
			want = nil
		}
		if ok != wantOK || !slices.Equal(got, want) {
			t.Fatalf("ParseScope(%q) = %q, %v; want %q, %v", s, got, ok, want, wantOK)
		}
		if again, ok := ParseScope(got.String()); !ok || !slices.Equal(again, got) {
			t.Fatalf("ParseScope(String()) = %q", again)
		}
		if !got.SubsetOf(got) || len(got.Without(got)) != 0 || !got.Equal(want) {
			t.Fatal("set operations disagree on one set")
		}
	})
}
