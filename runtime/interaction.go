package runtime

import (
	"crypto/sha256"
	"slices"
	"strings"
	"time"
)

// A pending authorization request between the end user's pages: the
// validated request waits on the server while the login and consent pages
// are shown. The pages carry only its random id and a CSRF token (RFC 6749
// §10.12; security.md S-48); the record is bound to the browser's session
// cookie, so a form posted from another browser (login CSRF) is refused.
// Each rendering of a page draws a new CSRF token, and a POST consumes it:
// a form can be submitted once.

// interactionTTL is how long a page may wait for the end user.
const (
	interactionTTL  = 10 * time.Minute
	maxInteractions = 1 << 16
)

// interactionStep is the page an interaction waits on.
type interactionStep uint8

const (
	stepLogin interactionStep = iota + 1
	stepConsent
)

// interaction is a pending authorization request.
type interaction struct {
	// browser is the key of the session cookie the interaction belongs to.
	browser sessionKey
	step    interactionStep
	// csrf is the token the current page carries; empty once consumed.
	csrf string
	// params are the parameters of the authorization request, validated;
	// they are validated again when the interaction resumes.
	params Params
	// loggedIn is set when the end user signed in during this interaction,
	// which satisfies prompt=login and max_age.
	loggedIn bool
}

// interactionKey is the SHA-256 of an interaction id.
type interactionKey [sha256.Size]byte

func interactionKeyOf(id string) interactionKey { return sha256.Sum256([]byte(id)) }

// interactions holds the pending interactions of one server.
type interactions struct {
	table *expiringTable[interactionKey, interaction]
}

func newInteractions() *interactions {
	return &interactions{table: newExpiringTable[interactionKey, interaction](maxInteractions)}
}

// save stores it under id with a new CSRF token and a fresh TTL, and
// returns the token. An empty id starts a new interaction.
func (st *interactions) save(id string, it interaction, now time.Time) (string, string) {
	if id == "" {
		id = newSecretValue().Reveal()
		it.params = cloneParams(it.params)
	}
	it.csrf = newSecretValue().Reveal()
	st.table.put(interactionKeyOf(id), it, now.Add(interactionTTL), now)
	return id, it.csrf
}

// claim checks a posted form against the interaction id: it must exist,
// wait on step, belong to one of the browsers, and carry its CSRF token
// (compared in constant time, security.md S-48). The token is consumed in
// the same atomic step, so a form is accepted once.
func (st *interactions) claim(id, csrf string, step interactionStep, browsers []sessionKey, now time.Time) (interaction, bool) {
	if id == "" || csrf == "" {
		return interaction{}, false
	}
	return st.table.update(interactionKeyOf(id), now, func(it *interaction) bool {
		if it.step != step || it.csrf == "" || !ConstantTimeEqual(it.csrf, csrf) || !slices.Contains(browsers, it.browser) {
			return false
		}
		it.csrf = ""
		return true
	})
}

// view returns the interaction of id for showing its page again, when it
// waits on step and belongs to the browser.
func (st *interactions) view(id string, step interactionStep, browser sessionKey, now time.Time) (interaction, bool) {
	if id == "" {
		return interaction{}, false
	}
	it, ok := st.table.get(interactionKeyOf(id), now)
	if !ok || it.step != step || it.browser != browser {
		return interaction{}, false
	}
	return it, true
}

// end removes the interaction: the request is answered.
func (st *interactions) end(id string) { st.table.remove(interactionKeyOf(id)) }

// cloneParams copies the parameters, which may be substrings of a larger
// request body, so a pending interaction keeps only what it needs.
func cloneParams(p Params) Params {
	out := Params{pairs: make([]param, len(p.pairs))}
	for i, kv := range p.pairs {
		out.pairs[i] = param{strings.Clone(kv.name), strings.Clone(kv.value)}
	}
	return out
}
