package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The validation of a token exchange's subject and actor tokens by their
// declared type (RFC 8693 §3), against this server's own tokens: every
// look-up goes through the hashed paths of introspection, so a token is
// never compared as a string.

// validateExchangeToken validates token as a token of type typ issued by
// this server, at now. It returns nil, without error, for a token that is
// not one: invalid, expired, revoked, of another issuer, or of a type
// the runtime does not read. A malformed act or may_act claim in a token
// this server signed makes it invalid. The error is for store and key
// failures only.
func (s *Server) validateExchangeToken(ctx context.Context, token Secret, typ oauth.TokenType, now time.Time) (*ValidatedToken, error) {
	var (
		v   *ValidatedToken
		err error
	)
	switch typ {
	case oauth.TokenTypeAccessToken:
		v, err = s.exchangeAccessToken(ctx, token, now)
	case oauth.TokenTypeRefreshToken:
		v, err = s.exchangeRefreshToken(ctx, token, now)
	case oauth.TokenTypeIDToken:
		v, err = s.exchangeIDToken(ctx, token, now)
	case oauth.TokenTypeJWT:
		// A JWT this server signed: a JWT access token or an ID token,
		// told apart by their typ (RFC 8725 §3.11).
		if strings.Count(token.Reveal(), ".") != 2 {
			return nil, nil
		}
		if v, err = s.exchangeAccessToken(ctx, token, now); err == nil && v == nil {
			v, err = s.exchangeIDToken(ctx, token, now)
		}
	default:
		return nil, nil
	}
	if v == nil || err != nil {
		return nil, err
	}
	v.Type = typ
	if v.MayAct, err = actorClaimOf(v.Extra["may_act"], false); err != nil {
		return nil, nil //nolint:nilerr // a malformed may_act makes the token unacceptable, not the server faulty
	}
	return v, nil
}

// exchangeAccessToken validates an active access token of this server,
// opaque or JWT (accessTokenActiveAt).
func (s *Server) exchangeAccessToken(ctx context.Context, token Secret, now time.Time) (*ValidatedToken, error) {
	rec, g, active, err := s.accessTokenActiveAt(ctx, token, now)
	if err != nil || !active {
		return nil, err
	}
	c := &rec.Claims
	v := &ValidatedToken{
		Issuer: c.Issuer, Subject: c.Subject, ClientID: rec.ClientID, Scope: c.Scope, Audience: []string(c.Audience),
		IssuedAt: c.IssuedAt, ExpiresAt: rec.ExpiresAt,
		Authentication: Authentication{Subject: c.Subject, AuthTime: c.AuthTime, ACR: c.ACR, AMR: c.AMR},
		Act:            c.Act, Extra: c.Extra,
	}
	if v.Issuer == "" {
		v.Issuer = s.settings.Issuer
	}
	if g.ID != "" {
		v.Grant = &g
		v.Authentication = g.Authentication
	}
	return v, nil
}

// exchangeRefreshToken validates an active refresh token of this server
// (findRefreshToken): its subject, authentication and audience are its
// grant's.
func (s *Server) exchangeRefreshToken(ctx context.Context, token Secret, now time.Time) (*ValidatedToken, error) {
	p, err := s.findRefreshToken(ctx, token, now)
	if err != nil || p.refresh == nil {
		return nil, err
	}
	r, g := p.refresh, p.grant
	return &ValidatedToken{
		Issuer: s.settings.Issuer, Subject: g.Subject, ClientID: r.ClientID, Scope: r.Scope, Audience: g.Audience,
		IssuedAt: r.IssuedAt, ExpiresAt: r.ExpiresAt, Authentication: g.Authentication, Grant: g,
	}, nil
}

// exchangeIDToken validates an ID token this server signed (ownIDToken,
// as for an id_token_hint: the typ "JWT", so no access token passes for
// one, RFC 8725 §3.11; a key of the server's; iss this server's; a sub and
// an aud), with exp not passed (OIDC Core §3.1.3.7). ID tokens are not stored: a
// revoked grant does not reach them, their exp does.
func (s *Server) exchangeIDToken(ctx context.Context, token Secret, now time.Time) (*ValidatedToken, error) {
	if s.keys == nil || s.settings.Issuer == "" {
		return nil, nil
	}
	id, m, err := s.ownIDToken(ctx, token.Reveal(), now)
	switch {
	case errors.Is(err, errNotOwnIDToken):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("token exchange: %w", err)
	case !id.ExpiresAt.After(now): // OIDC Core §3.1.3.7 step 9
		return nil, nil
	}
	c, ok := accessClaimsOf(m) // act and the team's claims, read as for access tokens
	if !ok {
		return nil, nil
	}
	v := &ValidatedToken{
		Issuer: c.Issuer, Subject: c.Subject, ClientID: id.AuthorizedParty, Audience: []string(c.Audience),
		IssuedAt: c.IssuedAt, ExpiresAt: c.ExpiresAt, Act: c.Act,
		Authentication: Authentication{Subject: c.Subject, AuthTime: c.AuthTime, ACR: c.ACR, AMR: c.AMR, SessionID: id.SessionID},
		Extra:          c.Extra,
	}
	if v.ClientID == "" && len(v.Audience) == 1 {
		v.ClientID = v.Audience[0] // OIDC Core §2: azp may be omitted with one audience
	}
	if v.ClientID == "" {
		return nil, nil
	}
	return v, nil
}
