package runtime

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// FuzzResourceParams: for any request body, the resource parameters
// (RFC 8707 §2) are accepted exactly when every value is an absolute URI
// without a fragment, and then come back once each, in the order first
// sent; with a list of allowed resources, only those are accepted.
func FuzzResourceParams(f *testing.F) {
	for _, s := range []string{
		"", "resource=https%3A%2F%2Fapi.example", "resource=https%3A%2F%2Fa&resource=https%3A%2F%2Fb&resource=https%3A%2F%2Fa",
		"resource=relative", "resource=https%3A%2F%2Fa%23frag", "resource=urn%3Ax%3Ay", "resource=%3A", "resource=https%3A%2F%2F%5B%3A%3A1",
		strings.Repeat("resource=https%3A%2F%2Fa&", 20), "resource=&resource=https%3A%2F%2Fa",
	} {
		f.Add(s)
	}
	allowed := []string{"https://a", "https://b", "https://api.example"}
	f.Fuzz(func(t *testing.T, body string) {
		p, e := form.Split(body)
		if e != nil {
			return
		}
		var want []string
		valid := true
		for _, r := range p.Values("resource") {
			u, err := url.Parse(r)
			if err != nil || !u.IsAbs() || strings.Contains(r, "#") {
				valid = false
			}
			if !slices.Contains(want, r) {
				want = append(want, r)
			}
		}
		got, e := anyResourceParams(p)
		if (e == nil) != valid {
			t.Fatalf("anyResourceParams(%q) error %v; valid %v", body, e, valid)
		}
		if e != nil {
			if e.Code != oauth.ErrInvalidTarget {
				t.Fatalf("error %q; want invalid_target", e.Code)
			}
			return
		}
		if !slices.Equal(got, want) {
			t.Fatalf("anyResourceParams(%q) = %q; want %q", body, got, want)
		}
		in, e := resourceParams(p, allowed, "is not allowed")
		every := !slices.ContainsFunc(want, func(r string) bool { return !slices.Contains(allowed, r) })
		if (e == nil) != every {
			t.Fatalf("resourceParams(%q) error %v; all allowed %v", body, e, every)
		}
		if e == nil && !slices.Equal(in, want) {
			t.Fatalf("resourceParams(%q) = %q; want %q", body, in, want)
		}
	})
}
