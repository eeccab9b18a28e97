// Package sqlite is the runtime.Store of one server, or of a few on one
// machine: an embedded SQLite database (modernc.org/sqlite, pure Go, no
// cgo) in a file. It keeps everything a restart must not lose. Its schema
// is migrated when it opens.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/oauthgen/oauthgen/runtime/internal/sqlstore"
)

// dialect is SQLite's.
var dialect = sqlstore.Dialect{
	Name:         "sqlite",
	SchemaExists: `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'oauthgen_schema'`,
}

// Store is a runtime.Store in an SQLite database file. It is safe for
// concurrent use, by several processes on the same file too.
type Store struct {
	*sqlstore.Store
	db *sql.DB
}

// Open opens the database file at path, creating it and its directory
// when they do not exist, and migrates its schema. Writes are durable when
// they return: the journal is a write-ahead log, synced at every commit.
func Open(ctx context.Context, path string) (*Store, error) {
	db, err := open(path)
	if err != nil {
		return nil, err
	}
	if _, err := sqlstore.Migrate(ctx, conn{db}, dialect); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	return &Store{Store: sqlstore.New(conn{db}, dialect), db: db}, nil
}

// Migrate applies the schema migrations the database at path lacks and
// returns their versions, without opening a store.
func Migrate(ctx context.Context, path string) ([]int, error) {
	db, err := open(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return sqlstore.Migrate(ctx, conn{db}, dialect)
}

// open opens the database at path with the store's settings.
func open(path string) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: no database path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
	}
	// Transactions (the migrations') take the write lock when they begin,
	// so that processes opening one file together take turns.
	q := url.Values{"_txlock": {"immediate"}}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	return db, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// conn adapts database/sql to sqlstore.DB.
type conn struct {
	db interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}
}

func (c conn) Exec(ctx context.Context, query string, args ...any) error {
	_, err := c.db.ExecContext(ctx, query, args...)
	return err
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return row{c.db.QueryRowContext(ctx, query, args...)}
}

func (c conn) Tx(ctx context.Context, f func(sqlstore.DB) error) error {
	db, ok := c.db.(*sql.DB)
	if !ok {
		return f(c) // already in a transaction
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(conn{tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// row maps database/sql's no-rows error to sqlstore's.
type row struct{ r *sql.Row }

func (r row) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return sqlstore.ErrNoRows
	}
	return err
}
