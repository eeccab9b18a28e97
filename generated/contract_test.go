package generated

import (
	"testing"

	"github.com/oauthgen/oauthgen/runtime/contract"
)

// contractSetup returns the procedures that the generated protocol checks
// (TestOAuthgenContract in oauthgen_contract.gen_test.go) run with, and the
// options of the run. oauthgen scaffolded this file once and never touches
// it again.
//
// Build the procedures as your other tests do: with test doubles of what
// they call, or a test database. The options can name a user store of
// yours with a user who may sign in (when procedures look users up),
// valid values of your properties, and checks to skip, each with the
// reason. To run no checks at all, call t.Skip here with the reason.
func contractSetup(t *testing.T) (*Procedures, contract.Options) {
	return &Procedures{}, contract.Options{}
}
