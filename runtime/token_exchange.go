package runtime

import (
	"errors"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The token exchange grant (RFC 8693): a client presents a subject token,
// and an actor token when another party acts for the subject, for a flow
// whose credential is a subject token (flowkit.SubjectTokenCredential).
// This file holds what its procedure reads of the two tokens.

// ValidatedToken is a subject or actor token of a token exchange request
// (RFC 8693 §2.1) as the runtime validated it by its declared type
// (RFC 8693 §3): an access token or a refresh token of this server that is
// active (not expired, not revoked, its grant neither), an ID token this
// server signed (signature, iss, exp), or a JWT this server signed (one of
// those two). A token of another issuer, of a type the runtime does not
// read (SAML assertions, a team's own URI) or that fails these checks has
// no ValidatedToken: the context's member is nil, the default procedure
// refuses the request with invalid_request (RFC 8693 §2.2.2), and a team's
// procedure may validate the raw token itself (c.Param("subject_token")).
type ValidatedToken struct {
	// Type is the declared token type: subject_token_type or
	// actor_token_type.
	Type oauth.TokenType
	// Issuer is the token's iss: this server's issuer.
	Issuer string
	// Subject is the token's sub: the end user, or the client for a
	// token a client got for itself.
	Subject string
	// ClientID is the client the token was issued to: client_id, or an
	// ID token's azp (its only aud without one).
	ClientID string
	// Scope is the token's scope; an ID token has none.
	Scope oauth.ScopeSet
	// Audience is the token's aud: the resources of an access token or
	// a refresh token's grant, the client of an ID token.
	Audience []string
	// IssuedAt and ExpiresAt bound the token's lifetime; IssuedAt is zero
	// when unknown.
	IssuedAt  time.Time
	ExpiresAt time.Time
	// Authentication is the end user's authentication the token records
	// (auth_time, acr, amr, sid), as far as it records one.
	Authentication Authentication
	// Grant is the grant behind the token when this server keeps one:
	// the grant an access token or a refresh token was issued against.
	// Nil for an ID token and for a token a client got for itself.
	Grant *Grant
	// Act is the token's act claim: the party acting for the subject and,
	// nested, the prior actors of the delegation chain (RFC 8693 §4.1).
	Act *ActorClaim
	// MayAct is the token's may_act claim: the party the subject allows
	// to act for it (RFC 8693 §4.4). The runtime refuses an actor token
	// whose party it does not name before the procedure runs.
	MayAct *ActorClaim
	// Extra are the token's claims other than the registered ones, as
	// JSON decodes them; may_act included.
	Extra map[string]any
}

// ActorClaim is the act or may_act claim of a token (RFC 8693 §4.1,
// §4.4): the identity of a party, by its subject and, optionally, its
// issuer and client_id, and in act the prior actor of a delegation
// chain. Other members of the claim are not kept: RFC 8693 §4.1 gives
// them no meaning.
type ActorClaim struct {
	Subject  string      `json:"sub,omitempty"`
	Issuer   string      `json:"iss,omitempty"`
	ClientID string      `json:"client_id,omitempty"`
	Act      *ActorClaim `json:"act,omitempty"`
}

// maxActDepth bounds the delegation chain an act claim may nest; a
// deeper one is refused rather than walked.
const maxActDepth = 16

// actorClaimOf reads an act or may_act claim as JSON decodes it: an
// object with a string sub or client_id, string iss and client_id when
// present, and, when nested is true, an act of the same shape. A missing
// claim (nil) is nil without error.
func actorClaimOf(v any, nested bool) (*ActorClaim, error) {
	return actorClaimAt(v, nested, 0)
}

func actorClaimAt(v any, nested bool, depth int) (*ActorClaim, error) {
	if v == nil {
		return nil, nil
	}
	if depth >= maxActDepth {
		return nil, errors.New("act claim: the delegation chain is too deep")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("act claim: not an object (RFC 8693 §4.1)")
	}
	a := &ActorClaim{}
	for name, dst := range map[string]*string{"sub": &a.Subject, "iss": &a.Issuer, "client_id": &a.ClientID} {
		switch s := m[name].(type) {
		case nil:
		case string:
			*dst = s
		default:
			return nil, errors.New("act claim: member " + name + " is not a string")
		}
	}
	if a.Subject == "" && a.ClientID == "" {
		return nil, errors.New("act claim: names no party (no sub, no client_id)")
	}
	if inner, present := m["act"]; present {
		if !nested {
			return nil, errors.New("may_act claim: nests an act claim")
		}
		var err error
		if a.Act, err = actorClaimAt(inner, nested, depth+1); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// names reports whether the may_act claim a names the party of the actor
// token v: each member a sets equals v's (RFC 8693 §4.4).
func (a *ActorClaim) names(v *ValidatedToken) bool {
	return (a.Subject == "" || a.Subject == v.Subject) &&
		(a.Issuer == "" || a.Issuer == v.Issuer) &&
		(a.ClientID == "" || a.ClientID == v.ClientID)
}

// actOf is the act claim of a token issued to a party acting for the
// subject (RFC 8693 §4.1): the actor's sub and iss, its client_id when it
// is not its sub, and nested the subject token's own act, the prior
// actors, so that a delegation chain is never lost.
func actOf(actor, subject *ValidatedToken) *ActorClaim {
	a := &ActorClaim{Subject: actor.Subject, Issuer: actor.Issuer, Act: subject.Act}
	if actor.ClientID != actor.Subject {
		a.ClientID = actor.ClientID
	}
	return a
}

// depth is the number of parties the act claim a chains.
func (a *ActorClaim) depth() int {
	n := 0
	for ; a != nil; a = a.Act {
		n++
	}
	return n
}
