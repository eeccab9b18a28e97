package runtime

// The namespaces of the runtime's entries in a StateStore. A store treats
// them as opaque strings; these names are part of the stored format.
const (
	stateSession     = "session"     // browser sessions, by the hash of the cookie's id
	stateInteraction = "interaction" // pending authorization requests, by the hash of their id
	stateCSRF        = "csrf"        // single-use CSRF tokens of the pages
	stateConsent     = "consent"     // remembered consents, one entry per scope
	stateFailures    = "failures"    // throttle failure counts
	stateBlock       = "block"       // throttle blocks
	stateReplay      = "replay"      // single-use markers: assertion jti, DPoP proofs
	stateKeys        = "keys"        // the signing key set and its rotation schedule
	stateSecret      = "secret"      // secrets the instances share, such as the session key
)
