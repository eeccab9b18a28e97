package runtime

import (
	"slices"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The default procedure's part of a token exchange (RFC 8693): what it
// refuses, the grant it records the exchanged token against, and the
// members of its response.

// exchangeAcceptable is what the default procedure of a token exchange
// refuses before issuing, each with invalid_request (RFC 8693 §2.2.2):
//   - a subject token, or an actor token, the runtime did not validate
//     (Subject, Actor nil): another issuer's, of a type it does not read,
//     or invalid; a team's procedure may validate such a token itself;
//   - a subject or actor token that is neither the requesting client's
//     (its client_id) nor for it (its aud): a client exchanges the tokens
//     it was given, never ones it merely saw (RFC 8693 §5);
//   - a requested_token_type other than an access token, or a JWT when
//     the access tokens are JWTs (RFC 8693 §2.1, §3).
func (t *TokenContext) exchangeAcceptable() error {
	if t.Subject == nil {
		return oauth.NewError(oauth.ErrInvalidRequest, "the subject token is not a valid token of this server of its subject_token_type")
	}
	if t.form.Get("actor_token") != "" && t.Actor == nil {
		return oauth.NewError(oauth.ErrInvalidRequest, "the actor token is not a valid token of this server of its actor_token_type")
	}
	for _, v := range []*ValidatedToken{t.Subject, t.Actor} {
		if v != nil && v.ClientID != t.Client.ID && !slices.Contains(v.Audience, t.Client.ID) {
			return oauth.NewError(oauth.ErrInvalidRequest, "the "+exchangeRole(v, t)+" token was neither issued to this client nor for it")
		}
	}
	switch t.RequestedTokenType {
	case "", oauth.TokenTypeAccessToken:
	case oauth.TokenTypeJWT:
		if t.Policy.AccessFormat == FormatOpaque {
			return oauth.NewError(oauth.ErrInvalidRequest, "requested_token_type: this server's access tokens are not JWTs")
		}
	default:
		return oauth.NewError(oauth.ErrInvalidRequest, "requested_token_type '"+oauth.SafeText(string(t.RequestedTokenType))+"' is not supported")
	}
	return nil
}

// exchangeRole names v, the subject or the actor token of t.
func exchangeRole(v *ValidatedToken, t *TokenContext) string {
	if v == t.Actor {
		return "actor"
	}
	return "subject"
}

// exchangeGrant is the grant the access token of an exchange is recorded
// against: the subject token's, for the requesting client, when there is
// one (a revoked or expired subject grant deactivates the exchanged token,
// whose expiry never passes the grant's); otherwise an unstored grant
// from Defaults.Grant, whose token is recorded alone. claims are copied,
// never edited.
func (t *TokenContext) exchangeGrant(claims *AccessTokenClaims) (*AccessTokenClaims, Grant, error) {
	if t.Subject == nil || t.Subject.Grant == nil || claims == nil {
		g, err := t.Issuers.newGrant(t.Defaults.Grant)
		return claims, g, err
	}
	g := *t.Subject.Grant
	g.ClientID = t.Client.ID // the token is the requesting client's; the record's GrantID ties it
	c := *claims
	if c.ExpiresAt.IsZero() {
		c.ExpiresAt = t.Now.Add(t.Policy.AccessTTL)
	}
	if !g.ExpiresAt.IsZero() && g.ExpiresAt.Before(c.ExpiresAt) {
		c.ExpiresAt = g.ExpiresAt
	}
	return &c, g, nil
}

// exchangeResponse sets the members of a token exchange response (RFC
// 8693 §2.2.1): issued_token_type, REQUIRED, an access token's when the
// procedure left it empty; token_type Bearer for an access token (a JWT
// one too, when it is the access token this request issued), N_A for any
// other token. In another flow's response issued_token_type is a
// procedure's mistake: server_error.
func exchangeResponse(t *TokenContext, out *TokenResponse) error {
	if t.grant.Credential != flowkit.SubjectTokenCredential {
		if out.IssuedTokenType != "" {
			return oauth.ServerError("token response: issued_token_type is for token exchange responses only (RFC 8693 §2.2.1)")
		}
		return nil
	}
	switch {
	case out.IssuedTokenType == "":
		out.IssuedTokenType = oauth.TokenTypeAccessToken
	case !oauth.ValidTokenType(string(out.IssuedTokenType)):
		return oauth.ServerError("token response: issued_token_type %q is not a token type URI (RFC 8693 §3)", out.IssuedTokenType)
	}
	switch out.IssuedTokenType {
	case oauth.TokenTypeAccessToken:
	case oauth.TokenTypeJWT:
		if t.issuedAccess.Value == "" || !t.issuedAccess.Value.Equal(out.AccessToken) {
			out.TokenType = "N_A"
		}
	default:
		out.TokenType = "N_A" // RFC 8693 §2.2.1: not usable as an access token
	}
	return nil
}
