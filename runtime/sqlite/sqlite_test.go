package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/sqlite"
	"github.com/oauthgen/oauthgen/runtime/storetest"
)

// TestConformance runs the store conformance suite on SQLite files.
func TestConformance(t *testing.T) {
	storetest.Run(t, func() runtime.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "oauthgen.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}
