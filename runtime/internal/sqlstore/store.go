package sqlstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
)

// SaveGrant implements runtime.GrantStore.
func (s *Store) SaveGrant(ctx context.Context, g runtime.Grant) error {
	rec, err := encodeGrant(g)
	if err != nil {
		return fmt.Errorf("save grant: %w", err)
	}
	revoked := int64(0)
	if g.Revoked {
		revoked = 1
	}
	if err := s.db.Exec(ctx, s.q.saveGrant, g.ID, g.ClientID, revoked, pruneAt(g.ExpiresAt), string(rec)); err != nil {
		return fmt.Errorf("save grant: %w", err)
	}
	s.maybePrune(ctx)
	return nil
}

// Grant implements runtime.GrantStore.
func (s *Store) Grant(ctx context.Context, id string) (runtime.Grant, bool, error) {
	var revoked int64
	var rec []byte
	switch err := s.db.QueryRow(ctx, s.q.grant, id).Scan(&revoked, &rec); {
	case errors.Is(err, ErrNoRows):
		return runtime.Grant{}, false, nil
	case err != nil:
		return runtime.Grant{}, false, fmt.Errorf("grant: %w", err)
	}
	g, err := decodeGrant(id, revoked, rec)
	return g, err == nil, err
}

// RevokeGrant implements runtime.GrantStore.
func (s *Store) RevokeGrant(ctx context.Context, id string) error {
	if err := s.db.Exec(ctx, s.q.revokeGrant, id); err != nil {
		return fmt.Errorf("revoke grant: %w", err)
	}
	return nil
}

// SaveCode implements runtime.CodeStore.
func (s *Store) SaveCode(ctx context.Context, c runtime.AuthorizationCode) error {
	if len(c.Hash) == 0 {
		return errors.New("save code: no hash")
	}
	rec, err := encodeCode(c)
	if err != nil {
		return fmt.Errorf("save code: %w", err)
	}
	if err := s.db.Exec(ctx, s.q.saveCode, c.Hash, c.GrantID, codePruneAt(c.ExpiresAt), string(rec)); err != nil {
		return fmt.Errorf("save code: %w", err)
	}
	s.maybePrune(ctx)
	return nil
}

// ConsumeCode implements runtime.CodeStore with one UPDATE ... RETURNING:
// of concurrent callers, on any instance, exactly one sees consumed = 1.
func (s *Store) ConsumeCode(ctx context.Context, hash []byte) (runtime.AuthorizationCode, runtime.ConsumeResult, error) {
	var consumed int64
	var grantID string
	var rec []byte
	switch err := s.db.QueryRow(ctx, s.q.consumeCode, hash).Scan(&consumed, &grantID, &rec); {
	case errors.Is(err, ErrNoRows):
		return runtime.AuthorizationCode{}, runtime.NotFound, nil
	case err != nil:
		return runtime.AuthorizationCode{}, runtime.NotFound, fmt.Errorf("consume code: %w", err)
	}
	c, err := decodeCode(bytes.Clone(hash), grantID, rec)
	if err != nil {
		return runtime.AuthorizationCode{}, runtime.NotFound, err
	}
	if consumed == 1 {
		return c, runtime.Consumed, nil
	}
	return c, runtime.AlreadyConsumed, nil
}

