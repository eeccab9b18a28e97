// Package keyring keeps a server's signing keys in its StateStore, so
// that every instance on one store signs with the same key and publishes
// the same JWK Set, and rotates them: a new key is published for a while
// before it signs (so verifiers' cached key sets learn it), and a retired
// key stays published until every token it signed has expired.
//
// The ring is one document in statens.Keys. Each key carries the instants
// that decide its role: published from Published, the signing key of its
// algorithm from ActiveFrom until a later key's ActiveFrom, unpublished at
// DropAt. Those instants are fixed when the key is added, so instances
// that have read the same document agree at every instant on the active
// key without talking to each other; an instance rereads the document
// often enough (ReloadEvery) to learn a new key before it signs.
package keyring

import (
	"slices"
	"time"
)

// Key is one key of the ring.
type Key struct {
	KID string `json:"kid"`
	Alg string `json:"alg"`
	// PKCS8 is the private key, PKCS #8 DER.
	PKCS8 []byte `json:"pkcs8"`
	// Published is when the key entered the JWK Set.
	Published time.Time `json:"published"`
	// ActiveFrom is when it starts to sign.
	ActiveFrom time.Time `json:"active_from"`
	// RetireAt is when its successor starts to sign; zero while it has none.
	RetireAt time.Time `json:"retire_at,omitzero"`
	// DropAt is when it leaves the JWK Set; zero while it has no successor.
	DropAt time.Time `json:"drop_at,omitzero"`
}

// Ring is the stored document: the keys, and the rotation policy that the
// last server to write it ran with (which `oauthgen keys rotate` reuses).
type Ring struct {
	Keys   []Key  `json:"keys"`
	Policy Policy `json:"policy"`
}

// Policy is how a ring is kept.
type Policy struct {
	// Algs are the algorithms a key is kept for.
	Algs []string `json:"algs"`
	// Rotation is how long a key signs before its successor takes over;
	// zero means no scheduled rotation.
	Rotation time.Duration `json:"rotation"`
	// PrePublish is how long a new key is published before it signs.
	PrePublish time.Duration `json:"prepublish"`
	// Retention is how long a retired key stays published: the longest
	// lifetime of a token it may have signed, and a margin for clock skew.
	Retention time.Duration `json:"retention"`
}

// Active returns the key of alg that signs at now: the one whose
// ActiveFrom is the latest not after now (the first in the ring on a tie).
func (r *Ring) Active(alg string, now time.Time) (Key, bool) {
	var best Key
	found := false
	for _, k := range r.Keys {
		if k.Alg != alg || k.ActiveFrom.After(now) {
			continue
		}
		if !found || k.ActiveFrom.After(best.ActiveFrom) {
			best, found = k, true
		}
	}
	return best, found
}

// Published returns the keys in the JWK Set at now.
func (r *Ring) Published(now time.Time) []Key {
	var out []Key
	for _, k := range r.Keys {
		if !k.Published.After(now) && (k.DropAt.IsZero() || now.Before(k.DropAt)) {
			out = append(out, k)
		}
	}
	return out
}

// latest returns the key of alg with the latest ActiveFrom, pending or
// not.
func (r *Ring) latest(alg string) (int, bool) {
	at := -1
	for i, k := range r.Keys {
		if k.Alg == alg && (at < 0 || k.ActiveFrom.After(r.Keys[at].ActiveFrom)) {
			at = i
		}
	}
	return at, at >= 0
}

// Algs returns the algorithms of the ring's keys, in order of first
// appearance.
func (r *Ring) Algs() []string {
	var algs []string
	for _, k := range r.Keys {
		if !slices.Contains(algs, k.Alg) {
			algs = append(algs, k.Alg)
		}
	}
	return algs
}

// NextChange returns the first instant after now at which Active or
// Published changes, or the zero time when none is scheduled.
func (r *Ring) NextChange(now time.Time) time.Time {
	var next time.Time
	for _, k := range r.Keys {
		for _, t := range []time.Time{k.Published, k.ActiveFrom, k.DropAt} {
			if t.After(now) && (next.IsZero() || t.Before(next)) {
				next = t
			}
		}
	}
	return next
}

// needs reports whether alg needs a new key at now under pol: it has
// none, or its latest key is due for a successor, which must be published
// PrePublish before it signs, Rotation after the latest key started to.
func (r *Ring) needs(alg string, pol Policy, now time.Time) bool {
	i, ok := r.latest(alg)
	if !ok {
		return true
	}
	if pol.Rotation <= 0 {
		return false
	}
	return !now.Before(r.Keys[i].ActiveFrom.Add(pol.Rotation - pol.PrePublish))
}

// add appends k, a new key of its algorithm, and retires the algorithm's
// latest key at k.ActiveFrom. Keys already dropped at now are removed.
func (r *Ring) add(k Key, now time.Time) {
	if i, ok := r.latest(k.Alg); ok {
		r.Keys[i].RetireAt = k.ActiveFrom
		r.Keys[i].DropAt = k.ActiveFrom.Add(r.Policy.Retention)
	}
	r.Keys = append(r.Keys, k)
	r.prune(now)
}

// prune removes the keys no longer published at now.
func (r *Ring) prune(now time.Time) {
	r.Keys = slices.DeleteFunc(r.Keys, func(k Key) bool { return !k.DropAt.IsZero() && !now.Before(k.DropAt) })
}

// pending reports whether alg has a key that does not sign yet.
func (r *Ring) pending(alg string, now time.Time) bool {
	i, ok := r.latest(alg)
	return ok && r.Keys[i].ActiveFrom.After(now)
}
