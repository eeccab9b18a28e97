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
	RotateRefreshToken(ctx context.Context, hash []byte, now time.Time) (RefreshTokenRecord, ConsumeResult, error)
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

// Store is every storage contract the token endpoint needs.
type Store interface {
	GrantStore
	CodeStore
	RefreshTokenStore
	AccessTokenStore
}
