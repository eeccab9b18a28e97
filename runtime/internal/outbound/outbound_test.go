package outbound

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
)

// TestCheck: every range a server's own request must not reach is refused,
// IPv4-mapped forms too; public addresses pass; loopback passes only when
// allowed.
func TestCheck(t *testing.T) {
	refused := []string{
		"127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", // loopback
		"10.0.0.1", "172.16.5.4", "192.168.1.1", "fd00::1", "::ffff:10.1.2.3", // private
		"169.254.169.254", "fe80::1", // link-local: cloud metadata services
		"0.0.0.0", "::", "0.1.2.3", // unspecified, this network
		"100.64.0.1", "192.0.0.8", "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9",
		"240.0.0.1", "255.255.255.255", "224.0.0.1", "ff02::1", "ff01::1",
		"64:ff9b::a00:1", "64:ff9b:1::1", "100::1", "2001:db8::1", "2002:a00:1::1", "fec0::1",
	}
	for _, s := range refused {
		if why := Check(netip.MustParseAddr(s), false); why == "" {
			t.Errorf("%s is allowed", s)
		}
	}
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.4.4"} {
		if why := Check(netip.MustParseAddr(s), false); why != "" {
			t.Errorf("%s is refused: %s", s, why)
		}
	}
	for _, s := range []string{"127.0.0.1", "::1"} {
		if why := Check(netip.MustParseAddr(s), true); why != "" {
			t.Errorf("%s is refused with loopback allowed: %s", s, why)
		}
	}
	if why := Check(netip.MustParseAddr("10.0.0.1"), true); why == "" {
		t.Error("allowing loopback allows private addresses")
	}
	if why := Check(netip.Addr{}, true); why == "" {
		t.Error("the zero address is allowed")
	}
}

// TestClient: the guarded client makes no connection to a loopback
// server unless loopback is allowed.
func TestClient(t *testing.T) {
	var conns atomic.Int32
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	defer ts.Close()
	_, err := Client(false).Get(ts.URL)
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("GET %s: %v, want ErrRefused", ts.URL, err)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("%d connections reached the server", n)
	}
	resp, err := Client(true).Get(ts.URL)
	if err != nil {
		t.Fatalf("GET with loopback allowed: %v", err)
	}
	resp.Body.Close()
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}
