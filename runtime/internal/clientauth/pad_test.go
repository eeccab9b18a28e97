package clientauth

import (
	"context"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TestPadFailure: with no bcrypt hash in use a failure is not padded; once
// the verifier expects one, the first padding measures a check of it, and
// a failure waits until that long (and a quarter) has passed since it
// started; real checks move the estimate.
func TestPadFailure(t *testing.T) {
	v := NewVerifier()
	var waited []time.Duration
	v.wait = func(_ context.Context, d time.Duration) { waited = append(waited, d) }
	v.PadFailure(t.Context(), time.Now())
	if len(waited) != 0 || v.Floor() != 0 {
		t.Fatalf("padded without a bcrypt hash: %v, floor %v", waited, v.Floor())
	}

	v.Expect("sha256:abc") // not bcrypt: ignored
	low, _ := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	high, _ := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost+2)
	v.Expect(string(low))
	v.Expect(string(high))
	v.Expect(string(low)) // the costliest stays
	if got := *v.expected.Load(); got != string(high) {
		t.Fatalf("expected %q; want the costliest hash", got)
	}
	floor := v.Floor()
	if floor <= 0 {
		t.Fatal("no floor after Expect")
	}
	v.PadFailure(t.Context(), time.Now())
	if len(waited) != 1 || waited[0] > floor || waited[0] < floor/2 {
		t.Errorf("waited %v; want just under the floor %v", waited, floor)
	}
	v.PadFailure(t.Context(), time.Now().Add(-2*floor))
	if len(waited) != 1 {
		t.Errorf("a failure that already took longer than the floor waited %v", waited[1:])
	}

	before := v.cost.Load()
	v.observe(time.Duration(before) * 9)
	if after := v.cost.Load(); after != before+(8*before)/8 {
		t.Errorf("estimate %d after a 9x check; want %d", after, before+before)
	}
}

// TestPadFailureEndsWithContext: a cancelled request stops waiting.
func TestPadFailureEndsWithContext(t *testing.T) {
	v := NewVerifier()
	v.observe(time.Hour)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	v.PadFailure(ctx, time.Now()) // returns at once: the test would time out otherwise
}
