// Package clientip finds the address of the client behind a request: the
// connection's peer, unless that peer is a trusted proxy, in which case
// the forwarding headers it appended are believed, right to left, up to
// the first address that is not itself a trusted proxy (RFC 7239 §5.2,
// §7.4). With no trusted proxies, no header is believed: a client cannot
// choose the address its failures are counted against.
package clientip

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Resolver resolves client addresses behind the trusted proxies.
type Resolver struct {
	trusted []netip.Prefix
}

// New returns a resolver that believes the forwarding headers of peers in
// the trusted networks.
func New(trusted []netip.Prefix) Resolver { return Resolver{trusted: trusted} }

// Addr is the client's address: the peer's, or the right-most address of
// the forwarding headers that a chain of trusted proxies vouches for.
// Forwarded (RFC 7239) is read when present, else X-Forwarded-For.
func (r Resolver) Addr(req *http.Request) string {
	peer := peerAddr(req.RemoteAddr)
	if len(r.trusted) == 0 || !r.isTrusted(peer) {
		return peer
	}
	hops := forwardedFor(req.Header)
	addr := peer
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			return addr // a malformed entry ends the chain we can believe
		}
		addr = hop
		if !r.isTrusted(hop) {
			return hop
		}
	}
	return addr
}

// isTrusted reports whether addr is in a trusted network.
func (r Resolver) isTrusted(addr string) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range r.trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// peerAddr is the host of RemoteAddr, without its port.
func peerAddr(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
}

// forwardedFor lists the client addresses of the forwarding headers, in
// the order the proxies appended them: the for= parameters of Forwarded
// when it is present, else X-Forwarded-For.
func forwardedFor(h http.Header) []string {
	var out []string
	if fwd := h.Values("Forwarded"); len(fwd) > 0 {
		for _, v := range fwd {
			for _, elem := range strings.Split(v, ",") {
				for _, pair := range strings.Split(elem, ";") {
					k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
					if ok && strings.EqualFold(k, "for") {
						out = append(out, strings.Trim(val, `"`))
					}
				}
			}
		}
		return out
	}
	for _, v := range h.Values("X-Forwarded-For") {
		for _, a := range strings.Split(v, ",") {
			out = append(out, strings.TrimSpace(a))
		}
	}
	return out
}

// parseHop reads one forwarded address: an IP, a [IPv6] with or without a
// port, or an IPv4 with a port (RFC 7239 §6). Obfuscated identifiers and
// "unknown" are not addresses.
func parseHop(s string) (string, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().String(), true
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if ip, err := netip.ParseAddr(s); err == nil {
		return ip.Unmap().String(), true
	}
	return "", false
}
