// Package throttle limits failed authentications: of clients at the
// endpoints that authenticate them (RFC 6749 §2.3.1: the server MUST
// protect them against brute force), and of end users at the login form
// (RFC 6749 §10.10).
package throttle

import (
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
)

// Throttle protects password-style client authentication against brute
// force (RFC 6749 §2.3.1: the server MUST protect endpoints that use it).
// It counts failures per pair of presented client_id and source address;
// once a pair has failed ClientAuthLimit times within
// ClientAuthWindow, its requests are refused with 429 for ClientAuthBlock
// without the secret being checked. Other addresses, and other clients from
// the same address, are not affected, so an attacker cannot lock a client
// out everywhere.
//
// Pairs are keyed by the presented client_id whether or not it exists, so
// the throttle answers the same for unknown clients. The source address is
// the connection's (r.RemoteAddr): forwarded headers are
// trusted only from configured proxies (RFC 9700 §4.13), and none are yet.
//
// The login form reuses it with other keys and limits (Login).
// The counts live in a ttltable.Table: an entry expires when its window and
// its block are both over, and a full table never drops a blocked pair.
type Throttle struct {
	entries *ttltable.Table[Key, entry]
	// limit failures within window block a key for block.
	limit  int
	window time.Duration
	block  time.Duration
}

// entry is the failure count of one pair.
type entry struct {
	failures     int
	windowStart  time.Time
	blockedUntil time.Time
}

// The limits of client authentication, and the most keys a throttle
// remembers.
const (
	ClientAuthLimit  = 10
	ClientAuthWindow = 5 * time.Minute
	ClientAuthBlock  = 5 * time.Minute
	maxEntries       = 1 << 14 // the most pairs remembered
)

// NewClientAuth returns the throttle of client authentication: 10 failures
// within 5 minutes block a pair for 5 minutes.
func NewClientAuth() *Throttle {
	return New(ClientAuthLimit, ClientAuthWindow, ClientAuthBlock)
}

// New returns a throttle that blocks a key for block once it has
// failed limit times within window.
func New(limit int, window, block time.Duration) *Throttle {
	entries := ttltable.New[Key, entry](maxEntries)
	entries.Keep = func(e entry, now time.Time) bool { return now.Before(e.blockedUntil) }
	return &Throttle{entries: entries, limit: limit, window: window, block: block}
}

// Key is what a throttle counts failures of: a name (a client_id, a
// username), a source address, or the pair. Building one allocates
// nothing.
type Key struct {
	Name, Host string
}

// ClientKey is the pair of presented client_id and client address.
func ClientKey(clientID, addr string) Key { return Key{clientID, addr} }

// Blocked reports how long the pair stays blocked, or 0.
func (t *Throttle) Blocked(key Key, now time.Time) time.Duration {
	e, ok := t.entries.Get(key, now)
	if !ok || !now.Before(e.blockedUntil) {
		return 0
	}
	return e.blockedUntil.Sub(now)
}

// Fail records a failed authentication of the pair.
func (t *Throttle) Fail(key Key, now time.Time) {
	t.entries.Upsert(key, now, func(e entry, _ time.Time, ok bool) (entry, time.Time) {
		if !ok || now.Sub(e.windowStart) >= t.window {
			e = entry{windowStart: now}
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

// Succeed forgets the pair's failures.
func (t *Throttle) Succeed(key Key) { t.entries.Remove(key) }
