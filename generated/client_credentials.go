package generated

import (
	"context"
	"fmt"

	"github.com/oauthgen/oauthgen/runtime"
)

// ClientCredentials is the procedure of the flow oauth-token-client-credentials.
// This file is yours: oauthgen wrote it once and will not touch it again.
//
// The reference procedure copies every typed property of the spec into the
// access token, so that the tests over HTTP can see each one arrive parsed:
// tenant, max_items (a JSON number), dry_run (a JSON boolean, also a response
// member), ratio, tags (a JSON array), callback and correlation_id as claims;
// lifetime shortens the token. A zero value is not copied.
type ClientCredentials struct{ *Procedures }

var _ ClientCredentialsProcedure = (*ClientCredentials)(nil)

// TenantDirectory tells which tenants a client may get tokens for.
type TenantDirectory interface {
	// Allowed reports whether the client may get tokens for the tenant.
	Allowed(ctx context.Context, clientID, tenant string) (bool, error)
}

// GenerateToken issues the tokens of a grant_type=client_credentials request.
func (p *ClientCredentials) GenerateToken(ctx context.Context, c *ClientCredentialsContext) (*runtime.TokenResponse, error) {
	if c.Tenant != "" && p.Procedures != nil && p.Tenants != nil {
		ok, err := p.Tenants.Allowed(ctx, c.Client.ID, c.Tenant)
		if err != nil {
			// Not an OAuth error: the client gets server_error, the log the cause.
			return nil, fmt.Errorf("look up tenant: %w", err)
		}
		if !ok {
			return nil, c.Errors.UnauthorizedClient("client may not get tokens for tenant '" + c.Tenant + "'")
		}
	}
	if c.Lifetime < 0 {
		// The spec bounds lifetime above only (max=1h).
		return nil, c.Errors.InvalidRequest("parameter 'lifetime' must be positive")
	}
	if a := c.Defaults.Access; a != nil {
		claim := func(name string, v any) {
			if a.Extra == nil {
				a.Extra = map[string]any{}
			}
			a.Extra[name] = v
		}
		if c.Tenant != "" {
			claim("tenant", c.Tenant)
		}
		if c.MaxItems != 0 {
			claim("max_items", c.MaxItems)
		}
		if c.DryRun {
			claim("dry_run", c.DryRun)
		}
		if c.Ratio != 0 {
			claim("ratio", c.Ratio)
		}
		if len(c.Tags) > 0 {
			claim("tags", c.Tags)
		}
		if c.Callback != nil {
			claim("callback", c.Callback.String())
		}
		if c.CorrelationID != "" {
			claim("correlation_id", c.CorrelationID)
		}
		if c.Lifetime > 0 {
			if exp := c.Now.Add(c.Lifetime); exp.Before(a.ExpiresAt) {
				a.ExpiresAt = exp
				c.Defaults.Grant.ExpiresAt = exp
			}
		}
	}
	resp, err := c.Default(ctx)
	if err != nil {
		return nil, err
	}
	if c.DryRun {
		resp.Extra = map[string]any{"dry_run": true}
	}
	return resp, nil
}
