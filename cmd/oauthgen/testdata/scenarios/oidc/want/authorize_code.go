package oauth

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// AuthorizeCode is the procedure of the flow oauth-authorize-authorization-code.
// This file is yours: oauthgen wrote it once and will not touch it again.
type AuthorizeCode struct{ *Procedures }

var _ AuthorizeCodeProcedure = (*AuthorizeCode)(nil)

// Authorize issues the code of a response_type=code request.
func (p *AuthorizeCode) Authorize(ctx context.Context, c *AuthorizeCodeContext) (*runtime.AuthorizeResponse, error) {
	// To customise, edit c.Code before calling c.Default, or issue a code with
	// c.IssueCode yourself.
	return c.Default(ctx)
}
