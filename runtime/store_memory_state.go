package runtime

import (
	"bytes"
	"context"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
)

// The MemoryStore's StateStore: a bounded table, so that no request stream
// can grow it without limit. When it is full, expired entries go first,
// then arbitrary ones, except the entries a lost copy of which would
// weaken a check or lose shared state (memStateKept): a dropped session or
// consent costs the end user a login or a consent page, never a check.

// maxMemStates bounds the state entries of a MemoryStore.
const maxMemStates = 1 << 18

type memStateKey struct {
	ns  string
	key string
}

type memState struct {
	value []byte
	count int64
	keep  bool
}

// memStateKept are the namespaces whose entries are not dropped to make
// room before they expire: throttle blocks, single-use markers (a
// dropped one would accept a replay), keys and shared secrets.
var memStateKept = map[string]bool{
	statens.Block: true, statens.Replay: true, statens.Keys: true, statens.Secret: true,
}

func newMemStates() *ttltable.Table[memStateKey, memState] {
	t := ttltable.New[memStateKey, memState](maxMemStates)
	t.Keep = func(v memState, _ time.Time) bool { return v.keep }
	return t
}

// PutState implements StateStore.
func (m *MemoryStore) PutState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.states.Put(memStateKey{ns, string(key)}, memState{value: bytes.Clone(value), keep: memStateKept[ns]}, expires, now)
	return nil
}

// State implements StateStore.
func (m *MemoryStore) State(ctx context.Context, ns string, key []byte, now time.Time) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	v, ok := m.states.Get(memStateKey{ns, string(key)}, now)
	return bytes.Clone(v.value), ok, nil
}

// TakeState implements StateStore.
func (m *MemoryStore) TakeState(ctx context.Context, ns string, key []byte, now time.Time) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	v, ok := m.states.Take(memStateKey{ns, string(key)}, now)
	return v.value, ok, nil
}

// AddState implements StateStore.
func (m *MemoryStore) AddState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	added := false
	m.states.Upsert(memStateKey{ns, string(key)}, now, func(prev memState, exp time.Time, live bool) (memState, time.Time) {
		if live {
			return prev, exp // unchanged
		}
		added = true
		return memState{value: bytes.Clone(value), keep: memStateKept[ns]}, expires
	})
	return added, nil
}

// CountState implements StateStore.
func (m *MemoryStore) CountState(ctx context.Context, ns string, key []byte, expires, now time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int64
	m.states.Upsert(memStateKey{ns, string(key)}, now, func(prev memState, exp time.Time, live bool) (memState, time.Time) {
		if !live {
			n = 1
			return memState{count: 1, keep: memStateKept[ns]}, expires
		}
		prev.count++
		n = prev.count
		return prev, exp
	})
	return n, nil
}

// DeleteState implements StateStore.
func (m *MemoryStore) DeleteState(ctx context.Context, ns string, key []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.states.Remove(memStateKey{ns, string(key)})
	return nil
}
