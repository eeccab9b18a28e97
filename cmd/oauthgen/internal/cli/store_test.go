package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/stores"
)

// TestMigrate: migrate applies every migration to a new SQLite file, and
// none the second time; without a store it is a usage error; the
// environment variable names a store too.
func TestMigrate(t *testing.T) {
	loc := "sqlite:" + filepath.Join(t.TempDir(), "data", "oauthgen.db")
	code, out, errOut := run(t, "migrate", "-store", loc)
	if code != exitOK || !strings.Contains(out, "applied migrations 1, 2") {
		t.Fatalf("migrate: %d %q %q", code, out, errOut)
	}
	t.Setenv(stores.EnvVar, loc)
	if code, out, _ := run(t, "migrate"); code != exitOK || !strings.Contains(out, "up to date") {
		t.Errorf("migrate again: %d %q", code, out)
	}
	t.Setenv(stores.EnvVar, "")
	if code, _, errOut := run(t, "migrate"); code != exitUsage || !strings.Contains(errOut, "-store") {
		t.Errorf("migrate without a store: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, "migrate", "-store", "mysql://x"); code != exitFail || !strings.Contains(errOut, "sqlite:PATH") {
		t.Errorf("migrate with a bad store: %d %q", code, errOut)
	}
}

// TestKeys: keys on a store without keys says so; after a server made
// its keys, list shows them active and rotate adds pending successors,
// which the server publishes.
func TestKeys(t *testing.T) {
	loc := "sqlite:" + filepath.Join(t.TempDir(), "oauthgen.db")
	if code, _, errOut := run(t, "keys", "list", "-store", loc); code != exitFail || !strings.Contains(errOut, "no signing keys") {
		t.Fatalf("keys list on a new store: %d %q", code, errOut)
	}
	if code, _, _ := run(t, "keys", "-store", loc); code != exitUsage {
		t.Errorf("keys without a verb: %d", code)
	}

	// A server starts on the store and makes its keys.
	st, err := stores.Open(context.Background(), loc)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clients, _ := runtime.NewMemoryClients()
	srv, err := runtime.NewServer(runtime.Config{Clients: clients, Store: st}, runtime.Settings{Issuer: "https://as.example"}, runtime.Flows{})
	if err != nil {
		t.Fatal(err)
	}
	jwks := func() string {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/oauth2/jwks", nil))
		return w.Body.String()
	}
	before := jwks()

	code, out, errOut := run(t, "keys", "list", "-store", loc)
	if code != exitOK || strings.Count(out, "active") != 1 || !strings.Contains(out, "ES256") {
		t.Fatalf("keys list: %d %q %q", code, out, errOut)
	}
	code, out, errOut = run(t, "keys", "rotate", "-store", loc)
	if code != exitOK || !strings.Contains(out, "rotation started") || strings.Count(out, "pending") != 1 {
		t.Fatalf("keys rotate: %d %q %q", code, out, errOut)
	}
	if code, out, _ := run(t, "keys", "rotate", "-store", loc); code != exitOK || !strings.Contains(out, "pending already") {
		t.Errorf("keys rotate again: %d %q", code, out)
	}
	if err := srv.RotateKeys(context.Background()); err != nil { // rereads the ring now
		t.Fatal(err)
	}
	if after := jwks(); strings.Count(after, `"kid"`) != 2 || after == before {
		t.Errorf("the server does not publish the new key: %s", after)
	}
}
