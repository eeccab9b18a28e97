package form

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestParseParams covers empty, repeated and malformed parameters (RFC 6749
// §3.1, §3.2).
func TestParseParams(t *testing.T) {
	tests := []struct {
		body    string
		want    map[string]string
		wantErr string
	}{
		{"", map[string]string{}, ""},
		{"a=1&b=2", map[string]string{"a": "1", "b": "2"}, ""},
		{"a=x+y%2Bz%3D", map[string]string{"a": "x y+z="}, ""},
		{"a=&b=2", map[string]string{"a": "", "b": "2"}, ""}, // empty means omitted
		{"a&b=2", map[string]string{"a": "", "b": "2"}, ""},  // no '=' too
		{"a=&a=1", map[string]string{"a": "1"}, ""},          // an empty one does not count
		{"&&a=1&", map[string]string{"a": "1"}, ""},          // empty pairs skipped
		{"resource=r1&resource=r2&audience=a&audience=b", map[string]string{"resource": "r1"}, ""},
		{"a=1&a=2", nil, "parameter 'a' is repeated"},
		{"a=1&b=2&a=1", nil, "repeated"},
		{"a%3D=1&a%3D=2", nil, "parameter 'a=' is repeated"},
		{"a=%zz", nil, "malformed"},
		{"a%=1", nil, "malformed"},
		{"a=1;b=2", nil, "malformed"},
	}
	for _, tc := range tests {
		p, err := Parse(tc.body)
		if tc.wantErr != "" {
			if err == nil || err.Code != oauth.ErrInvalidRequest || !strings.Contains(err.Description, tc.wantErr) {
				t.Errorf("%q: err = %v, want invalid_request %q", tc.body, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.body, err)
			continue
		}
		for k, v := range tc.want {
			if got := p.Get(k); got != v {
				t.Errorf("%q: Get(%q) = %q, want %q", tc.body, k, got, v)
			}
			if p.Has(k) != (v != "") {
				t.Errorf("%q: Has(%q) = %v", tc.body, k, p.Has(k))
			}
		}
	}
	p, _ := Parse("resource=r1&x=1&resource=r2")
	if got := p.Values("resource"); !slices.Equal(got, []string{"r1", "r2"}) || p.Len() != 3 || p.Values("nope") != nil {
		t.Errorf("Values = %v, Len = %d", got, p.Len())
	}
}

// TestParseParamsManyParameters: the map path of the duplicate check.
func TestParseParamsManyParameters(t *testing.T) {
	v := url.Values{}
	for i := range 200 {
		v.Set(fmt.Sprintf("p%03d", i), "x")
	}
	body := v.Encode()
	p, err := Parse(body + "&resource=a&resource=b")
	if err != nil || p.Len() != 202 {
		t.Fatalf("%v, %d", err, p.Len())
	}
	if _, err := Parse(body + "&p150=y"); err == nil || !strings.Contains(err.Description, "p150") {
		t.Fatalf("repeat among many not found: %v", err)
	}
}

// BenchmarkParseParams measures the form parser on a typical token request.
func BenchmarkParseParams(b *testing.B) {
	body := "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=https%3A%2F%2Fclient.example.com%2Fcb&code_verifier=0123456789abcdefghijklmnopqrstuvwxyz-._~ABCDEFGH&client_id=s6BhdRkqt3"
	b.ReportAllocs()
	for b.Loop() {
		p, err := Parse(body)
		if err != nil || p.Get("code_verifier") == "" {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseQuery is the url.ParseQuery baseline of BenchmarkParseParams.
func BenchmarkParseQuery(b *testing.B) {
	body := "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=https%3A%2F%2Fclient.example.com%2Fcb&code_verifier=0123456789abcdefghijklmnopqrstuvwxyz-._~ABCDEFGH&client_id=s6BhdRkqt3"
	b.ReportAllocs()
	for b.Loop() {
		v, err := url.ParseQuery(body)
		if err != nil || v.Get("code_verifier") == "" {
			b.Fatal(err)
		}
	}
}

// TestEncodeRoundTrip: Split(Encode(p)) is p, repeated and escaped
// parameters included.
func TestEncodeRoundTrip(t *testing.T) {
	for _, body := range []string{
		"",
		"a=1",
		"resource=https%3A%2F%2Fa&resource=https%3A%2F%2Fb&scope=openid+profile",
		"x=%26%3D%25+%2B&y=%E2%82%AC",
		"state=1&state=2",
	} {
		p, e := Split(body)
		if e != nil {
			t.Fatalf("Split(%q): %v", body, e)
		}
		q, e := Split(p.Encode())
		if e != nil {
			t.Fatalf("Split(Encode(%q)): %v", body, e)
		}
		if !reflect.DeepEqual(p.pairs, q.pairs) {
			t.Errorf("%q: round trip gave %v, want %v", body, q.pairs, p.pairs)
		}
	}
}

// TestRepeatedNames: the single-valued parameters sent more than once,
// each once, in order of first appearance; multi-valued ones are not.
func TestRepeatedNames(t *testing.T) {
	p, _ := Split("a=1&b=1&a=2&resource=x&resource=y&c=1&c=2&a=3")
	if got := p.RepeatedNames(); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("RepeatedNames = %v", got)
	}
	p, _ = Split("a=1&b=2")
	if got := p.RepeatedNames(); got != nil {
		t.Errorf("RepeatedNames without repeats = %v", got)
	}
}

// BenchmarkRepeatedNames is a 64 KiB body of one parameter repeated: the
// work is linear in the parameters.
func BenchmarkRepeatedNames(b *testing.B) {
	p, _ := Split(strings.Repeat("state=1&", 8<<10))
	for b.Loop() {
		_ = p.RepeatedNames()
	}
}

func TestWithoutAndWith(t *testing.T) {
	p, e := Split("client_id=a&client_secret=s&resource=r1&scope=x&resource=r2")
	if e != nil {
		t.Fatal(e)
	}
	if got := p.Without("client_secret", "resource").Encode(); got != "client_id=a&scope=x" {
		t.Errorf("Without = %q", got)
	}
	if got := p.With("client_id", "b").Encode(); got != "client_id=b&client_secret=s&resource=r1&scope=x&resource=r2" {
		t.Errorf("With existing = %q", got)
	}
	if got := p.Without("client_id").With("client_id", "c").Encode(); got != "client_secret=s&resource=r1&scope=x&resource=r2&client_id=c" {
		t.Errorf("With new = %q", got)
	}
	if p.Get("client_id") != "a" {
		t.Error("With changed its receiver")
	}
}
