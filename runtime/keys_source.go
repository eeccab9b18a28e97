package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/keyring"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Where the server's signing keys come from: the operator's KeySet
// (Config.Keys), fixed for the server's life, or the key ring kept in the
// store (internal/keyring), shared by every instance on it and rotated on
// a schedule. Every signature and every verification asks keySet for the
// set at its instant.
type keySource interface {
	keySet(ctx context.Context, now time.Time) (*KeySet, error)
}

// staticKeys is the operator's KeySet.
type staticKeys struct{ ks *KeySet }

func (s staticKeys) keySet(context.Context, time.Time) (*KeySet, error) { return s.ks, nil }

// Key ring defaults and bounds.
const (
	// defaultKeyRotation is how long a key signs when Config.KeyRotation
	// is zero.
	defaultKeyRotation = 30 * 24 * time.Hour
	// defaultKeyPrePublish and minKeyPrePublish bound how long a new key
	// is published before it signs: longer than keyReloadEvery twice and
	// the JWK Set's five minutes in HTTP caches (reply.Public).
	defaultKeyPrePublish = time.Hour
	minKeyPrePublish     = 10 * time.Minute
	// keyReloadEvery is how often an instance rereads the ring.
	keyReloadEvery = time.Minute
	// keyRetryEvery is how soon an instance retries a failed reread; it
	// signs with the ring it has meanwhile.
	keyRetryEvery = 5 * time.Second
	// keyClockSkew is added to the longest token lifetime to decide how
	// long a retired key stays published.
	keyClockSkew = 5 * time.Minute
)

// storedKeys is the ring in the store, as this instance last read it. The
// KeySet it gives holds at an instant in [from, until): until is the ring's
// next change or the next reread, whichever comes first. Reading it is one
// atomic load; building it (rereading the store, decoding keys) is done by
// one caller at a time.
type storedKeys struct {
	store      keyring.Store
	policy     keyring.Policy
	clock      Clock
	defaultAlg string
	log        *slog.Logger

	current atomic.Pointer[keyCache]

	mu       sync.Mutex
	ring     keyring.Ring
	haveRing bool
	readAt   time.Time              // when the ring was last read, or retried
	decoded  map[string]*SigningKey // by kid
}

type keyCache struct {
	set         *KeySet
	from, until time.Time
}

