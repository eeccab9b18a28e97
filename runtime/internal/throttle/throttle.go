// Package throttle limits failed authentications: of clients at the
// endpoints that authenticate them (RFC 6749 §2.3.1: the server MUST
// protect them against brute force), and of end users at the login form
// (RFC 6749 §10.10). The counts live in the server's StateStore, so
// every instance on one store counts the same failures.
package throttle

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
)

// Store is the part of the server's StateStore (runtime.StateStore) the
// counts live in.
type Store interface {
	PutState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) error
	State(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error)
	CountState(ctx context.Context, ns string, key []byte, expires, now time.Time) (count int64, err error)
	DeleteState(ctx context.Context, ns string, key []byte) error
}

// Throttle protects password-style client authentication against brute
// force (RFC 6749 §2.3.1: the server MUST protect endpoints that use it).
// It counts failures per pair of presented client_id and client address;
// once a pair has failed ClientAuthLimit times within ClientAuthWindow,
// its requests are refused with 429 for ClientAuthBlock without the secret
// being checked. Other addresses, and other clients from the same address,
// are not affected, so an attacker cannot lock a client out everywhere.
//
// Pairs are keyed by the presented client_id whether or not it exists, so
// the throttle answers the same for unknown clients. The address is the
// connection's, or the one a trusted proxy forwarded
// (runtime/internal/clientip; RFC 9700 §4.13).
//
// A failure adds one to the pair's count in statens.Failures, which
// expires window after the first; the failure that reaches limit puts a
// block in statens.Block, whose expiry is the block's end, and starts the
// count again. Checking a pair is one read, of the block; a success is
// one more, and a write only when there are failures to forget.
//
// The login form reuses it with other keys and limits (Login).
type Throttle struct {
	store Store
	// kind separates the keys of throttles sharing a store.
	kind string
	// limit failures within window block a key for block.
	limit  int64
	window time.Duration
	block  time.Duration
}

// The limits of client authentication.
const (
	ClientAuthLimit  = 10
	ClientAuthWindow = 5 * time.Minute
	ClientAuthBlock  = 5 * time.Minute
)

// NewClientAuth returns the throttle of client authentication: 10 failures
// within 5 minutes block a pair for 5 minutes.
func NewClientAuth(st Store) *Throttle {
	return New(st, "client", ClientAuthLimit, ClientAuthWindow, ClientAuthBlock)
}

// New returns a throttle, named kind among those sharing st, that blocks
// a key for block once it has failed limit times within window.
func New(st Store, kind string, limit int, window, block time.Duration) *Throttle {
	return &Throttle{store: st, kind: kind, limit: int64(limit), window: window, block: block}
}

// Key is what a throttle counts failures of: a name (a client_id, a
// username), a client address, or the pair.
type Key struct {
	Name, Host string
}

// ClientKey is the pair of presented client_id and client address.
func ClientKey(clientID, addr string) Key { return Key{clientID, addr} }

func (t *Throttle) key(k Key) []byte { return statens.Key(t.kind, k.Name, k.Host) }

// Blocked reports how long the key stays blocked, or 0.
func (t *Throttle) Blocked(ctx context.Context, k Key, now time.Time) (time.Duration, error) {
	v, ok, err := t.store.State(ctx, statens.Block, t.key(k), now)
	if err != nil {
		return 0, fmt.Errorf("read throttle: %w", err)
	}
	if !ok || len(v) != 8 {
		return 0, nil
	}
	until := time.Unix(0, int64(binary.BigEndian.Uint64(v)))
	return max(until.Sub(now), 0), nil
}

// Fail records a failed authentication of the key.
func (t *Throttle) Fail(ctx context.Context, k Key, now time.Time) error {
	key := t.key(k)
	n, err := t.store.CountState(ctx, statens.Failures, key, now.Add(t.window), now)
	if err != nil {
		return fmt.Errorf("count failure: %w", err)
	}
	if n < t.limit {
		return nil
	}
	until := now.Add(t.block)
	if err := t.store.PutState(ctx, statens.Block, key, binary.BigEndian.AppendUint64(nil, uint64(until.UnixNano())), until, now); err != nil {
		return fmt.Errorf("block: %w", err)
	}
	if err := t.store.DeleteState(ctx, statens.Failures, key); err != nil {
		return fmt.Errorf("reset failures: %w", err)
	}
	return nil
}

// Succeed forgets the key's failures (not a block, which a blocked key
// never gets to succeed out of).
func (t *Throttle) Succeed(ctx context.Context, k Key, now time.Time) error {
	key := t.key(k)
	_, found, err := t.store.State(ctx, statens.Failures, key, now)
	if err != nil {
		return fmt.Errorf("read failures: %w", err)
	}
	if !found {
		return nil
	}
	if err := t.store.DeleteState(ctx, statens.Failures, key); err != nil {
		return fmt.Errorf("reset failures: %w", err)
	}
	return nil
}