// SetCodeGrant implements runtime.CodeStore: the code was replayed when it
// was consumed more than once before its grant was recorded.
func (s *Store) SetCodeGrant(ctx context.Context, hash []byte, grantID string) (bool, error) {
	var consumed int64
	switch err := s.db.QueryRow(ctx, s.q.setCodeGrant, grantID, grantID, grantID, hash).Scan(&consumed); {
	case errors.Is(err, ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("set code grant: %w", err)
	}
	return consumed > 1, nil
}

// SaveRefreshToken implements runtime.RefreshTokenStore.
func (s *Store) SaveRefreshToken(ctx context.Context, r runtime.RefreshTokenRecord) error {
	if len(r.Hash) == 0 {
		return errors.New("save refresh token: no hash")
	}
	rec, err := encodeRefresh(r)
	if err != nil {
		return fmt.Errorf("save refresh token: %w", err)
	}
	if err := s.db.Exec(ctx, s.q.saveRefresh, r.Hash, r.GrantID, nanos(r.RotatedAt), pruneAt(r.ExpiresAt), string(rec)); err != nil {
		return fmt.Errorf("save refresh token: %w", err)
	}
	s.maybePrune(ctx)
	return nil
}

// RotateRefreshToken implements runtime.RefreshTokenStore with one
// UPDATE ... RETURNING: of concurrent callers, on any instance, exactly one
// sees rotations = 1; every other gets the first rotation's time. The
// first rotation also drops from rec what runtime.RefreshTokenRecord.Rotated
// does not keep, unless whole is set.
func (s *Store) RotateRefreshToken(ctx context.Context, hash []byte, now time.Time, whole bool) (runtime.RefreshTokenRecord, runtime.ConsumeResult, error) {
	var rotations, rotatedAt int64
	var rec []byte
	var grantID string
	keep := int64(0)
	if whole {
		keep = 1
	}
	switch err := s.db.QueryRow(ctx, s.q.rotateRefresh, nanos(now), keep, hash).Scan(&rotations, &rotatedAt, &grantID, &rec); {
	case errors.Is(err, ErrNoRows):
		return runtime.RefreshTokenRecord{}, runtime.NotFound, nil
	case err != nil:
		return runtime.RefreshTokenRecord{}, runtime.NotFound, fmt.Errorf("rotate refresh token: %w", err)
	}
	r, err := decodeRefresh(bytes.Clone(hash), grantID, rotatedAt, rec)
	if err != nil {
		return runtime.RefreshTokenRecord{}, runtime.NotFound, err
	}
	if rotations == 1 {
		return r, runtime.Consumed, nil
	}
	return r, runtime.AlreadyConsumed, nil
}

// RefreshToken implements runtime.RefreshTokenStore.
func (s *Store) RefreshToken(ctx context.Context, hash []byte) (runtime.RefreshTokenRecord, bool, error) {
	var rotatedAt int64
	var grantID string
	var rec []byte
	switch err := s.db.QueryRow(ctx, s.q.refresh, hash).Scan(&rotatedAt, &grantID, &rec); {
	case errors.Is(err, ErrNoRows):
		return runtime.RefreshTokenRecord{}, false, nil
	case err != nil:
		return runtime.RefreshTokenRecord{}, false, fmt.Errorf("refresh token: %w", err)
	}
	r, err := decodeRefresh(bytes.Clone(hash), grantID, rotatedAt, rec)
	return r, err == nil, err
}

// SaveAccessToken implements runtime.AccessTokenStore.
func (s *Store) SaveAccessToken(ctx context.Context, r runtime.AccessTokenRecord) error {
	if len(r.Key) == 0 {
		return errors.New("save access token: no key")
	}
	rec, err := encodeAccess(r)
	if err != nil {
		return fmt.Errorf("save access token: %w", err)
	}
	revoked := int64(0)
	if r.Revoked {
		revoked = 1
	}
	if err := s.db.Exec(ctx, s.q.saveAccess, r.Key, r.GrantID, revoked, pruneAt(r.ExpiresAt), string(rec)); err != nil {
		return fmt.Errorf("save access token: %w", err)
	}
	s.maybePrune(ctx)
	return nil
}

// AccessToken implements runtime.AccessTokenStore.
func (s *Store) AccessToken(ctx context.Context, key []byte) (runtime.AccessTokenRecord, bool, error) {
	var revoked int64
	var grantID string
	var rec []byte
	switch err := s.db.QueryRow(ctx, s.q.access, key).Scan(&revoked, &grantID, &rec); {
	case errors.Is(err, ErrNoRows):
		return runtime.AccessTokenRecord{}, false, nil
	case err != nil:
		return runtime.AccessTokenRecord{}, false, fmt.Errorf("access token: %w", err)
	}
	r, err := decodeAccess(bytes.Clone(key), grantID, revoked, rec)
	return r, err == nil, err
}

// RevokeAccessToken implements runtime.AccessTokenStore.
func (s *Store) RevokeAccessToken(ctx context.Context, key []byte) error {
	if err := s.db.Exec(ctx, s.q.revokeAccess, key); err != nil {
		return fmt.Errorf("revoke access token: %w", err)
	}
	return nil
}
