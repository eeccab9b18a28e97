package runtime

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
)

// The MemoryStore's StateStore: one table per namespace, each with a
// budget of bytes (memStateBudgets), so that no request stream can grow
// the store past the sum of them, nor crowd one kind of state out with
// another: a flood of failed logins cannot evict sessions. In the tables
// whose entries may be lost, a full table drops expired entries first,
// then arbitrary ones: a dropped session or consent costs the end user a
// login or a consent page, never a check. In the others (memStateKept) a
// full table refuses new entries with an error, and the caller fails
// closed.

// memStateBudgets are the bytes the entries of each namespace may cost,
// with memStateOverhead per entry for the maps, keys and slices. Together
// they bound the MemoryStore's state at about 169 MiB.
var memStateBudgets = map[string]int64{
	statens.Session:     16 << 20,
	statens.Interaction: 24 << 20,
	statens.CSRF:        8 << 20,
	statens.Consent:     8 << 20,
	statens.Failures:    8 << 20,
	statens.Block:       4 << 20,
	statens.Quota:       4 << 20,
	statens.Replay:      16 << 20,
	statens.Revoked:     16 << 20,
	statens.Keys:        4 << 20,
	statens.Secret:      1 << 20,
	statens.Pushed:      16 << 20,
	statens.Relying:     4 << 20,
	statens.Logout:      4 << 20,
	statens.Device:      16 << 20,
	statens.UserCode:    4 << 20,
}

// memStateDefaultBudget is the budget of a namespace not listed above.
const memStateDefaultBudget = 16 << 20

// memStateOverhead is what an entry costs beyond its key and value: the
// map's slot with the entry's fields, the key's allocation, and the
// map's slack between growths.
const memStateOverhead = 192

// memStateKept are the namespaces whose entries are not dropped to make
// room before they expire (pushed authorization requests may be: a dropped
// one costs its client a new push, never a check): throttle counts and blocks and quotas (a
// dropped count would reset an attacker's), single-use markers (a dropped
// one would accept a replay), revoked JWT ids (a dropped one would make a
// revoked token active again), keys and shared secrets. Namespaces not
// listed in memStateBudgets are kept too: a store must not guess that
// losing them is harmless.
func memStateKept(ns string) bool {
	switch ns {
	case statens.Session, statens.Interaction, statens.CSRF, statens.Consent, statens.Pushed:
		return false
	}
	return true
}

type memState struct {
	value []byte
	count int64
}

// memStates are the MemoryStore's state tables by namespace, made on
// first use.
type memStates struct {
	mu     sync.Mutex
	tables map[string]*ttltable.Table[string, memState]
}

func (s *memStates) table(ns string) *ttltable.Table[string, memState] {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tables[ns]
	if !ok {
		budget, listed := memStateBudgets[ns]
		if !listed {
			budget = memStateDefaultBudget
		}
		t = ttltable.New(budget, memStateKept(ns), func(k string, v memState) int64 {
			return int64(len(k)+len(v.value)) + memStateOverhead
		})
		if s.tables == nil {
			s.tables = make(map[string]*ttltable.Table[string, memState])
		}
		s.tables[ns] = t
	}
	return t
}

// errMemStateFull is the MemoryStore's answer when a namespace whose
// entries it must keep is at its budget.
func errMemStateFull(ns string) error {
	return fmt.Errorf("memory store: %s state at its budget: %w", ns, ttltable.ErrFull)
}

// PutState implements StateStore.
func (m *MemoryStore) PutState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.states.table(ns).Put(string(key), memState{value: bytes.Clone(value)}, expires, now); err != nil {
		return errMemStateFull(ns)
	}
	return nil
}

// State implements StateStore.
func (m *MemoryStore) State(ctx context.Context, ns string, key []byte, now time.Time) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	v, ok := m.states.table(ns).Get(string(key), now)
	return bytes.Clone(v.value), ok, nil
}

// TakeState implements StateStore.
func (m *MemoryStore) TakeState(ctx context.Context, ns string, key []byte, now time.Time) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	v, ok := m.states.table(ns).Take(string(key), now)
	return v.value, ok, nil
}

// AddState implements StateStore.
func (m *MemoryStore) AddState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	added := false
	err := m.states.table(ns).Upsert(string(key), now, func(prev memState, exp time.Time, live bool) (memState, time.Time) {
		if live {
			return prev, exp // unchanged
		}
		added = true
		return memState{value: bytes.Clone(value)}, expires
	})
	if err != nil {
		return false, errMemStateFull(ns)
	}
	return added, nil
}

// CountState implements StateStore.
func (m *MemoryStore) CountState(ctx context.Context, ns string, key []byte, expires, now time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int64
	err := m.states.table(ns).Upsert(string(key), now, func(prev memState, exp time.Time, live bool) (memState, time.Time) {
		if !live {
			n = 1
			return memState{count: 1}, expires
		}
		prev.count++
		n = prev.count
		return prev, exp
	})
	if err != nil {
		return 0, errMemStateFull(ns)
	}
	return n, nil
}

// DeleteState implements StateStore.
func (m *MemoryStore) DeleteState(ctx context.Context, ns string, key []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.states.table(ns).Remove(string(key))
	return nil
}
