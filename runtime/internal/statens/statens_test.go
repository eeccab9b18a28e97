package statens

import (
	"bytes"
	"fmt"
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

// TestKeyStable: keys are part of the stored format; this one must never
// change.
func TestKeyStable(t *testing.T) {
	got := fmt.Sprintf("%x", Key("client-pair", "app", "192.0.2.1"))
	const want = "d9e0af281b1258c2cb15c6685e88921f9230cb0bf046b5576f8144f78c3f0dbe"
	if got != want {
		t.Errorf("Key = %s; want %s", got, want)
	}
}

// BenchmarkKey: a throttle key costs one allocation, its result.
func BenchmarkKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Key("client-pair", "some-client-id", "192.0.2.1")
	}
}
