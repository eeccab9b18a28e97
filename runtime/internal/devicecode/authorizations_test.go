package devicecode_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/internal/devicecode"
	"github.com/oauthgen/oauthgen/runtime/internal/statens"
)

// interleaving is a store that runs between once, the first time a read
// of the device namespace returns: another instance's work between a
// poll's read of the authorization and its next step.
type interleaving struct {
	*runtime.MemoryStore
	once    sync.Once
	between func()
	armed   bool
}

func (s *interleaving) State(ctx context.Context, ns string, key []byte, now time.Time) ([]byte, bool, error) {
	v, ok, err := s.MemoryStore.State(ctx, ns, key, now)
	if s.armed && ns == statens.Device && ok {
		s.once.Do(s.between)
	}
	return v, ok, err
}

var t0 = time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)

// start stores an authorization of client tv and approves it.
func start(t *testing.T, a *devicecode.Authorizations) string {
	t.Helper()
	rec := devicecode.Authorization{ClientID: "tv", Scope: []string{"read"}, IssuedAt: t0, ExpiresAt: t0.Add(10 * time.Minute), Interval: 5}
	code, err := a.Start(t.Context(), &rec, true, "192.0.2.1", t0)
	if err != nil {
		t.Fatal(err)
	}
	found, ok, err := a.Lookup(t.Context(), rec.UserCode, t0)
	if err != nil || !ok {
		t.Fatalf("Lookup: %v %v", ok, err)
	}
	if decided, err := a.Decide(t.Context(), found, devicecode.Decision{Approved: true, Scope: []string{"read"}, Subject: "alice"}, t0); err != nil || !decided {
		t.Fatalf("Decide: %v %v", decided, err)
	}
	if decided, _ := a.Decide(t.Context(), found, devicecode.Decision{}, t0); decided {
		t.Fatal("a second decision was recorded")
	}
	return code
}

// TestPollRedeemedMeanwhile: a poll that read the approved authorization
// just before another poll redeemed it gets neither tokens nor
// authorization_pending: the approval and the slot outlive the redemption
// (RFC 8628 §5.2, single use, across instances).
func TestPollRedeemedMeanwhile(t *testing.T) {
	st := &interleaving{MemoryStore: runtime.NewMemoryStore()}
	a := devicecode.New(st)
	code := start(t, a)
	var first devicecode.Poll
	st.between = func() {
		st.armed = false
		var err error
		if first, err = a.Poll(t.Context(), code, "tv", t0); err != nil {
			t.Error(err)
		}
	}
	st.armed = true
	second, err := a.Poll(t.Context(), code, "tv", t0)
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != devicecode.Approved {
		t.Fatalf("the poll in between: %v, want Approved", first.Status)
	}
	if second.Status == devicecode.Approved || second.Status == devicecode.Pending {
		t.Errorf("the poll that read first: %v, want neither Approved nor Pending", second.Status)
	}
	if later, _ := a.Poll(t.Context(), code, "tv", t0.Add(time.Minute)); later.Status != devicecode.Unknown {
		t.Errorf("a poll after the redemption: %v, want Unknown", later.Status)
	}
}

// TestPollStatuses: another client's code is Unknown; a poll within the
// interval is SlowDown and the interval grows by 5 s for the next; an
// expired authorization is Expired.
func TestPollStatuses(t *testing.T) {
	a := devicecode.New(runtime.NewMemoryStore())
	rec := devicecode.Authorization{ClientID: "tv", IssuedAt: t0, ExpiresAt: t0.Add(10 * time.Minute), Interval: 5}
	code, err := a.Start(t.Context(), &rec, false, "192.0.2.1", t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		client string
		at     time.Duration
		want   devicecode.Status
	}{
		{"other", 0, devicecode.Unknown},
		{"tv", 0, devicecode.Pending},
		{"tv", 4 * time.Second, devicecode.SlowDown}, // interval now 10 s, from here
		{"tv", 13 * time.Second, devicecode.SlowDown},
		{"tv", 29 * time.Second, devicecode.Pending}, // 16 s after, the interval being 15 s
		{"tv", 10 * time.Minute, devicecode.Expired},
	} {
		p, err := a.Poll(t.Context(), code, step.client, t0.Add(step.at))
		if err != nil || p.Status != step.want {
			t.Errorf("poll by %s at +%v: %v %v, want %v", step.client, step.at, p.Status, err, step.want)
		}
	}
}
