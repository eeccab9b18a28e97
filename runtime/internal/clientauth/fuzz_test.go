package clientauth

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/oauth"
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

// FuzzPeekAssertion: any client_assertion either fails or names a client
// within MaxIDBytes, and the form it came in gives the same credentials.
func FuzzPeekAssertion(f *testing.F) {
	for _, s := range []string{
		jwtOf(`{"iss":"a","sub":"a"}`), jwtOf(`{"iss":"b","sub":"a"}`), jwtOf(`{"iss":"a"}`), jwtOf(`{"iss":1,"sub":1}`),
		jwtOf(`[]`), jwtOf(`null`), jwtOf(`{"sub":"a","iss":"a","sub":"b"}`), "abc", "a.b.c", "..", "a.b.c.d", "",
		"eyJhbGciOiJub25lIn0.eyJpc3MiOiJhIiwic3ViIjoiYSJ9.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, a string) {
		sub, err := PeekAssertion(a)
		if err != nil {
			return
		}
		if sub == "" || len(sub) > MaxIDBytes {
			t.Fatalf("PeekAssertion(%q) = %q", a, sub)
		}
		if len(a) > MaxAssertionBytes {
			return
		}
		r := httptest.NewRequest(http.MethodPost, "/token", nil)
		p, e := form.Parse(assertionForm(a))
		if e != nil {
			return
		}
		c, oe := FromRequest(r, p)
		if oe != nil || c.ID != sub || c.Assertion != a || c.Method != oauth.AuthPrivateKeyJWT {
			t.Fatalf("FromRequest of %q: %+v, %v; want sub %q", a, c, oe, sub)
		}
	})
}
