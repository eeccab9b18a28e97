// Package devicecode keeps the device authorizations of the device flow
// (RFC 8628) in the server's StateStore, so that every instance on one
// store sees them: the request a device started, under the hash of its
// device code; its user code, which names it on the verification page; the
// end user's decision; and the device's polling rate.
//
// Every step that must happen once is one atomic store operation, on any
// number of instances: the user code is claimed with AddState (unique among
// live codes), the decision is added with AddState (approval or denial,
// once), each poll takes its slot with AddState (a poll before the slot
// expires is slow_down), and the approved authorization is redeemed with
// TakeState (of concurrent polls, one gets tokens).
//
// Keys are hashes (statens.Key): a reader of the store learns no device
// code and no user code.
package devicecode

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/clientip"
	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
	"github.com/oauthgen/oauthgen/runtime/internal/statens"
)

// Defaults of a device authorization (RFC 8628 §3.2).
const (
	// DefaultTTL is how long the codes live: expires_in.
	DefaultTTL = 10 * time.Minute
	// MaxTTL is the longest lifetime the runtime accepts: a user code is
	// short, so it must not stay guessable for long (RFC 8628 §5.1).
	MaxTTL = 30 * time.Minute
	// DefaultInterval is the polling interval: the interval member, and
	// what clients use when it is absent (RFC 8628 §3.2).
	DefaultInterval = 5 * time.Second
	// SlowDownStep is how much slow_down adds to the interval, for that
	// poll and every later one (RFC 8628 §3.5).
	SlowDownStep = 5 * time.Second
	// ExpiredGrace is how long an expired authorization is remembered, so
	// that the device's polls get expired_token rather than invalid_grant.
	ExpiredGrace = 10 * time.Minute
)

// PerSource is how many device authorizations public clients may start
// from one source (a client address; an IPv6 /64) within DefaultTTL. A
// public client authenticates with its client_id alone, so starting one
// needs nothing secret: the quota keeps a flood from filling the store.
const PerSource = 100

// ErrQuota is returned when a source has started PerSource device
// authorizations for public clients within DefaultTTL.
var ErrQuota = errors.New("too many device authorizations from this network")

// maxUserCodeTries is how many user codes Start draws before giving up:
// a collision among live codes is rare (20^8 codes), several in a row mean
// a store that refuses.
const maxUserCodeTries = 8

// Store is the part of the server's StateStore (runtime.StateStore) the
// device authorizations live in.
type Store interface {
	PutState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) error
	State(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error)
	TakeState(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error)
	AddState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) (added bool, err error)
	CountState(ctx context.Context, ns string, key []byte, expires, now time.Time) (count int64, err error)
	DeleteState(ctx context.Context, ns string, key []byte) error
}

// Authorization is a device authorization request as the store keeps it
// (RFC 8628 §3.1): the client, what it may get, and its codes' lifetime.
type Authorization struct {
	ClientID  string    `json:"client_id"`
	Scope     []string  `json:"scope,omitempty"`
	Resources []string  `json:"resources,omitempty"`
	UserCode  string    `json:"user_code"` // normalised
	IssuedAt  time.Time `json:"iat"`
	ExpiresAt time.Time `json:"exp"`
	Interval  int64     `json:"interval"` // seconds
}

// Decision is the end user's answer on the verification page.
type Decision struct {
	Approved bool `json:"approved"`
	// Scope is the scope the user approved; Subject, AuthTime, AMR and SID
	// their authentication.
	Scope    []string  `json:"scope,omitempty"`
	Subject  string    `json:"sub,omitempty"`
	AuthTime time.Time `json:"auth_time,omitzero"`
	AMR      []string  `json:"amr,omitempty"`
	SID      string    `json:"sid,omitempty"`
}

// Authorizations are the device authorizations of one server, in its
// store.
type Authorizations struct {
	store Store
}

// New returns the device authorizations kept in st.
func New(st Store) *Authorizations { return &Authorizations{store: st} }

// handle is the key of an authorization: the hash of its device code.
// Every other entry of the authorization is keyed from it.
type handle []byte

func handleOf(deviceCode string) handle { return randtok.Hash(deviceCode) }

