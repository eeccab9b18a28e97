package flowkit

import "fmt"

// GrantPolicy is what a token flow's registration tells the token
// endpoint's shared phases, which read it and never the grant type: which
// clients may use the flow, what proves its grant, where the granted scope
// and the token audience come from, and whether an end user stands behind
// the tokens. Generated registrations spell it out from the catalogue and
// the spec. Every field's zero value is invalid, so a registration that
// forgets one is refused when the server is built.
type GrantPolicy struct {
	Clients    ClientPolicy
	Credential Credential
	Scope      ScopePolicy
	Resources  ResourcePolicy
	EndUser    EndUserPolicy
}

// ClientPolicy says which clients may use a flow.
type ClientPolicy uint8

// The client policies.
const (
	_ ClientPolicy = iota
	// ConfidentialClients: only clients that authenticate; a public client
	// gets invalid_client (RFC 6749 §2.1, §4.4).
	ConfidentialClients
	// AnyClients: public clients too, identified by client_id (RFC 6749
	// §2.1, §3.2.1).
	AnyClients
)

// Credential is what proves a token request's grant: "a credential
// representing the resource owner's authorization" (RFC 6749 §1.3). The
// token endpoint checks it before the procedure runs.
type Credential uint8

// The credentials.
const (
	_ Credential = iota
	// ClientCredential: the client's own authentication is the grant; the
	// tokens are the client's (RFC 6749 §4.4).
	ClientCredential
	// CodeCredential: an authorization code, consumed once, bound to the
	// client, the redirect URI and the PKCE challenge (RFC 6749 §4.1.3;
	// RFC 7636 §4.6).
	CodeCredential
	// RefreshCredential: a refresh token of the client, rotated once and
	// revoking its grant on reuse (RFC 6749 §6; RFC 9700 §4.14.2).
	RefreshCredential
	// ProcedureCredential: a credential of the flow's own that its
	// procedure checks (RFC 6749 §4.5). The default procedure fails closed
	// with invalid_grant until the procedure is written.
	ProcedureCredential
	// PasswordCredential: the resource owner's username and password
	// (RFC 6749 §4.3), checked by the runtime against the server's user
	// store behind the login throttle before the procedure runs; wrong
	// credentials are invalid_grant (RFC 6749 §5.2). RFC 9700 §2.4 says
	// the grant MUST NOT be used.
	PasswordCredential
	// AssertionCredential: a JWT a trusted issuer signed about the end
	// user (RFC 7523 §2.1), the assertion parameter, checked by the
	// runtime against the flow's trusted issuers (RFC 7523 §3) and used
	// once before the procedure runs; every failure is invalid_grant
	// (RFC 7523 §3.1).
	AssertionCredential
	// SubjectTokenCredential: the subject token of a token exchange
	// (RFC 8693 §2.1), and its actor token when there is one, validated
	// by their declared types against this server's tokens before the
	// procedure runs. A token the runtime cannot validate (another
	// issuer's, a type it does not read) leaves its typed view nil: the
	// default procedure refuses it with invalid_request (RFC 8693 §2.2.2)
	// and a team's procedure may validate it itself.
	SubjectTokenCredential
	// DeviceCodeCredential: a device code (RFC 8628 §3.4), redeemed once
	// its end user has approved it on the verification page; the runtime
	// answers the device's polls before (authorization_pending, slow_down,
	// access_denied, expired_token; RFC 8628 §3.5) and consumes the code
	// atomically. Its scope, resources and end user are the approved
	// authorization's.
	DeviceCodeCredential
)

// TrustedIssuer is an issuer whose JWT assertions a JWT bearer flow
// accepts (RFC 7523 §3): its iss value, its public keys (an inline JWK
// Set, or the https URL of one, fetched and cached), and the aud values
// it may use besides the server's issuer and token endpoint URL.
// Generated registrations list the spec's.
type TrustedIssuer struct {
	Issuer   string
	JWKS     []byte
	JWKSURI  string
	Audience []string
}

// ScopePolicy says where the granted scope comes from.
type ScopePolicy uint8

// The scope policies.
const (
	_ ScopePolicy = iota
	// ScopeFromRequest: the scope parameter, else the client's default
	// scopes; no scope at all is invalid_scope (RFC 6749 §3.3).
	ScopeFromRequest
	// ScopeFromGrant: the scope of the redeemed code or grant, or of the
	// subject token of a token exchange; the scope parameter may narrow
	// it and never widen it (RFC 6749 §6; RFC 8693 §2.1).
	ScopeFromGrant
	// ScopeRefused: the flow takes no scope parameter, whose presence is
	// invalid_scope; the tokens get the client's default scopes.
	ScopeRefused
)

