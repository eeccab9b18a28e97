package oauth

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// ClientCredentials is the procedure of the flow oauth-token-client-credentials.
// This file is yours: oauthgen wrote it once and will not touch it again.
type ClientCredentials struct{ *Procedures }

var _ ClientCredentialsProcedure = (*ClientCredentials)(nil)

// GenerateToken issues the tokens of a grant_type=client_credentials request.
func (p *ClientCredentials) GenerateToken(ctx context.Context, c *ClientCredentialsContext) (*runtime.TokenResponse, error) {
	// To customise, edit c.Defaults before calling c.Default, or issue with
	// c.Issuers yourself.
	return c.Default(ctx)
}
