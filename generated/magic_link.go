package generated

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// MagicLink is the procedure of the extension grant magic_link.
// This file is yours: oauthgen wrote it once and will not touch it again.
//
// The reference procedure redeems the link token against Procedures.MagicLinks
// and issues an access token (opaque, as the spec's tokens section says, and
// no refresh token) whose subject is the user the link was sent to. Without a
// link store, or for a link token it does not hold, it fails closed.
type MagicLink struct{ *Procedures }

var _ MagicLinkProcedure = (*MagicLink)(nil)

// GenerateToken issues the tokens of a grant_type=urn:example:params:grant-type:magic-link request.
func (p *MagicLink) GenerateToken(ctx context.Context, c *MagicLinkContext) (*runtime.TokenResponse, error) {
	// The runtime has authenticated the client and checked the scope; checking
	// the grant itself is ours.
	if p.Procedures == nil || p.MagicLinks == nil {
		return c.Default(ctx) // fails closed with invalid_grant
	}
	subject, ok := p.MagicLinks.Redeem(c.LinkToken, c.Client.ID, c.Now)
	if !ok {
		// Unknown, used, expired and another client's links look the same.
		return nil, c.Errors.InvalidGrant("magic link is invalid")
	}
	// The link is the grant: its user is the tokens' subject.
	c.Defaults.Grant.Subject = subject
	c.Defaults.Access.Subject = subject
	return c.IssueDefaults(ctx)
}
