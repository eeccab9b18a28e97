package runtime

import (
	"context"
	"time"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The default procedure of the token flows: the standard issuance from
// the default token data, whatever the flow.

// Default is the default procedure of a token flow: IssueDefaults, except
// for a flow whose procedure must check the grant's credential itself (an
// extension grant, RFC 6749 §4.5), where it fails closed with
// invalid_grant until the procedure is written, and for a token exchange,
// which it refuses first as exchangeAcceptable says.
func (t *TokenContext) Default(ctx context.Context) (*TokenResponse, error) {
	switch t.grant.Credential {
	case flowkit.ProcedureCredential:
		return nil, oauth.NewError(oauth.ErrInvalidGrant, "grant type "+string(t.GrantType)+" is not implemented")
	case flowkit.SubjectTokenCredential:
		if err := t.exchangeAcceptable(); err != nil {
			return nil, err
		}
	}
	return t.IssueDefaults(ctx)
}

// IssueDefaults issues what t.Defaults describes: a grant from
// Defaults.Grant (or, when the request continues one, the existing grant
// t.Grant), an access token from Defaults.Access, a refresh token from
// Defaults.Refresh when it is set (a refresh without rotation returns the
// presented token unchanged), and an ID token from Defaults.ID when it is
// set, with the at_hash of the access token (OIDC Core §3.1.3.6). A grant
// issued while redeeming a code is recorded on the code, so that a replay
// of the code revokes it (RFC 6749 §4.1.2).
//
// A client acting for itself (a flow without an end user, RFC 6749 §4.4)
// that gets only an access token has no grant stored: there is nothing to
// revoke with the token but the token itself. Its JWT is not stored
// either; its opaque token is stored without a grant. Revoking such a
// token (RFC 7009) revokes it alone.
//
// A token exchange's access token is recorded against the subject
// token's grant when it has one and no refresh token is issued, so that
// revoking that grant (RFC 7009 §2.1), or a refresh token reuse revoking
// it, revokes the exchanged token too; otherwise it is recorded alone, as
// a client's own token is. Its response names the issued token type
// (RFC 8693 §2.2.1).
//
// A procedure that checks its grant's credential itself calls it once the
// check has passed, after editing t.Defaults as it needs.
func (t *TokenContext) IssueDefaults(ctx context.Context) (*TokenResponse, error) {
	var (
		g   Grant
		tok IssuedToken
		err error
	)
	switch {
	case t.grant.Credential == flowkit.SubjectTokenCredential && t.Defaults.Refresh == nil:
		var claims *AccessTokenClaims
		if claims, g, err = t.exchangeGrant(t.Defaults.Access); err != nil {
			return nil, err
		}
		tok, err = t.Issuers.access(ctx, claims, g)
	case t.Grant != nil:
		g = *t.Grant
		tok, err = t.Issuers.Access(ctx, t.Defaults.Access, g)
	case t.ownTokens():
		if g, err = t.Issuers.newGrant(t.Defaults.Grant); err != nil {
			return nil, err
		}
		tok, err = t.Issuers.access(ctx, t.Defaults.Access, g)
	default:
		if g, err = t.Issuers.Grant(ctx, t.Defaults.Grant); err != nil {
			return nil, err
		}
		tok, err = t.Issuers.Access(ctx, t.Defaults.Access, g)
	}
	if err != nil {
		return nil, err
	}
	resp := &TokenResponse{
		AccessToken: tok.Value,
		TokenType:   "Bearer",
		ExpiresIn:   secondsUntil(t.Now, tok.ExpiresAt),
		Scope:       t.GrantedScope,
	}
	if t.Defaults.Access != nil && len(t.Defaults.Access.Scope) > 0 {
		resp.Scope = t.Defaults.Access.Scope
	}
	if t.grant.Credential == flowkit.SubjectTokenCredential {
		resp.IssuedTokenType = oauth.TokenTypeAccessToken
		if t.RequestedTokenType == oauth.TokenTypeJWT && tok.Format == FormatJWT {
			resp.IssuedTokenType = oauth.TokenTypeJWT // RFC 8693 §3: a JWT access token is both
		}
	}
	if t.RefreshToken != nil && !t.Policy.RotateRefresh {
		resp.RefreshToken = t.presented // RFC 6749 §6: the client keeps using it
	} else if resp.RefreshToken, err = t.Issuers.Refresh(ctx, t.Defaults.Refresh, g); err != nil {
		return nil, err
	}
	if t.Defaults.ID != nil {
		claims := *t.Defaults.ID
		claims.AtHash = t.Issuers.AtHash(resp.AccessToken)
		if resp.IDToken, err = t.Issuers.ID(ctx, &claims, g); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// ownTokens reports whether the default issuance is of a token a client
// gets for itself: the flow has no end user, the request continues no
// grant and redeems no code, and nothing that lives in a grant is asked
// for: no refresh token, no ID token, no end user's authentication, no
// carry-over data. Such a grant would only ever be revoked with its one
// access token, so it is not stored.
func (t *TokenContext) ownTokens() bool {
	d := &t.Defaults
	return t.grant.EndUser == flowkit.NoEndUser && t.Grant == nil && t.codeHash == nil &&
		d.Refresh == nil && d.ID == nil && d.Grant.Authentication.isZero() && len(d.Grant.Data) == 0
}

// secondsUntil is expires_in: whole seconds from now to exp, never negative.
func secondsUntil(now, exp time.Time) int64 {
	return max(int64(exp.Sub(now)/time.Second), 0)
}
