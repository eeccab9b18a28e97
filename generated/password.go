package generated

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// Password is the procedure of the flow oauth-token-password.
// This file is yours: oauthgen wrote it once and will not touch it again.
type Password struct{ *Procedures }

var _ PasswordProcedure = (*Password)(nil)

// GenerateToken issues the tokens of a grant_type=password request.
func (p *Password) GenerateToken(ctx context.Context, c *PasswordContext) (*runtime.TokenResponse, error) {
	// To customise, edit c.Defaults before calling c.Default, or issue with
	// c.Issuers yourself.
	return c.Default(ctx)
}
