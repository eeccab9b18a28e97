package stores_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/stores"
	"github.com/oauthgen/oauthgen/runtime/storetest/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestOpen: each kind of location opens a store that works; a SQLite
// file keeps what was written across a reopen; bad locations are errors
// that show no password.
func TestOpen(t *testing.T) {
	ctx := t.Context()
	now := time.Now()
	path := filepath.Join(t.TempDir(), "sub", "s.db")
	for name, loc := range map[string]string{
		"memory":   "memory",
		"sqlite":   "sqlite:" + path,
		"postgres": pgtest.DSN(t),
	} {
		st, err := stores.Open(ctx, loc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := st.PutState(ctx, "test", []byte("k"), []byte("v"), now.Add(time.Hour), now); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if err := st.Close(); err != nil {
			t.Errorf("%s: close: %v", name, err)
		}
	}
	st, err := stores.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, ok, err := st.State(ctx, "test", []byte("k"), now); err != nil || !ok || string(v) != "v" {
		t.Errorf("reopened SQLite file: %q %v %v", v, ok, err)
	}
	if applied, err := stores.Migrate(ctx, "sqlite:"+path); err != nil || len(applied) != 0 {
		t.Errorf("Migrate on a current file: %v %v", applied, err)
	}
	if applied, err := stores.Migrate(ctx, "sqlite:"+filepath.Join(t.TempDir(), "new.db")); err != nil || len(applied) == 0 {
		t.Errorf("Migrate on a new file: %v %v", applied, err)
	}

	for _, bad := range []string{"", "sqlite:", "mysql://u:secret@h/db", "./file.db", "memory:"} {
		_, err := stores.Open(ctx, bad)
		if err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q): the error shows the password: %v", bad, err)
		}
	}
	if _, err := stores.Migrate(ctx, "memory"); err == nil {
		t.Error("Migrate(memory) succeeded")
	}
	if got := stores.Redact("postgres://u:secret@h/db"); strings.Contains(got, "secret") {
		t.Errorf("Redact = %q", got)
	}
}
