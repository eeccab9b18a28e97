-- The runtime's other shared state (runtime.StateStore): browser sessions,
-- interactions, CSRF tokens, consents, throttle counters, replay markers,
-- signing keys, shared secrets. value is opaque to the database; expires_at
-- is Unix nanoseconds.

CREATE TABLE oauthgen_state (
	ns         TEXT NOT NULL,
	key        BLOB NOT NULL,
	value      BLOB NOT NULL,
	count      INTEGER NOT NULL DEFAULT 0,
	expires_at INTEGER NOT NULL,
	PRIMARY KEY (ns, key)
);
CREATE INDEX oauthgen_state_expires ON oauthgen_state (expires_at);
