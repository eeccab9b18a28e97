package runtime

import (
	"context"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestExtensionGrantPolicy registers an extension grant with each policy
// switched on and off and shows that the token endpoint honours it: the
// shared phases read the registration, never the grant type.
func TestExtensionGrantPolicy(t *testing.T) {
	// policyEnv serves the custom grant with the policy and token settings
	// edit leaves, and a procedure that checks nothing and issues the
	// defaults, signing alice in when the policy lets it.
	policyEnv := func(t *testing.T, edit func(p *flowkit.GrantPolicy, tp *TokenPolicy)) *oidcEnv {
		env := oidcNewEnv(t, oidcConfig{}, func(_ *Settings, regs []Registration[TokenContext, TokenResponse]) {
			for i := range regs {
				if regs[i].Wire == string(htCustomGrant) {
					edit(&regs[i].Grant, &regs[i].Policy)
				}
			}
		})
		env.custom = func(ctx context.Context, tc *TokenContext) (*TokenResponse, error) {
			if tc.grant.EndUser == flowkit.EndUserByProcedure {
				tc.Defaults.Grant.Subject, tc.Defaults.Grant.Authentication = "alice", oidcAuthn()
				tc.Defaults.Access.Subject = "alice"
				if tc.GrantedScope.Contains(oauth.ScopeOpenID) {
					tc.Defaults.ID = &IDTokenClaims{}
				}
			}
			return tc.IssueDefaults(ctx)
		}
		return env
	}
	custom := func(kv ...string) string {
		return htForm(append([]string{"grant_type", string(htCustomGrant)}, kv...)...)
	}
	conf, pub := htBasic("rp", htConfSecret), (*[2]string)(nil)

	t.Run("clients", func(t *testing.T) {
		for _, tc := range []struct {
			clients flowkit.ClientPolicy
			ok      bool
		}{{flowkit.AnyClients, true}, {flowkit.ConfidentialClients, false}} {
			env := policyEnv(t, func(p *flowkit.GrantPolicy, _ *TokenPolicy) { p.Clients = tc.clients })
			w := env.do(t, htRequest{body: custom("client_id", "pubrp", "scope", "read"), basic: pub})
			if tc.ok {
				htWantOK(t, w)
			} else {
				htWantError(t, w, 400, oauth.ErrInvalidClient)
			}
		}
	})

	t.Run("scope", func(t *testing.T) {
		env := policyEnv(t, func(p *flowkit.GrantPolicy, _ *TokenPolicy) { p.Scope = flowkit.ScopeFromRequest })
		if b := htWantOK(t, env.do(t, htRequest{body: custom("scope", "email"), basic: conf})); b.Scope != "email" {
			t.Errorf("ScopeFromRequest: scope %q, want the requested", b.Scope)
		}
		if b := htWantOK(t, env.do(t, htRequest{body: custom(), basic: conf})); b.Scope != "read" {
			t.Errorf("ScopeFromRequest without scope: %q, want the client's default", b.Scope)
		}
		env = policyEnv(t, func(p *flowkit.GrantPolicy, _ *TokenPolicy) { p.Scope = flowkit.ScopeRefused })
		htWantError(t, env.do(t, htRequest{body: custom("scope", "email"), basic: conf}), 400, oauth.ErrInvalidScope)
		if b := htWantOK(t, env.do(t, htRequest{body: custom(), basic: conf})); b.Scope != "read" {
			t.Errorf("ScopeRefused: scope %q, want the client's default", b.Scope)
		}
	})

	t.Run("resources", func(t *testing.T) {
		env := policyEnv(t, func(p *flowkit.GrantPolicy, _ *TokenPolicy) { p.Resources = flowkit.ResourcesFromRequest })
		b := htWantOK(t, env.do(t, htRequest{body: custom("scope", "read", "resource", "https://api.example"), basic: htBasic("rp-api", htConfSecret)}))
		rec, _, _ := env.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
		if got := strings.Join(rec.Claims.Audience, " "); got != "https://api.example" {
			t.Errorf("ResourcesFromRequest: aud %q, want the resource", got)
		}
		htWantError(t, env.do(t, htRequest{body: custom("scope", "read", "resource", "https://evil.example"), basic: htBasic("rp-api", htConfSecret)}), 400, oauth.ErrInvalidTarget)
		env = policyEnv(t, func(p *flowkit.GrantPolicy, _ *TokenPolicy) { p.Resources = flowkit.ResourcesRefused })
		htWantError(t, env.do(t, htRequest{body: custom("scope", "read", "resource", "https://api.example"), basic: htBasic("rp-api", htConfSecret)}), 400, oauth.ErrInvalidTarget)
		htWantOK(t, env.do(t, htRequest{body: custom("scope", "read"), basic: htBasic("rp-api", htConfSecret)}))
	})

	t.Run("refresh tokens", func(t *testing.T) {
		for _, issue := range []bool{true, false} {
			env := policyEnv(t, func(_ *flowkit.GrantPolicy, tp *TokenPolicy) { tp.IssueRefresh = issue })
			b := htWantOK(t, env.do(t, htRequest{body: custom("scope", "read"), basic: conf}))
			if (b.RefreshToken != "") != issue {
				t.Errorf("IssueRefresh %v: refresh_token %q", issue, b.RefreshToken)
			}
		}
	})

	t.Run("end user", func(t *testing.T) {
		env := policyEnv(t, func(p *flowkit.GrantPolicy, _ *TokenPolicy) { p.EndUser = flowkit.NoEndUser })
		htWantError(t, env.do(t, htRequest{body: custom("scope", "openid"), basic: conf}), 400, oauth.ErrInvalidScope)
		b := htWantOK(t, env.do(t, htRequest{body: custom("scope", "read"), basic: conf}))
		rec, _, _ := env.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
		if rec.Claims.Subject != "rp" {
			t.Errorf("NoEndUser: sub %q, want the client_id", rec.Claims.Subject)
		}
		env = policyEnv(t, func(p *flowkit.GrantPolicy, _ *TokenPolicy) { p.EndUser = flowkit.EndUserByProcedure })
		b = htWantOK(t, env.do(t, htRequest{body: custom("scope", "openid"), basic: conf}))
		if idTokenOf(b) == "" {
			t.Error("EndUserByProcedure: no ID token for the end user the procedure signed in")
		}
	})

	t.Run("credential", func(t *testing.T) {
		// A grant the procedure must check: a fresh stub's Default fails
		// closed; IssueDefaults issues once the procedure is written.
		env := policyEnv(t, func(p *flowkit.GrantPolicy, _ *TokenPolicy) {})
		env.custom = func(ctx context.Context, tc *TokenContext) (*TokenResponse, error) { return tc.Default(ctx) }
		htWantError(t, env.do(t, htRequest{body: custom("scope", "read"), basic: conf}), 400, oauth.ErrInvalidGrant)
	})
}
