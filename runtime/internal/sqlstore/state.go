package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The runtime.StateStore of the SQL backends: one table, every operation
// one statement, so that concurrent callers on any instance see each other.

type stateQueries struct {
	put, get, take, add, count, del, prune string
}

func newStateQueries(d Dialect) stateQueries {
	r := d.rebind
	return stateQueries{
		put: r(`INSERT INTO oauthgen_state (ns, key, value, count, expires_at) VALUES (?, ?, ?, 0, ?)
			ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, count = 0, expires_at = excluded.expires_at`),
		get:  r(`SELECT value FROM oauthgen_state WHERE ns = ? AND key = ? AND expires_at > ?`),
		take: r(`DELETE FROM oauthgen_state WHERE ns = ? AND key = ? AND expires_at > ? RETURNING value`),
		// An expired entry is replaced; a live one is left, and no row comes back.
		add: r(`INSERT INTO oauthgen_state (ns, key, value, count, expires_at) VALUES (?, ?, ?, 0, ?)
			ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, count = 0, expires_at = excluded.expires_at
			WHERE oauthgen_state.expires_at <= ? RETURNING 1`),
		count: r(`INSERT INTO oauthgen_state (ns, key, value, count, expires_at) VALUES (?, ?, ?, 1, ?)
			ON CONFLICT (ns, key) DO UPDATE SET
				count = CASE WHEN oauthgen_state.expires_at <= ? THEN 1 ELSE oauthgen_state.count + 1 END,
				expires_at = CASE WHEN oauthgen_state.expires_at <= ? THEN excluded.expires_at ELSE oauthgen_state.expires_at END
			RETURNING count`),
		del:   r(`DELETE FROM oauthgen_state WHERE ns = ? AND key = ?`),
		prune: r(`DELETE FROM oauthgen_state WHERE expires_at <= ?`),
	}
}

// PutState implements runtime.StateStore.
func (s *Store) PutState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) error {
	if err := s.db.Exec(ctx, s.sq.put, ns, key, nonNil(value), nanos(expires)); err != nil {
		return fmt.Errorf("put state %s: %w", ns, err)
	}
	s.maybePrune(ctx)
	return nil
}

// State implements runtime.StateStore.
func (s *Store) State(ctx context.Context, ns string, key []byte, now time.Time) ([]byte, bool, error) {
	var v []byte
	switch err := s.db.QueryRow(ctx, s.sq.get, ns, key, nanos(now)).Scan(&v); {
	case errors.Is(err, ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("state %s: %w", ns, err)
	}
	return v, true, nil
}

// TakeState implements runtime.StateStore with one DELETE ... RETURNING:
// of concurrent callers exactly one gets the row.
func (s *Store) TakeState(ctx context.Context, ns string, key []byte, now time.Time) ([]byte, bool, error) {
	var v []byte
	switch err := s.db.QueryRow(ctx, s.sq.take, ns, key, nanos(now)).Scan(&v); {
	case errors.Is(err, ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("take state %s: %w", ns, err)
	}
	return v, true, nil
}

// AddState implements runtime.StateStore with one conditional upsert.
func (s *Store) AddState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) (bool, error) {
	var one int64
	switch err := s.db.QueryRow(ctx, s.sq.add, ns, key, nonNil(value), nanos(expires), nanos(now)).Scan(&one); {
	case errors.Is(err, ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("add state %s: %w", ns, err)
	}
	s.maybePrune(ctx)
	return true, nil
}

// CountState implements runtime.StateStore with one upsert.
func (s *Store) CountState(ctx context.Context, ns string, key []byte, expires, now time.Time) (int64, error) {
	var n int64
	if err := s.db.QueryRow(ctx, s.sq.count, ns, key, []byte{}, nanos(expires), nanos(now), nanos(now)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count state %s: %w", ns, err)
	}
	return n, nil
}

// DeleteState implements runtime.StateStore.
func (s *Store) DeleteState(ctx context.Context, ns string, key []byte) error {
	if err := s.db.Exec(ctx, s.sq.del, ns, key); err != nil {
		return fmt.Errorf("delete state %s: %w", ns, err)
	}
	return nil
}

// nonNil keeps a nil value from becoming NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
