package generated

import (
	"context"
	"errors"

	"github.com/oauthgen/oauthgen/runtime"
)

// AuthorizeCode is the procedure of the flow oauth-authorize-authorization-code.
// This file is yours: oauthgen wrote it once and will not touch it again.
//
// The reference procedure carries the campaign property to the token step as
// the code's DeviceID: the spec declares no device parameter at the
// authorization endpoint, and carrying a property the generated code has
// already validated (alphanum, at most 32 characters) keeps raw request
// input out of the tokens. The token procedure (authorization_code.go)
// copies it into the access token as the device_id claim, so the tests see
// the typed code data arrive. Three campaigns exercise the error paths:
// "blocked" is refused with access_denied, "dbdown" fails like a database
// would (server_error; the detail stays in the log), "boom" panics.
type AuthorizeCode struct{ *Procedures }

var _ AuthorizeCodeProcedure = (*AuthorizeCode)(nil)

// campaignStoreDetail is the cause of the "dbdown" campaign's failure: it
// looks like a secret, so tests can check it reaches the log only.
const campaignStoreDetail = "campaign store: dial tcp 10.0.0.8:5432: password=swordfish: connection refused"

// Authorize issues the code of a response_type=code request.
func (p *AuthorizeCode) Authorize(ctx context.Context, c *AuthorizeCodeContext) (*runtime.AuthorizeResponse, error) {
	switch c.Campaign {
	case "blocked":
		return nil, c.Errors.AccessDenied("campaign 'blocked' is closed")
	case "dbdown":
		// Not an OAuth error: the client gets server_error, the log the cause.
		return nil, errors.New(campaignStoreDetail)
	case "boom":
		panic("campaign store exploded")
	}
	c.CodeData.DeviceID = c.Campaign
	return c.Default(ctx)
}
