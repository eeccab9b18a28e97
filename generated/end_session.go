package generated

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// EndSession is the procedure of the flow openid-end-session.
// This file is yours: oauthgen wrote it once and will not touch it again.
type EndSession struct{ *Procedures }

var _ EndSessionProcedure = (*EndSession)(nil)

// EndSession ends the login session of a logout request.
func (p *EndSession) EndSession(ctx context.Context, c *EndSessionContext) (*runtime.EndSessionResponse, error) {
	// To customise, clear c.PostLogoutRedirectURI before calling c.Default to
	// show the signed-out page instead, or add your own logout steps around
	// it.
	return c.Default(ctx)
}
