package runtime

import (
	"fmt"
	"net/http"
	"net/netip"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestClientAuthThrottle: after throttle.ClientAuthLimit failed authentications for one
// client_id from one address, that pair gets 429 with Retry-After for the
// cool-down, even with the right secret; the right secret from another
// address still works, and so does the same address after the cool-down
// (RFC 6749 §2.3.1).
func TestClientAuthThrottle(t *testing.T) {
	env := htNewEnv(t)
	cc := htForm("grant_type", "client_credentials", "scope", "read")
	attacker, other := "198.51.100.7:5555", "203.0.113.9:6666"
	for i := 0; i < throttle.ClientAuthLimit; i++ {
		htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", fmt.Sprintf("guess-%d", i)), remote: attacker}), 401, oauth.ErrInvalidClient)
	}
	w := env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret), remote: attacker})
	htWantError(t, w, http.StatusTooManyRequests, oauth.ErrInvalidClient)
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
	htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("other", "wrong"), remote: attacker}), 401, oauth.ErrInvalidClient)
	// After the cool-down the pair works again.
	env.clock.Advance(throttle.ClientAuthBlock)
	htWantOK(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret), remote: attacker}))
}

// TestClientAuthThrottleUnknownClient: the throttle answers the same for a
// client that does not exist, so it reveals nothing .
func TestClientAuthThrottleUnknownClient(t *testing.T) {
	env := htNewEnv(t)
	cc := htForm("grant_type", "client_credentials")
	for i := 0; i < throttle.ClientAuthLimit; i++ {
		env.do(t, htRequest{body: cc, basic: htBasic("nobody", "x"), remote: "198.51.100.7:1"})
	}
	htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("nobody", "x"), remote: "198.51.100.7:1"}), http.StatusTooManyRequests, oauth.ErrInvalidClient)
}

// TestClientAuthThrottleWindow: failures spread wider than the window
// never block. (A success does not forget a client's failures: that would
// cost every token request writes; they expire with the window.)
func TestClientAuthThrottleWindow(t *testing.T) {
	env := htNewEnv(t)
	cc := htForm("grant_type", "client_credentials", "scope", "read")
	remote := "198.51.100.7:5555"
	for i := 0; i < 3*throttle.ClientAuthLimit; i++ {
		htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", "wrong"), remote: remote}), 401, oauth.ErrInvalidClient)
		if i%(throttle.ClientAuthLimit-1) == throttle.ClientAuthLimit-2 {
			env.clock.Advance(throttle.ClientAuthWindow)
		}
	}
}

// TestTrustedProxies: the throttle counts failures against the client's
// address. A spoofed X-Forwarded-For from a peer that is not a trusted
// proxy changes nothing; behind a trusted proxy, one attacker's lockout
// does not lock out another user of the same client, which it does when
// the proxy is not configured (every request then comes from the proxy).
func TestTrustedProxies(t *testing.T) {
	cc := htForm("grant_type", "client_credentials", "scope", "read")
	const proxy = "10.0.0.1:4000"
	xff := func(addr string) http.Header { return http.Header{"X-Forwarded-For": {addr}} }
	attack := func(env *htEnv, remote string, header func(i int) http.Header) {
		for i := 0; i < throttle.ClientAuthLimit; i++ {
			env.do(t, htRequest{body: cc, basic: htBasic("conf", "guess"), remote: remote, header: header(i)})
		}
	}

	t.Run("spoofed header from an untrusted peer", func(t *testing.T) {
		env := htNewEnvConfig(t, func(cfg *Config, _ *Flows) {
			cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		})
		attack(env, "203.0.113.9:1", func(i int) http.Header { return xff(fmt.Sprintf("192.0.2.%d", i)) })
		w := env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret), remote: "203.0.113.9:1", header: xff("192.0.2.200")})
		htWantError(t, w, http.StatusTooManyRequests, oauth.ErrInvalidClient)
	})
	t.Run("behind a trusted proxy", func(t *testing.T) {
		env := htNewEnvConfig(t, func(cfg *Config, _ *Flows) {
			cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		})
		attack(env, proxy, func(int) http.Header { return xff("203.0.113.9") })
		htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret), remote: proxy, header: xff("203.0.113.9")}),
			http.StatusTooManyRequests, oauth.ErrInvalidClient)
		htWantOK(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret), remote: proxy, header: xff("198.51.100.7")}))
	})
	t.Run("behind a proxy nobody configured", func(t *testing.T) {
		env := htNewEnv(t)
		attack(env, proxy, func(int) http.Header { return xff("203.0.113.9") })
		htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret), remote: proxy, header: xff("198.51.100.7")}),
			http.StatusTooManyRequests, oauth.ErrInvalidClient)
	})
}
