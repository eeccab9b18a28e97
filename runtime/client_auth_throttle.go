package runtime

import (
	"net"
	"net/http"
	"time"
)

// authThrottle protects password-style client authentication against brute
// force (RFC 6749 §2.3.1: the server MUST protect endpoints that use it;
// security.md S-33). It counts failures per pair of presented client_id and
// source address; once a pair has failed throttleLimit times within
// throttleWindow, its requests are refused with 429 for throttleBlock
// without the secret being checked. Other addresses, and other clients from
// the same address, are not affected, so an attacker cannot lock a client
// out everywhere.
//
// Pairs are keyed by the presented client_id whether or not it exists, so
// the throttle answers the same for unknown clients (security.md S-29). The
// source address is the connection's (r.RemoteAddr): forwarded headers are
// trusted only from configured proxies (RFC 9700 §4.13), and none are yet.
//
// The login form reuses it with other keys and limits (login_throttle.go).
// The counts live in an expiringTable: an entry expires when its window and
// its block are both over, and a full table never drops a blocked pair.
type authThrottle struct {
	entries *expiringTable[string, throttleEntry]
	// limit failures within window block a key for block.
	limit  int
	window time.Duration
	block  time.Duration
}

// throttleEntry is the failure count of one pair.
type throttleEntry struct {
	failures     int
	windowStart  time.Time
	blockedUntil time.Time
}

const (
	throttleLimit   = 10
	throttleWindow  = 5 * time.Minute
	throttleBlock   = 5 * time.Minute
	throttleEntries = 1 << 14 // the most pairs remembered
)

func newAuthThrottle() *authThrottle {
	return newThrottle(throttleLimit, throttleWindow, throttleBlock)
}

// newThrottle returns a throttle that blocks a key for block once it has
// failed limit times within window.
func newThrottle(limit int, window, block time.Duration) *authThrottle {
	entries := newExpiringTable[string, throttleEntry](throttleEntries)
	entries.keep = func(e throttleEntry, now time.Time) bool { return now.Before(e.blockedUntil) }
	return &authThrottle{entries: entries, limit: limit, window: window, block: block}
}

// throttleKey is the pair of presented client_id and source address.
func throttleKey(clientID string, r *http.Request) string {
	return clientID + "\x00" + remoteHost(r)
}

// remoteHost is the address of the connection (r.RemoteAddr) without its
// port: forwarded headers are not trusted (RFC 9700 §4.13).
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// blocked reports how long the pair stays blocked, or 0.
func (t *authThrottle) blocked(key string, now time.Time) time.Duration {
	e, ok := t.entries.get(key, now)
	if !ok || !now.Before(e.blockedUntil) {
		return 0
	}
	return e.blockedUntil.Sub(now)
}

// fail records a failed authentication of the pair.
func (t *authThrottle) fail(key string, now time.Time) {
	t.entries.upsert(key, now, func(e throttleEntry, ok bool) (throttleEntry, time.Time) {
		if !ok || now.Sub(e.windowStart) >= t.window {
			e = throttleEntry{windowStart: now}
		}
		e.failures++
		if e.failures >= t.limit {
			e.blockedUntil = now.Add(t.block)
			e.failures, e.windowStart = 0, now
		}
		expires := e.windowStart.Add(t.window)
		if e.blockedUntil.After(expires) {
			expires = e.blockedUntil
		}
		return e, expires
	})
}

// succeed forgets the pair's failures.
func (t *authThrottle) succeed(key string) { t.entries.remove(key) }
