package clientip

import (
	"net/http"
	"net/netip"
	"testing"
)

func TestAddr(t *testing.T) {
	proxies := New([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")})
	for _, tc := range []struct {
		name, remote string
		header       http.Header
		r            Resolver
		want         string
	}{
		{"no trusted proxies: headers ignored", "203.0.113.9:5000", http.Header{"X-Forwarded-For": {"198.51.100.1"}}, New(nil), "203.0.113.9"},
		{"untrusted peer: spoofed header ignored", "203.0.113.9:5000", http.Header{"X-Forwarded-For": {"198.51.100.1"}}, proxies, "203.0.113.9"},
		{"trusted proxy", "10.1.2.3:80", http.Header{"X-Forwarded-For": {"198.51.100.1"}}, proxies, "198.51.100.1"},
		{"client prepends a spoof", "10.1.2.3:80", http.Header{"X-Forwarded-For": {"1.2.3.4, 198.51.100.1"}}, proxies, "198.51.100.1"},
		{"two trusted hops", "10.1.2.3:80", http.Header{"X-Forwarded-For": {"198.51.100.1, 10.9.9.9"}}, proxies, "198.51.100.1"},
		{"repeated headers", "10.1.2.3:80", http.Header{"X-Forwarded-For": {"1.2.3.4", "198.51.100.1"}}, proxies, "198.51.100.1"},
		{"all hops trusted", "10.1.2.3:80", http.Header{"X-Forwarded-For": {"10.5.5.5"}}, proxies, "10.5.5.5"},
		{"no header behind a proxy", "10.1.2.3:80", http.Header{}, proxies, "10.1.2.3"},
		{"malformed hop", "10.1.2.3:80", http.Header{"X-Forwarded-For": {"198.51.100.1, not-an-ip"}}, proxies, "10.1.2.3"},
		{"Forwarded wins", "10.1.2.3:80", http.Header{"Forwarded": {`for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"`}, "X-Forwarded-For": {"1.2.3.4"}}, proxies, "2001:db8::1"},
		{"Forwarded with port", "[::1]:80", http.Header{"Forwarded": {`for="192.0.2.60:8080"`}}, proxies, "192.0.2.60"},
		{"Forwarded unknown", "10.1.2.3:80", http.Header{"Forwarded": {"for=unknown"}}, proxies, "10.1.2.3"},
		{"mapped IPv4 peer", "[::ffff:10.1.2.3]:80", http.Header{"X-Forwarded-For": {"198.51.100.1"}}, proxies, "198.51.100.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := &http.Request{RemoteAddr: tc.remote, Header: tc.header}
			if got := tc.r.Addr(req); got != tc.want {
				t.Errorf("Addr = %q, want %q", got, tc.want)
			}
		})
	}
}
