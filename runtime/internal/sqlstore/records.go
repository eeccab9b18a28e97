package sqlstore

import (
	"encoding/json"
	"fmt"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The rec column of each table: the record's fields the columns do not
// hold, as JSON, with times in Unix nanoseconds. These types, not the
// runtime's, fix the stored format.

type grantRec struct {
	ClientID       string                 `json:"client_id"`
	Subject        string                 `json:"sub"`
	Scope          oauth.ScopeSet         `json:"scope,omitempty"`
	Audience       []string               `json:"aud,omitempty"`
	Authentication runtime.Authentication `json:"authn"`
	Created        int64                  `json:"created"`
	ExpiresAt      int64                  `json:"exp,omitempty"`
	Data           json.RawMessage        `json:"data,omitempty"`
}

func encodeGrant(g runtime.Grant) ([]byte, error) {
	return json.Marshal(grantRec{
		ClientID: g.ClientID, Subject: g.Subject, Scope: g.Scope, Audience: g.Audience,
		Authentication: g.Authentication, Created: nanos(g.Created), ExpiresAt: nanos(g.ExpiresAt), Data: g.Data,
	})
}

func decodeGrant(id string, revoked int64, rec []byte) (runtime.Grant, error) {
	var r grantRec
	if err := json.Unmarshal(rec, &r); err != nil {
		return runtime.Grant{}, fmt.Errorf("decode grant %s: %w", id, err)
	}
	return runtime.Grant{
		ID: id, ClientID: r.ClientID, Subject: r.Subject, Scope: r.Scope, Audience: r.Audience,
		Authentication: r.Authentication, Created: fromNanos(r.Created), ExpiresAt: fromNanos(r.ExpiresAt),
		Revoked: revoked != 0, Data: r.Data,
	}, nil
}

type codeRec struct {
	ClientID            string                 `json:"client_id"`
	RedirectURI         string                 `json:"redirect_uri,omitempty"`
	RedirectURIProvided bool                   `json:"redirect_uri_provided,omitempty"`
	Scope               oauth.ScopeSet         `json:"scope,omitempty"`
	Authentication      runtime.Authentication `json:"authn"`
	Nonce               string                 `json:"nonce,omitempty"`
	CodeChallenge       string                 `json:"code_challenge,omitempty"`
	CodeChallengeMethod string                 `json:"code_challenge_method,omitempty"`
	Resources           []string               `json:"resources,omitempty"`
	IssuedAt            int64                  `json:"iat"`
	ExpiresAt           int64                  `json:"exp"`
	Data                json.RawMessage        `json:"data,omitempty"`
}

func encodeCode(c runtime.AuthorizationCode) ([]byte, error) {
	return json.Marshal(codeRec{
		ClientID: c.ClientID, RedirectURI: c.RedirectURI, RedirectURIProvided: c.RedirectURIProvided, Scope: c.Scope,
		Authentication: c.Authentication, Nonce: c.Nonce, CodeChallenge: c.CodeChallenge,
		CodeChallengeMethod: c.CodeChallengeMethod, Resources: c.Resources,
		IssuedAt: nanos(c.IssuedAt), ExpiresAt: nanos(c.ExpiresAt), Data: c.Data,
	})
}

func decodeCode(hash []byte, grantID string, rec []byte) (runtime.AuthorizationCode, error) {
	var r codeRec
	if err := json.Unmarshal(rec, &r); err != nil {
		return runtime.AuthorizationCode{}, fmt.Errorf("decode code: %w", err)
	}
	return runtime.AuthorizationCode{
		Hash: hash, ClientID: r.ClientID, RedirectURI: r.RedirectURI, RedirectURIProvided: r.RedirectURIProvided,
		Scope: r.Scope, Authentication: r.Authentication, Nonce: r.Nonce, CodeChallenge: r.CodeChallenge,
		CodeChallengeMethod: r.CodeChallengeMethod, Resources: r.Resources,
		IssuedAt: fromNanos(r.IssuedAt), ExpiresAt: fromNanos(r.ExpiresAt), GrantID: grantID, Data: r.Data,
	}, nil
}

type refreshRec struct {
	ID            string         `json:"id"`
	FamilyID      string         `json:"family"`
	ClientID      string         `json:"client_id"`
	Scope         oauth.ScopeSet `json:"scope,omitempty"`
	IssuedAt      int64          `json:"iat"`
	ExpiresAt     int64          `json:"exp,omitempty"`
	IdleExpiresAt int64          `json:"idle_exp,omitempty"`
}

func encodeRefresh(r runtime.RefreshTokenRecord) ([]byte, error) {
	return json.Marshal(refreshRec{
		ID: r.ID, FamilyID: r.FamilyID, ClientID: r.ClientID, Scope: r.Scope,
		IssuedAt: nanos(r.IssuedAt), ExpiresAt: nanos(r.ExpiresAt), IdleExpiresAt: nanos(r.IdleExpiresAt),
	})
}

func decodeRefresh(hash []byte, grantID string, rotatedAt int64, rec []byte) (runtime.RefreshTokenRecord, error) {
	var r refreshRec
	if err := json.Unmarshal(rec, &r); err != nil {
		return runtime.RefreshTokenRecord{}, fmt.Errorf("decode refresh token: %w", err)
	}
	return runtime.RefreshTokenRecord{
		Hash: hash, ID: r.ID, GrantID: grantID, FamilyID: r.FamilyID, ClientID: r.ClientID, Scope: r.Scope,
		IssuedAt: fromNanos(r.IssuedAt), ExpiresAt: fromNanos(r.ExpiresAt), IdleExpiresAt: fromNanos(r.IdleExpiresAt),
		RotatedAt: fromNanos(rotatedAt),
	}, nil
}

// accessRec leaves out the claims that repeat the record, as the
// runtime's always do: sub when it is the client_id (a client's own
// token), token_client_id and token_exp when they equal client_id and exp.
// A member left out reads back as the record's; one that differs, even
// empty, is written.
type accessRec struct {
	ClientID  string         `json:"client_id"`
	ExpiresAt int64          `json:"exp"`
	Issuer    string         `json:"iss"`
	Subject   *string        `json:"sub,omitempty"`
	Audience  []string       `json:"aud,omitempty"`
	TokenCID  *string        `json:"token_client_id,omitempty"`
	IssuedAt  int64          `json:"iat"`
	TokenExp  *int64         `json:"token_exp,omitempty"`
	JTI       string         `json:"jti,omitempty"`
	Scope     oauth.ScopeSet `json:"scope,omitempty"`
	AuthTime  int64          `json:"auth_time,omitempty"`
	ACR       string         `json:"acr,omitempty"`
	AMR       []string       `json:"amr,omitempty"`
	// Act is the act claim of an exchanged token (RFC 8693 §4.1).
	Act   *runtime.ActorClaim `json:"act,omitempty"`
	Extra map[string]any      `json:"extra,omitempty"`
}

func encodeAccess(r runtime.AccessTokenRecord) ([]byte, error) {
	c := r.Claims
	rec := accessRec{
		ClientID: r.ClientID, ExpiresAt: nanos(r.ExpiresAt), Issuer: c.Issuer, Audience: c.Audience,
		IssuedAt: nanos(c.IssuedAt), JTI: c.JTI, Scope: c.Scope,
		AuthTime: nanos(c.AuthTime), ACR: c.ACR, AMR: c.AMR, Act: c.Act, Extra: c.Extra,
	}
	if c.Subject != r.ClientID {
		rec.Subject = &c.Subject
	}
	if c.ClientID != r.ClientID {
		rec.TokenCID = &c.ClientID
	}
	if exp := nanos(c.ExpiresAt); exp != rec.ExpiresAt {
		rec.TokenExp = &exp
	}
	return json.Marshal(rec)
}

func decodeAccess(key []byte, grantID string, revoked int64, rec []byte) (runtime.AccessTokenRecord, error) {
	var r accessRec
	if err := json.Unmarshal(rec, &r); err != nil {
		return runtime.AccessTokenRecord{}, fmt.Errorf("decode access token: %w", err)
	}
	sub, cid, exp := r.ClientID, r.ClientID, r.ExpiresAt
	if r.Subject != nil {
		sub = *r.Subject
	}
	if r.TokenCID != nil {
		cid = *r.TokenCID
	}
	if r.TokenExp != nil {
		exp = *r.TokenExp
	}
	return runtime.AccessTokenRecord{
		Key: key, GrantID: grantID, ClientID: r.ClientID, ExpiresAt: fromNanos(r.ExpiresAt), Revoked: revoked != 0,
		Claims: runtime.AccessTokenClaims{
			Issuer: r.Issuer, Subject: sub, Audience: r.Audience, ClientID: cid,
			IssuedAt: fromNanos(r.IssuedAt), ExpiresAt: fromNanos(exp), JTI: r.JTI, Scope: r.Scope,
			AuthTime: fromNanos(r.AuthTime), ACR: r.ACR, AMR: r.AMR, Act: r.Act, Extra: r.Extra,
		},
	}, nil
}
