package oauth

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// RefreshToken is the procedure of the flow oauth-token-refresh.
// This file is yours: oauthgen wrote it once and will not touch it again.
type RefreshToken struct{ *Procedures }

var _ RefreshTokenProcedure = (*RefreshToken)(nil)

// GenerateToken issues the tokens of a grant_type=refresh_token request.
func (p *RefreshToken) GenerateToken(ctx context.Context, c *RefreshTokenContext) (*runtime.TokenResponse, error) {
	// To customise, edit c.Defaults before calling c.Default, or issue with
	// c.Issuers yourself.
	return c.Default(ctx)
}
