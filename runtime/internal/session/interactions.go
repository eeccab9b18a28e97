package session

import (
	"crypto/sha256"
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
)

// A pending authorization request between the end user's pages: the
// validated request waits on the server while the login and consent pages
// are shown. The pages carry only its random id and a CSRF token (RFC 6749
// §10.12); the record is bound to the browser's session
// cookie, so a form posted from another browser (login CSRF) is refused.
// Each rendering of a page draws a new CSRF token, and a POST consumes it:
// a form can be submitted once.

// InteractionTTL is how long a page may wait for the end user.
const (
	InteractionTTL  = 10 * time.Minute
	maxInteractions = 1 << 16
)

// Step is the page an interaction waits on.
type Step uint8

const (
	StepLogin Step = iota + 1
	StepConsent
)

// Interaction is a pending authorization request.
type Interaction struct {
	// Browser is the key of the session cookie the interaction belongs to.
	Browser Key
	Step    Step
	// csrf is the token the current page carries; empty once consumed.
	csrf string
	// Params are the parameters of the authorization request, validated;
	// they are validated again when the interaction resumes.
	Params form.Params
	// LoggedIn is set when the end user signed in during this interaction,
	// which satisfies prompt=login and max_age.
	LoggedIn bool
}

// interactionKey is the SHA-256 of an interaction id.
type interactionKey [sha256.Size]byte

func interactionKeyOf(id string) interactionKey { return sha256.Sum256([]byte(id)) }

// Interactions holds the pending interactions of one server.
type Interactions struct {
	table *ttltable.Table[interactionKey, Interaction]
}

// NewInteractions returns an empty table of pending interactions.
func NewInteractions() *Interactions {
	return &Interactions{table: ttltable.New[interactionKey, Interaction](maxInteractions)}
}

// Save stores it under id with a new CSRF token and a fresh TTL, and
// returns the token. An empty id starts a new interaction.
func (st *Interactions) Save(id string, it Interaction, now time.Time) (string, string) {
	if id == "" {
		id = randtok.NewValue()
		it.Params = it.Params.Clone()
	}
	it.csrf = randtok.NewValue()
	st.table.Put(interactionKeyOf(id), it, now.Add(InteractionTTL), now)
	return id, it.csrf
}

// Claim checks a posted form against the interaction id: it must exist,
// wait on step, belong to one of the browsers, and carry its CSRF token
// (compared in constant time). The token is consumed in
// the same atomic step, so a form is accepted once.
func (st *Interactions) Claim(id, csrf string, step Step, browsers []Key, now time.Time) (Interaction, bool) {
	if id == "" || csrf == "" {
		return Interaction{}, false
	}
	return st.table.Update(interactionKeyOf(id), now, func(it *Interaction) bool {
		if it.Step != step || it.csrf == "" || !randtok.Equal(it.csrf, csrf) || !slices.Contains(browsers, it.Browser) {
			return false
		}
		it.csrf = ""
		return true
	})
}

// View returns the interaction of id for showing its page again, when it
// waits on step and belongs to the browser.
func (st *Interactions) View(id string, step Step, browser Key, now time.Time) (Interaction, bool) {
	if id == "" {
		return Interaction{}, false
	}
	it, ok := st.table.Get(interactionKeyOf(id), now)
	if !ok || it.Step != step || it.Browser != browser {
		return Interaction{}, false
	}
	return it, true
}

// End removes the interaction: the request is answered.
func (st *Interactions) End(id string) { st.table.Remove(interactionKeyOf(id)) }