func (h handle) decision() []byte { return statens.Key("decision", string(h)) }
func (h handle) slot() []byte     { return statens.Key("poll", string(h)) }
func (h handle) interval() []byte { return statens.Key("interval", string(h)) }

func userCodeKey(code string) []byte { return statens.Key(code) }

// kept is until when the entries of an authorization stay: past its
// expiry by ExpiredGrace.
func kept(a Authorization) time.Time { return a.ExpiresAt.Add(ExpiredGrace) }

// Start stores a device authorization for a and returns its device code,
// 256 random bits kept only as a hash (RFC 8628 §5.2), and its user code,
// unique among live codes (RFC 8628 §6.1), which a.UserCode receives. For
// a public client it counts the start against the source's quota first
// (ErrQuota).
func (s *Authorizations) Start(ctx context.Context, a *Authorization, public bool, source string, now time.Time) (deviceCode string, err error) {
	if public {
		n, err := s.store.CountState(ctx, statens.Quota, statens.Key("device", clientip.Source(source)), now.Add(DefaultTTL), now)
		if err != nil {
			return "", fmt.Errorf("count device authorizations: %w", err)
		}
		if n > PerSource {
			return "", ErrQuota
		}
	}
	deviceCode = randtok.NewValue()
	h := handleOf(deviceCode)
	claimed := false
	for range maxUserCodeTries {
		a.UserCode = NewUserCode()
		ok, err := s.store.AddState(ctx, statens.UserCode, userCodeKey(a.UserCode), h, a.ExpiresAt, now)
		if err != nil {
			return "", fmt.Errorf("store user code: %w", err)
		}
		if claimed = ok; ok {
			break
		}
	}
	if !claimed {
		return "", errors.New("store user code: no free user code")
	}
	b, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("encode device authorization: %w", err)
	}
	if err := s.store.PutState(ctx, statens.Device, h, b, kept(*a), now); err != nil {
		return "", fmt.Errorf("store device authorization: %w", err)
	}
	return deviceCode, nil
}

// Found is a device authorization found by its user code, waiting for
// the end user.
type Found struct {
	Authorization
	h handle
}

// Lookup finds the authorization whose user code is code (normalised):
// found is false for a code that is unknown, expired, or already decided.
func (s *Authorizations) Lookup(ctx context.Context, code string, now time.Time) (Found, bool, error) {
	if code == "" {
		return Found{}, false, nil
	}
	h, ok, err := s.store.State(ctx, statens.UserCode, userCodeKey(code), now)
	if err != nil || !ok {
		return Found{}, false, wrap("read user code", err)
	}
	a, ok, err := s.load(ctx, h, now)
	if err != nil || !ok || a.UserCode != code || !now.Before(a.ExpiresAt) {
		return Found{}, false, err
	}
	if _, decided, err := s.store.State(ctx, statens.Device, handle(h).decision(), now); err != nil || decided {
		return Found{}, false, wrap("read decision", err)
	}
	return Found{Authorization: a, h: h}, true, nil
}

// Decide records the end user's decision on p, once: of any number of
// decisions on one authorization, on any instances, the first is kept and
// decided is true for it alone. The user code is then forgotten.
func (s *Authorizations) Decide(ctx context.Context, p Found, d Decision, now time.Time) (decided bool, err error) {
	b, err := json.Marshal(d)
	if err != nil {
		return false, fmt.Errorf("encode decision: %w", err)
	}
	if decided, err = s.store.AddState(ctx, statens.Device, p.h.decision(), b, kept(p.Authorization), now); err != nil {
		return false, fmt.Errorf("store decision: %w", err)
	}
	if decided {
		// Forgetting the code is tidiness: a decided code is refused anyway.
		_ = s.store.DeleteState(ctx, statens.UserCode, userCodeKey(p.UserCode))
	}
	return decided, nil
}

// Status is the answer to a poll (RFC 8628 §3.5).
type Status uint8

// The statuses of a poll.
const (
	// Unknown: no authorization of this client has the device code (never
	// issued, another client's, already redeemed, or long expired).
	Unknown Status = iota
	// Expired: the codes have expired.
	Expired
	// SlowDown: the poll came before the interval had passed; the
	// interval grows by SlowDownStep.
	SlowDown
	// Pending: the end user has not decided yet.
	Pending
	// Denied: the end user denied the request.
	Denied
	// Approved: the end user approved, and this poll redeemed the
	// authorization, which no later poll finds.
	Approved
)

