package runtime

import (
	"context"
	"time"
)

// The storage contracts. Each is small and defined here, beside the runtime
// steps that use it. MemoryStore implements all of them; a team's own
// backend must pass the same conformance suite (runtime/storetest).

// GrantStore persists grants.
type GrantStore interface {
	// SaveGrant stores a new grant.
	SaveGrant(ctx context.Context, g Grant) error
	// Grant returns the grant with the id; found is false when there is none.
	Grant(ctx context.Context, id string) (g Grant, found bool, err error)
	// RevokeGrant marks the grant revoked. Revoking an unknown or revoked
	// grant is not an error.
	RevokeGrant(ctx context.Context, id string) error
}

// CodeStore persists authorization codes.
type CodeStore interface {
	// SaveCode stores a new code under its hash.
	SaveCode(ctx context.Context, c AuthorizationCode) error
	// ConsumeCode looks the code up and marks it used in one atomic step.
	// The first call returns the record with Consumed; every later call
	// returns the record (with GrantID when SetCodeGrant was called) with
	// AlreadyConsumed; an unknown hash gives NotFound. Expiry is the
	// caller's check.
	ConsumeCode(ctx context.Context, hash []byte) (AuthorizationCode, ConsumeResult, error)
	// SetCodeGrant records the grant issued from a consumed code. It reports
	// replayed when the code was presented again after it was consumed but
	// before its grant was recorded: that replay could not revoke the grant,
	// so the caller must (RFC 6749 §4.1.2).
	SetCodeGrant(ctx context.Context, hash []byte, grantID string) (replayed bool, err error)
}

// RefreshTokenStore persists refresh tokens.
type RefreshTokenStore interface {
	// SaveRefreshToken stores a new refresh token under its hash.
	SaveRefreshToken(ctx context.Context, r RefreshTokenRecord) error
	// RotateRefreshToken looks the token up and marks it rotated at now, in
	// one atomic step: Consumed the first time, AlreadyConsumed after
	// (with RotatedAt set to the first rotation), NotFound when unknown.
	// The first rotation reduces the record to RefreshTokenRecord.Rotated,
	// what reuse detection reads (RFC 9700 §4.14.2), unless whole is set:
	// the token may still be redeemed in a grace window, and is kept
	// whole. It returns the record as the store then holds it, and every
	// later lookup returns the same.
	RotateRefreshToken(ctx context.Context, hash []byte, now time.Time, whole bool) (RefreshTokenRecord, ConsumeResult, error)
	// RefreshToken looks a token up without changing it.
	RefreshToken(ctx context.Context, hash []byte) (r RefreshTokenRecord, found bool, err error)
}

// AccessTokenStore remembers issued access tokens.
type AccessTokenStore interface {
	// SaveAccessToken stores a record under its key.
	SaveAccessToken(ctx context.Context, r AccessTokenRecord) error
	// AccessToken returns the record under the key.
	AccessToken(ctx context.Context, key []byte) (r AccessTokenRecord, found bool, err error)
	// RevokeAccessToken marks the record under the key revoked, and every
	// later AccessToken returns it with Revoked set. Revoking an unknown or
	// revoked token is not an error.
	RevokeAccessToken(ctx context.Context, key []byte) error
}

// StateStore keeps the runtime's other shared state: browser sessions,
// pending interactions and their CSRF tokens, remembered consents,
// throttle counters, replay caches, the signing keys and the secrets
// instances share. Each entry is a value the runtime encodes, opaque to
// the store, under a namespace and a key, until it expires; an entry is
// never returned at or after its expiry. Every call takes the caller's
// instant, now, so that expiry is the server's Clock's.
type StateStore interface {
	// PutState stores value under (ns, key) until expires, replacing what
	// was there and resetting its count.
	PutState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) error
	// State returns the value under (ns, key).
	State(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error)
	// TakeState returns the value under (ns, key) and deletes it, in one
	// atomic step: of concurrent callers exactly one finds it.
	TakeState(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error)
	// AddState stores value under (ns, key) until expires unless a live
	// entry is there, in one atomic step, and reports whether it stored:
	// of concurrent callers exactly one does.
	AddState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) (added bool, err error)
	// CountState adds one to the count under (ns, key) and returns it. A
	// missing or expired entry starts at 1, expiring at expires; a live
	// one keeps its expiry. Concurrent calls each count once.
	CountState(ctx context.Context, ns string, key []byte, expires, now time.Time) (count int64, err error)
	// DeleteState deletes the entry under (ns, key), if any.
	DeleteState(ctx context.Context, ns string, key []byte) error
}

// Store is every storage contract of the runtime.
type Store interface {
	GrantStore
	CodeStore
	RefreshTokenStore
	AccessTokenStore
	StateStore
}
