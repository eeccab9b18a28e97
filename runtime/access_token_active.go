package runtime

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// AccessTokenActive reports whether token is an access token this server
// issued that is still active, and returns its record. An opaque token is
// looked up by its hash; a JWT is verified (signature, typ "at+jwt", exp,
// and iss when the server has one; RFC 8725 §3.1, §3.11) and then looked
// up by the hash of its jti. A token is active only when its record exists
// and has not expired, and its grant exists, is not revoked and has not
// expired (RFC 7662 §2.2). A token a client got for itself has no grant:
// its record decides alone, and its JWT, which has no record, is active
// until its exp unless it was revoked (the deny-list). A malformed, forged
// or unknown token is simply inactive; the error is for store failures
// only.
func (s *Server) AccessTokenActive(ctx context.Context, token Secret) (AccessTokenRecord, bool, error) {
	rec, _, active, err := s.accessTokenActiveAt(ctx, token, s.clock.Now())
	return rec, active, err
}

// accessTokenActiveAt is AccessTokenActive at the instant now, so that an
// endpoint that has read its request instant does not read the clock again.
// It also returns the token's grant: for a token without one, the grant it
// stands for (ownGrantOf), which has no id.
func (s *Server) accessTokenActiveAt(ctx context.Context, token Secret, now time.Time) (AccessTokenRecord, Grant, bool, error) {
	raw := token.Reveal()
	if raw == "" {
		return AccessTokenRecord{}, Grant{}, false, nil
	}
	var (
		key    []byte
		claims *AccessTokenClaims // a JWT's
	)
	if strings.Count(raw, ".") == 2 {
		c, ok, err := s.verifyAccessJWT(ctx, raw, now)
		if err != nil || !ok {
			return AccessTokenRecord{}, Grant{}, false, err
		}
		sum := sha256.Sum256([]byte(c.JTI))
		key, claims = sum[:], &c
	} else {
		key = hashSecret(token)
	}

	rec, found, err := s.store.AccessToken(ctx, key)
	if err != nil {
		return AccessTokenRecord{}, Grant{}, false, fmt.Errorf("look up access token: %w", err)
	}
	if !found && claims != nil && ownClaims(claims) {
		// A client's own JWT is not stored: it is active until its exp
		// (checked with the signature) unless it is on the deny-list.
		_, revoked, err := s.store.State(ctx, statens.Revoked, key, now)
		if err != nil {
			return AccessTokenRecord{}, Grant{}, false, fmt.Errorf("look up revoked access tokens: %w", err)
		}
		if revoked {
			return AccessTokenRecord{}, Grant{}, false, nil
		}
		rec = AccessTokenRecord{Key: key, ClientID: claims.ClientID, Claims: *claims, ExpiresAt: claims.ExpiresAt, unstored: true}
		return rec, ownGrantOf(rec), true, nil
	}
	if !found || rec.Revoked || !now.Before(rec.ExpiresAt) {
		return AccessTokenRecord{}, Grant{}, false, nil
	}
	if rec.GrantID == "" {
		// A token a client got for itself: its record decides alone, and
		// it must name the client, whose token it is.
		if rec.ClientID == "" {
			return AccessTokenRecord{}, Grant{}, false, nil
		}
		return rec, ownGrantOf(rec), true, nil
	}
	g, found, err := s.store.Grant(ctx, rec.GrantID)
	if err != nil {
		return AccessTokenRecord{}, Grant{}, false, fmt.Errorf("look up grant: %w", err)
	}
	if !found || g.Revoked || (!g.ExpiresAt.IsZero() && !now.Before(g.ExpiresAt)) {
		return AccessTokenRecord{}, Grant{}, false, nil
	}
	return rec, g, true, nil
}

// ownGrantOf is the grant a token a client got for itself stands for: the
// client's, for the token's subject, scope and audience, as long as the
// token. It has no id: it was never stored, and nothing but the token
// revokes it.
func ownGrantOf(rec AccessTokenRecord) Grant {
	c := &rec.Claims
	return Grant{
		ClientID: rec.ClientID, Subject: c.Subject, Scope: c.Scope, Audience: []string(c.Audience),
		Created: c.IssuedAt, ExpiresAt: rec.ExpiresAt,
	}
}

// verifyAccessJWT verifies a JWT access token of this server (signature,
// typ "at+jwt", exp, and iss when the server has one; RFC 8725 §3.1,
// §3.11) and returns its claims. A token that fails, or lacks a jti, is
// not ok; the error is for a failure to get the keys.
func (s *Server) verifyAccessJWT(ctx context.Context, raw string, now time.Time) (AccessTokenClaims, bool, error) {
	if s.keys == nil {
		return AccessTokenClaims{}, false, nil
	}
	opts := []jwt.ParserOption{jwt.WithTimeFunc(func() time.Time { return now })}
	if s.settings.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(s.settings.Issuer))
	}
	keys, err := s.keys.keySet(ctx, now)
	if err != nil {
		return AccessTokenClaims{}, false, err
	}
	var m jwt.MapClaims
	if err := keys.Verify(raw, accessTokenTyp, &m, opts...); err != nil {
		return AccessTokenClaims{}, false, nil
	}
	c, ok := accessClaimsOf(m)
	if !ok || c.JTI == "" {
		return AccessTokenClaims{}, false, nil
	}
	return c, true, nil
}

// accessClaimsOf reads the claims of a verified JWT access token (RFC 9068
// §2.2): the registered ones into their fields, the others into Extra.
// A registered claim of the wrong type, or an act claim that is not one
// (RFC 8693 §4.1), is not ok.
func accessClaimsOf(m jwt.MapClaims) (AccessTokenClaims, bool) {
	var c AccessTokenClaims
	r := readClaims(m)
	str, date, strs := r.str, r.date, r.strs
	c.Issuer, c.Subject, c.ClientID, c.JTI, c.ACR = str("iss"), str("sub"), str("client_id"), str("jti"), str("acr")
	c.Audience = Audience(strs("aud", true)) // a string or an array (RFC 7519 §4.1.3)
	c.AMR = strs("amr", false)
	c.IssuedAt, c.ExpiresAt, c.AuthTime = date("iat"), date("exp"), date("auth_time")
	if act, present := m["act"]; present {
		a, err := actorClaimOf(act, true) // RFC 8693 §4.1
		r.ok = r.ok && err == nil
		c.Act = a
	}
	if scope := str("scope"); scope != "" {
		set, valid := oauth.ParseScope(scope)
		r.ok = r.ok && valid
		c.Scope = set
	}
	for name, v := range m {
		if isRegisteredAccessClaim(name) {
			continue
		}
		if c.Extra == nil {
			c.Extra = make(map[string]any, len(m))
		}
		c.Extra[name] = v
	}
	return c, r.ok
}
