package clientauth

import (
	"testing"
)

// FuzzParseBasic: any Authorization value either fails or yields an id
// and a secret within the caps, which encode back to a header that parses
// to the same pair.
func FuzzParseBasic(f *testing.F) {
	for _, s := range []string{basic("a", "b"), basic("a:b", "c:d"), basic("é%+/", ""), "Basic", "Basic !!", "basic YTpi", "Bearer x",
		"Basic " + "YTo=", "  Basic   YTpi  ", "Basic YTpi\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		id, secret, e := parseBasic(h)
		if e != nil {
			return
		}
		if id == "" || len(id) > MaxIDBytes || len(secret) > MaxSecretBytes {
			t.Fatalf("parseBasic(%q) = %q, %q", h, id, secret)
		}
		id2, secret2, e := parseBasic(basic(id, secret))
		if e != nil || id2 != id || secret2 != secret {
			t.Fatalf("round trip of %q, %q: %q, %q, %v", id, secret, id2, secret2, e)
		}
	})
}
