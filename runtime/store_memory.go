package runtime

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"
)

// MemoryStore is an in-memory Store for tests, demos and single-process
// servers. One mutex makes ConsumeCode and RotateRefreshToken atomic
// (security.md S-07, S-13). Records go in and come out as copies, so no
// caller shares a slice or map with the store.
//
// Each record is kept encoded (store_memory_codec.go) in byte chunks
// (store_memory_slab.go) under a fixed-size key, so that neither the maps
// nor the records hold pointers and a store of millions of records costs
// the garbage collector almost nothing. Expired records are pruned as the
// store is written (store_memory_prune.go) when the store has a Clock:
// NewMemoryStoreWithClock gives it one, and NewServer gives its Clock to a
// MemoryStore that has none. Expiry itself stays the caller's check.
type MemoryStore struct {
	mu      sync.Mutex
	grants  map[memKey]memRecord
	codes   map[memKey]memRecord
	refresh map[memKey]memRecord
	access  map[memKey]memRecord
	// accessExtra holds the Claims.Extra of the access tokens that have one.
	accessExtra map[memKey]map[string]any
	// slab holds the encoded records.
	slab recSlab

	// clock is the time pruning uses; nil means nothing is pruned.
	clock Clock
	// expiry orders every record that can expire by its pruning time.
	expiry expiryQueue
}

// memKey is the key of a record: the 32-byte SHA-256 hash of a code or
// token, or a grant id (memKeyOfID).
type memKey [sha256.Size]byte

// memRecord is a stored record, the state that changes without a new
// encoding, and when it may be pruned. One type serves every kind: the
// flags fit in what would be padding.
type memRecord struct {
	ref recRef // the encoded record in the slab
	// consumed is set when a code has been consumed, replayed when it was
	// presented again after that.
	consumed, replayed bool
	// revoked is set when a grant is revoked; it overrides the encoded Status.
	revoked bool
	prune   int64 // Unix seconds; noPrune when never
}

var _ Store = (*MemoryStore)(nil)

// errDuplicate is returned when a record is saved twice under one key:
// with 128-bit ids and 256-bit values this only happens through a bug.
var errDuplicate = errors.New("memory store: duplicate key")

// NewMemoryStore returns an empty MemoryStore without a Clock: it prunes
// nothing until NewServer gives it the server's Clock.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		grants:      make(map[memKey]memRecord),
		codes:       make(map[memKey]memRecord),
		refresh:     make(map[memKey]memRecord),
		access:      make(map[memKey]memRecord),
		accessExtra: make(map[memKey]map[string]any),
	}
}

// NewMemoryStoreWithClock returns an empty MemoryStore that prunes expired
// records, reading the time from c.
func NewMemoryStoreWithClock(c Clock) *MemoryStore {
	m := NewMemoryStore()
	m.clock = c
	return m
}

// adoptClock gives the store c when it has no Clock yet.
func (m *MemoryStore) adoptClock(c Clock) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.clock == nil {
		m.clock = c
	}
}

// memKeyOfHash is the key of a code or token hash: the hash itself when it
// is a SHA-256, else its SHA-256. Lookups compare the stored hash, so a
// collision can never return another record.
func memKeyOfHash(h []byte) memKey {
	if len(h) == sha256.Size {
		return memKey(h)
	}
	return sha256.Sum256(h)
}

// memKeyOfID is the key of a grant id: its length and bytes when it is
// shorter than 32 bytes (the runtime's ids are 22), else its SHA-256 with
// the top bit set, which no short id's length byte has. Lookups compare the
// stored id.
func memKeyOfID(id string) memKey {
	var k memKey
	if len(id) < len(k) {
		k[0] = byte(len(id))
		copy(k[1:], id)
		return k
	}
	k = sha256.Sum256([]byte(id))
	k[0] |= 0x80
	return k
}

// table is the map of the records of the kind.
func (m *MemoryStore) table(kind recKind) map[memKey]memRecord {
	switch kind {
	case kindGrant:
		return m.grants
	case kindCode:
		return m.codes
	case kindRefresh:
		return m.refresh
	case kindAccess:
		return m.access
	}
	return nil
}

// insertLocked stores rec, an encoded record of the kind, under k and
// queues it for pruning at prune; now is the time of the write. The caller
// holds m.mu.
func (m *MemoryStore) insertLocked(kind recKind, k memKey, rec []byte, prune, now int64) error {
	t := m.table(kind)
	if _, ok := t[k]; ok {
		return errDuplicate
	}
	t[k] = memRecord{ref: m.slab.put(recClass(prune, now), rec), prune: prune}
	m.expiry.add(prune, kind, k)
	return nil
}

