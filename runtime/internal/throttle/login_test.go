package throttle

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLoginThrottleKeys: the account is throttled from every address after
// LoginAccountLimit failures, and an address for every account after
// LoginAddressLimit; a success clears the account's count, not the
// address's.
func TestLoginThrottleKeys(t *testing.T) {
	now := time.Date(2032, 1, 2, 3, 4, 5, 0, time.UTC)
	from := func(addr string) string { return addr[:strings.LastIndex(addr, ":")] }
	t.Run("account", func(t *testing.T) {
		l := NewLogin()
		for i := 0; i < LoginAccountLimit; i++ {
			l.Fail("alice", from("198.51.100."+strconv.Itoa(i%200)+":1"), now)
		}
		if !l.Blocked("alice", from("203.0.113.1:1"), now) {
			t.Error("the account is not blocked from a new address")
		}
		if l.Blocked("bob", from("203.0.113.1:1"), now) {
			t.Error("another account is blocked")
		}
	})
	t.Run("address", func(t *testing.T) {
		l := NewLogin()
		for i := 0; i < LoginAddressLimit; i++ {
			l.Fail("user"+strconv.Itoa(i), from("198.51.100.7:1"), now)
		}
		if !l.Blocked("fresh", from("198.51.100.7:2"), now) {
			t.Error("the address is not blocked for a new account")
		}
		if l.Blocked("fresh", from("198.51.100.8:2"), now) {
			t.Error("another address is blocked")
		}
		l.Succeed("fresh", from("198.51.100.7:2"))
		if !l.Blocked("other", from("198.51.100.7:2"), now) {
			t.Error("a success cleared the address's block")
		}
		if l.Blocked("other", from("198.51.100.7:2"), now.Add(LoginBlock)) {
			t.Error("the block does not end")
		}
	})
	t.Run("pair", func(t *testing.T) {
		l := NewLogin()
		for i := 0; i < LoginPairLimit-1; i++ {
			l.Fail("alice", from("198.51.100.7:1"), now)
		}
		l.Succeed("alice", from("198.51.100.7:1"))
		l.Fail("alice", from("198.51.100.7:1"), now)
		if l.Blocked("alice", from("198.51.100.7:1"), now) {
			t.Error("a success did not clear the pair's count")
		}
	})
}
