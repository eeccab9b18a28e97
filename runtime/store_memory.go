package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/memstore"
)

// MemoryStore is an in-memory Store for tests, demos and single-process
// servers. One mutex makes ConsumeCode and RotateRefreshToken atomic
// (RFC 6749 §4.1.2; RFC 9700 §4.14.2). Records go in and come out as copies, so no
// caller shares a slice or map with the store.
//
// Each record is kept encoded (store_memory_codec.go) in byte chunks
// (store_memory_slab.go) under a fixed-size key, so that neither the maps
// nor the records hold pointers and a store of millions of records costs
// the garbage collector almost nothing. Expired records are pruned as the
// store is written (store_memory_prune.go) by the Clock of the server it
// is given to. Expiry itself stays the caller's check.
type MemoryStore struct {
	mu      sync.Mutex
	grants  map[memstore.Key]memRecord
	codes   map[memstore.Key]memRecord
	refresh map[memstore.Key]memRecord
	access  map[memstore.Key]memRecord
	// slab holds the encoded records.
	slab memstore.Slab

	// clock is the time pruning uses; nil means nothing is pruned.
	clock Clock
	// states are the StateStore's entries (store_memory_state.go).
	states memStates
	// expiry orders every record that can expire by its pruning time.
	expiry memstore.Queue
}

// memRecord is a stored record, the state that changes without a new
// encoding, and when it may be pruned. One type serves every kind: the
// flags fit in what would be padding.
type memRecord struct {
	ref memstore.Ref // the encoded record in the slab
	// consumed is set when a code has been consumed, replayed when it was
	// presented again after that.
	consumed, replayed bool
	// revoked is set when a grant or an access token is revoked; it
	// overrides the encoded Revoked of a grant.
	revoked bool
	prune   int64 // Unix seconds; memstore.NoPrune when never
}

var _ Store = (*MemoryStore)(nil)

// errDuplicate is returned when a record is saved twice under one key:
// with 128-bit ids and 256-bit values this only happens through a bug.
var errDuplicate = errors.New("memory store: duplicate key")

// NewMemoryStore returns an empty MemoryStore without a Clock: it prunes
// nothing until NewServer gives it the server's Clock.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		grants:  make(map[memstore.Key]memRecord),
		codes:   make(map[memstore.Key]memRecord),
		refresh: make(map[memstore.Key]memRecord),
		access:  make(map[memstore.Key]memRecord),
	}
}

// adoptClock gives the store c when it has no Clock yet.
func (m *MemoryStore) adoptClock(c Clock) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.clock == nil {
		m.clock = c
	}
}

// table is the map of the records of the kind.
func (m *MemoryStore) table(kind memstore.Kind) map[memstore.Key]memRecord {
	switch kind {
	case memstore.KindGrant:
		return m.grants
	case memstore.KindCode:
		return m.codes
	case memstore.KindRefresh:
		return m.refresh
	case memstore.KindAccess:
		return m.access
	}
	return nil
}

// insertLocked stores rec, an encoded record of the kind, under k and
// queues it for pruning at prune; now is the time of the write. The caller
// holds m.mu.
func (m *MemoryStore) insertLocked(kind memstore.Kind, k memstore.Key, rec []byte, prune, now int64) error {
	t := m.table(kind)
	if _, ok := t[k]; ok {
		return errDuplicate
	}
	t[k] = memRecord{ref: m.slab.Put(memstore.Class(prune, now), rec), prune: prune}
	m.expiry.Add(prune, kind, k)
	return nil
}

// replaceLocked stores rec, the new encoding of the record e under k, to be
// pruned at prune; now is the time of the write. An earlier queue entry of
// the record is skipped when it comes due (pruneRecord). The caller holds
// m.mu.
func (m *MemoryStore) replaceLocked(kind memstore.Kind, k memstore.Key, e memRecord, rec []byte, prune, now int64) {
	m.slab.Drop(e.ref)
	e.ref = m.slab.Put(memstore.Class(prune, now), rec)
	if prune != e.prune {
		m.expiry.Add(prune, kind, k)
	}
	e.prune = prune
	m.table(kind)[k] = e
}

// findLocked returns the record under k in t, decoded, when is reports that
// its stored key is the one looked up: two keys that share a memstore.Key never
// meet. The caller holds m.mu.
func findLocked[R any](m *MemoryStore, t map[memstore.Key]memRecord, k memstore.Key, decode func(string) (R, error), is func(R) bool) (memRecord, R, bool, error) {
	var zero R
	e, ok := t[k]
	if !ok {
		return memRecord{}, zero, false, nil
	}
	r, err := decode(m.slab.Get(e.ref))
	if err != nil || !is(r) {
		return memRecord{}, zero, false, err
	}
	return e, r, true, nil
}

