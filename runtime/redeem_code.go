package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/oauthgen/oauthgen/runtime/internal/pkce"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The redemption of an authorization code, for a flow whose credential is
// a code (flowkit.CodeCredential; RFC 6749 §4.1.3-§4.1.4; RFC 7636
// §4.5-§4.6).

// errCodeInvalid is the one description of a refused code: unknown, expired,
// replayed, another client's, another redirect URI or a PKCE failure look
// the same to the client; the log tells them apart.
func errCodeInvalid(reason string) *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidGrant, "authorization code is invalid").WithCause(errors.New(reason))
}

// redeemCode redeems the request's code, in order:
//
//  1. The code is consumed atomically by its hash (RFC 6749 §4.1.2); an
//     unknown or expired code is invalid_grant.
//  2. A code already consumed is invalid_grant, and the grant issued from it
//     is revoked, which revokes its access and refresh tokens (RFC 6749
//     §4.1.2).
//  3. The code was issued to this client (RFC 6749 §4.1.3).
//  4. redirect_uri is identical to the authorization request's when that
//     carried one (RFC 6749 §4.1.3).
//  5. PKCE: with a stored challenge the verifier must be present, well
//     formed and match in constant time (RFC 7636 §4.6); without one, a
//     verifier is refused (PKCE downgrade, RFC 9700 §4.8).
//  6. The scope parameter may narrow the code's scope, never widen it;
//     each resource must be within what was authorized (RFC 8707 §2.2).
//
// The code stays consumed when a later check fails. On success t holds
// the code, its end user, the granted scope and the default token data: a
// grant and tokens for the code's subject, a refresh token when
// canRefresh allows it, and an ID token when openid was granted.
func (s *Server) redeemCode(ctx context.Context, t *TokenContext) error {
	code := Secret(t.form.Get("code"))
	if code == "" {
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'code' is missing")
	}
	redirect, verifier := t.form.Get("redirect_uri"), t.form.Get("code_verifier")
	hash := hashSecret(code)
	rec, res, err := s.store.ConsumeCode(ctx, hash)
	if err != nil {
		return oauth.AsError(fmt.Errorf("consume authorization code: %w", err))
	}
	switch res {
	case Consumed:
	case AlreadyConsumed:
		// RFC 6749 §4.1.2: deny, and revoke the tokens issued from the code.
		if rec.GrantID != "" {
			if err := t.Issuers.RevokeGrant(ctx, rec.GrantID); err != nil {
				return oauth.AsError(fmt.Errorf("revoke grant of replayed code: %w", err))
			}
		}
		t.Log.LogAttrs(ctx, slog.LevelWarn, "authorization code replayed; its grant is revoked",
			slog.String("grant_id", rec.GrantID), slog.String("code_client_id", rec.ClientID))
		s.observeCodeReplay(ctx, t, rec.GrantID)
		return errCodeInvalid("code already used")
	default:
		return errCodeInvalid("code not found")
	}
	if t.Now.After(rec.ExpiresAt) {
		return errCodeInvalid("code expired")
	}
	if rec.ClientID != t.Client.ID {
		return errCodeInvalid("code was issued to another client") // RFC 6749 §4.1.3
	}
	if rec.RedirectURIProvided || (redirect != "" && rec.RedirectURI != "") {
		// Compared as strings (RFC 6749 §4.1.3). A redirect_uri sent although
		// the authorization request had none must still be the code's.
		if redirect != rec.RedirectURI {
			return errCodeInvalid("redirect_uri differs from the authorization request's")
		}
	}
	if rec.CodeChallenge != "" {
		if verifier == "" {
			return errCodeInvalid("code_verifier missing")
		}
		if !pkce.Verify(rec.CodeChallenge, rec.CodeChallengeMethod, verifier) {
			return errCodeInvalid("code_verifier does not match the code_challenge") // RFC 7636 §4.6
		}
	} else {
		if verifier != "" {
			return errCodeInvalid("code_verifier sent for a code issued without code_challenge") // RFC 9700 §4.8
		}
		if t.Client.IsPublic() || t.Client.RequirePKCE {
			// The authorization endpoint never issues such a code; a code
			// from before the client's PKCE requirement is refused.
			return errCodeInvalid("code issued without code_challenge to a client that requires PKCE")
		}
	}
	granted, e := narrowScope(t.RequestedScope, rec.Scope, "was not granted in the authorization request")
	if e != nil {
		return e
	}
	resources, e := codeResources(t, rec.Resources)
	if e != nil {
		return e
	}

	t.Code = &rec
	t.Authentication = rec.Authentication
	t.codeHash = hash
	t.GrantedScope = granted
	t.Resources = resources
	fillCodeDefaults(t, rec, resources)
	return nil
}

// narrowScope is the granted scope of a redemption: the requested scope,
// which must be within the redeemed credential's (invalid_scope naming
// the tokens that are not, with refusal), or, without one, the
// credential's.
func narrowScope(requested, of oauth.ScopeSet, refusal string) (oauth.ScopeSet, *oauth.Error) {
	if extra := requested.Without(of); len(extra) > 0 {
		return nil, oauth.NewError(oauth.ErrInvalidScope, "scope '"+extra.String()+"' "+refusal)
	}
	if len(requested) > 0 {
		return requested, nil
	}
	return slices.Clip(of), nil
}

// codeResources applies RFC 8707 §2.2 to the resource parameters of a code
// redemption: they must be within what was authorized. When the
// authorization request named resources, each must be one of them; when it
// named none, each must be one of the client's registered audiences, the
// rule the authorization endpoint applies. Without resource parameters the
// code's resources apply.
func codeResources(t *TokenContext, named []string) ([]string, *oauth.Error) {
	if len(named) == 0 {
		return resourceParams(t.form, t.Client.Audiences, "is not allowed for this client")
	}
	req, e := resourceParams(t.form, named, "was not named in the authorization request")
	if e != nil || len(req) > 0 {
		return req, e
	}
	return slices.Clip(named), nil
}

// fillCodeDefaults sets the default token data of a redeemed code: the
// code's subject, authentication, scope, redirect URI and carry-over data.
func fillCodeDefaults(t *TokenContext, rec AuthorizationCode, resources []string) {
	a := rec.Authentication
	d := &t.Defaults
	d.Grant.Subject = a.Subject
	d.Grant.Scope = t.GrantedScope
	d.Grant.RedirectURI = rec.RedirectURI
	d.Grant.Authentication = a
	d.Grant.Data = rec.Data
	if len(resources) > 0 {
		d.Grant.Audience = resources
	}
	d.Grant.Audience = withUserInfoAudience(t, t.GrantedScope, d.Grant.Audience)
	if d.Access != nil {
		d.Access.setUser(a.Subject, t.GrantedScope, a)
		d.Access.Audience = Audience(d.Grant.Audience)
	}
	d.Refresh = nil
	if t.server.canRefresh(t, t.GrantedScope) {
		d.Refresh = newRefreshData(t, t.GrantedScope)
		d.Grant.ExpiresAt = laterOf(d.Grant.ExpiresAt, d.Refresh.ExpiresAt)
	} else if d.Access != nil {
		d.Grant.ExpiresAt = d.Access.ExpiresAt // no refresh token to outlive the access token
	}
	d.ID = codeIDDefaults(t, rec) // nil unless openid was granted (OIDC Core §3.1.3.3)
}
