package redirecturi

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Check accepts an absolute URI without fragment (RFC 6749
// §3.1.2) that is https, http on a loopback IP literal
// (RFC 8252 §7.3), or a private-use scheme in reverse-domain form
// (RFC 8252 §7.1).
func Check(s string) error {
	if strings.Contains(s, "#") {
		return errors.New("must not contain a fragment")
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("malformed: %w", err)
	}
	switch {
	case !u.IsAbs():
		return errors.New("must be an absolute URI")
	case u.Scheme == "https":
		if u.Host == "" {
			return errors.New("https URI without host")
		}
	case u.Scheme == "http":
		if !IsLoopbackIP(u.Hostname()) {
			return errors.New("http is allowed only on a loopback IP literal (RFC 8252 §7.3)")
		}
	default:
		if !strings.Contains(u.Scheme, ".") {
			return fmt.Errorf("private-use scheme %q must be a reverse domain name (RFC 8252 §7.1)", u.Scheme)
		}
	}
	return nil
}

// IsLoopbackIP reports whether host is an IP literal of the loopback
// interface (127.0.0.0/8 or ::1).
func IsLoopbackIP(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
