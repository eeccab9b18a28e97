// Package statens names the runtime's entries in a StateStore: the
// namespaces, and how a key is derived from its parts. A store treats both
// as opaque; they are part of the stored format, so a change to either is
// a change to what servers sharing a store must agree on.
package statens

import (
	"crypto/sha256"
	"encoding/binary"
)

// The namespaces of the runtime's state.
const (
	Session     = "session"     // browser sessions, by the hash of the cookie's id
	Interaction = "interaction" // pending authorization requests, by the hash of their id
	CSRF        = "csrf"        // single-use CSRF tokens of the pages
	Consent     = "consent"     // remembered consents, one entry per scope
	Failures    = "failures"    // throttle failure counts
	Block       = "block"       // throttle blocks
	Quota       = "quota"       // per-source counts of state created without authentication
	Replay      = "replay"      // single-use markers: assertion jti, DPoP proofs
	Keys        = "keys"        // the signing key set and its rotation schedule
	Secret      = "secret"      // secrets the instances share, such as the session key
	Revoked     = "revoked"     // revoked JWT access tokens the store holds no record of, by the hash of their jti, until they expire
	Pushed      = "pushed"      // pushed authorization requests (RFC 9126), by the hash of client_id and request_uri, until used or expired
	Relying     = "relying"     // the clients of a login session, by the hash of its sid, until it ends
	Logout      = "logout"      // back-channel logout deliveries and their single-use attempt claims
	Device      = "device"      // device authorizations (RFC 8628) by the hash of the device code, their decisions and polling slots
	UserCode    = "usercode"    // user codes of pending device authorizations (RFC 8628 §6.1), by their hash, until decided or expired
)

// Key is the SHA-256 of the parts, each preceded by its length, so that
// no two lists of parts share a key and a key reveals none of them (a
// username, a subject) to whoever reads the store.
func Key(parts ...string) []byte {
	var stack [512]byte // the parts of a key are short: hashed from the stack
	b := stack[:0]
	for _, p := range parts {
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
	}
	sum := sha256.Sum256(b)
	return sum[:]
}
