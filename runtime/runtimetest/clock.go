// Package runtimetest lets a team unit-test its procedures in a few lines,
// without an HTTP server: it runs the runtime's real endpoint pipeline in
// memory, on a memory store and a fake clock, and hands the test the base
// context the procedure would receive, every check made and every default
// filled. The test wraps it in the flow's generated context and calls the
// procedure:
//
//	srv := runtimetest.New(t, runtimetest.Config{
//		Settings: oauth.Settings(),
//		Flows:    oauth.Flows(p),
//		Clients:  []*runtime.Client{{ID: "svc", GrantTypes: ...}},
//	})
//	c := &oauth.ClientCredentialsContext{
//		TokenContext: srv.Token(t, "svc", url.Values{"grant_type": {"client_credentials"}}),
//	}
//	resp, err := (&oauth.ClientCredentials{Procedures: p}).GenerateToken(ctx, c)
//
// The generated code that parses the flow's own properties is not run: the
// test sets them on the context (c.Tenant = "acme"), as a request would
// have, validated.
package runtimetest

import (
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/testclock"
)

// Clock is a fake runtime.Clock that stands still until the test moves it
// with Advance or Set. It is safe for concurrent use.
type Clock = testclock.Clock

// NewClock returns a clock that reads now.
func NewClock(now time.Time) *Clock { return testclock.New(now) }
