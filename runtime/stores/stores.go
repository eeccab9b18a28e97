// Package stores opens the runtime.Store a location string names, the
// form a server's -store flag, an OAUTHGEN_STORE variable and the
// `oauthgen migrate` and `oauthgen keys` commands take:
//
//	memory                         a runtime.MemoryStore: nothing survives the process
//	sqlite:PATH                    an SQLite database file (runtime/sqlite), created when missing
//	postgres://… or postgresql://… a PostgreSQL database (runtime/postgres)
//
// Opening a SQL store applies the schema migrations it lacks.
package stores

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/postgres"
	"github.com/oauthgen/oauthgen/runtime/sqlite"
)

// EnvVar is the environment variable that names a store where no flag
// does.
const EnvVar = "OAUTHGEN_STORE"

// Store is a runtime.Store that the caller closes when done.
type Store interface {
	runtime.Store
	Close() error
}

// memoryStore is a MemoryStore with nothing to close.
type memoryStore struct{ *runtime.MemoryStore }

func (memoryStore) Close() error { return nil }

// kind splits a location into its backend and the backend's own address.
func kind(location string) (backend, addr string, err error) {
	switch {
	case location == "memory":
		return "memory", "", nil
	case strings.HasPrefix(location, "sqlite:"):
		path := strings.TrimPrefix(location, "sqlite:")
		if path == "" {
			return "", "", fmt.Errorf("store %q: sqlite: needs a file path, as in sqlite:./data/oauthgen.db", location)
		}
		return "sqlite", path, nil
	case strings.HasPrefix(location, "postgres://"), strings.HasPrefix(location, "postgresql://"):
		return "postgres", location, nil
	}
	return "", "", fmt.Errorf("store %q: want memory, sqlite:PATH or postgres://…", Redact(location))
}

// Open opens the store at location.
func Open(ctx context.Context, location string) (Store, error) {
	backend, addr, err := kind(location)
	if err != nil {
		return nil, err
	}
	switch backend {
	case "sqlite":
		return sqlite.Open(ctx, addr)
	case "postgres":
		return postgres.Open(ctx, addr)
	}
	return memoryStore{runtime.NewMemoryStore()}, nil
}

// Migrate applies the schema migrations the store at location lacks, and
// returns their versions. A memory store has no schema.
func Migrate(ctx context.Context, location string) ([]int, error) {
	backend, addr, err := kind(location)
	if err != nil {
		return nil, err
	}
	switch backend {
	case "sqlite":
		return sqlite.Migrate(ctx, addr)
	case "postgres":
		return postgres.Migrate(ctx, addr)
	}
	return nil, fmt.Errorf("store %q has no schema to migrate", location)
}

// Redact returns location with any password replaced, for printing.
func Redact(location string) string {
	if u, err := url.Parse(location); err == nil && u.User != nil {
		return u.Redacted()
	}
	return location
}
