package runtime

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
)

// TestMemoryStoreStateBudgets: each namespace stays within its budget. A
// namespace whose entries may be lost (sessions) drops old entries to take
// new ones; one whose entries must be kept (revoked JWT ids, throttle
// counts) refuses new ones with ttltable.ErrFull and loses none; a full
// namespace does not affect another.
func TestMemoryStoreStateBudgets(t *testing.T) {
	ctx := t.Context()
	m := NewMemoryStore()
	now := htStart
	exp := now.Add(time.Hour)
	key := func(i int) []byte { return binary.BigEndian.AppendUint64(make([]byte, 24), uint64(i)) }

	for _, ns := range []string{statens.Revoked, statens.Failures} {
		n := 0
		for ; ; n++ {
			err := m.PutState(ctx, ns, key(n), []byte{1}, exp, now)
			if errors.Is(err, ttltable.ErrFull) {
				break
			}
			if err != nil || n > 1<<20 {
				t.Fatalf("%s: put %d: %v", ns, n, err)
			}
		}
		if used := m.states.table(ns).Used(); used > memStateBudgets[ns] {
			t.Errorf("%s: %d bytes used, over its budget of %d", ns, used, memStateBudgets[ns])
		}
		for i := 0; i < n; i += n / 100 {
			if _, ok, _ := m.State(ctx, ns, key(i), now); !ok {
				t.Fatalf("%s: entry %d of %d was dropped", ns, i, n)
			}
		}
		// Once entries expire, there is room again.
		if err := m.PutState(ctx, ns, key(n), []byte{1}, exp.Add(time.Hour), exp); err != nil {
			t.Errorf("%s: put after expiry: %v", ns, err)
		}
	}

	budget := memStateBudgets[statens.Session]
	for i := range int(budget / 64) { // more than fit
		if err := m.PutState(ctx, statens.Session, key(i), make([]byte, 64), exp, now); err != nil {
			t.Fatalf("session put %d: %v", i, err)
		}
	}
	if used := m.states.table(statens.Session).Used(); used > budget {
		t.Errorf("sessions: %d bytes used, over the budget of %d", used, budget)
	}
	if _, ok, _ := m.State(ctx, statens.Session, key(int(budget/64)-1), now); !ok {
		t.Error("the newest session was dropped")
	}
}
