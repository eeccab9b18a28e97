package session

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/clientip"
	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
	"github.com/oauthgen/oauthgen/runtime/internal/statens"
)

// A pending authorization request between the end user's pages: the
// validated request waits in the store while the login and consent pages
// are shown, so the next form may be posted to any instance. The pages
// carry only its random id and a CSRF token (RFC 6749 §10.12); the record
// is bound to the browser's session cookie, so a form posted from another
// browser (login CSRF) is refused. Each rendering of a page draws a new
// CSRF token, and a POST consumes it: a form can be submitted once.
//
// The store keeps the record under the hash of its id with the hash of the
// current CSRF token, and a single-use entry per token (statens.CSRF)
// under the hash of id and token: TakeState consumes it atomically, across
// instances too.

// InteractionTTL is how long a page may wait for the end user.
const InteractionTTL = 10 * time.Minute

// InteractionsPerSource is how many interactions one source (a client
// address; an IPv6 /64) may start within InteractionTTL. Starting one
// needs no authentication and keeps the request's parameters in the
// store, so this quota is what keeps a flood from one source from
// filling the store and crowding out real users' sign-ins; the store's
// own bound (the MemoryStore's budget) is the global one behind it.
const InteractionsPerSource = 200

// ErrQuota is returned when a source has started InteractionsPerSource
// interactions within InteractionTTL.
var ErrQuota = errors.New("too many sign-ins in progress from this network")

// Step is the page an interaction waits on.
type Step uint8

// The steps: the authorization endpoint's login and consent pages, and
// the device verification page's user code, login and consent forms (RFC
// 8628 §3.3), whose Params hold the user code. A form posted for one step
// is refused at every other.
const (
	StepLogin Step = iota + 1
	StepConsent
	// StepLogout is the end-session endpoint's confirmation page (OpenID
	// Connect RP-Initiated Logout 1.0 §6: logout CSRF).
	StepLogout
	StepDeviceCode
	StepDeviceLogin
	StepDeviceConsent
)

// Interaction is a pending authorization request.
type Interaction struct {
	// Browser is the key of the session cookie the interaction belongs to.
	Browser Key
	Step    Step
	// Params are the parameters of the authorization request, validated;
	// they are validated again when the interaction resumes.
	Params form.Params
	// LoggedIn is set when the end user signed in during this interaction,
	// which satisfies prompt=login and max_age.
	LoggedIn bool
	// Pushed is set when the request was pushed (RFC 9126) and arrived by
	// its request_uri, which satisfies a requirement of pushed requests.
	Pushed bool
}

// interactionRecord is an Interaction as the store keeps it.
type interactionRecord struct {
	Browser  Key    `json:"browser"`
	Step     Step   `json:"step"`
	CSRF     []byte `json:"csrf"` // SHA-256 of the current page's token
	Params   string `json:"params"`
	LoggedIn bool   `json:"logged_in,omitempty"`
	Pushed   bool   `json:"pushed,omitempty"`
}

// Interactions holds the pending interactions of one server, in its store.
type Interactions struct {
	store Store
}

// NewInteractions returns the interactions kept in st.
func NewInteractions(st Store) *Interactions { return &Interactions{store: st} }

func interactionKey(id string) []byte { return randtok.Hash(id) }

// csrfKey is the key of the single-use entry of a page's token.
func csrfKey(id, csrf string) []byte { return statens.Key(id, csrf) }

// Save stores it under id with a new CSRF token and a fresh TTL, and
// returns the id and the token. An empty id starts a new interaction for
// the client address source, within its quota (ErrQuota).
func (st *Interactions) Save(ctx context.Context, id, source string, it Interaction, now time.Time) (string, string, error) {
	if id == "" {
		n, err := st.store.CountState(ctx, statens.Quota, statens.Key("interaction", clientip.Source(source)), now.Add(InteractionTTL), now)
		if err != nil {
			return "", "", fmt.Errorf("count interactions: %w", err)
		}
		if n > InteractionsPerSource {
			return "", "", ErrQuota
		}
		id = randtok.NewValue()
	}
	csrf := randtok.NewValue()
	rec := interactionRecord{Browser: it.Browser, Step: it.Step, CSRF: randtok.Hash(csrf), Params: it.Params.Encode(), LoggedIn: it.LoggedIn, Pushed: it.Pushed}
	expires := now.Add(InteractionTTL)
	if err := st.store.PutState(ctx, statens.CSRF, csrfKey(id, csrf), nil, expires, now); err != nil {
		return "", "", fmt.Errorf("store csrf: %w", err)
	}
	if err := put(ctx, st.store, statens.Interaction, interactionKey(id), rec, expires, now); err != nil {
		return "", "", err
	}
	return id, csrf, nil
}

// Claim checks a posted form against the interaction id: it must exist,
// wait on step, belong to one of the browsers, and carry the CSRF token of
// its current page (compared in constant time). The token is then
// consumed in one atomic step, so of any number of posts of one form, on
// any instances, one is accepted. A refused post consumes nothing.
func (st *Interactions) Claim(ctx context.Context, id, csrf string, step Step, browsers []Key, now time.Time) (Interaction, bool, error) {
	if id == "" || csrf == "" {
		return Interaction{}, false, nil
	}
	it, rec, ok, err := st.load(ctx, id, now)
	if err != nil || !ok {
		return Interaction{}, false, err
	}
	if it.Step != step || !hmac.Equal(rec.CSRF, randtok.Hash(csrf)) || !slices.Contains(browsers, it.Browser) {
		return Interaction{}, false, nil
	}
	_, ok, err = st.store.TakeState(ctx, statens.CSRF, csrfKey(id, csrf), now)
	if err != nil {
		return Interaction{}, false, fmt.Errorf("consume csrf: %w", err)
	}
	if !ok {
		return Interaction{}, false, nil
	}
	return it, true, nil
}

// View returns the interaction of id for showing its page again, when it
// waits on step and belongs to the browser.
func (st *Interactions) View(ctx context.Context, id string, step Step, browser Key, now time.Time) (Interaction, bool, error) {
	if id == "" {
		return Interaction{}, false, nil
	}
	it, _, ok, err := st.load(ctx, id, now)
	if err != nil || !ok || it.Step != step || it.Browser != browser {
		return Interaction{}, false, err
	}
	return it, true, nil
}

// load reads the record of id.
func (st *Interactions) load(ctx context.Context, id string, now time.Time) (Interaction, interactionRecord, bool, error) {
	var rec interactionRecord
	ok, err := get(ctx, st.store, statens.Interaction, interactionKey(id), &rec, now)
	if err != nil || !ok {
		return Interaction{}, rec, false, err
	}
	p, e := form.Split(rec.Params)
	if e != nil {
		return Interaction{}, rec, false, nil // not ours: as if absent
	}
	return Interaction{Browser: rec.Browser, Step: rec.Step, Params: p, LoggedIn: rec.LoggedIn, Pushed: rec.Pushed}, rec, true, nil
}

// End removes the interaction: the request is answered.
func (st *Interactions) End(ctx context.Context, id string) error {
	if err := st.store.DeleteState(ctx, statens.Interaction, interactionKey(id)); err != nil {
		return fmt.Errorf("end interaction: %w", err)
	}
	return nil
}
