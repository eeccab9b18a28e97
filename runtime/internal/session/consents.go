package session

import (
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Remembered consent (RFC 6749 §10.2): the scopes an end
// user has approved for a client. A later request for scopes the user has
// already approved skips the consent page, unless it says prompt=consent
// (OIDC Core §3.1.2.1). Consent is per subject and client; a request for
// one more scope asks again, for all of them.

// Consent bounds: approvals are forgotten after consentTTL, and the table
// keeps at most maxConsents of them (the oldest are dropped when full, so
// the user is asked again).
const (
	consentTTL  = 90 * 24 * time.Hour
	maxConsents = 1 << 16
)

type consentKey struct{ subject, clientID string }

// Consents holds the remembered consents of one server.
type Consents struct {
	table *ttltable.Table[consentKey, oauth.ScopeSet]
}

// NewConsents returns an empty table of remembered consents.
func NewConsents() *Consents {
	return &Consents{table: ttltable.New[consentKey, oauth.ScopeSet](maxConsents)}
}

// Covers reports whether the subject has approved every scope of scope for
// the client.
func (c *Consents) Covers(subject, clientID string, scope oauth.ScopeSet, now time.Time) bool {
	got, ok := c.table.Get(consentKey{subject, clientID}, now)
	return ok && scope.SubsetOf(got)
}

// Remember adds scope to what the subject approved for the client.
// The read and the write are one atomic step, so two approvals at once
// both count.
func (c *Consents) Remember(subject, clientID string, scope oauth.ScopeSet, now time.Time) {
	c.table.Upsert(consentKey{subject, clientID}, now, func(prev oauth.ScopeSet, _ time.Time, _ bool) (oauth.ScopeSet, time.Time) {
		all := slices.Clone(prev)
		for _, s := range scope {
			if !all.Contains(s) {
				all = append(all, s)
			}
		}
		return all, now.Add(consentTTL)
	})
}
