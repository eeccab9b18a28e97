package session

import (
	"context"
	"fmt"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Remembered consent (RFC 6749 §10.2): the scopes an end user has approved
// for a client. A later request for scopes the user has already approved
// skips the consent page, unless it says prompt=consent (OIDC Core
// §3.1.2.1). Consent is per subject and client; a request for one more
// scope asks again, for all of them.
//
// The store keeps one entry per approved scope, and one for the client
// itself (so that a request without scopes still needs a consent once).
// Entries are only ever added, so two approvals at once on two instances
// both count, with no read-modify-write between them.

// ConsentTTL is how long an approval is remembered; the end user is then
// asked again.
const ConsentTTL = 90 * 24 * time.Hour

// Consents holds the remembered consents of one server, in its store.
type Consents struct {
	store Store
}

// NewConsents returns the consents kept in st.
func NewConsents(st Store) *Consents { return &Consents{store: st} }

// consentKey is the key of the approval of one scope; the client's own
// entry has the scope "" (not a scope-token, RFC 6749 §3.3).
func consentKey(subject, clientID, scope string) []byte {
	return statens.Key(subject, clientID, scope)
}

// Covers reports whether the subject has approved every scope of scope for
// the client.
func (c *Consents) Covers(ctx context.Context, subject, clientID string, scope oauth.ScopeSet, now time.Time) (bool, error) {
	for _, sc := range append([]string{""}, scope...) {
		_, ok, err := c.store.State(ctx, statens.Consent, consentKey(subject, clientID, sc), now)
		if err != nil {
			return false, fmt.Errorf("read consent: %w", err)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// Remember adds scope to what the subject approved for the client; an
// approval of a scope approved before renews it.
func (c *Consents) Remember(ctx context.Context, subject, clientID string, scope oauth.ScopeSet, now time.Time) error {
	expires := now.Add(ConsentTTL)
	for _, sc := range append([]string{""}, scope...) {
		if err := c.store.PutState(ctx, statens.Consent, consentKey(subject, clientID, sc), nil, expires, now); err != nil {
			return fmt.Errorf("store consent: %w", err)
		}
	}
	return nil
}