// Poll is the outcome of a poll.
type Poll struct {
	Status Status
	// Authorization and Decision are set when Status is Approved.
	Authorization Authorization
	Decision      Decision
	// Interval is the interval the device must now keep.
	Interval time.Duration
}

// Poll answers the device's token request for deviceCode by clientID, in
// order (RFC 8628 §3.4, §3.5): the authorization must exist and be the
// client's, and not have expired; a poll before the current interval has
// passed since the last one is SlowDown, which adds SlowDownStep to the
// interval of every later poll; then the decision: none yet is Pending, a
// denial Denied, an approval Approved, for the one poll that takes the
// authorization (TakeState).
func (s *Authorizations) Poll(ctx context.Context, deviceCode, clientID string, now time.Time) (Poll, error) {
	if deviceCode == "" {
		return Poll{}, nil
	}
	h := handleOf(deviceCode)
	a, ok, err := s.load(ctx, h, now)
	if err != nil || !ok || a.ClientID != clientID {
		return Poll{}, err
	}
	if !now.Before(a.ExpiresAt) {
		return Poll{Status: Expired}, nil
	}
	interval, err := s.interval(ctx, h, a, now)
	if err != nil {
		return Poll{}, err
	}
	took, err := s.store.AddState(ctx, statens.Device, h.slot(), []byte{1}, now.Add(interval), now)
	if err != nil {
		return Poll{}, fmt.Errorf("take poll slot: %w", err)
	}
	if !took {
		interval += SlowDownStep
		b := []byte(fmt.Sprint(int64(interval / time.Second)))
		if err := s.store.PutState(ctx, statens.Device, h.interval(), b, kept(a), now); err != nil {
			return Poll{}, fmt.Errorf("store interval: %w", err)
		}
		if err := s.store.PutState(ctx, statens.Device, h.slot(), []byte{1}, now.Add(interval), now); err != nil {
			return Poll{}, fmt.Errorf("store poll slot: %w", err)
		}
		return Poll{Status: SlowDown, Interval: interval}, nil
	}
	b, decided, err := s.store.State(ctx, statens.Device, h.decision(), now)
	if err != nil {
		return Poll{}, fmt.Errorf("read decision: %w", err)
	}
	if !decided {
		return Poll{Status: Pending, Interval: interval}, nil
	}
	var d Decision
	if json.Unmarshal(b, &d) != nil {
		return Poll{}, errors.New("read decision: malformed")
	}
	if !d.Approved {
		return Poll{Status: Denied, Interval: interval}, nil
	}
	if _, ok, err := s.store.TakeState(ctx, statens.Device, h, now); err != nil || !ok {
		return Poll{}, wrap("redeem device authorization", err) // another poll redeemed it
	}
	// The decision, slot and interval stay until they expire: a poll that
	// read the authorization before this one took it must still find the
	// slot taken or the decision made, never an authorization pending.
	return Poll{Status: Approved, Authorization: a, Decision: d, Interval: interval}, nil
}

// interval is the authorization's current polling interval: its own,
// grown by every slow_down.
func (s *Authorizations) interval(ctx context.Context, h handle, a Authorization, now time.Time) (time.Duration, error) {
	d := time.Duration(a.Interval) * time.Second
	b, ok, err := s.store.State(ctx, statens.Device, h.interval(), now)
	if err != nil {
		return 0, fmt.Errorf("read interval: %w", err)
	}
	var n int64
	if ok && json.Unmarshal(b, &n) == nil && n > 0 {
		d = time.Duration(n) * time.Second
	}
	return d, nil
}

// load reads the authorization of h.
func (s *Authorizations) load(ctx context.Context, h handle, now time.Time) (Authorization, bool, error) {
	b, ok, err := s.store.State(ctx, statens.Device, h, now)
	if err != nil || !ok {
		return Authorization{}, false, wrap("read device authorization", err)
	}
	var a Authorization
	if json.Unmarshal(b, &a) != nil {
		return Authorization{}, false, nil // not ours: as if absent
	}
	return a, true, nil
}

// wrap wraps a store's error with what was being done; nil stays nil.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
