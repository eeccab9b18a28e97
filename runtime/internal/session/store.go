package session

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// Store is the part of the server's StateStore (runtime.StateStore) the
// end user's state lives in. Every instance of a server that shares one
// store sees the same sessions, interactions and consents.
type Store interface {
	PutState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) error
	State(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error)
	TakeState(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error)
	AddState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) (added bool, err error)
	CountState(ctx context.Context, ns string, key []byte, expires, now time.Time) (count int64, err error)
	DeleteState(ctx context.Context, ns string, key []byte) error
}

// put stores v, JSON-encoded, under (ns, key) until expires.
func put(ctx context.Context, st Store, ns string, key []byte, v any, expires, now time.Time) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", ns, err)
	}
	if err := st.PutState(ctx, ns, key, b, expires, now); err != nil {
		return fmt.Errorf("store %s: %w", ns, err)
	}
	return nil
}

// get reads the JSON-encoded entry under (ns, key) into v. A value that
// does not decode (written by an incompatible version) reads as absent.
func get(ctx context.Context, st Store, ns string, key []byte, v any, now time.Time) (bool, error) {
	b, ok, err := st.State(ctx, ns, key, now)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", ns, err)
	}
	if !ok || json.Unmarshal(b, v) != nil {
		return false, nil
	}
	return true, nil
}

// MarshalText encodes a key as unpadded base64url.
func (k Key) MarshalText() ([]byte, error) {
	return base64.RawURLEncoding.AppendEncode(nil, k[:]), nil
}

// UnmarshalText decodes MarshalText's encoding.
func (k *Key) UnmarshalText(b []byte) error {
	d, err := base64.RawURLEncoding.AppendDecode(nil, b)
	if err != nil {
		return err
	}
	if len(d) != len(k) {
		return fmt.Errorf("session key of %d bytes", len(d))
	}
	copy(k[:], d)
	return nil
}
