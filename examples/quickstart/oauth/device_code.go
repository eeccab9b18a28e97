package oauth

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// DeviceCode is the procedure of the flow oauth-token-device-code.
// This file is yours: oauthgen wrote it once and will not touch it again.
type DeviceCode struct{ *Procedures }

var _ DeviceCodeProcedure = (*DeviceCode)(nil)

// GenerateToken issues the tokens of a grant_type=urn:ietf:params:oauth:grant-type:device_code request.
func (p *DeviceCode) GenerateToken(ctx context.Context, c *DeviceCodeContext) (*runtime.TokenResponse, error) {
	// To customise, edit c.Defaults before calling c.Default, or issue with
	// c.Issuers yourself.
	return c.Default(ctx)
}
