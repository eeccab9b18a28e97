// Package outbound is the server's default HTTP client for its own
// requests to addresses that registrations name: clients' and trusted
// issuers' jwks_uri, clients' backchannel_logout_uri. Whoever registers a
// client chooses those URLs, so the client refuses to connect to
// addresses inside the server's network (server-side request forgery):
// loopback, private, link-local (cloud metadata services among them),
// shared, reserved and multicast ones. The check runs on the address the
// connection is made to, after name resolution, so a name that resolves
// to such an address (DNS rebinding included) is refused too.
package outbound

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrRefused is wrapped by the error of a connection the guard refused.
var ErrRefused = errors.New("outbound: the address is not publicly routable")

// notPublic are the ranges besides those netip.Addr's methods name that a
// server's outbound request must not reach (RFC 6890 and its updates).
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network" (RFC 791)
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space, carrier-grade NAT (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments (RFC 6890)
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation (RFC 5737)
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking (RFC 2544)
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast address
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64 (RFC 6052): may translate to any IPv4 address
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64 (RFC 8215)
	netip.MustParsePrefix("100::/64"),        // discard-only (RFC 6666)
	netip.MustParsePrefix("2001:db8::/32"),   // documentation (RFC 3849)
	netip.MustParsePrefix("2002::/16"),       // 6to4 (RFC 3056): embeds any IPv4 address
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated, RFC 3879)
}

// Check says why a connection to addr is refused, or "" when it is
// allowed: addresses that are not publicly routable are refused, loopback
// ones unless allowLoopback.
func Check(addr netip.Addr, allowLoopback bool) string {
	addr = addr.Unmap() // an IPv4-mapped IPv6 address is its IPv4 address
	switch {
	case !addr.IsValid():
		return "not an IP address"
	case addr.IsLoopback():
		if allowLoopback {
			return ""
		}
		return "loopback"
	case addr.IsUnspecified():
		return "unspecified"
	case addr.IsPrivate():
		return "private"
	case addr.IsLinkLocalUnicast(), addr.IsLinkLocalMulticast():
		return "link-local"
	case addr.IsMulticast(), addr.IsInterfaceLocalMulticast():
		return "multicast"
	}
	for _, p := range notPublic {
		if p.Contains(addr) {
			return "reserved (" + p.String() + ")"
		}
	}
	return ""
}

// control is the net.Dialer Control of the guard: it runs for every
// address a connection is attempted to, after resolution.
func control(allowLoopback bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: %s %q", ErrRefused, network, address)
		}
		if why := Check(ap.Addr(), allowLoopback); why != "" {
			return fmt.Errorf("%w: %s is %s", ErrRefused, ap.Addr(), why)
		}
		return nil
	}
}

// Client is an HTTP client whose connections the guard checks. It uses no
// proxy from the environment: a proxy's address would be checked instead
// of the destination's. allowLoopback lets it reach loopback addresses,
// for a server that itself runs on a loopback host (development).
func Client(allowLoopback bool) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: control(allowLoopback)}
	t.DialContext = d.DialContext
	return &http.Client{Transport: t}
}
