package runtime

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestClientAuthThrottle: after throttleLimit failed authentications for one
// client_id from one address, that pair gets 429 with Retry-After for the
// cool-down, even with the right secret; the right secret from another
// address still works, and so does the same address after the cool-down
// (RFC 6749 §2.3.1; security.md S-33).
func TestClientAuthThrottle(t *testing.T) {
	env := htNewEnv(t)
	cc := htForm("grant_type", "client_credentials", "scope", "read")
	attacker, other := "198.51.100.7:5555", "203.0.113.9:6666"
	for i := 0; i < throttleLimit; i++ {
		htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", fmt.Sprintf("guess-%d", i)), remote: attacker}), 401, ErrInvalidClient)
	}
	w := env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret), remote: attacker})
	htWantError(t, w, http.StatusTooManyRequests, ErrInvalidClient)
	if got := w.Header().Get("Retry-After"); got != "300" {
		t.Errorf("Retry-After = %q; want 300", got)
	}
	if got := w.Header().Get("WWW-Authenticate"); got != "" {
		t.Errorf("WWW-Authenticate on 429 = %q; want none", got)
	}
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", got)
	}
	// Another address is not affected, nor is another client from the same address.
	htWantOK(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret), remote: other}))
	htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("other", "wrong"), remote: attacker}), 401, ErrInvalidClient)
	// After the cool-down the pair works again.
	env.clock.Advance(throttleBlock)
	htWantOK(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret), remote: attacker}))
}

// TestClientAuthThrottleUnknownClient: the throttle answers the same for a
// client that does not exist, so it reveals nothing (security.md S-29).
func TestClientAuthThrottleUnknownClient(t *testing.T) {
	env := htNewEnv(t)
	cc := htForm("grant_type", "client_credentials")
	for i := 0; i < throttleLimit; i++ {
		env.do(t, htRequest{body: cc, basic: htBasic("nobody", "x"), remote: "198.51.100.7:1"})
	}
	htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("nobody", "x"), remote: "198.51.100.7:1"}), http.StatusTooManyRequests, ErrInvalidClient)
}

// TestClientAuthThrottleWindow: failures spread wider than the window, or
// interrupted by a success, never block.
func TestClientAuthThrottleWindow(t *testing.T) {
	env := htNewEnv(t)
	cc := htForm("grant_type", "client_credentials", "scope", "read")
	remote := "198.51.100.7:5555"
	for i := 0; i < 3*throttleLimit; i++ {
		htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", "wrong"), remote: remote}), 401, ErrInvalidClient)
		if i%(throttleLimit-1) == throttleLimit-2 {
			env.clock.Advance(throttleWindow)
		}
	}
	for i := 0; i < 3*throttleLimit; i++ {
		htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", "wrong"), remote: "198.51.100.8:1"}), 401, ErrInvalidClient)
		if i%(throttleLimit-1) == throttleLimit-2 {
			htWantOK(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret), remote: "198.51.100.8:1"}))
		}
	}
}

// TestAuthThrottleBounded: the table never grows past throttleEntries, and
// a blocked pair survives the eviction of others.
func TestAuthThrottleBounded(t *testing.T) {
	th := newAuthThrottle()
	now := time.Unix(1_700_000_000, 0)
	for i := 0; i < throttleLimit; i++ {
		th.fail("victim\x00192.0.2.1", now)
	}
	for i := 0; i < 2*throttleEntries; i++ {
		th.fail(fmt.Sprintf("junk-%d\x00192.0.2.2", i), now)
	}
	if n := th.entries.len(); n > throttleEntries {
		t.Errorf("entries = %d; want at most %d", n, throttleEntries)
	}
	if th.blocked("victim\x00192.0.2.1", now) == 0 {
		t.Error("the blocked pair was evicted")
	}
}
