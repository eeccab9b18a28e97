package throttle

import (
	"context"
	"errors"

	"github.com/oauthgen/oauthgen/runtime/internal/clientip"
	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"time"
)

// Guard throttles the failed authentications of one kind of name (a
// client_id, a username), counted three ways, so that no one can reset
// an attacker's count or turn the throttle against a real user:
//
//   - the pair of name and source, under a Policy of its own: the
//     attacker guessing one name from one source waits, progressively
//     longer for a login;
//   - the source, for any name: a source that fails too often is refused
//     for every name, against one password tried on many accounts, and
//     against a source creating counts for ever new junk names (each
//     source can create only so many);
//   - the name, from any source: a name that fails too often everywhere
//     is under attack, and while it is, a source that has already failed
//     AttackAllowance times for it is refused, while a source with fewer
//     failures, such as the real user's, still gets its attempts: a
//     distributed guesser is slowed to a few guesses per source and
//     window, and the name is never locked out.
//
// Names are counted whether or not they exist, and an attempt is refused
// before its secret is checked, so the throttle tells nothing about which
// names exist. Sources are client addresses (runtime/internal/clientip:
// the connection's, unless a trusted proxy forwarded it), IPv6 ones by
// their /64 prefix, which one subscriber usually holds whole.
//
// The counts are kept by the server's store with bounded, hashed keys;
// a store that cannot count a failure makes Fail return its error, and the
// caller fails closed.
type Guard struct {
	pair, source, name counter
	// allowance is how many failures a pair may have while its name is
	// under attack.
	allowance int64
}

// Limits are a Guard's three policies and its allowance.
type Limits struct {
	Pair, Source, Name Policy
	AttackAllowance    int64
}

// NewGuard returns the guard of kind (which separates guards sharing a
// store) counting in st.
func NewGuard(st Store, kind string, l Limits) *Guard {
	return &Guard{
		pair:      counter{st, kind + "-pair", l.Pair},
		source:    counter{st, kind + "-source", l.Source},
		name:      counter{st, kind + "-name", l.Name},
		allowance: l.AttackAllowance,
	}
}

// Refusal says why an attempt is refused and for how long; the zero value
// allows it.
type Refusal struct {
	// By is what is throttled: "pair", "source" or "name".
	By string
	// Wait is how long until an attempt may be made again.
	Wait time.Duration
}

// Refused reports whether the attempt is refused.
func (r Refusal) Refused() bool { return r.Wait > 0 }

// Check reports whether an attempt for name from addr must be refused
// without checking its secret.
func (g *Guard) Check(ctx context.Context, name, addr string, now time.Time) (Refusal, error) {
	src := clientip.Source(addr)
	pairKey := g.pair.key(name, src)
	for _, c := range []struct {
		by  string
		c   counter
		key []byte
	}{{"pair", g.pair, pairKey}, {"source", g.source, g.source.key(src, "")}} {
		d, err := c.c.waiting(ctx, c.key, now)
		if err != nil || d > 0 {
			return Refusal{By: c.by, Wait: d}, err
		}
	}
	attack, err := g.name.waiting(ctx, g.name.key(name, ""), now)
	if err != nil || attack == 0 {
		return Refusal{}, err
	}
	d, err := readUntil(ctx, g.pair.store, g.attackMark(pairKey), now)
	return Refusal{By: "name", Wait: min(d, attack)}, err
}

// attackMark is the key of the mark a pair gets when it has used its
// allowance: while its name is under attack, a marked pair is refused.
func (g *Guard) attackMark(pairKey []byte) []byte { return g.pair.key("attack", string(pairKey)) }

// Fail records a failed attempt for name from addr.
func (g *Guard) Fail(ctx context.Context, name, addr string, now time.Time) error {
	src := clientip.Source(addr)
	pairKey := g.pair.key(name, src)
	n, err := g.pair.fail(ctx, pairKey, now)
	if err != nil {
		return err
	}
	if n >= g.allowance {
		if err := putUntil(ctx, g.pair.store, g.attackMark(pairKey), now.Add(g.name.policy.Window), now); err != nil {
			return err
		}
	}
	if _, err := g.source.fail(ctx, g.source.key(src, ""), now); err != nil {
		return err
	}
	_, err = g.name.fail(ctx, g.name.key(name, ""), now)
	return err
}

// Succeed forgets the pair's failures, whose secret is now proven. The
// source and the name keep theirs: one valid account must not let a
// source try others without limit, nor end an attack on the name.
func (g *Guard) Succeed(ctx context.Context, name, addr string) error {
	pairKey := g.pair.key(name, clientip.Source(addr))
	return errors.Join(g.pair.forget(ctx, pairKey), g.pair.store.DeleteState(ctx, statens.Block, g.attackMark(pairKey)))
}
