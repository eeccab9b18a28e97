package oauth

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// ClientCredentials is the procedure of the flow oauth-token-client-credentials.
// This file is yours: oauthgen wrote it once and will not touch it again.
//
// The quickstart fills it in to show the two things teams do most: read a
// typed property of their own (Tenant, declared in oauthgen.yaml and already
// validated by the time this runs) and add a custom claim to the token.
type ClientCredentials struct{ *Procedures }

var _ ClientCredentialsProcedure = (*ClientCredentials)(nil)

// GenerateToken issues the tokens of a grant_type=client_credentials request.
func (p *ClientCredentials) GenerateToken(ctx context.Context, c *ClientCredentialsContext) (*runtime.TokenResponse, error) {
	if c.Tenant == "" {
		// The spec makes tenant optional; this service defaults it.
		c.Tenant = p.DefaultTenant
	}
	if c.Tenant == "blocked" {
		// Errors come from c.Errors: only the codes this flow may return exist.
		return nil, c.Errors.InvalidRequest("tenant 'blocked' may not get tokens")
	}
	if c.Defaults.Access.Extra == nil {
		c.Defaults.Access.Extra = map[string]any{}
	}
	c.Defaults.Access.Extra["tenant"] = c.Tenant
	return c.Default(ctx)
}
