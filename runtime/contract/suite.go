package contract

import (
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
)

// Suite is what the generated test knows of the team's spec and code.
type Suite struct {
	// Settings are the spec's server settings (the generated Settings()).
	// The issuer is replaced by the test server's URL.
	Settings runtime.Settings
	// Flows are the spec's flows with the team's procedures (the generated
	// Flows(p)); their procedures run as in production.
	Flows runtime.Flows
	// Properties are the custom properties the spec declares, by flow.
	Properties []Property
	// Options are the team's choices for the run (contract_test.go).
	Options Options
}

// Property is a custom property of a flow, as the spec declares it.
type Property struct {
	// Flow is the flow type id, such as "oauth-token-client-credentials".
	Flow string
	// Name is the parameter's name on the wire.
	Name string
	// Source is where the parameter is read: "form", "query" or "header".
	Source string
	// Type is the property's Go type: string, int, int64, bool or float64.
	Type string
	// Validate is the property's validate rule (go-playground/validator
	// tags); empty when it has none.
	Validate string
}

// Options are what the team's contract_test.go may set for the run.
type Options struct {
	// Users, when set, is the user store of the run, with Username and
	// Password a user of it who may sign in; procedures that look users up
	// in their own systems need one of theirs. Nil means a store of the
	// suite's with one user.
	Users    runtime.UserStore
	Username string
	Password string
	// Values are valid values of custom properties, by parameter name, for
	// the requests that must succeed; a property without one gets a value
	// its validate rule accepts, or none.
	Values map[string]string
	// Skip names checks (subtest names, such as
	// "client_credentials/scope_within_client") not to run, each with the
	// reason, which the test log shows. A check that a procedure breaks on
	// purpose belongs here, with the reason, rather than out of sight.
	Skip map[string]string
}

// Run runs every check that applies to the suite's flows, each as a
// subtest of t.
func Run(t *testing.T, s Suite) {
	t.Helper()
	h := newHarness(t, s)
	for _, c := range checks() {
		if !c.applies(h) {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			h.run(t, c.name, c.run)
		})
	}
}
