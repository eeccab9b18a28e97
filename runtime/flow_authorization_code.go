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

// The authorization code flow, token step, oauth-token-authorization-code
// (RFC 6749 §4.1.3-§4.1.4; RFC 7636 §4.5-§4.6; flows.md §7.1).

// AuthorizationCodeState is what the runtime found for the presented code.
// Generated contexts embed it.
type AuthorizationCodeState struct {
	// Presented is the consumed code record.
	Presented AuthorizationCode
	// Authentication is who authenticated at the authorization endpoint, and when.
	Authentication Authentication
}

// AuthorizationCodeParams are the flow's form parameters.
type AuthorizationCodeParams struct {
	// Code is the code parameter.
	Code Secret
	// RedirectURI is the redirect_uri parameter.
	RedirectURI string
	// CodeVerifier is the code_verifier parameter (RFC 7636 §4.5).
	CodeVerifier Secret
}

// errCodeInvalid is the one description of a refused code: unknown, expired,
// replayed, another client's, another redirect URI or a PKCE failure look
// the same to the client; the log tells them apart.
func errCodeInvalid(reason string) *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidGrant, "authorization code is invalid").WithCause(errors.New(reason))
}

// CheckAuthorizationCode runs the checks of flows.md §7.1, in order:
//
//  1. The code is consumed atomically by its hash (RFC 6749 §4.1.2;
//     security.md S-07); an unknown or expired code is invalid_grant (S-10).
//  2. A code already consumed is invalid_grant, and the grant issued from it
//     is revoked, which revokes its access and refresh tokens (RFC 6749
//     §4.1.2; security.md S-08).
//  3. The code was issued to this client (RFC 6749 §4.1.3; S-09).
//  4. redirect_uri is identical to the authorization request's when that
//     carried one (RFC 6749 §4.1.3; S-09).
//  5. PKCE: with a stored challenge the verifier must be present, well
//     formed and match in constant time (RFC 7636 §4.6; S-03, S-04, S-06);
//     without one, a verifier is refused (PKCE downgrade, RFC 9700 §4.8;
//     S-05).
//  6. Each resource must be one the authorization request named
//     (RFC 8707 §2), else invalid_target.
//
// The code stays consumed when a later check fails (flows.md §2.3). On
// success st holds the code and t the granted scope (the code's) and the
// default token data: a grant and tokens for the code's subject, a refresh
// token when the policy issues them, the client may refresh and, for an
// OpenID request, offline_access allows it (OIDC Core §11), and an ID token
// when openid was granted.
func CheckAuthorizationCode(ctx context.Context, t *TokenContext, st *AuthorizationCodeState, p AuthorizationCodeParams) error {
	if p.Code == "" {
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'code' is missing")
	}
	store := t.server.store
	hash := hashSecret(p.Code)
	rec, res, err := store.ConsumeCode(ctx, hash)
	if err != nil {
		return oauth.AsError(fmt.Errorf("consume authorization code: %w", err))
	}
	switch res {
	case Consumed:
	case AlreadyConsumed:
		// RFC 6749 §4.1.2: deny, and revoke the tokens issued from the code.
		if rec.GrantID != "" {
			if err := t.Issuers.Grants.Revoke(ctx, rec.GrantID); err != nil {
				return oauth.AsError(fmt.Errorf("revoke grant of replayed code: %w", err))
			}
		}
		t.Log.LogAttrs(ctx, slog.LevelWarn, "authorization code replayed; its grant is revoked",
			slog.String("grant_id", rec.GrantID), slog.String("code_client_id", rec.ClientID))
		return errCodeInvalid("code already used")
	default:
		return errCodeInvalid("code not found")
	}
	if t.Now.After(rec.ExpiresAt) {
		return errCodeInvalid("code expired") // security.md S-10
	}
	if rec.ClientID != t.Client.ID {
		return errCodeInvalid("code was issued to another client") // RFC 6749 §4.1.3
	}
	if rec.RedirectURIProvided || (p.RedirectURI != "" && rec.RedirectURI != "") {
		// Compared as strings (RFC 6749 §4.1.3). A redirect_uri sent although
		// the authorization request had none must still be the code's.
		if p.RedirectURI != rec.RedirectURI {
			return errCodeInvalid("redirect_uri differs from the authorization request's")
		}
	}
	if rec.CodeChallenge != "" {
		if p.CodeVerifier == "" {
			return errCodeInvalid("code_verifier missing") // security.md S-03
		}
		if !pkce.Verify(rec.CodeChallenge, rec.CodeChallengeMethod, p.CodeVerifier.Reveal()) {
			return errCodeInvalid("code_verifier does not match the code_challenge") // RFC 7636 §4.6
		}
	} else {
		if p.CodeVerifier != "" {
			return errCodeInvalid("code_verifier sent for a code issued without code_challenge") // RFC 9700 §4.8
		}
		if t.Client.IsPublic() || t.Client.RequirePKCE {
			// The authorization endpoint never issues such a code (S-01); a
			// code from before the client's PKCE requirement is refused.
			return errCodeInvalid("code issued without code_challenge to a client that requires PKCE")
		}
	}
	resources, e := checkResources(t, rec.Resources)
	if e != nil {
		return e
	}

	st.Presented = rec
	st.Authentication = rec.Authentication
	t.codeHash = hash
	t.GrantedScope = slices.Clip(rec.Scope)
	fillCodeDefaults(t, rec, resources)
	return nil
}

// checkResources applies RFC 8707 §2.2 to the resource parameters of a code
// redemption: they must be within what was authorized. When the
// authorization request named resources, each must be one of them; when it
// named none, each must be one of the client's registered audiences, the
// rule the authorization endpoint applies. Without resource parameters the
// code's resources apply.
func checkResources(t *TokenContext, named []string) ([]string, *oauth.Error) {
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
	if t.Policy.IssueRefresh && t.Client.AllowsGrant(oauth.GrantRefreshToken) && offlineAccessAllows(t, t.GrantedScope) {
		d.Refresh = newRefreshData(t, t.GrantedScope)
		d.Grant.ExpiresAt = laterOf(d.Grant.ExpiresAt, d.Refresh.ExpiresAt)
	} else if d.Access != nil {
		d.Grant.ExpiresAt = d.Access.ExpiresAt // no refresh token to outlive the access token
	}
	d.ID = codeIDDefaults(t, rec) // nil unless openid was granted (OIDC Core §3.1.3.3)
}

// IssueAuthorizationCode is the default procedure of the flow (flows.md
// §7.1): it issues a grant from t.Defaults.Grant, records it on the code so
// that a replay revokes it (RFC 6749 §4.1.2), then an access token and, when
// t.Defaults.Refresh is set, a refresh token against it; when t.Defaults.ID
// is set, an ID token with the at_hash of the access token (OIDC Core
// §3.1.3.3, §3.1.3.6).
func IssueAuthorizationCode(ctx context.Context, t *TokenContext, st *AuthorizationCodeState) (*TokenResponse, error) {
	g, err := t.Issuers.Grants.Issue(ctx, t.Defaults.Grant)
	if err != nil {
		return nil, err
	}
	resp, err := issueAccessResponse(ctx, t, g)
	if err != nil {
		return nil, err
	}
	if resp.RefreshToken, err = t.Issuers.Refresh.Issue(ctx, t.Defaults.Refresh, g); err != nil {
		return nil, err
	}
	if err := issueDefaultIDToken(ctx, t, g, resp); err != nil {
		return nil, err
	}
	return resp, nil
}
