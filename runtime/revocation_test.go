package runtime

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestRevokeRefreshTokenRevokesGrant: revoking a refresh token revokes its
// grant (RFC 7009 §2.1): the refresh token, and every access token of the
// grant, JWT or opaque, become inactive, and a refresh with the token is
// invalid_grant. Tokens of other grants stay active.
func TestRevokeRefreshTokenRevokesGrant(t *testing.T) {
	for _, format := range []AccessTokenFormat{FormatJWT, FormatOpaque} {
		t.Run(string(format), func(t *testing.T) {
			env := itNewEnv(t, nil, htPolicyOf(oauth.GrantAuthorizationCode, func(p *TokenPolicy) { p.AccessFormat = format }),
				htPolicyOf(oauth.GrantRefreshToken, func(p *TokenPolicy) { p.AccessFormat = format }))
			first := env.tokens(t)
			second := htWantOK(t, env.do(t, *env.refresh(t, first.RefreshToken))) // a second access token of the grant
			other := env.tokens(t)
			for _, hint := range []string{"", "refresh_token"} {
				var extra []string
				if hint != "" {
					extra = []string{"token_type_hint", hint}
				}
				rvWantOK(t, env.revoke(t, "conf", htConfSecret, second.RefreshToken, extra...))
			}
			for _, tok := range []string{first.AccessToken, second.AccessToken, second.RefreshToken} {
				itWantInactive(t, env.introspect(t, tok))
			}
			htWantError(t, env.do(t, *env.refresh(t, second.RefreshToken)), http.StatusBadRequest, oauth.ErrInvalidGrant)
			if !env.itActive(t, other.AccessToken) || !env.itActive(t, other.RefreshToken) {
				t.Error("another grant's tokens were revoked")
			}
		})
	}
}

// TestRevokeAccessToken: revoking an access token revokes it alone: the
// refresh token and the grant's other access tokens stay active.
func TestRevokeAccessToken(t *testing.T) {
	for _, format := range []AccessTokenFormat{FormatJWT, FormatOpaque} {
		t.Run(string(format), func(t *testing.T) {
			env := itNewEnv(t, nil, htPolicyOf(oauth.GrantAuthorizationCode, func(p *TokenPolicy) { p.AccessFormat = format }),
				htPolicyOf(oauth.GrantRefreshToken, func(p *TokenPolicy) { p.AccessFormat = format }))
			first := env.tokens(t)
			second := htWantOK(t, env.do(t, *env.refresh(t, first.RefreshToken)))
			rvWantOK(t, env.revoke(t, "conf", htConfSecret, first.AccessToken, "token_type_hint", "access_token"))
			itWantInactive(t, env.introspect(t, first.AccessToken))
			if env.active(t, first.AccessToken) {
				t.Error("the revoked access token is still active for the server")
			}
			if !env.itActive(t, second.AccessToken) || !env.itActive(t, second.RefreshToken) {
				t.Error("revoking an access token revoked its grant")
			}
		})
	}
}

// TestRevokeLeavesOthersAlone: another client's token, an unknown token
// and an already revoked token all get 200 (RFC 7009 §2.2), and nothing
// changes; the attempt on another client's token is logged.
func TestRevokeLeavesOthersAlone(t *testing.T) {
	env := itNewEnv(t, nil)
	tok := env.tokens(t) // conf's
	rvWantOK(t, env.revoke(t, "other", htOtherSecret, tok.RefreshToken))
	rvWantOK(t, env.revoke(t, "other", htOtherSecret, tok.AccessToken))
	if !env.itActive(t, tok.RefreshToken) || !env.itActive(t, tok.AccessToken) {
		t.Fatal("another client revoked conf's tokens")
	}
	if !strings.Contains(env.logs.String(), "revocation of another client's token refused") {
		t.Error("the attempt was not logged")
	}
	rvWantOK(t, env.revoke(t, "conf", htConfSecret, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
	rvWantOK(t, env.revoke(t, "conf", htConfSecret, tok.RefreshToken))
	rvWantOK(t, env.revoke(t, "conf", htConfSecret, tok.RefreshToken))
	if strings.Contains(env.logs.String(), tok.RefreshToken) || strings.Contains(env.logs.String(), tok.AccessToken) {
		t.Error("a token reached the log")
	}
}

// TestRevokeByPublicClient: a public client revokes its own tokens with
// its client_id alone (RFC 7009 §5).
func TestRevokeByPublicClient(t *testing.T) {
	env := itNewEnv(t, nil)
	code := env.code(t, AuthorizationCode{ClientID: "pub", RedirectURI: "http://127.0.0.1/cb", RedirectURIProvided: true,
		Scope: oauth.ScopeSet{"read"}, CodeChallenge: oauth.S256Challenge(htVerifier), CodeChallengeMethod: "S256"})
	tok := htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "authorization_code", "code", code.Reveal(),
		"redirect_uri", "http://127.0.0.1/cb", "code_verifier", htVerifier, "client_id", "pub")}))
	w := env.do(t, htRequest{path: "/oauth2/revoke", body: htForm("token", tok.RefreshToken, "client_id", "pub")})
	rvWantOK(t, w)
	itWantInactive(t, env.introspect(t, tok.AccessToken))
}

