package devicecode

import (
	"regexp"
	"strings"
	"testing"
)

var shown = regexp.MustCompile(`^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`)

// TestNewUserCode: 10,000 codes are all 8 consonants of the alphabet,
// shown as XXXX-XXXX (RFC 8628 §6.1), and every letter turns up.
func TestNewUserCode(t *testing.T) {
	seen := map[rune]bool{}
	for range 10000 {
		c := NewUserCode()
		if !shown.MatchString(FormatUserCode(c)) {
			t.Fatalf("user code %q", c)
		}
		for _, r := range c {
			seen[r] = true
		}
	}
	if len(seen) != len(Alphabet) {
		t.Errorf("%d letters used, want %d", len(seen), len(Alphabet))
	}
}

// normalizeCases are the table of NormalizeUserCode, and the fuzz seeds.
var normalizeCases = []struct {
	in, want string
	ok       bool
}{
	{"BCDF-GHJK", "BCDFGHJK", true},
	{"bcdf-ghjk", "BCDFGHJK", true},
	{"bcdfghjk", "BCDFGHJK", true},
	{" BCDF GHJK ", "BCDFGHJK", true},
	{"B-C-D-F-G-H-J-K", "BCDFGHJK", true},
	{"BcDf\tgHjK", "BCDFGHJK", true},
	{"", "", false},
	{"BCDF-GHJ", "", false},
	{"BCDF-GHJKL", "", false},
	{"ABCD-EFGH", "", false},      // vowels are not in the alphabet
	{"BCDF-GHJ1", "", false},      // nor digits
	{"BCDF_GHJK", "", false},      // nor other separators
	{"BCDF-GHJ\u212a", "", false}, // the Kelvin sign is not K
	{strings.Repeat("-", 65) + "BCDFGHJK", "", false},
}

func TestNormalizeUserCode(t *testing.T) {
	for _, tc := range normalizeCases {
		got, ok := NormalizeUserCode(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizeUserCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzNormalizeUserCode: whatever is typed, a code accepted is 8 letters
// of the alphabet, formats as XXXX-XXXX, and normalises to itself.
func FuzzNormalizeUserCode(f *testing.F) {
	for _, tc := range normalizeCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, ok := NormalizeUserCode(in)
		if !ok {
			if c != "" {
				t.Fatalf("refused %q but returned %q", in, c)
			}
			return
		}
		if !shown.MatchString(FormatUserCode(c)) {
			t.Fatalf("NormalizeUserCode(%q) = %q", in, c)
		}
		if again, ok := NormalizeUserCode(FormatUserCode(c)); !ok || again != c {
			t.Fatalf("not idempotent: %q → %q → %q", in, c, again)
		}
	})
}
