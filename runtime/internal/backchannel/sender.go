package backchannel

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
)

// A delivery is one logout token owed to one relying party. It is kept in
// the StateStore in one of Slots fixed slots (taken with AddState, so two
// deliveries never share one), so that any instance can find the
// deliveries of an instance that stopped mid-way (Resume). Each attempt
// is claimed with AddState under the delivery's jti and the attempt's
// number: of any number of instances, one sends it. Between attempts the
// record says when the next is due; an instance that finds it overdue by
// more than Grace takes over.

// Store is the part of the server's StateStore deliveries live in.
type Store interface {
	PutState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) error
	State(ctx context.Context, ns string, key []byte, now time.Time) (value []byte, found bool, err error)
	AddState(ctx context.Context, ns string, key, value []byte, expires, now time.Time) (added bool, err error)
	DeleteState(ctx context.Context, ns string, key []byte) error
}

// Defaults of a Sender.
const (
	// Slots bounds the deliveries pending at once across the instances;
	// a delivery that finds none free is still attempted by its instance,
	// only not resumable by another.
	Slots = 64
	// Grace is how long past its due time an attempt may still be its
	// owner's before another instance takes it over.
	Grace = 30 * time.Second
	// AttemptTimeout bounds one request to a receiver.
	AttemptTimeout = 5 * time.Second
	// maxBody is what is read of a receiver's answer.
	maxBody = 4 << 10
)

// DefaultSchedule are the waits between attempts: six attempts within
// about eight minutes.
var DefaultSchedule = []time.Duration{time.Second, 5 * time.Second, 30 * time.Second, 2 * time.Minute, 5 * time.Minute}

// Delivery is one logout token owed to one client.
type Delivery struct {
	// ID is the jti of its logout tokens: the same at every attempt, so a
	// receiver that got an earlier one sees a replay.
	ID      string    `json:"jti"`
	Client  string    `json:"client"`
	URI     string    `json:"uri"`
	Subject string    `json:"sub,omitempty"`
	SID     string    `json:"sid,omitempty"`
	Attempt int       `json:"attempt"`
	Next    time.Time `json:"next"`
	// Deadline ends the delivery, delivered or not; Slot is its slot, or
	// -1 without one.
	Deadline time.Time `json:"deadline"`
	Slot     int       `json:"slot"`
}

// Sender sends the logout tokens of a server.
type Sender struct {
	Store Store
	// HTTP makes the requests; it follows no redirect.
	HTTP *http.Client
	// Sign signs the logout token of d for its attempt at now.
	Sign func(ctx context.Context, d Delivery, now time.Time) (string, error)
	// Now is the server's clock.
	Now func() time.Time
	// Pause waits d or until ctx ends; tests advance their clock instead.
	Pause func(ctx context.Context, d time.Duration) error
	// Schedule are the waits between attempts: len(Schedule)+1 attempts.
	Schedule []time.Duration
	Log      *slog.Logger

	wg sync.WaitGroup
}

// New returns a Sender with the default schedule, real waits, and a copy
// of client that follows no redirect (a receiver's answer is final).
func New(st Store, client *http.Client, now func() time.Time, sign func(context.Context, Delivery, time.Time) (string, error), log *slog.Logger) *Sender {
	if client == nil {
		client = &http.Client{}
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Sender{Store: st, HTTP: &c, Sign: sign, Now: now, Pause: realWait, Schedule: DefaultSchedule, Log: log}
}

func realWait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Deadline is when a delivery starting at now ends: after its last attempt
// is due, with Grace for a takeover.
func (s *Sender) Deadline(now time.Time) time.Time {
	d := now
	for _, w := range s.Schedule {
		d = d.Add(w)
	}
	return d.Add(Grace + AttemptTimeout)
}

func slotKey(i int) []byte { return statens.Key("slot", strconv.Itoa(i)) }

func attemptKey(id string, n int) []byte { return statens.Key("attempt", id, strconv.Itoa(n)) }

// Start records the deliveries and sends them in the background, with
// their retries. The channel closes when each has had its first attempt,
// which the caller may wait for a short while. ctx should outlive the
// request (context.WithoutCancel).
func (s *Sender) Start(ctx context.Context, ds []Delivery) <-chan struct{} {
	first := make(chan struct{})
	var firsts sync.WaitGroup
	for i := range ds {
		d := ds[i]
		d.Slot = s.takeSlot(ctx, d)
		firsts.Add(1)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.run(ctx, d, firsts.Done)
		}()
	}
	go func() {
		firsts.Wait()
		close(first)
	}()
	return first
}

// takeSlot stores d in a free slot, from a random one on; -1 when none
// is free or the store fails (the delivery then lives in this process
// only, and the log says so).
func (s *Sender) takeSlot(ctx context.Context, d Delivery) int {
	var b [8]byte
	_, _ = rand.Read(b[:])
	start := int(binary.BigEndian.Uint64(b[:]) % Slots)
	now := s.Now()
	for i := range Slots {
		slot := (start + i) % Slots
		d.Slot = slot
		v, err := json.Marshal(d)
		if err != nil {
			break
		}
		added, err := s.Store.AddState(ctx, statens.Logout, slotKey(slot), v, d.Deadline, now)
		if err != nil {
			s.Log.LogAttrs(ctx, slog.LevelWarn, "back-channel logout not recorded", slog.String("client_id", d.Client), slog.String("cause", err.Error()))
			return -1
		}
		if added {
			return slot
		}
	}
	s.Log.LogAttrs(ctx, slog.LevelWarn, "back-channel logout not recorded: every slot is taken", slog.String("client_id", d.Client))
	return -1
}

