package runtime

import (
	"fmt"
	"maps"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/memstore"
)

// The records of MemoryStore, in the encoding of package memstore.

func appendAuthentication(b []byte, a *Authentication) []byte {
	b = memstore.AppendStr(b, a.Subject)
	b = memstore.AppendTime(b, a.AuthTime)
	b = memstore.AppendStr(b, a.ACR)
	b = memstore.AppendStrs(b, a.AMR)
	return memstore.AppendStr(b, a.SessionID)
}

func decodeAuthentication(d *memstore.Decoder) Authentication {
	return Authentication{
		Subject:   d.Str(),
		AuthTime:  d.Time(),
		ACR:       d.Str(),
		AMR:       d.Strs(),
		SessionID: d.Str(),
	}
}

// recScratch is the size of the stack buffer records are encoded into
// before they are copied into the store; a larger record grows onto the heap.
const recScratch = 512

func appendGrant(b []byte, g *Grant) []byte {
	b = memstore.AppendStr(b, g.ID)
	b = memstore.AppendStr(b, g.ClientID)
	b = memstore.AppendStr(b, g.Subject)
	b = memstore.AppendStrs(b, g.Scope)
	b = memstore.AppendStrs(b, g.Audience)
	b = appendAuthentication(b, &g.Authentication)
	b = memstore.AppendTime(b, g.Created)
	b = memstore.AppendTime(b, g.ExpiresAt)
	b = memstore.AppendBool(b, g.Revoked)
	b = memstore.AppendBytes(b, g.Data)
	return b
}

func decodeGrant(s string) (Grant, error) {
	d := memstore.Decoder{S: s}
	g := Grant{
		ID:             d.Str(),
		ClientID:       d.Str(),
		Subject:        d.Str(),
		Scope:          d.Strs(),
		Audience:       d.Strs(),
		Authentication: decodeAuthentication(&d),
		Created:        d.Time(),
		ExpiresAt:      d.Time(),
		Revoked:        d.Bool(),
		Data:           d.Bytes(),
	}
	return g, d.Done()
}

func appendCode(b []byte, c *AuthorizationCode) []byte {
	b = memstore.AppendBytes(b, c.Hash)
	b = memstore.AppendStr(b, c.ClientID)
	b = memstore.AppendStr(b, c.RedirectURI)
	b = memstore.AppendBool(b, c.RedirectURIProvided)
	b = memstore.AppendStrs(b, c.Scope)
	b = appendAuthentication(b, &c.Authentication)
	b = memstore.AppendStr(b, c.Nonce)
	b = memstore.AppendStr(b, c.CodeChallenge)
	b = memstore.AppendStr(b, c.CodeChallengeMethod)
	b = memstore.AppendStrs(b, c.Resources)
	b = memstore.AppendTime(b, c.IssuedAt)
	b = memstore.AppendTime(b, c.ExpiresAt)
	b = memstore.AppendStr(b, c.GrantID)
	b = memstore.AppendBytes(b, c.Data)
	return b
}

func decodeCode(s string) (AuthorizationCode, error) {
	d := memstore.Decoder{S: s}
	c := AuthorizationCode{
		Hash:                d.Bytes(),
		ClientID:            d.Str(),
		RedirectURI:         d.Str(),
		RedirectURIProvided: d.Bool(),
		Scope:               d.Strs(),
		Authentication:      decodeAuthentication(&d),
		Nonce:               d.Str(),
		CodeChallenge:       d.Str(),
		CodeChallengeMethod: d.Str(),
		Resources:           d.Strs(),
		IssuedAt:            d.Time(),
		ExpiresAt:           d.Time(),
		GrantID:             d.Str(),
		Data:                d.Bytes(),
	}
	return c, d.Done()
}

func appendRefresh(b []byte, r *RefreshTokenRecord) []byte {
	b = memstore.AppendBytes(b, r.Hash)
	b = memstore.AppendStr(b, r.ID)
	b = memstore.AppendStr(b, r.GrantID)
	b = memstore.AppendStr(b, r.FamilyID)
	b = memstore.AppendStr(b, r.ClientID)
	b = memstore.AppendStrs(b, r.Scope)
	b = memstore.AppendTime(b, r.IssuedAt)
	b = memstore.AppendTime(b, r.ExpiresAt)
	b = memstore.AppendTime(b, r.IdleExpiresAt)
	b = memstore.AppendTime(b, r.RotatedAt)
	return b
}

func decodeRefresh(s string) (RefreshTokenRecord, error) {
	d := memstore.Decoder{S: s}
	r := RefreshTokenRecord{
		Hash:          d.Bytes(),
		ID:            d.Str(),
		GrantID:       d.Str(),
		FamilyID:      d.Str(),
		ClientID:      d.Str(),
		Scope:         d.Strs(),
		IssuedAt:      d.Time(),
		ExpiresAt:     d.Time(),
		IdleExpiresAt: d.Time(),
		RotatedAt:     d.Time(),
	}
	return r, d.Done()
}

