package oauth

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// AuthorizationCode is the procedure of the flow oauth-token-authorization-code.
// This file is yours: oauthgen wrote it once and will not touch it again.
//
// The quickstart reads the typed data the authorize procedure attached to
// the code (c.CodeData) and turns it into an access-token claim.
type AuthorizationCode struct{ *Procedures }

var _ AuthorizationCodeProcedure = (*AuthorizationCode)(nil)

// GenerateToken issues the tokens of a grant_type=authorization_code request.
func (p *AuthorizationCode) GenerateToken(ctx context.Context, c *AuthorizationCodeContext) (*runtime.TokenResponse, error) {
	if c.CodeData.Locale != "" {
		if c.Defaults.Access.Extra == nil {
			c.Defaults.Access.Extra = map[string]any{}
		}
		c.Defaults.Access.Extra["locale"] = c.CodeData.Locale
	}
	return c.Default(ctx)
}
