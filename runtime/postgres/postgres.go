// Package postgres is the runtime.Store of several servers behind a load
// balancer: a PostgreSQL database, through a pgx connection pool. Codes
// and refresh tokens are consumed by single UPDATE ... RETURNING
// statements, so exactly one instance wins a race. Its schema is migrated
// when it opens, under an advisory lock, so instances may start together.
package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/oauthgen/oauthgen/runtime/internal/sqlstore"
)

// dialect is PostgreSQL's.
var dialect = sqlstore.Dialect{
	Name:     "postgres",
	Numbered: true,
	// An arbitrary, fixed key: the migrations of every oauthgen instance
	// take turns.
	Lock:         `SELECT pg_advisory_xact_lock(7242021)`,
	SchemaExists: `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'oauthgen_schema'`,
}

// Store is a runtime.Store in a PostgreSQL database. It is safe for
// concurrent use, by any number of processes on one database.
type Store struct {
	*sqlstore.Store
	pool *pgxpool.Pool
}

// Open connects to the database dsn names (a postgres:// URL or key=value
// string, as libpq takes) and migrates its schema. The pool reconnects by
// itself when the database comes back after an outage; until then every
// call fails with an error.
func Open(ctx context.Context, dsn string) (*Store, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if _, err := sqlstore.Migrate(ctx, conn{pool}, dialect); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return &Store{Store: sqlstore.New(conn{pool}, dialect), pool: pool}, nil
}

// Migrate applies the schema migrations the database lacks and returns
// their versions, without opening a store.
func Migrate(ctx context.Context, dsn string) ([]int, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	defer pool.Close()
	return sqlstore.Migrate(ctx, conn{pool}, dialect)
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// conn adapts a pgx pool or transaction to sqlstore.DB.
type conn struct{ db querier }

// querier is what *pgxpool.Pool and pgx.Tx share.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

func (c conn) Exec(ctx context.Context, query string, args ...any) error {
	_, err := c.db.Exec(ctx, query, args...)
	return err
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return row{c.db.QueryRow(ctx, query, args...)}
}

func (c conn) Tx(ctx context.Context, f func(sqlstore.DB) error) error {
	return pgx.BeginFunc(ctx, c.db, func(tx pgx.Tx) error { return f(conn{tx}) })
}

// row maps pgx's no-rows error to sqlstore's.
type row struct{ r pgx.Row }

func (r row) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sqlstore.ErrNoRows
	}
	return err
}
