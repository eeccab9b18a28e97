package runtime

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// MemoryStore is an in-memory Store for tests, demos and single-process
// servers. One mutex makes ConsumeCode and RotateRefreshToken atomic
// (security.md S-07, S-13). Records go in and come out as copies, so no
// caller shares a slice or map with the store. Nothing expires on its own:
// expiry is the caller's check.
type MemoryStore struct {
	mu      sync.Mutex
	grants  map[string]Grant
	codes   map[string]*memoryCode
	refresh map[string]RefreshTokenRecord
	access  map[string]AccessTokenRecord
}

// memoryCode is a stored code and whether it has been consumed.
type memoryCode struct {
	rec      AuthorizationCode
	consumed bool
	// replayed is set when the code is presented again after it was consumed.
	replayed bool
}

var _ Store = (*MemoryStore)(nil)

// errDuplicate is returned when a record is saved twice under one key:
// with 128-bit ids and 256-bit values this only happens through a bug.
var errDuplicate = errors.New("memory store: duplicate key")

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		grants:  make(map[string]Grant),
		codes:   make(map[string]*memoryCode),
		refresh: make(map[string]RefreshTokenRecord),
		access:  make(map[string]AccessTokenRecord),
	}
}

// SaveGrant implements GrantStore.
func (m *MemoryStore) SaveGrant(_ context.Context, g Grant) error {
	if g.ID == "" {
		return errors.New("memory store: grant without id")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.grants[g.ID]; ok {
		return fmt.Errorf("save grant %s: %w", g.ID, errDuplicate)
	}
	m.grants[g.ID] = cloneGrant(g)
	return nil
}

// Grant implements GrantStore.
func (m *MemoryStore) Grant(_ context.Context, id string) (Grant, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	g, ok := m.grants[id]
	if !ok {
		return Grant{}, false, nil
	}
	return cloneGrant(g), true, nil
}

// RevokeGrant implements GrantStore.
func (m *MemoryStore) RevokeGrant(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if g, ok := m.grants[id]; ok {
		g.Status = GrantRevoked
		m.grants[id] = g
	}
	return nil
}

// SaveCode implements CodeStore.
func (m *MemoryStore) SaveCode(_ context.Context, c AuthorizationCode) error {
	if len(c.Hash) == 0 {
		return errors.New("memory store: code without hash")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := string(c.Hash)
	if _, ok := m.codes[k]; ok {
		return fmt.Errorf("save code: %w", errDuplicate)
	}
	m.codes[k] = &memoryCode{rec: cloneCode(c)}
	return nil
}

// ConsumeCode implements CodeStore: the lookup and the marking happen under
// one lock, so of concurrent callers exactly one gets Consumed
// (RFC 6749 §4.1.2; security.md S-07).
func (m *MemoryStore) ConsumeCode(_ context.Context, hash []byte) (AuthorizationCode, ConsumeResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.codes[string(hash)]
	if !ok {
		return AuthorizationCode{}, NotFound, nil
	}
	if e.consumed {
		e.replayed = true
		return cloneCode(e.rec), AlreadyConsumed, nil
	}
	e.consumed = true
	return cloneCode(e.rec), Consumed, nil
}

// SetCodeGrant implements CodeStore.
func (m *MemoryStore) SetCodeGrant(_ context.Context, hash []byte, grantID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.codes[string(hash)]
	if !ok {
		return false, errors.New("memory store: set code grant: code not found")
	}
	e.rec.GrantID = grantID
	return e.replayed, nil
}

// SaveRefreshToken implements RefreshTokenStore.
func (m *MemoryStore) SaveRefreshToken(_ context.Context, r RefreshTokenRecord) error {
	if len(r.Hash) == 0 {
		return errors.New("memory store: refresh token without hash")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := string(r.Hash)
	if _, ok := m.refresh[k]; ok {
		return fmt.Errorf("save refresh token: %w", errDuplicate)
	}
	m.refresh[k] = cloneRefresh(r)
	return nil
}

// RotateRefreshToken implements RefreshTokenStore: the lookup and the
// marking happen under one lock, so of concurrent callers exactly one gets
// Consumed (security.md S-13).
func (m *MemoryStore) RotateRefreshToken(_ context.Context, hash []byte, now time.Time) (RefreshTokenRecord, ConsumeResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := string(hash)
	r, ok := m.refresh[k]
	if !ok {
		return RefreshTokenRecord{}, NotFound, nil
	}
	if !r.RotatedAt.IsZero() {
		return cloneRefresh(r), AlreadyConsumed, nil
	}
	r.RotatedAt = now
	m.refresh[k] = r
	return cloneRefresh(r), Consumed, nil
}

// RefreshToken implements RefreshTokenStore.
func (m *MemoryStore) RefreshToken(_ context.Context, hash []byte) (RefreshTokenRecord, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.refresh[string(hash)]
	if !ok {
		return RefreshTokenRecord{}, false, nil
	}
	return cloneRefresh(r), true, nil
}

// SaveAccessToken implements AccessTokenStore.
func (m *MemoryStore) SaveAccessToken(_ context.Context, r AccessTokenRecord) error {
	if len(r.Key) == 0 {
		return errors.New("memory store: access token without key")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := string(r.Key)
	if _, ok := m.access[k]; ok {
		return fmt.Errorf("save access token: %w", errDuplicate)
	}
	m.access[k] = cloneAccess(r)
	return nil
}

// AccessToken implements AccessTokenStore.
func (m *MemoryStore) AccessToken(_ context.Context, key []byte) (AccessTokenRecord, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.access[string(key)]
	if !ok {
		return AccessTokenRecord{}, false, nil
	}
	return cloneAccess(r), true, nil
}

// The clone functions copy every slice and map of a record, so that the
// store and its callers never share memory.

func cloneAuthentication(a Authentication) Authentication {
	a.AMR = slices.Clone(a.AMR)
	return a
}

func cloneGrant(g Grant) Grant {
	g.Scope = slices.Clone(g.Scope)
	g.Audience = slices.Clone(g.Audience)
	g.Authentication = cloneAuthentication(g.Authentication)
	g.Data = slices.Clone(g.Data)
	return g
}

func cloneCode(c AuthorizationCode) AuthorizationCode {
	c.Hash = slices.Clone(c.Hash)
	c.Scope = slices.Clone(c.Scope)
	c.Authentication = cloneAuthentication(c.Authentication)
	c.Resources = slices.Clone(c.Resources)
	c.Data = slices.Clone(c.Data)
	return c
}

func cloneRefresh(r RefreshTokenRecord) RefreshTokenRecord {
	r.Hash = slices.Clone(r.Hash)
	r.Scope = slices.Clone(r.Scope)
	return r
}

// cloneAccess copies Extra one level deep: its values are the team's and
// are treated as immutable.
func cloneAccess(r AccessTokenRecord) AccessTokenRecord {
	r.Key = slices.Clone(r.Key)
	r.Claims.Audience = slices.Clone(r.Claims.Audience)
	r.Claims.Scope = slices.Clone(r.Claims.Scope)
	r.Claims.AMR = slices.Clone(r.Claims.AMR)
	r.Claims.Extra = maps.Clone(r.Claims.Extra)
	return r
}