func (s *storedKeys) keySet(ctx context.Context, now time.Time) (*KeySet, error) {
	if c := s.current.Load(); c != nil && !now.Before(c.from) && now.Before(c.until) {
		return c.set, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.current.Load(); c != nil && !now.Before(c.from) && now.Before(c.until) {
		return c.set, nil // built while this caller waited
	}
	if !s.haveRing || now.Sub(s.readAt) >= keyReloadEvery || now.Before(s.readAt) {
		if err := s.reload(ctx, now); err != nil {
			return nil, err
		}
	}
	set, err := s.build(now)
	if err != nil {
		return nil, err
	}
	until := s.readAt.Add(keyReloadEvery)
	if !until.After(now) {
		until = now.Add(keyRetryEvery)
	}
	if next := s.ring.NextChange(now); !next.IsZero() && next.Before(until) {
		until = next
	}
	s.current.Store(&keyCache{set: set, from: now, until: until})
	return set, nil
}

// reload rereads the ring, creating or rotating its keys when due. A
// failure with a ring in hand is logged and retried soon; without one it
// is the caller's error.
func (s *storedKeys) reload(ctx context.Context, now time.Time) error {
	r, err := keyring.Ensure(ctx, s.store, s.policy, s.clock.Now)
	if err != nil {
		if !s.haveRing {
			return fmt.Errorf("signing keys: %w", err)
		}
		s.log.LogAttrs(ctx, slog.LevelError, "signing keys not reread; signing with the ones read before", slog.String("cause", err.Error()))
		s.readAt = now.Add(keyRetryEvery - keyReloadEvery)
		return nil
	}
	s.ring, s.haveRing, s.readAt = r, true, now
	return nil
}

// build makes the KeySet of the ring at now: the active key of the
// default algorithm first, then the other algorithms' active keys, then
// every other published key (retired, or pending: RFC 7517 §5).
func (s *storedKeys) build(now time.Time) (*KeySet, error) {
	published := s.ring.Published(now)
	decoded := make(map[string]*SigningKey, len(published))
	decode := func(k keyring.Key) (*SigningKey, error) {
		if sk := decoded[k.KID]; sk != nil {
			return sk, nil
		}
		sk := s.decoded[k.KID]
		if sk == nil {
			priv, err := k.Private()
			if err != nil {
				return nil, fmt.Errorf("signing keys: %w", err)
			}
			if sk, err = NewSigningKey(priv, k.Alg); err != nil {
				return nil, fmt.Errorf("signing keys: key %s: %w", k.KID, err)
			}
		}
		decoded[k.KID] = sk
		return sk, nil
	}
	def, ok := s.ring.Active(s.defaultAlg, now)
	if !ok {
		return nil, fmt.Errorf("signing keys: the ring has no active %s key", s.defaultAlg)
	}
	first, err := decode(def)
	if err != nil {
		return nil, err
	}
	var rest []*SigningKey
	actives := map[string]bool{s.defaultAlg: true}
	for _, alg := range s.ring.Algs() {
		if k, ok := s.ring.Active(alg, now); ok && alg != s.defaultAlg {
			sk, err := decode(k)
			if err != nil {
				return nil, err
			}
			rest = append(rest, sk)
			actives[alg] = true
		}
	}
	for _, k := range published {
		if _, done := decoded[k.KID]; done || !actives[k.Alg] {
			continue // a pending key of an algorithm without an active one must not sign
		}
		sk, err := decode(k)
		if err != nil {
			return nil, err
		}
		rest = append(rest, sk)
	}
	s.decoded = decoded
	return NewKeySet(first, rest...)
}

// RotateKeys starts a rotation of the signing keys kept in the store: a
// new key for each algorithm, published at once and signing after the
// pre-publication period (Config.KeyPrePublish), unless one is pending
// already. Every instance on the store learns it within a minute. It is
// what `oauthgen keys rotate` does; with Config.Keys there is nothing to
// rotate and it returns an error.
func (s *Server) RotateKeys(ctx context.Context) error {
	sk, ok := s.keys.(*storedKeys)
	if !ok {
		return fmt.Errorf("rotate keys: the server signs with Config.Keys, which are not kept in the store")
	}
	if _, err := sk.keySet(ctx, s.clock.Now()); err != nil { // the ring exists
		return fmt.Errorf("rotate keys: %w", err)
	}
	if _, _, err := keyring.Rotate(ctx, sk.store, s.clock.Now); err != nil {
		return fmt.Errorf("rotate keys: %w", err)
	}
	sk.mu.Lock()
	sk.readAt = time.Time{} // reread at the next use
	sk.current.Store(nil)
	sk.mu.Unlock()
	return nil
}

// newKeyPolicy is the policy of the ring from the Config's durations and
// the server's token lifetimes: a key for each algorithm the server signs
// with (requiredKeyAlgs), and retired keys kept published for the longest
// lifetime of an access or ID token, and keyClockSkew. With Config.Keys
// the durations must be zero.
func newKeyPolicy(cfg Config, s Settings, flows map[oauth.GrantType]*Registration[TokenContext, TokenResponse]) (keyring.Policy, error) {
	if cfg.Keys != nil {
		if cfg.KeyRotation != 0 || cfg.KeyPrePublish != 0 {
			return keyring.Policy{}, errors.New("config: KeyRotation and KeyPrePublish apply to keys kept in the store, not to Keys")
		}
		return keyring.Policy{}, nil
	}
	pol := keyring.Policy{Algs: requiredKeyAlgs(s), Rotation: cfg.KeyRotation, PrePublish: cfg.KeyPrePublish}
	for _, alg := range pol.Algs {
		if !keyring.Supported(alg) {
			return pol, fmt.Errorf("settings: cannot generate %s keys: SigningAlg and IDTokenSigningAlg must be ES256, RS256 or EdDSA", alg)
		}
	}
	switch {
	case pol.Rotation == 0:
		pol.Rotation = defaultKeyRotation
	case pol.Rotation < 0:
		pol.Rotation = 0 // on demand only
	}
	switch {
	case pol.PrePublish == 0:
		pol.PrePublish = defaultKeyPrePublish
	case pol.PrePublish < minKeyPrePublish:
		return pol, fmt.Errorf("config: KeyPrePublish %v is under %v: verifiers would not learn a key before it signs", pol.PrePublish, minKeyPrePublish)
	}
	if pol.Rotation != 0 && pol.Rotation <= pol.PrePublish {
		return pol, fmt.Errorf("config: KeyRotation %v must be longer than KeyPrePublish %v", pol.Rotation, pol.PrePublish)
	}
	longest := s.IDTokenTTL
	for _, reg := range flows {
		longest = max(longest, reg.Policy.AccessTTL)
	}
	pol.Retention = longest + keyClockSkew
	return pol, nil
}

// storedKeys is the key source of a server without Config.Keys.
func (s *Server) storedKeys(pol keyring.Policy) *storedKeys {
	return &storedKeys{store: s.store, policy: pol, clock: s.clock, defaultAlg: s.settings.SigningAlg, log: s.log}
}
