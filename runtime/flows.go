package runtime

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
)

// Flows are the flows a server serves, by endpoint. Generated code builds
// them from the spec (its Flows function); NewServer takes them.
type Flows struct {
	// Token are the token endpoint's flows, one per grant type.
	Token []Registration[TokenContext, TokenResponse]
	// Authorize is the authorization endpoint's response_type=code flow;
	// nil when the spec does not enable it.
	Authorize *Registration[AuthorizeContext, AuthorizeResponse]
	// UserInfo is the userinfo endpoint's flow; nil when not enabled.
	UserInfo *Registration[UserInfoContext, UserInfoResponse]
	// Introspection is the introspection endpoint's flow (RFC 7662); nil
	// when not enabled.
	Introspection *Registration[IntrospectionContext, IntrospectionResponse]
	// Revocation is the revocation endpoint's flow (RFC 7009); nil when
	// not enabled.
	Revocation *Registration[RevocationContext, RevocationResponse]
	// EndSession is the end-session endpoint's flow (OpenID Connect
	// RP-Initiated Logout 1.0); nil when not enabled. It needs Authorize,
	// whose login sessions it ends.
	EndSession *Registration[EndSessionContext, EndSessionResponse]
	// DeviceAuthorization is the device authorization endpoint's flow (RFC
	// 8628 §3.1); nil when not enabled. It needs the token flow that
	// redeems device codes (flowkit.DeviceCodeCredential) and Config.Users,
	// who sign in on its verification page.
	DeviceAuthorization *Registration[DeviceAuthorizationContext, DeviceAuthorizationResponse]
}

// Registration registers one flow with NewServer: its flow type id, what
// selects it on the wire, its token settings, the policy the endpoint's
// shared phases read, and the generated adapter that calls the team's
// procedure. C is the endpoint's base context and R its response.
type Registration[C, R any] struct {
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
	// TrustedIssuers are the issuers whose assertions a JWT bearer flow
	// (flowkit.AssertionCredential; RFC 7523 §2.1) accepts; NewServer
	// requires at least one there and refuses them elsewhere.
	TrustedIssuers []flowkit.TrustedIssuer
	// Flow is the generated adapter to the team's procedure.
	Flow Flow[C, R]
}

// Flow is implemented by the generated adapter of each flow, for the base
// context C of its endpoint and the response R: Prepare parses the flow's
// own request properties into its typed context, validates them, and
// returns the call of the team's procedure. The endpoint runs every other
// step, in this order:
//   - at the token endpoint (TokenContext, TokenResponse): before Prepare,
//     the method, the form, client authentication, the grant type, scope
//     and resources; between Prepare and the call, the check of the
//     grant's credential (a code, a refresh token) and the default token
//     data; after it, the response's checks and encoding;
//   - at the authorization endpoint (AuthorizeContext, AuthorizeResponse):
//     Prepare runs when the request arrives, so a malformed property is
//     answered before any page; once the end user has signed in and
//     consented, the endpoint prepares again with the approved request
//     and makes the call; a request pushed to the pushed authorization
//     request endpoint (RFC 9126) is prepared there too, so a malformed
//     property is refused when it is pushed;
//   - at the device authorization endpoint, once the client is
//     authenticated and its scope and resources checked;
//   - at the userinfo endpoint, once the access token is validated; at the
//     introspection and revocation endpoints, once the caller is
//     authenticated and the token looked up; at the end-session endpoint,
//     once the request is checked and the end user has confirmed the
//     logout when the request could not prove that its client asked for
//     it.
type Flow[C, R any] interface {
	Prepare(c *C) (func(context.Context) (*R, error), error)
}