// Resume takes over the recorded deliveries whose next attempt is overdue
// by more than Grace: their instance stopped. It returns at once; the
// deliveries run in the background.
func (s *Sender) Resume(ctx context.Context) {
	now := s.Now()
	for slot := range Slots {
		v, ok, err := s.Store.State(ctx, statens.Logout, slotKey(slot), now)
		if err != nil {
			s.Log.LogAttrs(ctx, slog.LevelWarn, "back-channel logouts not resumed", slog.String("cause", err.Error()))
			return
		}
		var d Delivery
		if !ok || json.Unmarshal(v, &d) != nil || d.Slot != slot || !now.After(d.Next.Add(Grace)) {
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.run(ctx, d, func() {})
		}()
	}
}

// Wait waits for every delivery this Sender runs to end.
func (s *Sender) Wait() { s.wg.Wait() }

// run makes the attempts of d from d.Attempt on, calling first after the
// first of them.
func (s *Sender) run(ctx context.Context, d Delivery, first func()) {
	firstDone := false
	done := func() {
		if !firstDone {
			firstDone = true
			first()
		}
	}
	defer done()
	log := s.Log.With(slog.String("client_id", d.Client), slog.String("jti", d.ID))
	for {
		now := s.Now()
		added, err := s.Store.AddState(ctx, statens.Logout, attemptKey(d.ID, d.Attempt), nil, d.Deadline, now)
		if err != nil {
			log.LogAttrs(ctx, slog.LevelWarn, "back-channel logout attempt not claimed", slog.String("cause", err.Error()))
			return // another instance resumes it from its slot
		}
		if !added {
			return // another instance has this attempt
		}
		err = s.attempt(ctx, d, now)
		done()
		if err == nil {
			log.LogAttrs(ctx, slog.LevelInfo, "back-channel logout delivered", slog.Int("attempt", d.Attempt+1))
			s.release(ctx, d)
			return
		}
		final := errors.Is(err, errRefused) || d.Attempt >= len(s.Schedule)
		var wait time.Duration
		if !final {
			wait = s.Schedule[d.Attempt]
			final = now.Add(wait).After(d.Deadline)
		}
		if final {
			log.LogAttrs(ctx, slog.LevelWarn, "back-channel logout not delivered", slog.Int("attempts", d.Attempt+1), slog.String("cause", err.Error()))
			s.release(ctx, d)
			return
		}
		log.LogAttrs(ctx, slog.LevelInfo, "back-channel logout failed; retrying", slog.Int("attempt", d.Attempt+1),
			slog.Duration("wait", wait), slog.String("cause", err.Error()))
		d.Attempt++
		d.Next = now.Add(wait)
		s.record(ctx, d, now)
		if s.Pause(ctx, wait) != nil {
			return // the server stops: another instance resumes it
		}
	}
}

// record saves the state of d in its slot.
func (s *Sender) record(ctx context.Context, d Delivery, now time.Time) {
	if d.Slot < 0 {
		return
	}
	v, err := json.Marshal(d)
	if err == nil {
		err = s.Store.PutState(ctx, statens.Logout, slotKey(d.Slot), v, d.Deadline, now)
	}
	if err != nil {
		s.Log.LogAttrs(ctx, slog.LevelWarn, "back-channel logout state not saved", slog.String("client_id", d.Client), slog.String("cause", err.Error()))
	}
}

// release frees the slot of d: the delivery is over.
func (s *Sender) release(ctx context.Context, d Delivery) {
	if d.Slot < 0 {
		return
	}
	if err := s.Store.DeleteState(ctx, statens.Logout, slotKey(d.Slot)); err != nil {
		s.Log.LogAttrs(ctx, slog.LevelWarn, "back-channel logout slot not freed", slog.String("cause", err.Error()))
	}
}

// errRefused is a receiver's answer that a retry would not change: the
// token is invalid to it (Back-Channel Logout 1.0 §2.8: 400).
var errRefused = errors.New("refused by the receiver")

// attempt POSTs a fresh logout token of d as logout_token (Back-Channel
// Logout 1.0 §2.5). 2xx is success (§2.8: 200, which some frameworks
// turn into 204); a 4xx other than 408 and 429 is final; anything else is
// retried.
func (s *Sender) attempt(ctx context.Context, d Delivery, now time.Time) error {
	tok, err := s.Sign(ctx, d, now)
	if err != nil {
		return fmt.Errorf("sign logout token: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URI, strings.NewReader(url.Values{"logout_token": {tok}}.Encode()))
	if err != nil {
		return fmt.Errorf("%w: %v", errRefused, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("post: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
	_ = resp.Body.Close()
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return nil
	case c >= 400 && c < 500 && c != http.StatusRequestTimeout && c != http.StatusTooManyRequests:
		return fmt.Errorf("%w: status %d", errRefused, c)
	default:
		return fmt.Errorf("status %d", c)
	}
}
