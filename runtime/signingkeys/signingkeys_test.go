package signingkeys_test

import (
	"errors"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/internal/keyring"
	"github.com/oauthgen/oauthgen/runtime/signingkeys"
)

// TestListAndRotate: an empty store has no keys; a server's ring lists
// its active keys; Rotate adds pending successors, once.
func TestListAndRotate(t *testing.T) {
	ctx := t.Context()
	st := runtime.NewMemoryStore()
	now := time.Date(2032, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return now }
	if _, err := signingkeys.List(ctx, st, now); !errors.Is(err, signingkeys.ErrNoKeys) {
		t.Fatalf("List on an empty store: %v", err)
	}
	if _, err := signingkeys.Rotate(ctx, st, clock); !errors.Is(err, signingkeys.ErrNoKeys) {
		t.Fatalf("Rotate on an empty store: %v", err)
	}
	pol := keyring.Policy{Algs: []string{"ES256", "RS256"}, PrePublish: time.Hour, Retention: time.Hour}
	if _, err := keyring.Ensure(ctx, st, pol, clock); err != nil {
		t.Fatal(err)
	}
	keys, err := signingkeys.List(ctx, st, now)
	if err != nil || len(keys) != 2 || keys[0].Alg != "ES256" || keys[0].State != "active" || keys[1].State != "active" {
		t.Fatalf("List: %+v, %v", keys, err)
	}
	added, err := signingkeys.Rotate(ctx, st, clock)
	if err != nil || len(added) != 2 || added[0].State != "pending" || !added[0].ActiveFrom.Equal(now.Add(time.Hour)) {
		t.Fatalf("Rotate: %+v, %v", added, err)
	}
	if again, _ := signingkeys.Rotate(ctx, st, clock); len(again) != 0 {
		t.Errorf("a second Rotate added %+v", again)
	}
	later := now.Add(90 * time.Minute)
	keys, _ = signingkeys.List(ctx, st, later)
	var states []string
	for _, k := range keys {
		states = append(states, k.Alg+" "+k.State)
	}
	want := []string{"ES256 retired", "ES256 active", "RS256 retired", "RS256 active"}
	if len(states) != len(want) {
		t.Fatalf("states %v, want %v", states, want)
	}
	for i := range want {
		if states[i] != want[i] {
			t.Errorf("states %v, want %v", states, want)
			break
		}
	}
}
