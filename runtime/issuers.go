package runtime

import (
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Issuers issue the grants and tokens of one token request (flows.md §3.4).
// They separate which claims a token carries (the procedure's business)
// from how it is signed, stored, hashed and linked to its grant for
// revocation (the runtime's). Each issuer is a small value bound to the
// request's TokenContext, so building Issuers allocates nothing.
type Issuers struct {
	// Grants creates and revokes grants.
	Grants GrantIssuer
	// Access issues access tokens against a grant.
	Access AccessTokenIssuer
	// Refresh issues refresh tokens against a grant.
	Refresh RefreshTokenIssuer
	// ID issues OpenID Connect ID tokens against a grant.
	ID IDTokenIssuer
}

// newIssuers binds the issuers to the request t. The token endpoint calls it
// once per request.
func newIssuers(t *TokenContext) Issuers {
	return Issuers{
		Grants:  GrantIssuer{t: t},
		Access:  AccessTokenIssuer{t: t},
		Refresh: RefreshTokenIssuer{t: t},
		ID:      IDTokenIssuer{t: t},
	}
}

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
