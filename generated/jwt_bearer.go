package generated

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// JWTBearer is the procedure of the flow oauth-token-jwt-bearer.
// This file is yours: oauthgen wrote it once and will not touch it again.
type JWTBearer struct{ *Procedures }

var _ JWTBearerProcedure = (*JWTBearer)(nil)

// GenerateToken issues the tokens of a grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer request.
func (p *JWTBearer) GenerateToken(ctx context.Context, c *JWTBearerContext) (*runtime.TokenResponse, error) {
	// To customise, edit c.Defaults before calling c.Default, or issue with
	// c.Issuers yourself.
	return c.Default(ctx)
}