// The flags of an encoded access-token record: a claim that repeats a
// member of the record, as the runtime's always do, is not encoded twice.
const (
	accessSameClient  = 1 << iota // Claims.ClientID is ClientID
	accessSameExpiry              // Claims.ExpiresAt is ExpiresAt
	accessSubIsClient             // Claims.Subject is ClientID
)

// appendAccess encodes an access-token record, with extra, the JSON of
// Claims.Extra (nil when it has none): the team's values are kept as JSON,
// as a SQL store keeps them, so that the record holds no pointers.
func appendAccess(b []byte, r *AccessTokenRecord, extra []byte) []byte {
	c := &r.Claims
	var flags byte
	if c.ClientID == r.ClientID {
		flags |= accessSameClient
	}
	if sameInstant(c.ExpiresAt, r.ExpiresAt) {
		flags |= accessSameExpiry
	}
	if c.Subject == r.ClientID {
		flags |= accessSubIsClient
	}
	b = memstore.AppendBytes(b, r.Key)
	b = memstore.AppendStr(b, r.GrantID)
	b = memstore.AppendStr(b, r.ClientID)
	b = memstore.AppendTime(b, r.ExpiresAt)
	b = append(b, flags)
	b = memstore.AppendStr(b, c.Issuer)
	if flags&accessSubIsClient == 0 {
		b = memstore.AppendStr(b, c.Subject)
	}
	b = memstore.AppendStrs(b, c.Audience)
	if flags&accessSameClient == 0 {
		b = memstore.AppendStr(b, c.ClientID)
	}
	b = memstore.AppendTime(b, c.IssuedAt)
	if flags&accessSameExpiry == 0 {
		b = memstore.AppendTime(b, c.ExpiresAt)
	}
	b = memstore.AppendStr(b, c.JTI)
	b = memstore.AppendStrs(b, c.Scope)
	b = memstore.AppendTime(b, c.AuthTime)
	b = memstore.AppendStr(b, c.ACR)
	b = memstore.AppendStrs(b, c.AMR)
	return memstore.AppendBytes(b, extra)
}

// sameInstant reports whether a and b read back from a record as the same
// time, location included.
func sameInstant(a, b time.Time) bool {
	a, b = memstore.TimeOf(a), memstore.TimeOf(b)
	return a.Equal(b) && a.Location() == b.Location() && a.IsZero() == b.IsZero()
}

// decodeAccess decodes an access-token record and the JSON of its
// Claims.Extra, which the caller decodes when it wants it.
func decodeAccess(s string) (AccessTokenRecord, []byte, error) {
	d := memstore.Decoder{S: s}
	r := AccessTokenRecord{Key: d.Bytes(), GrantID: d.Str(), ClientID: d.Str(), ExpiresAt: d.Time()}
	flags := d.U8()
	c := &r.Claims
	c.Issuer = d.Str()
	if c.Subject = r.ClientID; flags&accessSubIsClient == 0 {
		c.Subject = d.Str()
	}
	c.Audience = d.Strs()
	if c.ClientID = r.ClientID; flags&accessSameClient == 0 {
		c.ClientID = d.Str()
	}
	c.IssuedAt = d.Time()
	if c.ExpiresAt = r.ExpiresAt; flags&accessSameExpiry == 0 {
		c.ExpiresAt = d.Time()
	}
	c.JTI = d.Str()
	c.Scope = d.Strs()
	c.AuthTime = d.Time()
	c.ACR = d.Str()
	c.AMR = d.Strs()
	extra := d.Bytes()
	return r, extra, d.Done()
}

// withActMember is what the memory store keeps as an access token's Extra
// JSON: Extra, with the act claim (RFC 8693 §4.1) as its member "act",
// a name Extra itself never has (checkExtraClaims), so that the record's
// layout needs no field for the few exchanged tokens.
func withActMember(c AccessTokenClaims) map[string]any {
	if c.Act == nil {
		return c.Extra
	}
	m := make(map[string]any, len(c.Extra)+1)
	maps.Copy(m, c.Extra)
	m["act"] = c.Act
	return m
}

// takeActMember moves the member "act" withActMember added out of Extra
// into Act; an Extra left empty is nil.
func takeActMember(c *AccessTokenClaims) error {
	v, ok := c.Extra["act"]
	if !ok {
		return nil
	}
	delete(c.Extra, "act")
	if len(c.Extra) == 0 {
		c.Extra = nil
	}
	act, err := actorClaimOf(v, true)
	if err != nil {
		return fmt.Errorf("decode act: %w", err)
	}
	c.Act = act
	return nil
}
