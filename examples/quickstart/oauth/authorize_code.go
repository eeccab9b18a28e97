package oauth

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// AuthorizeCode is the procedure of the flow oauth-authorize-authorization-code.
// This file is yours: oauthgen wrote it once and will not touch it again.
//
// The quickstart attaches typed data to the code (CodeData, declared as
// code_data in oauthgen.yaml); it reappears, typed, as c.CodeData in the
// authorization_code token procedure.
type AuthorizeCode struct{ *Procedures }

var _ AuthorizeCodeProcedure = (*AuthorizeCode)(nil)

// Authorize issues the code of a response_type=code request.
func (p *AuthorizeCode) Authorize(ctx context.Context, c *AuthorizeCodeContext) (*runtime.AuthorizeResponse, error) {
	if len(c.UILocales) > 0 {
		c.CodeData.Locale = c.UILocales[0]
	}
	return c.Default(ctx)
}
