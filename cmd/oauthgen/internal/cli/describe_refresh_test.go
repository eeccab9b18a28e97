package cli

import (
	"strings"
	"testing"
)

// TestDescribeRefreshFollowsTheRefreshFlow: describe says what the token
// endpoint does: without the refresh_token flow, authorization_code issues
// no refresh tokens; with it, it does.
func TestDescribeRefreshFollowsTheRefreshFlow(t *testing.T) {
	withRefresh := strings.Replace(oidcSpec, "  openid-userinfo: {}\n", "  openid-userinfo: {}\n  oauth-token-refresh: {}\n", 1)
	for _, c := range []struct {
		name, spec, want, notWant string
	}{
		{"without refresh", oidcSpec, "no refresh tokens", "refresh tokens for"},
		{"with refresh", withRefresh, "refresh tokens for 720h0m0s (idle 72h0m0s, grace 0s, rotated: true)", "no refresh tokens"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := project(t, c.spec)
			code, stdout, stderr := run(t, "-C", dir, "describe", "oauth-token-authorization-code")
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if !strings.Contains(stdout, c.want) || strings.Contains(stdout, c.notWant) {
				t.Errorf("describe says, want %q and not %q:\n%s", c.want, c.notWant, stdout)
			}
		})
	}
}
