package oauth

import (
	"fmt"
	"slices"
	"strings"
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

// TestLargeScopeSets: past maxLinearScopes the map-backed paths give the
// same answers as the scans.
func TestLargeScopeSets(t *testing.T) {
	var b strings.Builder
	var want ScopeSet
	for i := range 3 * maxLinearScopes {
		fmt.Fprintf(&b, "s%d s%d ", i, i/2) // every token twice, interleaved
		want = append(want, fmt.Sprintf("s%d", i))
	}
	got, ok := ParseScope(b.String())
	if !ok || !slices.Equal(got, want) {
		t.Fatalf("ParseScope: %v, %v", got, ok)
	}
	if !want[:20].SubsetOf(got) || !got.SubsetOf(want) || got.SubsetOf(want[:20]) {
		t.Error("SubsetOf on large sets")
	}
	if w := append(ScopeSet{"x"}, want[:20]...).Without(got); !slices.Equal(w, ScopeSet{"x"}) {
		t.Errorf("Without = %v", w)
	}
}

// BenchmarkParseScope parses a 64 KiB scope of distinct tokens, and one of
// a few: the cost per byte is the same (linear parsing).
func BenchmarkParseScope(b *testing.B) {
	for _, n := range []int{8, 1 << 10, 16 << 10} {
		var sb strings.Builder
		for i := range n {
			fmt.Fprintf(&sb, "scope-%d ", i)
		}
		in := sb.String()
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				set, _ := ParseScope(in)
				_ = set.SubsetOf(set)
			}
		})
	}
}
