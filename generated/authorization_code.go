package generated

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// AuthorizationCode is the procedure of the flow oauth-token-authorization-code.
// This file is yours: oauthgen wrote it once and will not touch it again.
//
// The reference procedure copies the device_name property and the typed
// code data's DeviceID (set by the authorize procedure, authorize_code.go)
// into the access token as the device_name and device_id claims, so that
// the tests can see them arrive; the rest is the runtime's default issuance.
type AuthorizationCode struct{ *Procedures }

var _ AuthorizationCodeProcedure = (*AuthorizationCode)(nil)

// GenerateToken issues the tokens of a grant_type=authorization_code request.
func (p *AuthorizationCode) GenerateToken(ctx context.Context, c *AuthorizationCodeContext) (*runtime.TokenResponse, error) {
	if a := c.Defaults.Access; a != nil && c.DeviceName != "" {
		if a.Extra == nil {
			a.Extra = map[string]any{}
		}
		a.Extra["device_name"] = c.DeviceName
	}
	if a := c.Defaults.Access; a != nil && c.CodeData.DeviceID != "" {
		if a.Extra == nil {
			a.Extra = map[string]any{}
		}
		a.Extra["device_id"] = c.CodeData.DeviceID
	}
	return c.Default(ctx)
}
