// Package pushed keeps pushed authorization requests (RFC 9126) in the
// server's StateStore: the validated parameters a client pushed, under the
// request_uri the server returned for them, until the authorization
// endpoint uses them once or they expire. Every instance on one store sees
// them, and of any number of uses of one request_uri, on any instances,
// exactly one finds it (TakeState).
//
// An entry is keyed by the hash of the client_id and the request_uri
// together: a request_uri presented with another client's client_id finds
// nothing and consumes nothing, and the store's reader learns neither
// value.
package pushed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/clientip"
	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
	"github.com/oauthgen/oauthgen/runtime/internal/statens"
)

// URIPrefix starts every request_uri this server returns (RFC 9126 §2.2).
const URIPrefix = "urn:ietf:params:oauth:request_uri:"

// TTL is how long a pushed request may wait for its authorization request:
// RFC 9126 §2.2 asks for a short lifetime, "between 5 and 600 seconds";
// long enough for a client to redirect the browser, short enough that a
// leaked request_uri soon means nothing.
const TTL = 60 * time.Second

// PerSource is how many requests public clients may push from one source (a
// client address; an IPv6 /64) within TTL. A public client authenticates
// with its client_id alone, so pushing for it needs nothing secret: this
// quota keeps a flood from one source from filling the store. Confidential
// clients have no quota: pushing needs their credentials, and one backend
// pushes for all of its users.
const PerSource = 200

// ErrQuota is returned when a source has pushed PerSource requests for
// public clients within TTL.
var ErrQuota = errors.New("too many pushed authorization requests from this network")

// Store is the part of the server's StateStore (runtime.StateStore) the
// pushed requests live in.
type Store interface {
	PutState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) error
	TakeState(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error)
	CountState(ctx context.Context, ns string, key []byte, expires, now time.Time) (count int64, err error)
}

// Requests are the pushed requests of one server, in its store.
type Requests struct {
	store Store
}

// New returns the pushed requests kept in st.
func New(st Store) *Requests { return &Requests{store: st} }

// record is a pushed request as the store keeps it.
type record struct {
	ClientID string `json:"client_id"`
	Params   string `json:"params"`
}

func key(clientID, uri string) []byte { return statens.Key(clientID, uri) }

// Push stores the parameters of the client's validated authorization
// request and returns the request_uri that names them, with 256 random
// bits, valid for TTL. For a public client it counts the push against the
// source's quota first (ErrQuota).
func (r *Requests) Push(ctx context.Context, clientID string, public bool, source string, p form.Params, now time.Time) (string, error) {
	expires := now.Add(TTL)
	if public {
		n, err := r.store.CountState(ctx, statens.Quota, statens.Key("pushed", clientip.Source(source)), expires, now)
		if err != nil {
			return "", fmt.Errorf("count pushed requests: %w", err)
		}
		if n > PerSource {
			return "", ErrQuota
		}
	}
	uri := URIPrefix + randtok.NewValue()
	b, err := json.Marshal(record{ClientID: clientID, Params: p.Encode()})
	if err != nil {
		return "", fmt.Errorf("encode pushed request: %w", err)
	}
	if err := r.store.PutState(ctx, statens.Pushed, key(clientID, uri), b, expires, now); err != nil {
		return "", fmt.Errorf("store pushed request: %w", err)
	}
	return uri, nil
}

// Take returns the parameters pushed by the client under uri and deletes
// them, in one atomic step. found is false for a request_uri that is
// unknown, expired, already used, or pushed by another client.
func (r *Requests) Take(ctx context.Context, clientID, uri string, now time.Time) (form.Params, bool, error) {
	if clientID == "" || len(uri) <= len(URIPrefix) || uri[:len(URIPrefix)] != URIPrefix {
		return form.Params{}, false, nil
	}
	b, ok, err := r.store.TakeState(ctx, statens.Pushed, key(clientID, uri), now)
	if err != nil {
		return form.Params{}, false, fmt.Errorf("take pushed request: %w", err)
	}
	if !ok {
		return form.Params{}, false, nil
	}
	var rec record
	if json.Unmarshal(b, &rec) != nil || rec.ClientID != clientID {
		return form.Params{}, false, nil // not ours: as if absent
	}
	p, e := form.Split(rec.Params)
	if e != nil {
		return form.Params{}, false, nil
	}
	return p, true, nil
}
