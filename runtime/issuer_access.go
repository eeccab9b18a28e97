package runtime

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// IssuedToken is an access token and what the token response says about it.
type IssuedToken struct {
	// Value is the token: a JWT or an opaque value. Empty when nothing was issued.
	Value Secret
	// ExpiresAt is the token's expiry; expires_in is computed from it.
	ExpiresAt time.Time
	// Format is how the token was issued.
	Format AccessTokenFormat
}

// Access issues an access token with claims against g, in the format the
// flow's policy says, and records it against the grant so that revoking
// the grant revokes the token. Nil claims issue
// nothing. Empty members are filled: JTI with 128 random bits, Issuer,
// ClientID and Subject from the request and the grant, Audience from the
// grant, IssuedAt with Now and ExpiresAt with Now + Policy.AccessTTL.
//
// A JWT access token (RFC 9068) has the header typ "at+jwt" and is signed
// with the key of Settings.SigningAlg (the default key when that is unset); the server records it under the SHA-256 of its jti.
// An opaque token is 256 random bits; the server records only its SHA-256
// (RFC 9700 §4.14; RFC 6819 §5.1.4.1.3). An Extra claim that shadows a registered claim,
// a grant of another client, and a JWT without sub or aud are server_error.
func (i Issuers) Access(ctx context.Context, claims *AccessTokenClaims, g Grant) (IssuedToken, error) {
	if claims == nil {
		return IssuedToken{}, nil
	}
	if err := checkGrantClient(i.t, "access token", g); err != nil {
		return IssuedToken{}, err
	}
	return i.access(ctx, claims, g)
}

// access is Access without the check of the grant: g without an id is the
// unstored grant of a client's own token (IssueDefaults), which no grant
// revocation reaches. Such a token never outlives g. Its record, when it
// needs one, has no GrantID; a JWT of the client itself (ownClaims) needs
// none: its signature, its exp and the deny-list of revoked tokens decide
// whether it is active (accessTokenActiveAt).
func (i Issuers) access(ctx context.Context, claims *AccessTokenClaims, g Grant) (IssuedToken, error) {
	if claims == nil {
		return IssuedToken{}, nil
	}
	t := i.t
	if err := checkExtraClaims(claims.Extra); err != nil {
		return IssuedToken{}, err
	}
	c := *claims // the caller's claims are left as they were, so they can be reused
	if c.JTI == "" {
		c.JTI = randtok.NewID()
	}
	if c.Issuer == "" {
		c.Issuer = t.Issuer
	}
	if c.ClientID == "" {
		c.ClientID = g.ClientID
	}
	if c.ClientID != g.ClientID {
		return IssuedToken{}, oauth.ServerError("access token: client_id %q differs from the grant's %q", c.ClientID, g.ClientID)
	}
	if c.Subject == "" {
		c.Subject = g.Subject
	}
	if len(c.Audience) == 0 {
		c.Audience = Audience(g.Audience)
	}
	if c.IssuedAt.IsZero() {
		c.IssuedAt = t.Now
	}
	if c.ExpiresAt.IsZero() {
		c.ExpiresAt = t.Now.Add(t.Policy.AccessTTL)
	}
	if g.ID == "" && !g.ExpiresAt.IsZero() && g.ExpiresAt.Before(c.ExpiresAt) {
		c.ExpiresAt = g.ExpiresAt // no grant is stored to expire first
	}
	if !c.ExpiresAt.After(c.IssuedAt) {
		return IssuedToken{}, oauth.ServerError("access token: expires at %v, not after it is issued at %v", c.ExpiresAt, c.IssuedAt)
	}

	format := t.Policy.AccessFormat
	var (
		value Secret
		key   []byte
	)
	switch format {
	case FormatJWT, "":
		format = FormatJWT
		tok, err := i.signAccessJWT(ctx, &c)
		if err != nil {
			return IssuedToken{}, err
		}
		value = Secret(tok)
		if g.ID == "" && ownClaims(&c) {
			break // nothing to record: the token says all there is
		}
		sum := sha256.Sum256([]byte(c.JTI))
		key = sum[:]
	case FormatOpaque:
		value = newSecretValue()
		key = hashSecret(value)
	default:
		return IssuedToken{}, oauth.ServerError("access token: unknown format %q", format)
	}
	if key != nil {
		rec := AccessTokenRecord{
			Key:       key,
			GrantID:   g.ID,
			ClientID:  c.ClientID,
			Claims:    c,
			ExpiresAt: c.ExpiresAt,
		}
		if err := t.server.store.SaveAccessToken(ctx, rec); err != nil {
			return IssuedToken{}, fmt.Errorf("save access token: %w", err)
		}
	}
	issued := IssuedToken{Value: value, ExpiresAt: c.ExpiresAt, Format: format}
	t.noteAccess(issued) // expires_in without decoding the token or a store look-up
	return issued, nil
}

// ownClaims reports whether c are the claims of a token a client holds
// for itself: its subject is its client_id (RFC 9068 §2.2), and no end
// user's authentication is described (RFC 9068 §2.2.1).
func ownClaims(c *AccessTokenClaims) bool {
	return c.ClientID != "" && c.Subject == c.ClientID && c.AuthTime.IsZero() && c.ACR == "" && len(c.AMR) == 0
}

// signJWT serialises and signs an RFC 9068 access token with the active key.
func (i Issuers) signAccessJWT(ctx context.Context, c *AccessTokenClaims) (string, error) {
	// RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat and jti are REQUIRED.
	if c.Subject == "" {
		return "", oauth.ServerError("access token: no sub (RFC 9068 §2.2)")
	}
	if len(c.Audience) == 0 {
		return "", oauth.ServerError("access token: no aud (RFC 9068 §2.2, §3)")
	}
	if c.Issuer == "" {
		return "", oauth.ServerError("access token: no iss (RFC 9068 §2.2)")
	}
	if i.t.server.keys == nil {
		return "", oauth.ServerError("access token: the server has no signing keys")
	}
	keys, err := i.t.server.keys.keySet(ctx, i.t.Now)
	if err != nil {
		return "", fmt.Errorf("access token: %w", err)
	}
	var scratch [512]byte
	payload, err := accessJWTClaims{c}.appendJSON(scratch[:0])
	if err != nil {
		return "", oauth.ServerError("access token: %w", err)
	}
	// The spec's signing_alg picks the key; the default key otherwise.
	key := keys.ForAlg(i.t.server.settings.SigningAlg)
	if key == nil {
		key = keys.Active()
	}
	tok, err := key.signPayload(accessTokenTyp, payload)
	if err != nil {
		return "", oauth.ServerError("access token: %w", err)
	}
	return tok, nil
}
