package oauth

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// DeviceAuthorization is the procedure of the flow oauth-device-authorization.
// This file is yours: oauthgen wrote it once and will not touch it again.
type DeviceAuthorization struct{ *Procedures }

var _ DeviceAuthorizationProcedure = (*DeviceAuthorization)(nil)

// StartDeviceAuthorization starts the device authorization of a device authorization request.
func (p *DeviceAuthorization) StartDeviceAuthorization(ctx context.Context, c *DeviceAuthorizationContext) (*runtime.DeviceAuthorizationResponse, error) {
	// To customise, narrow c.GrantedScope or change c.ExpiresIn and c.Interval
	// before calling c.Default, or refuse the client with c.Errors.
	return c.Default(ctx)
}
