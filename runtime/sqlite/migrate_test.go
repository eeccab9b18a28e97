package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/internal/sqlstore"
	"github.com/oauthgen/oauthgen/runtime/internal/sqlstore/migratetest"
)

// TestMigrations: the schema migrates from an empty database and from every
// earlier version.
func TestMigrations(t *testing.T) {
	migratetest.Run(t, func(t *testing.T) sqlstore.DB {
		db, err := open(filepath.Join(t.TempDir(), "m.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		return conn{db}
	}, dialect)
}

// TestConcurrentMigrations: processes opening one new file together take
// turns.
func TestConcurrentMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	migratetest.Concurrent(t, func() sqlstore.DB {
		db, err := open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		return conn{db}
	}, dialect)
}
