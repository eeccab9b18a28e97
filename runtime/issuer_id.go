package runtime

import (
	"context"
	"fmt"
	"slices"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// ID signs an OpenID Connect ID token (OIDC Core §2) with claims for g. Nil claims issue nothing and
// return "". Empty members are filled: Issuer with the issuer, Subject with
// the grant's, Audience with [client_id], AuthorizedParty (azp) with the
// client_id, IssuedAt with Now, ExpiresAt with Now + Settings.IDTokenTTL,
// AuthTime, ACR, AMR and SessionID from the grant's Authentication.
//
// The token is signed with the key of Settings.IDTokenSigningAlg (RS256 by
// default) and has the header typ "JWT". It is not stored: an ID token is
// not a credential at this server (OIDC Core §2).
//
// These are server_error, the procedure's bug: the server does not speak
// OpenID Connect (the openid scope is not declared); a grant of another
// client, or without an authenticated end user (client_credentials never
// gets an ID token); a subject other than the grant's (OIDC Core §12.2
// needs the same sub on refresh, and §5.3.2 the same at userinfo); an
// audience without the client_id (OIDC Core §2); an azp other than the
// client_id; an Extra claim that shadows a registered one.
func (i Issuers) ID(ctx context.Context, claims *IDTokenClaims, g Grant) (string, error) {
	if claims == nil {
		return "", nil
	}
	t := i.t
	s := t.server
	if !s.settings.OpenID() {
		return "", oauth.ServerError("id token: OpenID Connect is not enabled (the spec does not declare the openid scope)")
	}
	if err := checkIDExtraClaims("id token", claims.Extra); err != nil {
		return "", err
	}
	if err := checkGrantClient(t, "id token", g); err != nil {
		return "", err
	}
	if g.Authentication.Subject == "" {
		return "", oauth.ServerError("id token: grant %s has no authenticated end user", g.ID)
	}
	c := *claims // the caller's claims are left as they were, so they can be reused
	if c.Issuer == "" {
		c.Issuer = t.Issuer
	}
	if c.Subject == "" {
		c.Subject = g.Subject
	}
	if c.Subject != g.Subject {
		return "", oauth.ServerError("id token: sub %q differs from the grant's %q", c.Subject, g.Subject)
	}
	if len(c.Audience) == 0 {
		c.Audience = Audience{g.ClientID}
	}
	if !slices.Contains(c.Audience, g.ClientID) {
		return "", oauth.ServerError("id token: aud does not contain the client_id %q (OIDC Core §2)", g.ClientID)
	}
	if c.AuthorizedParty == "" {
		c.AuthorizedParty = g.ClientID
	}
	if c.AuthorizedParty != g.ClientID {
		return "", oauth.ServerError("id token: azp %q is not the client_id %q (OIDC Core §2)", c.AuthorizedParty, g.ClientID)
	}
	if c.IssuedAt.IsZero() {
		c.IssuedAt = t.Now
	}
	if c.ExpiresAt.IsZero() {
		c.ExpiresAt = c.IssuedAt.Add(s.settings.IDTokenTTL)
	}
	if !c.ExpiresAt.After(c.IssuedAt) {
		return "", oauth.ServerError("id token: expires at %v, not after it is issued at %v", c.ExpiresAt, c.IssuedAt)
	}
	a := g.Authentication
	if c.AuthTime.IsZero() {
		c.AuthTime = a.AuthTime
	}
	if c.ACR == "" {
		c.ACR = a.ACR
	}
	if len(c.AMR) == 0 {
		c.AMR = a.AMR
	}
	if c.SessionID == "" {
		c.SessionID = a.SessionID
	}

	keys, err := s.keys.keySet(ctx, t.Now)
	if err != nil {
		return "", fmt.Errorf("id token: %w", err)
	}
	key := keys.ForAlg(i.idAlg())
	if key == nil {
		return "", oauth.ServerError("id token: the key set has no %s key", i.idAlg())
	}
	var scratch [1024]byte
	payload, err := idJWTClaims{&c}.appendJSON(scratch[:0])
	if err != nil {
		return "", oauth.ServerError("id token: %w", err)
	}
	tok, err := key.signPayload(idTokenTyp, payload)
	if err != nil {
		return "", oauth.ServerError("id token: %w", err)
	}
	t.issuedID = issuedIDToken{token: tok, atHash: c.AtHash} // checked without decoding the token
	return tok, nil
}

// AtHash returns the at_hash of an access token: the base64url encoding of
// the left-most half of its hash with the hash function of the ID token's
// algorithm (OIDC Core §3.1.3.6), which binds the ID token to the access
// token returned alongside. See idTokenHashFunc for EdDSA.
func (i Issuers) AtHash(accessToken Secret) string {
	return leftHalfHash(i.idAlg(), accessToken.Reveal())
}

// CHash returns the c_hash of an authorization code, computed like AtHash
// (OIDC Core §3.3.2.11).
func (i Issuers) CHash(code Secret) string {
	return leftHalfHash(i.idAlg(), code.Reveal())
}

// idAlg is the ID token signing algorithm.
func (i Issuers) idAlg() string { return i.t.server.idTokenAlg() }
