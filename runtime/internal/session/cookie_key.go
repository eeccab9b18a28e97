package session

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
)

// The key that signs session cookies, when the operator configures none:
// one random key kept in the store, made by whichever instance needs it
// first (AddState decides the race), so that every instance on one store
// verifies the cookies of the others, and a persistent store keeps
// sessions across restarts. Read once per process and then cached.
//
// The key alone yields no session: a cookie must also carry an id whose
// hash has a record, and the store keeps only the hashes.

// cookieKeyName is the entry of the shared key in statens.Secret.
const cookieKeyName = "session-cookie-key"

// cookieKeyLifetime is the shared key's expiry: for practical purposes
// never. An operator replaces it by configuring a key, or by deleting the
// entry and restarting every instance (each caches the key it read);
// either ends every session.
const cookieKeyLifetime = 100 * 365 * 24 * time.Hour

type cookieKey struct {
	store Store
	key   atomic.Pointer[[]byte] // set once known
	mu    sync.Mutex             // one loader at a time
}

func newCookieKey(st Store, key []byte) *cookieKey {
	c := &cookieKey{store: st}
	if key != nil {
		c.key.Store(&key)
	}
	return c
}

// get returns the key: the configured one, the cached one, or the store's,
// made when there is none.
func (c *cookieKey) get(ctx context.Context, now time.Time) ([]byte, error) {
	if k := c.key.Load(); k != nil {
		return *k, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if k := c.key.Load(); k != nil {
		return *k, nil
	}
	name := []byte(cookieKeyName)
	fresh := make([]byte, KeyBytes)
	_, _ = rand.Read(fresh) // crypto/rand.Read never returns an error (Go 1.24+)
	if _, err := c.store.AddState(ctx, statens.Secret, name, fresh, now.Add(cookieKeyLifetime), now); err != nil {
		return nil, fmt.Errorf("store the session key: %w", err)
	}
	key, ok, err := c.store.State(ctx, statens.Secret, name, now)
	switch {
	case err != nil:
		return nil, fmt.Errorf("read the session key: %w", err)
	case !ok || len(key) < KeyBytes:
		return nil, errors.New("read the session key: the store lost it")
	}
	c.key.Store(&key)
	return key, nil
}
