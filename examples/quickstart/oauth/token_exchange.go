package oauth

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// TokenExchange is the procedure of the flow oauth-token-oauth-token-exchange.
// This file is yours: oauthgen wrote it once and will not touch it again.
type TokenExchange struct{ *Procedures }

var _ TokenExchangeProcedure = (*TokenExchange)(nil)

// GenerateToken issues the tokens of a grant_type=urn:ietf:params:oauth:grant-type:token-exchange request.
func (p *TokenExchange) GenerateToken(ctx context.Context, c *TokenExchangeContext) (*runtime.TokenResponse, error) {
	// To customise, edit c.Defaults before calling c.Default, or issue with
	// c.Issuers yourself.
	return c.Default(ctx)
}
