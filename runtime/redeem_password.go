package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The authentication of the resource owner of a password request, for a
// flow whose credential is a password (flowkit.PasswordCredential; RFC 6749
// §4.3.2). RFC 9700 §2.4 says the grant MUST NOT be used; a server serves it
// only when its spec enables it.

// errPasswordInvalid is the one answer to wrong credentials: an unknown
// user and a wrong password look the same (RFC 6749 §5.2); the log tells
// them apart only as far as the user store does.
func errPasswordInvalid() *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidGrant, "the username or password is incorrect")
}

// errPasswordThrottled is the answer to an attempt the login throttle
// refuses, the same for accounts that exist and that do not.
func errPasswordThrottled() *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidGrant, "too many failed sign-in attempts; try again later")
}

// redeemPassword authenticates the resource owner, in order:
//
//  1. username and password are present, else invalid_request (RFC 6749
//     §4.3.2).
//  2. The login throttle, shared with the login page (docs/throttling.md):
//     an attempt it refuses is invalid_grant answered 429 with
//     Retry-After, and its password is not checked.
//  3. Config.Users authenticates the username and password. An unknown
//     user and a wrong password are the same invalid_grant (RFC 6749
//     §5.2), counted by the throttle; a failure the throttle cannot count
//     is refused as throttled (it would be a free guess). A user store
//     error is server_error.
//  4. A success forgets the failures of the username and source pair,
//     as a sign-in on the login page does.
//
// On success t holds the end user's authentication (sub, auth_time now,
// amr pwd; RFC 8176 §2) and the default token data: a grant and tokens of
// that user, a refresh token when canRefresh allows it, and an ID token
// when openid was granted.
func (s *Server) redeemPassword(ctx context.Context, t *TokenContext) error {
	username, password := t.form.Get("username"), Secret(t.form.Get("password"))
	switch {
	case username == "":
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'username' is missing")
	case password == "":
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'password' is missing")
	}
	addr := s.clientIP.Addr(t.Request)
	refusal, err := s.loginThrottle.Check(ctx, username, addr, t.Now)
	if err != nil {
		return oauth.AsError(fmt.Errorf("login throttle: %w", err))
	}
	s.observeLoginThrottle(ctx, t.Client.ID, refusal.Refused(), addr)
	if refusal.Refused() {
		t.Log.LogAttrs(ctx, slog.LevelInfo, "password grant throttled", slog.String("by", refusal.By), slog.String("client_addr", addr))
		t.retryAfter = refusal.Wait
		return errPasswordThrottled()
	}
	subject, ok, err := s.users.Authenticate(ctx, username, password)
	if err != nil {
		s.observeLogin(ctx, t.Client.ID, "", addr, loginFailedUserStore)
		return oauth.AsError(fmt.Errorf("user store: %w", err))
	}
	if !ok || subject == "" {
		t.Log.LogAttrs(ctx, slog.LevelInfo, "password grant: sign-in failed", slog.String("client_addr", addr))
		s.observeLogin(ctx, t.Client.ID, "", addr, loginFailedCredentials)
		if err := s.loginThrottle.Fail(ctx, username, addr, t.Now); err != nil {
			if errors.Is(err, ttltable.ErrFull) {
				t.retryAfter = throttle.LoginWindow
				return errPasswordThrottled()
			}
			return oauth.AsError(fmt.Errorf("login throttle: %w", err))
		}
		return errPasswordInvalid()
	}
	if err := s.loginThrottle.Succeed(ctx, username, addr); err != nil {
		// The old failures only count on until their window ends.
		t.Log.LogAttrs(ctx, slog.LevelWarn, "login failures not reset", slog.String("cause", err.Error()))
	}
	s.observeLogin(ctx, t.Client.ID, subject, addr, "")
	t.Authentication = Authentication{Subject: subject, AuthTime: t.Now, AMR: []string{"pwd"}} // RFC 8176 §2
	fillEndUserDefaults(t)
	return nil
}

// fillEndUserDefaults sets the default token data of an authenticated
// resource owner: the grant and the access token are the user's, with the
// issuer in the audience when openid is granted (userinfo), and the ID
// token's defaults when it is.
func fillEndUserDefaults(t *TokenContext) {
	a := t.Authentication
	d := &t.Defaults
	d.Grant.Subject = a.Subject
	d.Grant.Authentication = a
	d.Grant.Audience = withUserInfoAudience(t, t.GrantedScope, d.Grant.Audience)
	if d.Access != nil {
		d.Access.setUser(a.Subject, t.GrantedScope, a)
		d.Access.Audience = Audience(d.Grant.Audience)
	}
	if openIDGranted(t, t.GrantedScope) {
		d.ID = idDefaults(t, a.Subject, t.Client.ID, a) // OIDC Core §2: sub, auth_time, amr
	}
}
