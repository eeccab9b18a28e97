// Package pgtest gives tests a real PostgreSQL database: the runtime's, and
// those of a team's own store or service. With OAUTHGEN_TEST_POSTGRES set
// to a postgres:// URL, each database is
// created on that server; otherwise the package starts a throwaway cluster
// from the machine's PostgreSQL binaries (initdb and pg_ctl, listening on
// a unix socket in a temporary directory) and removes it when the tests
// end. Without either, the tests skip, saying what to install, and fail
// when CI=true. A test binary that uses it calls Main from TestMain, so
// that the cluster is stopped.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oauthgen/oauthgen/internal/testenv"
)

// EnvDSN names the environment variable of an existing server: a
// postgres:// URL of a role that may create databases.
const EnvDSN = "OAUTHGEN_TEST_POSTGRES"

// cluster is the throwaway cluster of this test binary.
var cluster struct {
	once sync.Once
	dir  string
	dsn  string
	err  error
}

// Main runs the tests and stops the throwaway cluster, if one was started.
// Call it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if cluster.dir != "" {
		_ = pgCtl(cluster.dir, "stop", "-m", "immediate")
		_ = os.RemoveAll(cluster.dir)
	}
	return code
}

// DSN returns the connection string of a new, empty database, dropped when
// the test ends.
func DSN(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvDSN)
	if admin == "" {
		cluster.once.Do(startCluster)
		if cluster.err != nil {
			unavailable(t, cluster.err)
		}
		admin = cluster.dsn
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		unavailable(t, fmt.Errorf("connect to %s: %w", EnvDSN, err))
	}
	defer conn.Close(ctx)
	name := "oauthgen_test_" + randomHex()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, admin); err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			_ = conn.Close(ctx)
		}
	})
	return withDatabase(admin, name)
}

// withDatabase is the connection string admin with the database name: the
// URL's path, or a dbname keyword, which overrides an earlier one.
func withDatabase(admin, name string) string {
	if strings.HasPrefix(admin, "postgres://") || strings.HasPrefix(admin, "postgresql://") {
		if u, err := url.Parse(admin); err == nil {
			u.Path = "/" + name
			return u.String()
		}
	}
	return admin + " dbname=" + name
}

// unavailable skips the test, or fails it in CI, when no PostgreSQL can be
// had (internal/testenv).
func unavailable(t testing.TB, err error) {
	t.Helper()
	testenv.Require(t, "PostgreSQL", "apt-get install postgresql (initdb, pg_ctl), or set "+EnvDSN+" to a server's DSN", err)
}

// startCluster creates and starts a cluster in a temporary directory. As
// root it runs PostgreSQL as the postgres user, which PostgreSQL requires.
func startCluster() {
	initdb, err := pgBinary("initdb")
	if err != nil {
		cluster.err = err
		return
	}
	dir, err := os.MkdirTemp("", "oauthgen-pg-")
	if err != nil {
		cluster.err = err
		return
	}
	cluster.dir = dir
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			cluster.err = fmt.Errorf("running as root needs the postgres user: %w", err)
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			cluster.err = err
			return
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := asPostgres(initdb, "-D", data, "-U", "oauthgen", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		cluster.err = fmt.Errorf("initdb: %v: %s", err, out)
		return
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=off -c max_connections=200", dir)
	if err := pgCtl(dir, "start", "-w", "-t", "60", "-o", opts, "-l", filepath.Join(dir, "log")); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		cluster.err = fmt.Errorf("pg_ctl start: %v: %s", err, log)
		return
	}
	cluster.dsn = "postgres://oauthgen@/postgres?" + url.Values{"host": {dir}, "port": {"5432"}, "sslmode": {"disable"}}.Encode()
}

// pgCtl runs pg_ctl on the cluster in dir.
func pgCtl(dir string, args ...string) error {
	bin, err := pgBinary("pg_ctl")
	if err != nil {
		return err
	}
	out, err := asPostgres(bin, append([]string{"-D", filepath.Join(dir, "data")}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

// asPostgres is the command, run as the postgres user when this process is
// root.
func asPostgres(bin string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	}
	return exec.Command(bin, args...)
}

// pgBinary finds a PostgreSQL program on PATH or in Debian's directory.
func pgBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", errors.New(name + " not found")
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
