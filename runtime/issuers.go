package runtime

import (
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Issuers issue the grants and tokens of one token request: Grant,
// Access, Refresh and ID, and RevokeGrant. They separate which claims a
// token carries (the procedure's business) from how it is signed, stored,
// hashed and linked to its grant for revocation (the runtime's). Issuers
// is bound to the request's TokenContext, so building it allocates
// nothing.
type Issuers struct{ t *TokenContext }

// newIssuers binds the issuers to the request t. The token endpoint calls it
// once per request.
func newIssuers(t *TokenContext) Issuers { return Issuers{t: t} }

// checkGrantClient refuses to issue a token against a grant of another
// client than the one that made the request (RFC 6749 §10.4, §4.1.2).
func checkGrantClient(t *TokenContext, what string, g Grant) error {
	if g.ID == "" {
		return oauth.ServerError("%s: issued without a grant", what)
	}
	if t.Client != nil && g.ClientID != t.Client.ID {
		return oauth.ServerError("%s: grant %s belongs to client %q, not %q", what, g.ID, g.ClientID, t.Client.ID)
	}
	return nil
}
