package oauth

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// UserInfo is the procedure of the flow openid-userinfo.
// This file is yours: oauthgen wrote it once and will not touch it again.
type UserInfo struct{ *Procedures }

var _ UserInfoProcedure = (*UserInfo)(nil)

// Claims returns the end user's claims for a userinfo request.
func (p *UserInfo) Claims(ctx context.Context, c *UserInfoContext) (*runtime.UserInfoResponse, error) {
	// To customise, edit c.Defaults before calling c.Default, or return a
	// response of your own.
	return c.Default(ctx)
}
