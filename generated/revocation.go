package generated

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// Revocation is the procedure of the flow oauth-revoke.
// This file is yours: oauthgen wrote it once and will not touch it again.
type Revocation struct{ *Procedures }

var _ RevocationProcedure = (*Revocation)(nil)

// Revoke revokes the token of a revocation request.
func (p *Revocation) Revoke(ctx context.Context, c *RevocationContext) (*runtime.RevocationResponse, error) {
	// To customise, set c.RevokeGrant before calling c.Default to revoke an
	// access token's whole grant.
	return c.Default(ctx)
}
