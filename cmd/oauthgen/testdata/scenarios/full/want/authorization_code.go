package full

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// AuthorizationCode is the procedure of the flow oauth-token-authorization-code.
// This file is yours: oauthgen wrote it once and will not touch it again.
type AuthorizationCode struct{ *Procedures }

var _ AuthorizationCodeProcedure = (*AuthorizationCode)(nil)

// GenerateToken issues the tokens of a grant_type=authorization_code request.
func (p *AuthorizationCode) GenerateToken(ctx context.Context, c *AuthorizationCodeContext) (*runtime.TokenResponse, error) {
	// To customise, edit c.Defaults before calling c.Default, or issue with
	// c.Issuers yourself.
	return c.Default(ctx)
}
