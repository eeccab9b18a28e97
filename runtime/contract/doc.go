// Package contract checks an authorization server built from a team's own
// procedures against the protocol: client authentication, the scope rules,
// PKCE and single-use codes, refresh token rotation and reuse, the custom
// properties of the spec (missing, of the wrong type, failing their
// validate rule), the metadata documents, and the form of every error
// (RFC 6749 §5.2 JSON with Cache-Control: no-store).
//
// `oauthgen generate` emits oauthgen_contract_test.go into the generated
// package; it calls Run with the spec's settings, the flows built from the
// procedures of the team's contract_test.go, and the spec's custom
// properties, so `go test` fails, naming the rule and its RFC section, when
// a procedure breaks one: a token with a scope the client may not have, an
// access token without sub, a refresh token that outlives its rotation.
//
// The server under test is the runtime's, on a loopback httptest server,
// with a memory store, the runtime's own pages and clients and a user of
// the suite's (or the Options' user store). Each check is a subtest named
// after the rule, so one can be run alone with go test -run.
package contract
