package runtime

import (
	"context"
	"time"
)

// The client credentials flow, oauth-token-client-credentials (RFC 6749 §4.4;
// flows.md §7.2). The endpoint has already authenticated the client, checked
// it may use the grant, and granted the requested scope or the client's
// default scopes (RFC 6749 §3.3).

// CheckClientCredentials runs the checks of flows.md §7.2 that the endpoint
// has not: only a confidential client may use the grant (RFC 6749 §4.4),
// otherwise invalid_client. It removes the default refresh token
// (RFC 6749 §4.4.3: a refresh token SHOULD NOT be included).
func CheckClientCredentials(_ context.Context, t *TokenContext) error {
	if t.Client == nil || t.Client.IsPublic() {
		return NewError(ErrInvalidClient, "public clients cannot use the client credentials grant")
	}
	t.Defaults.Refresh = nil
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
