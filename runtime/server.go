package runtime

import (
	"log/slog"
)

// Config is what a service supplies at startup: its stores, keys, clock and
// logger. There is no global state; everything the runtime uses hangs off the
// Server built from a Config (conventions R-06).
type Config struct {
	// Clients finds registered clients. Required.
	Clients ClientRegistry
	// Store persists grants, codes and tokens. Nil means a new MemoryStore.
	Store Store
	// Keys signs JWTs. Nil means a freshly generated key of the spec's
	// signing algorithm (fine for tests and demos; tokens do not survive a restart).
	Keys *KeySet
	// Clock is the source of time. Nil means SystemClock.
	Clock Clock
	// Logger receives the runtime's logs. Nil discards them.
	Logger *slog.Logger
}

// Server serves every endpoint the spec enables. It implements http.Handler.
type Server struct {
	settings Settings
	clients  ClientRegistry
	store    Store
	keys     *KeySet
	clock    Clock
	log      *slog.Logger
	flows    map[GrantType]*TokenFlowRegistration
}
