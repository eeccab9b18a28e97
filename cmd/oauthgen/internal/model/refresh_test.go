package model

import (
	"testing"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/fixture"
	"github.com/oauthgen/oauthgen/spec"
)

// TestRefreshNeedsTheRefreshFlow: without the refresh_token flow no flow
// issues refresh tokens, whatever the default or the settings; with it, the
// settings decide.
func TestRefreshNeedsTheRefreshFlow(t *testing.T) {
	for _, c := range []struct {
		name   string
		flows  []string
		server *bool
		want   map[string]bool // flow id → IssueRefresh
	}{
		{"default without refresh", []string{"oauth-token-authorization-code", "oauth-token-client-credentials"}, nil,
			map[string]bool{"oauth-token-authorization-code": false, "oauth-token-client-credentials": false}},
		{"default with refresh", []string{"oauth-token-authorization-code", "oauth-token-refresh"}, nil,
			map[string]bool{"oauth-token-authorization-code": true, "oauth-token-refresh": true}},
		{"server false with refresh", []string{"oauth-token-authorization-code", "oauth-token-refresh"}, fixture.Ptr(false),
			map[string]bool{"oauth-token-authorization-code": false, "oauth-token-refresh": false}},
		{"server true without refresh", []string{"oauth-token-authorization-code"}, fixture.Ptr(true),
			map[string]bool{"oauth-token-authorization-code": false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := fixture.Spec(c.flows...)
			s.Tokens.IssueRefreshToken = c.server
			s.ExtensionGrants = []spec.ExtensionGrant{{Name: "magic_link", GrantType: "urn:example:magic"}}
			m := build(t, s)
			checked := 0
			for _, f := range m.Flows {
				want, ok := c.want[f.ID]
				if f.ID == "magic_link" { // the extension grant follows the refresh flow too
					want, ok = c.want["oauth-token-refresh"], true
				}
				if !ok {
					continue
				}
				checked++
				if f.Policy.IssueRefresh != want {
					t.Errorf("flow %q (%s): IssueRefresh = %t, want %t", f.ID, f.Names.Stem, f.Policy.IssueRefresh, want)
				}
			}
			if checked != len(c.want)+1 {
				t.Errorf("checked %d flows, want %d and the extension grant", checked, len(c.want))
			}
		})
	}
}
