package oauth

import (
	"slices"
	"testing"
)

// TestParseScope: RFC 6749 §3.3 syntax; runs of spaces are tolerated and
// duplicates dropped, first appearance first.
func TestParseScope(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ScopeSet
		ok   bool
	}{
		{"", nil, true},
		{"read", ScopeSet{"read"}, true},
		{"read write", ScopeSet{"read", "write"}, true},
		{"  read   write  ", ScopeSet{"read", "write"}, true},
		{"write read write", ScopeSet{"write", "read"}, true},
		{"a!#[]~", ScopeSet{"a!#[]~"}, true},
		{"read \"x\"", nil, false},
		{"read\\", nil, false},
		{"read\twrite", nil, false},
		{"caf\u00e9", nil, false},
		{"read \x7f", nil, false},
	} {
		got, ok := ParseScope(tc.in)
		if ok != tc.ok || !slices.Equal(got, tc.want) {
			t.Errorf("ParseScope(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestScopeWithout: the tokens outside a set, in order, for error messages.
func TestScopeWithout(t *testing.T) {
	got := ScopeSet{"read", "admin", "write", "root"}.Without(ScopeSet{"write", "read"})
	if got.String() != "admin root" {
		t.Errorf("Without = %q; want %q", got, "admin root")
	}
	if got := (ScopeSet{"read"}).Without(ScopeSet{"read", "write"}); got != nil {
		t.Errorf("Without of a subset = %v; want nil", got)
	}
}
