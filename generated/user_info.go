package generated

import (
	"context"
	"net/url"

	"github.com/oauthgen/oauthgen/runtime"
)

// UserInfo is the procedure of the flow openid-userinfo.
// This file is yours: oauthgen wrote it once and will not touch it again.
//
// The reference procedure returns the default claims (sub and the standard
// claims the token's scope grants, OIDC Core §5.4) and adds one claim of its
// own, documents, when the token's scope includes read ("Read your
// documents"): the URL of the user's documents. A custom claim is gated by
// scope like the standard ones, so a token without read does not get it.
type UserInfo struct{ *Procedures }

var _ UserInfoProcedure = (*UserInfo)(nil)

// documentsBase is where the users' documents live.
const documentsBase = "https://docs.example/users/"

// Claims returns the end user's claims for a userinfo request.
func (p *UserInfo) Claims(ctx context.Context, c *UserInfoContext) (*runtime.UserInfoResponse, error) {
	if c.Scope.Contains("read") {
		if c.Defaults.Extra == nil {
			c.Defaults.Extra = map[string]any{}
		}
		c.Defaults.Extra["documents"] = documentsBase + url.PathEscape(c.Subject)
	}
	return c.Default(ctx)
}
