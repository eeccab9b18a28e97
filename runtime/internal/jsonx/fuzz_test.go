package jsonx

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAppendString: the output is always one valid JSON string; it
// decodes to the input when the input is valid UTF-8 (to the input with
// U+FFFD for each invalid byte otherwise), and never holds a raw U+2028
// or U+2029.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a", "\"\\", "\x00\x1f\x7f", "<script>&", "\u2028\u2029", "\xff\xfe", "é€😀", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendString(nil, s)
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("AppendString(%q) = %s: not JSON: %v", s, out, err)
		}
		if want := replaced(s); got != want {
			t.Fatalf("AppendString(%q) decodes to %q, want %q", s, got, want)
		}
		if strings.ContainsRune(string(out), '\u2028') || strings.ContainsRune(string(out), '\u2029') {
			t.Fatalf("AppendString(%q) = %s holds a raw line or paragraph separator", s, out)
		}
	})
}

// replaced is s with each invalid byte replaced by U+FFFD.
func replaced(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r) // RuneError for an invalid byte
		i += n
	}
	return b.String()
}
