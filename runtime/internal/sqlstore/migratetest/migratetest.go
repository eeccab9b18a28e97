// Package migratetest checks a SQL backend's migrations: from an empty
// database and from every earlier version to the latest, idempotently,
// and that a database newer than the binary is refused.
package migratetest

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/internal/sqlstore"
)

// Run checks the migrations of d on fresh databases from newDB.
func Run(t *testing.T, newDB func(t *testing.T) sqlstore.DB, d sqlstore.Dialect) {
	ctx := context.Background()
	all, err := sqlstore.Migrations(d)
	if err != nil || len(all) == 0 {
		t.Fatalf("migrations: %v, %d", err, len(all))
	}
	latest := all[len(all)-1].Version
	for from := 0; from < latest; from++ {
		db := newDB(t)
		if from > 0 {
			if _, err := sqlstore.MigrateTo(ctx, db, d, from); err != nil {
				t.Fatalf("to version %d: %v", from, err)
			}
		}
		if v, err := sqlstore.Version(ctx, db, d); err != nil || v != from {
			t.Fatalf("version before migrating = %d, %v; want %d", v, err, from)
		}
		applied, err := sqlstore.Migrate(ctx, db, d)
		var want []int
		for v := from + 1; v <= latest; v++ {
			want = append(want, v)
		}
		if err != nil || !slices.Equal(applied, want) {
			t.Fatalf("from version %d: applied %v, %v; want %v", from, applied, err, want)
		}
		if again, err := sqlstore.Migrate(ctx, db, d); err != nil || len(again) != 0 {
			t.Fatalf("migrating again: %v, %v; want nothing", again, err)
		}
		if v, err := sqlstore.Version(ctx, db, d); err != nil || v != latest {
			t.Fatalf("version = %d, %v; want %d", v, err, latest)
		}
	}
	// A database a newer oauthgen migrated is refused.
	db := newDB(t)
	if _, err := sqlstore.Migrate(ctx, db, d); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(ctx, `INSERT INTO oauthgen_schema (version) VALUES (9999)`); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlstore.Migrate(ctx, db, d); err == nil {
		t.Error("a database at a newer schema version was accepted")
	}
}

// Concurrent checks that processes migrating one fresh database at once
// take turns: every one succeeds and the migrations apply once. connect
// returns a new connection pool to that database.
func Concurrent(t *testing.T, connect func() sqlstore.DB, d sqlstore.Dialect) {
	const n = 4
	var wg sync.WaitGroup
	applied := make([][]int, n)
	errs := make([]error, n)
	for i := range n {
		db := connect()
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = sqlstore.Migrate(context.Background(), db, d)
		}()
	}
	wg.Wait()
	total := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("migration %d: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	all, _ := sqlstore.Migrations(d)
	if total != len(all) {
		t.Errorf("%d migrations applied in all, want %d", total, len(all))
	}
}
