package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/oauthgen/oauthgen/runtime/internal/sqlstore"
	"github.com/oauthgen/oauthgen/runtime/internal/sqlstore/migratetest"
	"github.com/oauthgen/oauthgen/runtime/storetest/pgtest"
)

// TestMigrations: the schema migrates from an empty database and from every
// earlier version.
func TestMigrations(t *testing.T) {
	migratetest.Run(t, func(t *testing.T) sqlstore.DB {
		pool, err := pgxpool.New(context.Background(), pgtest.DSN(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		return conn{pool}
	}, dialect)
}

// TestConcurrentMigrations: instances starting together on one new
// database take turns, by the advisory lock.
func TestConcurrentMigrations(t *testing.T) {
	dsn := pgtest.DSN(t)
	migratetest.Concurrent(t, func() sqlstore.DB {
		pool, err := pgxpool.New(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		return conn{pool}
	}, dialect)
}
