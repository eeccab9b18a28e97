package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The client credentials flow, oauth-token-client-credentials (RFC 6749 §4.4;
// flows.md §7.2). The endpoint has already authenticated the client, checked
// it may use the grant, and granted the requested scope or the client's
// default scopes (RFC 6749 §3.3).

// CheckClientCredentials runs the checks of flows.md §7.2 that the endpoint
// has not: only a confidential client may use the grant (RFC 6749 §4.4),
// otherwise invalid_client; the grant has no end user, so openid is
// invalid_scope (OIDC Core §3.1.2.1) and a client_id that is also an end
// user's subject is unauthorized_client, since the token's sub would pass
// for that user's (RFC 9068 §5). It removes the default refresh token
// (RFC 6749 §4.4.3: a refresh token SHOULD NOT be included).
func CheckClientCredentials(ctx context.Context, t *TokenContext) error {
	if t.Client == nil || t.Client.IsPublic() {
		return oauth.NewError(oauth.ErrInvalidClient, "public clients cannot use the client credentials grant")
	}
	if err := checkNoEndUser(ctx, t); err != nil {
		return err
	}
	t.Defaults.Refresh = nil
	return nil
}

// checkNoEndUser is the check of a grant without an end user, whose
// tokens' sub is the client_id (RFC 9068 §2.2): openid, which asks for an
// end user's identity, is invalid_scope (OIDC Core §3.1.2.1); and a
// client_id that the user store knows as a subject is unauthorized_client,
// so that no client's token can pass for a user's (RFC 9068 §5).
func checkNoEndUser(ctx context.Context, t *TokenContext) error {
	if openIDGranted(t, t.GrantedScope) {
		return oauth.NewError(oauth.ErrInvalidScope, "scope 'openid' needs an end user; this grant has none")
	}
	users := t.server.users
	if users == nil {
		return nil
	}
	_, found, err := users.Claims(ctx, t.Client.ID)
	if err != nil {
		return oauth.AsError(fmt.Errorf("look up a user with the client_id as subject: %w", err))
	}
	if found {
		t.Log.LogAttrs(ctx, slog.LevelWarn, "client_id is also an end user's subject; no token issued (RFC 9068 §5)")
		return oauth.NewError(oauth.ErrUnauthorizedClient, "this client cannot get tokens without an end user")
	}
	return nil
}

// IssueClientCredentials is the default procedure of the flow: it issues a
// grant from t.Defaults.Grant and an access token from t.Defaults.Access
// against it, and returns {access_token, token_type, expires_in, scope}.
func IssueClientCredentials(ctx context.Context, t *TokenContext) (*TokenResponse, error) {
	g, err := t.Issuers.Grants.Issue(ctx, t.Defaults.Grant)
	if err != nil {
		return nil, err
	}
	return issueAccessResponse(ctx, t, g)
}

// issueAccessResponse issues the access token of t.Defaults.Access against g
// and returns the response for it. TokenType and ExpiresIn are filled here
// and, authoritatively, again by the endpoint from the issued token.
func issueAccessResponse(ctx context.Context, t *TokenContext, g Grant) (*TokenResponse, error) {
	tok, err := t.Issuers.Access.Issue(ctx, t.Defaults.Access, g)
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
	return resp, nil
}

// secondsUntil is expires_in: whole seconds from now to exp, never negative.
func secondsUntil(now, exp time.Time) int64 {
	return max(int64(exp.Sub(now)/time.Second), 0)
}