// ResourcePolicy says where the tokens' audience comes from.
type ResourcePolicy uint8

// The resource policies.
const (
	_ ResourcePolicy = iota
	// ResourcesFromRequest: the resource parameters, each one of the
	// client's registered audiences (RFC 8707 §2), else those audiences.
	ResourcesFromRequest
	// ResourcesFromGrant: the resources of the redeemed code or grant;
	// resource parameters may narrow them and never widen them (RFC 8707
	// §2.2).
	ResourcesFromGrant
	// ResourcesRefused: the flow takes no resource parameter, whose
	// presence is invalid_target; the audience is the client's.
	ResourcesRefused
)

// EndUserPolicy says whether an end user stands behind the tokens.
type EndUserPolicy uint8

// The end-user policies.
const (
	_ EndUserPolicy = iota
	// NoEndUser: the client acts for itself. The tokens' sub is the
	// client_id (RFC 9068 §2.2), openid is invalid_scope, no ID token is
	// issued, and a client_id that is an end user's subject gets no token
	// (RFC 9068 §5).
	NoEndUser
	// EndUserOfGrant: the end user who authorized the redeemed code or
	// grant.
	EndUserOfGrant
	// EndUserByProcedure: the procedure signs an end user in and sets the
	// grant's subject and authentication; without them the grant has none.
	EndUserByProcedure
	// EndUserOfCredential: the end user the grant's credential
	// authenticated, the resource owner whose password the request
	// carried (RFC 6749 §4.3.2), the sub of a JWT bearer assertion
	// (RFC 7523 §3), or the subject of a token exchange's subject token
	// (RFC 8693 §1.1).
	EndUserOfCredential
)

// Check reports a policy whose fields are unset or do not fit together:
// a code, a refresh token or a device code carries its grant's scope,
// resources and end user, and nothing else does, except that a subject
// token bounds the scope (RFC 8693 §2.1) while the request names the
// audience; the client's own credential is for confidential clients
// without an end user; a password, an assertion and a subject token are
// the credentials that name their end user.
func (p GrantPolicy) Check() error {
	switch {
	case p.Clients == 0 || p.Clients > AnyClients:
		return fmt.Errorf("grant policy: Clients is unset or unknown (%d)", p.Clients)
	case p.Credential == 0 || p.Credential > DeviceCodeCredential:
		return fmt.Errorf("grant policy: Credential is unset or unknown (%d)", p.Credential)
	case p.Scope == 0 || p.Scope > ScopeRefused:
		return fmt.Errorf("grant policy: Scope is unset or unknown (%d)", p.Scope)
	case p.Resources == 0 || p.Resources > ResourcesRefused:
		return fmt.Errorf("grant policy: Resources is unset or unknown (%d)", p.Resources)
	case p.EndUser == 0 || p.EndUser > EndUserOfCredential:
		return fmt.Errorf("grant policy: EndUser is unset or unknown (%d)", p.EndUser)
	}
	redeems := p.Credential == CodeCredential || p.Credential == RefreshCredential || p.Credential == DeviceCodeCredential
	if redeems != (p.Resources == ResourcesFromGrant) || redeems != (p.EndUser == EndUserOfGrant) {
		return fmt.Errorf("grant policy: resources and end user come from the grant exactly when a code, a refresh token or a device code is redeemed")
	}
	exchanges := p.Credential == SubjectTokenCredential
	if (redeems || exchanges) != (p.Scope == ScopeFromGrant) {
		return fmt.Errorf("grant policy: scope comes from the grant exactly when a code, a refresh token, a device code or a subject token is redeemed")
	}
	if exchanges && p.Resources != ResourcesFromRequest {
		return fmt.Errorf("grant policy: a token exchange takes its audience from the request (RFC 8693 §2.1)")
	}
	if p.Credential == ClientCredential && (p.Clients != ConfidentialClients || p.EndUser != NoEndUser) {
		return fmt.Errorf("grant policy: the client's own credential is for confidential clients acting for themselves (RFC 6749 §4.4)")
	}
	namesUser := p.Credential == PasswordCredential || p.Credential == AssertionCredential || exchanges
	if namesUser != (p.EndUser == EndUserOfCredential) {
		return fmt.Errorf("grant policy: the end user is the credential's exactly when the credential is a password, an assertion or a subject token (RFC 6749 §4.3; RFC 7523 §3; RFC 8693 §1.1)")
	}
	return nil
}