// replaceLocked stores rec, the new encoding of the record e under k, to be
// pruned at prune; now is the time of the write. An earlier queue entry of
// the record is skipped when it comes due (pruneRecord). The caller holds
// m.mu.
func (m *MemoryStore) replaceLocked(kind recKind, k memKey, e memRecord, rec []byte, prune, now int64) {
	m.slab.drop(e.ref)
	e.ref = m.slab.put(recClass(prune, now), rec)
	if prune != e.prune {
		m.expiry.add(prune, kind, k)
	}
	e.prune = prune
	m.table(kind)[k] = e
}

// findLocked returns the record under k in t, decoded, when is reports that
// its stored key is the one looked up: two keys that share a memKey never
// meet. The caller holds m.mu.
func findLocked[R any](m *MemoryStore, t map[memKey]memRecord, k memKey, decode func(string) (R, error), is func(R) bool) (memRecord, R, bool, error) {
	var zero R
	e, ok := t[k]
	if !ok {
		return memRecord{}, zero, false, nil
	}
	r, err := decode(m.slab.get(e.ref))
	if err != nil || !is(r) {
		return memRecord{}, zero, false, err
	}
	return e, r, true, nil
}

// SaveGrant implements GrantStore.
func (m *MemoryStore) SaveGrant(_ context.Context, g Grant) error {
	if g.ID == "" {
		return errors.New("memory store: grant without id")
	}
	k := memKeyOfID(g.ID)
	var scratch [recScratch]byte
	rec := appendGrant(scratch[:0], &g)
	prune := pruneAt(g.ExpiresAt)
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.pruneLocked()
	if err := m.insertLocked(kindGrant, k, rec, prune, now); err != nil {
		return fmt.Errorf("save grant %s: %w", g.ID, err)
	}
	return nil
}

// grant returns the stored grant with the id, checking the stored id.
func (m *MemoryStore) grant(id string) (memRecord, Grant, bool, error) {
	e, g, ok, err := findLocked(m, m.grants, memKeyOfID(id), decodeGrant, func(g Grant) bool { return g.ID == id })
	if e.revoked {
		g.Status = GrantRevoked
	}
	return e, g, ok, err
}

// Grant implements GrantStore.
func (m *MemoryStore) Grant(_ context.Context, id string) (Grant, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, g, ok, err := m.grant(id)
	return g, ok, err
}

// RevokeGrant implements GrantStore.
func (m *MemoryStore) RevokeGrant(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, _, ok, err := m.grant(id)
	if err != nil || !ok {
		return err
	}
	e.revoked = true
	m.grants[memKeyOfID(id)] = e
	return nil
}

// grantPruneAt is when the grant with the id may be pruned: noPrune when it
// never expires, 0 when the store does not hold it. The stored id is not
// compared: the runtime's ids are their own keys, longer ones share a key
// only through a SHA-256 collision, and a wrong time would only change how
// long a record is kept.
func (m *MemoryStore) grantPruneAt(id string) int64 {
	return m.grants[memKeyOfID(id)].prune
}

// SaveCode implements CodeStore.
func (m *MemoryStore) SaveCode(_ context.Context, c AuthorizationCode) error {
	if len(c.Hash) == 0 {
		return errors.New("memory store: code without hash")
	}
	k := memKeyOfHash(c.Hash)
	var scratch [recScratch]byte
	rec := appendCode(scratch[:0], &c)
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.pruneLocked()
	// A code without grant gets 0 from grantPruneAt: no grant has the empty id.
	prune := codePruneAt(c.ExpiresAt, m.grantPruneAt(c.GrantID))
	if err := m.insertLocked(kindCode, k, rec, prune, now); err != nil {
		return fmt.Errorf("save code: %w", err)
	}
	return nil
}

// code returns the stored code of the hash, checking the stored hash.
func (m *MemoryStore) code(hash []byte) (memRecord, AuthorizationCode, bool, error) {
	return findLocked(m, m.codes, memKeyOfHash(hash), decodeCode,
		func(c AuthorizationCode) bool { return bytes.Equal(c.Hash, hash) })
}

// ConsumeCode implements CodeStore: the lookup and the marking happen under
// one lock, so of concurrent callers exactly one gets Consumed
// (RFC 6749 §4.1.2; security.md S-07).
func (m *MemoryStore) ConsumeCode(_ context.Context, hash []byte) (AuthorizationCode, ConsumeResult, error) {
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
	m.codes[memKeyOfHash(hash)] = e
	return c, res, nil
}

