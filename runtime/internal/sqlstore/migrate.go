package sqlstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:embed migrations
var migrations embed.FS

// Migration is one versioned schema change: migrations/<dialect>/NNNN_name.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations are the dialect's schema changes, in version order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := path.Join("migrations", d.Name)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, fmt.Errorf("migrations of %s: %w", d.Name, err)
	}
	var out []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: not NNNN_name.sql", e.Name())
		}
		src, err := fs.ReadFile(migrations, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(src)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations of %s: version %d is missing", d.Name, i+1)
		}
	}
	return out, nil
}

// Migrate brings the schema up to the latest version, in one transaction,
// forward only, serialised across processes where the dialect can lock.
// It returns the versions it applied. A database at a version newer than
// this binary knows is refused: an older binary must not run on it.
func Migrate(ctx context.Context, db DB, d Dialect) ([]int, error) {
	return MigrateTo(ctx, db, d, -1)
}

// MigrateTo is Migrate up to version target (-1: the latest).
func MigrateTo(ctx context.Context, db DB, d Dialect, target int) ([]int, error) {
	all, err := Migrations(d)
	if err != nil {
		return nil, err
	}
	if target >= 0 && target < len(all) {
		all = all[:target]
	}
	var applied []int
	err = db.Tx(ctx, func(tx DB) error {
		if d.Lock != "" {
			if err := tx.Exec(ctx, d.Lock); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		if err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS oauthgen_schema (version INTEGER NOT NULL)`); err != nil {
			return err
		}
		current, err := version(ctx, tx)
		if err != nil {
			return err
		}
		if current > len(all) && target < 0 {
			return fmt.Errorf("the database schema is at version %d, newer than this oauthgen knows (%d): run a newer oauthgen", current, len(all))
		}
		if current >= len(all) {
			return nil
		}
		for _, m := range all[current:] {
			for _, stmt := range statements(m.SQL) {
				if err := tx.Exec(ctx, stmt); err != nil {
					return fmt.Errorf("migration %s: %w", m.Name, err)
				}
			}
			if err := tx.Exec(ctx, d.rebind(`INSERT INTO oauthgen_schema (version) VALUES (?)`), m.Version); err != nil {
				return err
			}
			applied = append(applied, m.Version)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return applied, nil
}

// Version is the schema version of the database; 0 when it has none. It
// changes nothing.
func Version(ctx context.Context, db DB, d Dialect) (int, error) {
	var n int64
	if err := db.QueryRow(ctx, d.SchemaExists).Scan(&n); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	return version(ctx, db)
}

func version(ctx context.Context, db DB) (int, error) {
	var v int64
	if err := db.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM oauthgen_schema`).Scan(&v); err != nil && !errors.Is(err, ErrNoRows) {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return int(v), nil
}

// statements splits a migration into its statements: each ends with ";"
// at the end of a line. Comment lines are dropped.
func statements(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			if s := strings.TrimSpace(cur.String()); s != ";" {
				out = append(out, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
