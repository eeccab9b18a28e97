package statens

import (
	"bytes"
	"testing"
)

// TestKeyDistinguishesParts: moving a boundary between parts, or adding
// an empty part, changes the key.
func TestKeyDistinguishesParts(t *testing.T) {
	lists := [][]string{
		{"ab", "c"}, {"a", "bc"}, {"abc"}, {"abc", ""}, {"", "abc"}, {},
	}
	for i, a := range lists {
		for j, b := range lists {
			if i != j && bytes.Equal(Key(a...), Key(b...)) {
				t.Errorf("Key(%q) = Key(%q)", a, b)
			}
		}
	}
	if !bytes.Equal(Key("x", "y"), Key("x", "y")) {
		t.Error("Key is not deterministic")
	}
}