// SetCodeGrant implements CodeStore. The code is then kept as long as the
// grant may live, so that a replay can still revoke it (RFC 6749 §4.1.2).
// It prunes after the write, so that the code is not pruned before it.
func (m *MemoryStore) SetCodeGrant(_ context.Context, hash []byte, grantID string) (bool, error) {
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
	prune := codePruneAt(c.ExpiresAt, m.grantPruneAt(grantID))
	m.replaceLocked(kindCode, memKeyOfHash(hash), e, appendCode(scratch[:0], &c), prune, m.nowLocked())
	m.pruneLocked()
	return e.replayed, nil
}

// SaveRefreshToken implements RefreshTokenStore. The record is kept until
// both it and its grant have expired: a token rotated away must stay known
// as rotated, so that its reuse is detected and revokes the grant
// (RFC 9700 §4.14.2; security.md S-12).
func (m *MemoryStore) SaveRefreshToken(_ context.Context, r RefreshTokenRecord) error {
	if len(r.Hash) == 0 {
		return errors.New("memory store: refresh token without hash")
	}
	k := memKeyOfHash(r.Hash)
	var scratch [recScratch]byte
	rec := appendRefresh(scratch[:0], &r)
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.pruneLocked()
	prune := max(pruneAt(r.ExpiresAt), m.grantPruneAt(r.GrantID)) // noPrune stays
	if err := m.insertLocked(kindRefresh, k, rec, prune, now); err != nil {
		return fmt.Errorf("save refresh token: %w", err)
	}
	return nil
}

// refreshToken returns the stored refresh token of the hash, checking the
// stored hash.
func (m *MemoryStore) refreshToken(hash []byte) (memRecord, RefreshTokenRecord, bool, error) {
	return findLocked(m, m.refresh, memKeyOfHash(hash), decodeRefresh,
		func(r RefreshTokenRecord) bool { return bytes.Equal(r.Hash, hash) })
}

// RotateRefreshToken implements RefreshTokenStore: the lookup and the
// marking happen under one lock, so of concurrent callers exactly one gets
// Consumed (security.md S-13).
func (m *MemoryStore) RotateRefreshToken(_ context.Context, hash []byte, now time.Time) (RefreshTokenRecord, ConsumeResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, r, ok, err := m.refreshToken(hash)
	if err != nil || !ok {
		return RefreshTokenRecord{}, NotFound, err
	}
	if !r.RotatedAt.IsZero() {
		return r, AlreadyConsumed, nil
	}
	r.RotatedAt = recTimeOf(now) // so the caller sees what a later lookup will
	var scratch [recScratch]byte
	m.replaceLocked(kindRefresh, memKeyOfHash(hash), e, appendRefresh(scratch[:0], &r), e.prune, m.nowLocked())
	return r, Consumed, nil
}

// RefreshToken implements RefreshTokenStore.
func (m *MemoryStore) RefreshToken(_ context.Context, hash []byte) (RefreshTokenRecord, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, r, ok, err := m.refreshToken(hash)
	return r, ok, err
}

// SaveAccessToken implements AccessTokenStore.
func (m *MemoryStore) SaveAccessToken(_ context.Context, r AccessTokenRecord) error {
	if len(r.Key) == 0 {
		return errors.New("memory store: access token without key")
	}
	k := memKeyOfHash(r.Key)
	var scratch [recScratch]byte
	rec := appendAccess(scratch[:0], &r)
	prune := pruneAt(r.ExpiresAt)
	// Extra is copied one level deep: its values are the team's and are
	// treated as immutable.
	extra := maps.Clone(r.Claims.Extra)
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.pruneLocked()
	if err := m.insertLocked(kindAccess, k, rec, prune, now); err != nil {
		return fmt.Errorf("save access token: %w", err)
	}
	if extra != nil {
		m.accessExtra[k] = extra
	}
	return nil
}

// AccessToken implements AccessTokenStore. The record is decoded after the
// lock is released.
func (m *MemoryStore) AccessToken(_ context.Context, key []byte) (AccessTokenRecord, bool, error) {
	k := memKeyOfHash(key)
	m.mu.Lock()
	e, ok := m.access[k]
	var rec string
	if ok {
		rec = m.slab.get(e.ref)
	}
	extra := maps.Clone(m.accessExtra[k])
	m.mu.Unlock()
	if !ok {
		return AccessTokenRecord{}, false, nil
	}
	r, err := decodeAccess(rec)
	if err != nil || !bytes.Equal(r.Key, key) {
		return AccessTokenRecord{}, false, err
	}
	r.Claims.Extra = extra
	return r, true, nil
}
