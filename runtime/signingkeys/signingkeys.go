// Package signingkeys administers the signing keys a server keeps in its
// store (runtime.Config without Keys): it lists them and starts a
// rotation, for operators and the `oauthgen keys` command. Servers on the
// store learn of a rotation within a minute.
package signingkeys

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/internal/keyring"
)

// ErrNoKeys is returned when the store holds no keys: no server has
// started on it yet.
var ErrNoKeys = keyring.ErrNoRing

// Key describes one key of the ring; it holds no private part.
type Key struct {
	KID string
	Alg string
	// State is "active" (signs), "pending" (published, signs from
	// ActiveFrom), "retired" (published until DropAt for the tokens it
	// signed) or "dropped" (no longer published; removed at the next
	// change).
	State string
	// Published, ActiveFrom, RetireAt and DropAt are the instants of the
	// key's roles; RetireAt and DropAt are zero while it has no successor.
	Published, ActiveFrom, RetireAt, DropAt time.Time
}

// List returns the keys in the store at now, by algorithm and then from
// the oldest.
func List(ctx context.Context, st runtime.StateStore, now time.Time) ([]Key, error) {
	r, found, err := keyring.Load(ctx, st, now)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrNoKeys
	}
	return describe(r, r.Keys, now), nil
}

// Rotate starts a rotation: for each algorithm without a pending key, a
// new key, published at once and signing after the pre-publication
// period the servers run with. It returns the keys it added.
func Rotate(ctx context.Context, st runtime.StateStore, clock func() time.Time) ([]Key, error) {
	r, added, err := keyring.Rotate(ctx, st, clock)
	if err != nil {
		return nil, err
	}
	return describe(r, added, clock()), nil
}

func describe(r keyring.Ring, keys []keyring.Key, now time.Time) []Key {
	out := make([]Key, 0, len(keys))
	for _, k := range keys {
		d := Key{KID: k.KID, Alg: k.Alg, Published: k.Published, ActiveFrom: k.ActiveFrom, RetireAt: k.RetireAt, DropAt: k.DropAt}
		active, _ := r.Active(k.Alg, now)
		switch {
		case active.KID == k.KID:
			d.State = "active"
		case k.ActiveFrom.After(now):
			d.State = "pending"
		case k.DropAt.IsZero() || now.Before(k.DropAt):
			d.State = "retired"
		default:
			d.State = "dropped"
		}
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(a, b Key) int {
		if a.Alg != b.Alg {
			return strings.Compare(a.Alg, b.Alg)
		}
		return a.ActiveFrom.Compare(b.ActiveFrom)
	})
	return out
}
