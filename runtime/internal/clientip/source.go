package clientip

import "net/netip"

// Source is the source an address (as Resolver.Addr returns it) is
// counted as by the throttles and quotas: an IPv4 address, or the
// /64 prefix of an IPv6 one. What does not parse as an address counts as
// itself.
func Source(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
