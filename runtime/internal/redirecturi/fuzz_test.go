package redirecturi

import (
	"net"
	"net/url"
	"testing"
)

// FuzzMatch: a redirect URI matches a registered one only when it is the
// same string, or, for an http URI on a loopback IP literal, the same URI
// with another port, as net/url reads both (RFC 9700 §4.1.3; RFC 8252
// §7.3).
func FuzzMatch(f *testing.F) {
	for _, p := range [][2]string{
		{"https://app.example/cb", "https://app.example/cb"},
		{"https://app.example/cb", "https://app.example/cb/"},
		{"http://127.0.0.1/cb", "http://127.0.0.1:8080/cb"},
		{"http://127.0.0.1:1/cb?x=1", "http://127.0.0.1:65535/cb?x=1"},
		{"http://[::1]/cb", "http://[::1]:80/cb"},
		{"http://127.0.0.1/cb", "http://127.0.0.1@evil.example/cb"},
		{"http://127.0.0.1/cb", "http://127.0.0.10/cb"},
		{"http://localhost/cb", "http://localhost:1/cb"},
		{"http://127.0.0.1/cb", "http://127.0.0.1:0/cb"},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, reg, raw string) {
		if !Match([]string{reg}, raw) || raw == reg {
			return
		}
		r, err1 := url.Parse(reg)
		u, err2 := url.Parse(raw)
		if err1 != nil || err2 != nil {
			t.Fatalf("%q matched %q, which net/url does not parse: %v %v", raw, reg, err1, err2)
		}
		ip := net.ParseIP(u.Hostname())
		if u.Scheme != "http" || r.Scheme != "http" || ip == nil || !ip.IsLoopback() || u.Hostname() != r.Hostname() ||
			u.User != nil || r.User != nil || u.RawPath != r.RawPath || u.Path != r.Path || u.RawQuery != r.RawQuery || u.Fragment != r.Fragment {
			t.Fatalf("%q matched %q: not the same loopback URI with another port", raw, reg)
		}
	})
}
