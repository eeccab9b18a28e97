package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/internal/jwkset"
	"github.com/oauthgen/oauthgen/runtime/internal/jwtbearer"
	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The JWT bearer authorization grant (RFC 7523 §2.1): a client presents a
// JWT that a trusted issuer signed about an end user, for a flow whose
// credential is an assertion (flowkit.AssertionCredential).

// AssertionClaims are the claims of a verified JWT bearer assertion
// (RFC 7523 §3), for the flow's procedure: the trusted issuer that signed
// it, the end user it names, its audience, identifier and lifetime, and
// every other claim it carries.
type AssertionClaims struct {
	Issuer    string
	Subject   string
	Audience  []string
	ID        string
	ExpiresAt time.Time
	// IssuedAt and NotBefore are zero when the assertion has none.
	IssuedAt  time.Time
	NotBefore time.Time
	// Extra are the claims other than iss, sub, aud, exp, nbf, iat and
	// jti, as JSON decodes them (numbers are float64).
	Extra map[string]any
}

// trustedIssuer is a flowkit.TrustedIssuer ready to verify with: its
// inline keys parsed once.
type trustedIssuer struct {
	flowkit.TrustedIssuer
	keys *jwkset.Set
}

// addTrustedIssuers checks and keeps the trusted issuers of a
// registration: required by a JWT bearer flow and refused by others; each
// with an iss, and exactly one of an inline JWK Set that parses or an
// https jwks_uri; no iss twice.
func (s *Server) addTrustedIssuers(reg *Registration[TokenContext, TokenResponse]) error {
	isBearer := reg.Grant.Credential == flowkit.AssertionCredential
	switch {
	case !isBearer && len(reg.TrustedIssuers) > 0:
		return errors.New("TrustedIssuers are for a flow whose credential is an assertion")
	case !isBearer:
		return nil
	case len(reg.TrustedIssuers) == 0:
		return errors.New("a JWT bearer flow needs at least one trusted issuer (RFC 7523 §3)")
	}
	byIss := make(map[string]*trustedIssuer, len(reg.TrustedIssuers))
	for i, ti := range reg.TrustedIssuers {
		t := &trustedIssuer{TrustedIssuer: ti}
		switch {
		case ti.Issuer == "":
			return fmt.Errorf("trusted issuer %d: Issuer is empty", i)
		case byIss[ti.Issuer] != nil:
			return fmt.Errorf("trusted issuer %q is listed twice", ti.Issuer)
		case (len(ti.JWKS) == 0) == (ti.JWKSURI == ""):
			return fmt.Errorf("trusted issuer %q: exactly one of JWKS and JWKSURI is required", ti.Issuer)
		case ti.JWKSURI != "":
			if err := jwkset.CheckURL(ti.JWKSURI); err != nil {
				return fmt.Errorf("trusted issuer %q: JWKSURI: %w", ti.Issuer, err)
			}
		default:
			set, err := jwkset.Parse(ti.JWKS)
			if err != nil {
				return fmt.Errorf("trusted issuer %q: JWKS: %w", ti.Issuer, err)
			}
			t.keys = set
		}
		byIss[ti.Issuer] = t
	}
	if s.assertionIssuers == nil {
		s.assertionIssuers = make(map[string]map[string]*trustedIssuer)
	}
	s.assertionIssuers[reg.ID] = byIss
	return nil
}

// redeemAssertion verifies the request's assertion, in order:
//
//  1. assertion is present, else invalid_request (RFC 7521 §4.1).
//  2. Its iss, read unverified, is one of the flow's trusted issuers.
//  3. jwtbearer.Verify: the signature by one of that issuer's keys (its
//     jwks_uri set refetched once on an unknown kid) and the claims
//     (RFC 7523 §3). Until the signature verifies every failure is the
//     same invalid_grant, its cause logged; after it, the description
//     says what is wrong.
//  4. Its jti is used once per issuer, across instances: the store's
//     replay namespace keeps it until the assertion expires.
//
// On success t holds the assertion's claims and the end user it names
// (Authentication.Subject, and auth_time when the assertion carries one),
// and the default token data are that user's, as for a password grant.
func (s *Server) redeemAssertion(ctx context.Context, t *TokenContext) error {
	a := t.form.Get("assertion")
	switch {
	case a == "":
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'assertion' is missing")
	case len(a) > jwtbearer.MaxBytes:
		return oauth.NewError(oauth.ErrInvalidRequest, "the assertion is too long")
	}
	iss, err := jwtbearer.Peek(a)
	if err != nil {
		t.Log.LogAttrs(ctx, slog.LevelInfo, "jwt bearer: malformed assertion", slog.String("cause", err.Error()))
		return jwtbearer.Failed()
	}
	ti := s.assertionIssuers[t.Flow][iss]
	if ti == nil {
		t.Log.LogAttrs(ctx, slog.LevelInfo, "jwt bearer: the assertion's issuer is not trusted", slog.String("iss", oauth.SafeText(iss)))
		return jwtbearer.Failed()
	}
	origin := s.origin()
	aud := append([]string{s.settings.Issuer, origin + s.settings.Paths[tokenEndpointID]}, ti.Audience...)
	c, e := jwtbearer.Verify(a, jwtbearer.Check{
		Issuer:    iss,
		Audiences: aud,
		Now:       t.Now,
		Keys: func(refresh bool) (*jwkset.Set, error) {
			if ti.keys != nil {
				return ti.keys, nil
			}
			set, err := s.remoteKeys.Get(ctx, ti.JWKSURI, t.Now, refresh)
			if set != nil && err != nil {
				t.Log.WarnContext(ctx, "jwt bearer: the trusted issuer's jwks_uri cannot be fetched; its cached keys are used",
					"iss", iss, "error", err)
				return set, nil
			}
			return set, err
		},
	})
	if e != nil {
		if cause := e.Unwrap(); cause != nil {
			t.Log.LogAttrs(ctx, slog.LevelInfo, "jwt bearer: assertion refused", slog.String("iss", iss), slog.String("cause", cause.Error()))
		}
		return e
	}
	// One use per jti, per issuer, across instances (RFC 7523 §3; RFC 7519
	// §4.1.7), kept until the assertion can no longer be accepted.
	key := statens.Key("jwt-bearer", iss, c.JTI)
	added, err := s.store.AddState(ctx, statens.Replay, key, []byte{1}, c.ExpiresAt.Add(jwtbearer.Skew), t.Now)
	if err != nil {
		return oauth.AsError(fmt.Errorf("record the assertion's jti: %w", err))
	}
	if !added {
		return oauth.NewError(oauth.ErrInvalidGrant, "invalid assertion: its jti was already used (RFC 7523 §3)")
	}
	t.Assertion = &AssertionClaims{Issuer: c.Issuer, Subject: c.Subject, Audience: c.Audience, ID: c.JTI,
		ExpiresAt: c.ExpiresAt, IssuedAt: c.IssuedAt, NotBefore: c.NotBefore, Extra: c.Extra}
	t.Authentication = Authentication{Subject: c.Subject}
	if at, ok := c.Extra["auth_time"].(float64); ok && at > 0 {
		t.Authentication.AuthTime = time.Unix(int64(at), 0)
	}
	fillEndUserDefaults(t)
	return nil
}