// TestRevokeErrors: each way a request fails is an OAuth error with its
// status and no-store (RFC 7009 §2.2.1; RFC 6749 §5.2).
func TestRevokeErrors(t *testing.T) {
	env := itNewEnv(t, nil)
	tok := env.tokens(t).RefreshToken
	form := htForm("token", tok)
	for _, tc := range []struct {
		name      string
		rq        htRequest
		status    int
		code      oauth.ErrorCode
		challenge bool
	}{
		{"get", htRequest{method: http.MethodGet, basic: htBasic("conf", htConfSecret)}, http.StatusMethodNotAllowed, oauth.ErrInvalidRequest, false},
		{"json body", htRequest{body: `{"token":"x"}`, contentType: htStr("application/json"), basic: htBasic("conf", htConfSecret)}, http.StatusBadRequest, oauth.ErrInvalidRequest, false},
		{"no token", htRequest{body: "token_type_hint=refresh_token", basic: htBasic("conf", htConfSecret)}, http.StatusBadRequest, oauth.ErrInvalidRequest, false},
		{"unsupported hint, no token of the client", htRequest{body: htForm("token", "unknown-token", "token_type_hint", "id_token"), basic: htBasic("conf", htConfSecret)}, http.StatusBadRequest, oauth.ErrUnsupportedTokenType, false},
		{"unsupported hint, another client's token", htRequest{body: form + "&token_type_hint=id_token", basic: htBasic("other", htOtherSecret)}, http.StatusBadRequest, oauth.ErrUnsupportedTokenType, false},
		{"no client", htRequest{body: form}, http.StatusBadRequest, oauth.ErrInvalidClient, false},
		{"wrong secret", htRequest{body: form, basic: htBasic("conf", "wrong")}, http.StatusUnauthorized, oauth.ErrInvalidClient, true},
		{"unknown client", htRequest{body: form, basic: htBasic("nobody", "x")}, http.StatusUnauthorized, oauth.ErrInvalidClient, true},
		{"secret in the query", htRequest{path: "/oauth2/revoke?client_secret=x", body: form, basic: htBasic("conf", htConfSecret)}, http.StatusBadRequest, oauth.ErrInvalidRequest, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.rq.path == "" {
				tc.rq.path = "/oauth2/revoke"
			}
			w := env.do(t, tc.rq)
			htWantError(t, w, tc.status, tc.code)
			if got := w.Header().Get("WWW-Authenticate"); (got != "") != tc.challenge {
				t.Errorf("WWW-Authenticate = %q, want a challenge: %v", got, tc.challenge)
			}
		})
	}
	if !env.itActive(t, tok) {
		t.Error("a failed request revoked the token")
	}
}

// TestRevokeUnknownHint: a hint is only a hint; a server that cannot
// locate the token with it MUST search every type it supports (RFC 7009
// §2.1), so the client's token is revoked whatever token_type_hint says.
func TestRevokeUnknownHint(t *testing.T) {
	env := itNewEnv(t, nil)
	tok := env.tokens(t)
	rvWantOK(t, env.do(t, htRequest{path: "/oauth2/revoke", body: htForm("token", tok.AccessToken, "token_type_hint", "id_token"), basic: htBasic("conf", htConfSecret)}))
	itWantInactive(t, env.introspect(t, tok.AccessToken))
	rvWantOK(t, env.do(t, htRequest{path: "/oauth2/revoke", body: htForm("token", tok.RefreshToken, "token_type_hint", "urn:example:unknown"), basic: htBasic("conf", htConfSecret)}))
	if env.itActive(t, tok.RefreshToken) {
		t.Error("the refresh token is still active after its revocation with an unknown hint")
	}
}

// rvGrantFlow revokes the grant of an access token too, as a procedure may.
type rvGrantFlow struct{}

func (rvGrantFlow) Prepare(c *RevocationContext) (func(context.Context) (*RevocationResponse, error), error) {
	return func(ctx context.Context) (*RevocationResponse, error) {
		c.RevokeGrant = c.Grant != nil
		return c.Default(ctx)
	}, nil
}

// TestRevokeProcedureRevokesGrant: a procedure that sets RevokeGrant for
// an access token revokes its whole grant (RFC 7009 §2.1: MAY).
func TestRevokeProcedureRevokesGrant(t *testing.T) {
	env := itNewEnv(t, func(fl *Flows) { fl.Revocation.Flow = rvGrantFlow{} })
	tok := env.tokens(t)
	rvWantOK(t, env.revoke(t, "conf", htConfSecret, tok.AccessToken))
	itWantInactive(t, env.introspect(t, tok.RefreshToken))
}
