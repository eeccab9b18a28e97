// Package runtime is the protocol engine that oauthgen's generated code runs on.
//
// A service never writes HTTP, client authentication, PKCE, code or refresh
// token handling itself: the runtime owns every step that the OAuth 2.0 and
// OpenID Connect specifications make mandatory, and calls the team's typed
// procedure (a GenerateToken method on a generated context) only after those
// steps have passed. The generated code contributes parsing of each flow's
// request parameters into a typed context, the validation of that context,
// and the call to the procedure; everything else lives here, hand-written and
// unit-tested, so a fix reaches every service on upgrade.
//
// The runtime imports neither the generator nor YAML (conventions G-04).
// Layout, one concept per file:
//
//   - token_endpoint.go: the token endpoint pipeline (RFC 6749 §3.2, flows.md §2.3)
//   - authorize_endpoint.go: the authorization endpoint pipeline and the
//     login and consent forms (RFC 6749 §3.1, §4.1; flows.md §2.4), with
//     authorize_request.go, authorize_response.go, redirect_uri.go,
//     session.go, interaction.go, consent.go, login_throttle.go, users.go
//     and pages.go (the default pages are pages/*.html.tmpl)
//   - client_auth.go: client authentication (RFC 6749 §2.3)
//   - flow_*.go: the checks and default issuance of each standard flow
//   - issuer_*.go: grants, access, refresh and code issuers
//   - keys.go, jwks.go, metadata.go: signing keys, JWKS and discovery
//   - store*.go: the storage contracts and the in-memory implementation
package runtime
