// Package sqlstore is the runtime.Store of the SQL backends, runtime/sqlite
// and runtime/postgres: one implementation over a small DB interface, with
// the dialects' differences (placeholders, types, locking) kept in
// Dialect and in the migrations of each.
//
// Single-use records are consumed by one UPDATE ... RETURNING, which the
// database runs atomically however many instances share it.
package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
)

// ErrNoRows is what Row.Scan returns when the query matched no row.
var ErrNoRows = errors.New("sqlstore: no rows")

// DB is what the store needs of a connection pool.
type DB interface {
	// Exec runs a statement.
	Exec(ctx context.Context, query string, args ...any) error
	// QueryRow runs a query of at most one row.
	QueryRow(ctx context.Context, query string, args ...any) Row
	// Tx runs f in a transaction, committed when f returns nil.
	Tx(ctx context.Context, f func(tx DB) error) error
}

// Row is one row of a query; Scan returns ErrNoRows when there is none.
type Row interface {
	Scan(dest ...any) error
}

// Dialect is what differs between the databases.
type Dialect struct {
	// Name names the migrations directory: "sqlite" or "postgres".
	Name string
	// Numbered placeholders ($1, $2) instead of "?".
	Numbered bool
	// Lock, when set, serialises migrations across processes until the
	// transaction ends.
	Lock string
	// SchemaExists counts the tables named oauthgen_schema (0 or 1).
	SchemaExists string
}

// dropMembers is the SQL of the JSON object in col without the members
// names, which are literals of this package.
func (d Dialect) dropMembers(col string, names ...string) string {
	if d.Name == "postgres" {
		return col + " - '" + strings.Join(names, "' - '") + "'" // jsonb
	}
	return "json_remove(" + col + ", '$." + strings.Join(names, "', '$.") + "')"
}

// rebind writes the query's "?" placeholders as the dialect wants them.
func (d Dialect) rebind(q string) string {
	if !d.Numbered {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Store is the SQL runtime.Store.
type Store struct {
	db DB
	q  queries
	sq stateQueries
	// lastPrune is when this instance last pruned, in Unix seconds.
	lastPrune atomic.Int64
}

var _ runtime.Store = (*Store)(nil)

// New returns the store over db, whose schema Migrate has brought up to
// date.
func New(db DB, d Dialect) *Store {
	return &Store{db: db, q: newQueries(d), sq: newStateQueries(d)}
}

// pruneInterval is how often an instance deletes expired rows.
const pruneInterval = time.Minute

// maybePrune deletes the expired rows of every table, by the system's
// time, at most once per pruneInterval per instance. A failure is retried
// later: expired rows are only kept longer, never read as live, since the
// runtime checks expiry by its own clock.
func (s *Store) maybePrune(ctx context.Context) {
	now := time.Now()
	last := s.lastPrune.Load()
	if now.Unix()-last < int64(pruneInterval/time.Second) || !s.lastPrune.CompareAndSwap(last, now.Unix()) {
		return
	}
	_ = s.Prune(ctx, now)
}

// Prune deletes every row whose pruning time is before now.
func (s *Store) Prune(ctx context.Context, now time.Time) error {
	for _, q := range s.q.prune {
		if err := s.db.Exec(ctx, q, now.Unix()); err != nil {
			return fmt.Errorf("prune: %w", err)
		}
	}
	if err := s.db.Exec(ctx, s.sq.prune, nanos(now)); err != nil {
		return fmt.Errorf("prune: %w", err)
	}
	return nil
}
