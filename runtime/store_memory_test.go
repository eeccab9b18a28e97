package runtime_test

import (
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	storetest.Run(t, func() runtime.Store { return runtime.NewMemoryStore() })
}
