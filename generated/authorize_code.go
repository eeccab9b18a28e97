package generated

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// AuthorizeCode is the procedure of the flow oauth-authorize-authorization-code.
// This file is yours: oauthgen wrote it once and will not touch it again.
type AuthorizeCode struct{ *Procedures }

var _ AuthorizeCodeProcedure = (*AuthorizeCode)(nil)

// GenerateToken issues the code of a response_type=code request.
func (p *AuthorizeCode) GenerateToken(ctx context.Context, c *AuthorizeCodeContext) (*runtime.AuthorizeResponse, error) {
	// To customise, edit c.CodeData before calling c.Default, or issue the
	// code with c.Issuers.Codes yourself.
	return c.Default(ctx)
}
