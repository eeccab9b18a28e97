package form

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzSplit: Split agrees with net/url on every body: it fails exactly
// when url.ParseQuery does, and otherwise holds the same non-empty
// parameters in the same order; Encode writes a body Split reads back to
// the same parameters.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"", "a=1", "a=1&b=2&a=3", "a=&=b&&c", "x=%41%2B+y", "a=1;b=2", "a=%zz", "%=1", "a=b=c",
		"scope=openid%20profile&resource=https%3A%2F%2Fa", "+=+", "a=%E2%82%AC", "&&&", "a=1&a=1&a=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		p, e := Split(body)
		ref, err := url.ParseQuery(body)
		if (e != nil) != (err != nil) {
			t.Fatalf("Split error %v, url.ParseQuery error %v", e, err)
		}
		if e != nil {
			return
		}
		names := 0
		for name, vs := range ref {
			vs = slices.DeleteFunc(slices.Clone(vs), func(v string) bool { return v == "" })
			if name == "" || len(vs) == 0 {
				continue
			}
			names++
			if got := p.Values(name); !slices.Equal(got, vs) {
				t.Fatalf("%q: Split %q, net/url %q", name, got, vs)
			}
		}
		if len(p.RepeatedNames()) > names || p.Len() < names {
			t.Fatalf("Split has %d parameters, net/url %d names", p.Len(), names)
		}
		q, e := Split(p.Encode())
		if e != nil || !slices.Equal(q.pairs, p.pairs) {
			t.Fatalf("Split(Encode()) = %v, %v; want %v", q.pairs, e, p.pairs)
		}
	})
}

// FuzzQueryCarriesCredentials: whatever net/url finds in a query, even in
// one it reports malformed, QueryCarriesCredentials finds too: no
// encoding hides a client_secret or client_assertion from it.
func FuzzQueryCarriesCredentials(f *testing.F) {
	for _, s := range []string{"", "client_secret=x", "a=1&CLIENT_SECRET=x", "x=1;client_secret=abc", "client_secret=%zz",
		"client%5Fsecret=x", "client+secret=x", "client_assertion", "a=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		ref, _ := url.ParseQuery(raw) // the pairs it could decode
		for name := range ref {
			if strings.EqualFold(name, "client_secret") || strings.EqualFold(name, "client_assertion") {
				if !QueryCarriesCredentials(raw) {
					t.Fatalf("net/url finds %q in %q; QueryCarriesCredentials does not", name, raw)
				}
			}
		}
	})
}
