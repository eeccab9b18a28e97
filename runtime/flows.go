package runtime

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
)

// Flows are the flows a server serves, by endpoint. Generated code builds
// them from the spec (its Flows function); NewServer takes them.
type Flows struct {
	// Token are the token endpoint's flows, one per grant type.
	Token []Registration[TokenFlow]
	// Authorize is the authorization endpoint's response_type=code flow;
	// nil when the spec does not enable it.
	Authorize *Registration[AuthorizeFlow]
	// UserInfo is the userinfo endpoint's flow; nil when not enabled.
	UserInfo *Registration[UserInfoFlow]
	// Introspection is the introspection endpoint's flow (RFC 7662); nil
	// when not enabled.
	Introspection *Registration[IntrospectionFlow]
	// Revocation is the revocation endpoint's flow (RFC 7009); nil when
	// not enabled.
	Revocation *Registration[RevocationFlow]
}

// Registration registers one flow with NewServer: its flow type id, what
// selects it on the wire, its token settings, the policy the endpoint's
// shared phases read, and the generated adapter that calls the team's
// procedure.
type Registration[F any] struct {
	// ID is the flow type id, such as "oauth-token-client-credentials".
	ID string
	// Wire selects the flow: the grant_type value at the token endpoint,
	// the response_type at the authorization endpoint; empty at an
	// endpoint with one flow.
	Wire string
	// Policy are the flow's token settings.
	Policy TokenPolicy
	// Grant is what the token endpoint's shared phases read of a token
	// flow (flowkit.GrantPolicy); zero at the other endpoints.
	Grant flowkit.GrantPolicy
	// Flow is the generated adapter to the team's procedure.
	Flow F
}

// TokenFlow is implemented by the generated code of each token flow.
// Prepare parses the flow's own request properties into its typed context
// and validates them, and returns the call of the team's procedure. The
// endpoint runs every other step: before Prepare, the method, the form,
// client authentication, the grant type, scope and resources; between
// Prepare and the call, the check of the grant's credential (a code, a
// refresh token) and the default token data; after it, the response's
// checks and encoding.
type TokenFlow interface {
	Prepare(t *TokenContext) (func(context.Context) (*TokenResponse, error), error)
}

// AuthorizeFlow is implemented by the generated code of the authorization
// flow. Prepare parses and validates the flow's own request properties
// when the request arrives, so a malformed one is answered before any page
// is shown; once the end user has signed in and consented, the endpoint
// prepares again with the approved request and makes the call.
type AuthorizeFlow interface {
	Prepare(a *AuthorizeContext) (func(context.Context) (*AuthorizeResponse, error), error)
}

// UserInfoFlow is implemented by the generated code of the userinfo flow.
// Prepare builds the flow's typed context once the access token has been
// validated, and returns the call of the team's procedure.
type UserInfoFlow interface {
	Prepare(u *UserInfoContext) (func(context.Context) (*UserInfoResponse, error), error)
}

// IntrospectionFlow is implemented by the generated code of the
// introspection flow. Prepare builds the flow's typed context once the
// caller is authenticated and the token looked up, and returns the call of
// the team's procedure.
type IntrospectionFlow interface {
	Prepare(c *IntrospectionContext) (func(context.Context) (*IntrospectionResponse, error), error)
}

// RevocationFlow is implemented by the generated code of the revocation
// flow. Prepare builds the flow's typed context once the client is
// authenticated and its token looked up, and returns the call of the
// team's procedure.
type RevocationFlow interface {
	Prepare(c *RevocationContext) (func(context.Context) (*RevocationResponse, error), error)
}
