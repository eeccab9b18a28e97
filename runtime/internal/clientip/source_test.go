package clientip

import "testing"

// TestSource: IPv6 addresses count by their /64, IPv4 ones (mapped or
// not) by themselves.
func TestSource(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.1":               "192.0.2.1",
		"::ffff:192.0.2.1":        "192.0.2.1",
		"2001:db8:1:2:3:4:5:6":    "2001:db8:1:2::/64",
		"2001:db8:1:2::ffff":      "2001:db8:1:2::/64",
		"fe80::1%eth0":            "fe80::/64",
		"not an address":          "not an address",
		"2001:db8:1:3:3:4:5:6":    "2001:db8:1:3::/64",
		"2001:0db8:0001:0002::01": "2001:db8:1:2::/64",
	} {
		if got := Source(addr); got != want {
			t.Errorf("Source(%q) = %q; want %q", addr, got, want)
		}
	}
}
