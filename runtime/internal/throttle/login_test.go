package throttle_test

import (
	"strconv"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
)

// TestLoginThrottleKeys: the account is throttled from every address after
// LoginAccountLimit failures, and an address for every account after
// LoginAddressLimit; a success clears the account's count, not the
// address's.
func TestLoginThrottleKeys(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			fail := func(l *throttle.Login, user, addr string) {
				t.Helper()
				if err := l.Fail(ctx, user, addr, now); err != nil {
					t.Fatal(err)
				}
			}
			blocked := func(l *throttle.Login, user, addr string) bool {
				t.Helper()
				b, err := l.Blocked(ctx, user, addr, now)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			t.Run("account", func(t *testing.T) {
				l := throttle.NewLogin(st)
				for i := range throttle.LoginAccountLimit {
					fail(l, "alice", "198.51.100."+strconv.Itoa(i%200))
				}
				if !blocked(l, "alice", "203.0.113.1") {
					t.Error("the account is not blocked from a new address")
				}
				if blocked(l, "bob", "203.0.113.1") {
					t.Error("another account is blocked")
				}
			})
			t.Run("address", func(t *testing.T) {
				l := throttle.NewLogin(st)
				for i := range throttle.LoginAddressLimit {
					fail(l, "user"+strconv.Itoa(i), "198.51.100.7")
				}
				if !blocked(l, "fresh", "198.51.100.7") {
					t.Error("the address is not blocked for a new account")
				}
				if blocked(l, "fresh", "198.51.100.8") {
					t.Error("another address is blocked")
				}
				if err := l.Succeed(ctx, "fresh", "198.51.100.7", now); err != nil {
					t.Fatal(err)
				}
				if !blocked(l, "other", "198.51.100.7") {
					t.Error("a success cleared the address's block")
				}
				if b, _ := l.Blocked(ctx, "other", "198.51.100.7", now.Add(throttle.LoginBlock)); b {
					t.Error("the block does not end")
				}
			})
			t.Run("pair", func(t *testing.T) {
				l := throttle.NewLogin(st)
				for range throttle.LoginPairLimit - 1 {
					fail(l, "carol", "198.51.100.9")
				}
				if err := l.Succeed(ctx, "carol", "198.51.100.9", now); err != nil {
					t.Fatal(err)
				}
				fail(l, "carol", "198.51.100.9")
				if blocked(l, "carol", "198.51.100.9") {
					t.Error("a success did not clear the pair's count")
				}
			})
		})
	}
}