// SaveGrant implements GrantStore.
func (m *MemoryStore) SaveGrant(ctx context.Context, g Grant) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if g.ID == "" {
		return errors.New("memory store: grant without id")
	}
	k := memstore.KeyOfID(g.ID)
	var scratch [recScratch]byte
	rec := appendGrant(scratch[:0], &g)
	prune := memstore.PruneAt(g.ExpiresAt)
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.pruneLocked()
	if err := m.insertLocked(memstore.KindGrant, k, rec, prune, now); err != nil {
		return fmt.Errorf("save grant %s: %w", g.ID, err)
	}
	return nil
}

// grant returns the stored grant with the id, checking the stored id.
func (m *MemoryStore) grant(id string) (memRecord, Grant, bool, error) {
	e, g, ok, err := findLocked(m, m.grants, memstore.KeyOfID(id), decodeGrant, func(g Grant) bool { return g.ID == id })
	if e.revoked {
		g.Revoked = true
	}
	return e, g, ok, err
}

// Grant implements GrantStore.
func (m *MemoryStore) Grant(ctx context.Context, id string) (Grant, bool, error) {
	if err := ctx.Err(); err != nil {
		return Grant{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	_, g, ok, err := m.grant(id)
	return g, ok, err
}

// RevokeGrant implements GrantStore.
func (m *MemoryStore) RevokeGrant(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, _, ok, err := m.grant(id)
	if err != nil || !ok {
		return err
	}
	e.revoked = true
	m.grants[memstore.KeyOfID(id)] = e
	return nil
}

// grantPruneAt is when the grant with the id may be pruned: memstore.NoPrune when it
// never expires, 0 when the store does not hold it. The stored id is not
// compared: the runtime's ids are their own keys, longer ones share a key
// only through a SHA-256 collision, and a wrong time would only change how
// long a record is kept.
func (m *MemoryStore) grantPruneAt(id string) int64 {
	return m.grants[memstore.KeyOfID(id)].prune
}

// SaveCode implements CodeStore.
func (m *MemoryStore) SaveCode(ctx context.Context, c AuthorizationCode) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(c.Hash) == 0 {
		return errors.New("memory store: code without hash")
	}
	k := memstore.KeyOfHash(c.Hash)
	var scratch [recScratch]byte
	rec := appendCode(scratch[:0], &c)
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.pruneLocked()
	// A code without grant gets 0 from grantPruneAt: no grant has the empty id.
	prune := memstore.CodePruneAt(c.ExpiresAt, m.grantPruneAt(c.GrantID))
	if err := m.insertLocked(memstore.KindCode, k, rec, prune, now); err != nil {
		return fmt.Errorf("save code: %w", err)
	}
	return nil
}

// code returns the stored code of the hash, checking the stored hash.
func (m *MemoryStore) code(hash []byte) (memRecord, AuthorizationCode, bool, error) {
	return findLocked(m, m.codes, memstore.KeyOfHash(hash), decodeCode,
		func(c AuthorizationCode) bool { return bytes.Equal(c.Hash, hash) })
}

// ConsumeCode implements CodeStore: the lookup and the marking happen under
// one lock, so of concurrent callers exactly one gets Consumed
// (RFC 6749 §4.1.2).
func (m *MemoryStore) ConsumeCode(ctx context.Context, hash []byte) (AuthorizationCode, ConsumeResult, error) {
	if err := ctx.Err(); err != nil {
		return AuthorizationCode{}, NotFound, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, c, ok, err := m.code(hash)
	if err != nil || !ok {
		return AuthorizationCode{}, NotFound, err
	}
	res := Consumed
	if e.consumed {
		e.replayed, res = true, AlreadyConsumed
	}
	e.consumed = true
	m.codes[memstore.KeyOfHash(hash)] = e
	return c, res, nil
}

// SetCodeGrant implements CodeStore. The code is then kept as long as the
// grant may live, so that a replay can still revoke it (RFC 6749 §4.1.2).
// It prunes after the write, so that the code is not pruned before it.
func (m *MemoryStore) SetCodeGrant(ctx context.Context, hash []byte, grantID string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, c, ok, err := m.code(hash)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, errors.New("memory store: set code grant: code not found")
	}
	c.GrantID = grantID
	var scratch [recScratch]byte
	prune := memstore.CodePruneAt(c.ExpiresAt, m.grantPruneAt(grantID))
	m.replaceLocked(memstore.KindCode, memstore.KeyOfHash(hash), e, appendCode(scratch[:0], &c), prune, m.nowLocked())
	m.pruneLocked()
	return e.replayed, nil
}

// SaveRefreshToken implements RefreshTokenStore. The record is kept until
// both it and its grant have expired: a token rotated away must stay known
// as rotated, so that its reuse is detected and revokes the grant
// (RFC 9700 §4.14.2).
func (m *MemoryStore) SaveRefreshToken(ctx context.Context, r RefreshTokenRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(r.Hash) == 0 {
		return errors.New("memory store: refresh token without hash")
	}
	k := memstore.KeyOfHash(r.Hash)
	var scratch [recScratch]byte
	rec := appendRefresh(scratch[:0], &r)
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.pruneLocked()
	prune := max(memstore.PruneAt(r.ExpiresAt), m.grantPruneAt(r.GrantID)) // memstore.NoPrune stays
	if err := m.insertLocked(memstore.KindRefresh, k, rec, prune, now); err != nil {
		return fmt.Errorf("save refresh token: %w", err)
	}
	return nil
}

// refreshToken returns the stored refresh token of the hash, checking the
// stored hash.
func (m *MemoryStore) refreshToken(hash []byte) (memRecord, RefreshTokenRecord, bool, error) {
	return findLocked(m, m.refresh, memstore.KeyOfHash(hash), decodeRefresh,
		func(r RefreshTokenRecord) bool { return bytes.Equal(r.Hash, hash) })
}

// RotateRefreshToken implements RefreshTokenStore: the lookup and the
// marking happen under one lock, so of concurrent callers exactly one gets
// Consumed. The rotated record replaces the whole one unless whole is set.
func (m *MemoryStore) RotateRefreshToken(ctx context.Context, hash []byte, now time.Time, whole bool) (RefreshTokenRecord, ConsumeResult, error) {
	if err := ctx.Err(); err != nil {
		return RefreshTokenRecord{}, NotFound, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, r, ok, err := m.refreshToken(hash)
	if err != nil || !ok {
		return RefreshTokenRecord{}, NotFound, err
	}
	if !r.RotatedAt.IsZero() {
		return r, AlreadyConsumed, nil
	}
	r.RotatedAt = memstore.TimeOf(now) // so the caller sees what a later lookup will
	if !whole {
		r = r.Rotated()
	}
	var scratch [recScratch]byte
	m.replaceLocked(memstore.KindRefresh, memstore.KeyOfHash(hash), e, appendRefresh(scratch[:0], &r), e.prune, m.nowLocked())
	return r, Consumed, nil
}

// RefreshToken implements RefreshTokenStore.
func (m *MemoryStore) RefreshToken(ctx context.Context, hash []byte) (RefreshTokenRecord, bool, error) {
	if err := ctx.Err(); err != nil {
		return RefreshTokenRecord{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	_, r, ok, err := m.refreshToken(hash)
	return r, ok, err
}

// SaveAccessToken implements AccessTokenStore. Claims.Extra is kept as
// JSON, as a SQL store keeps it: it reads back as encoding/json decodes it
// into a map[string]any, and one that JSON cannot encode is an error.
func (m *MemoryStore) SaveAccessToken(ctx context.Context, r AccessTokenRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(r.Key) == 0 {
		return errors.New("memory store: access token without key")
	}
	var extra []byte
	if r.Claims.Extra != nil || r.Claims.Act != nil {
		var err error
		if extra, err = json.Marshal(withActMember(r.Claims)); err != nil {
			return fmt.Errorf("memory store: save access token: encode Extra: %w", err)
		}
	}
	k := memstore.KeyOfHash(r.Key)
	var scratch [recScratch]byte
	rec := appendAccess(scratch[:0], &r, extra)
	prune := memstore.PruneAt(r.ExpiresAt)
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.pruneLocked()
	if err := m.insertLocked(memstore.KindAccess, k, rec, prune, now); err != nil {
		return fmt.Errorf("save access token: %w", err)
	}
	if r.Revoked {
		e := m.access[k]
		e.revoked = true
		m.access[k] = e
	}
	return nil
}

// AccessToken implements AccessTokenStore. The record is decoded after the
// lock is released.
func (m *MemoryStore) AccessToken(ctx context.Context, key []byte) (AccessTokenRecord, bool, error) {
	if err := ctx.Err(); err != nil {
		return AccessTokenRecord{}, false, err
	}
	k := memstore.KeyOfHash(key)
	m.mu.Lock()
	e, ok := m.access[k]
	var rec string
	if ok {
		rec = m.slab.Get(e.ref)
	}
	m.mu.Unlock()
	if !ok {
		return AccessTokenRecord{}, false, nil
	}
	r, extra, err := decodeAccess(rec)
	if err != nil || !bytes.Equal(r.Key, key) {
		return AccessTokenRecord{}, false, err
	}
	if extra != nil {
		if err := json.Unmarshal(extra, &r.Claims.Extra); err != nil {
			return AccessTokenRecord{}, false, fmt.Errorf("memory store: access token: decode Extra: %w", err)
		}
		if err := takeActMember(&r.Claims); err != nil {
			return AccessTokenRecord{}, false, fmt.Errorf("memory store: access token: %w", err)
		}
	}
	r.Revoked = e.revoked
	return r, true, nil
}

// RevokeAccessToken implements AccessTokenStore.
func (m *MemoryStore) RevokeAccessToken(ctx context.Context, key []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k := memstore.KeyOfHash(key)
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.access[k]; ok {
		e.revoked = true
		m.access[k] = e
	}
	return nil
}
