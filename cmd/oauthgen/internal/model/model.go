// Package model resolves a validated spec against the flow catalogue into the
// model the emitters consume: every default applied, every Go name chosen,
// every runtime identifier named (runtime_api.go), every flow in its final
// order. The emitters read the model and nothing else. It is a pure stage
// of the pipeline: Build reads nothing but its arguments.
package model

import (
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/spec"
)

// Model is a spec resolved against the catalogue.
type Model struct {
	// Package is the Go package name of the generated code and stubs.
	Package string
	// Server holds the server-wide settings.
	Server Server
	// API names the runtime identifiers generated code uses beyond any
	// one endpoint.
	API RuntimeAPI
	// Flows are the enabled flows: catalogue flows in catalogue order, then
	// extension grants in spec order.
	Flows []*Flow
	// Endpoints are the endpoints that serve generated flows, in catalogue
	// order, each with its enabled flows. An endpoint whose registrations
	// are a list is always there; the others only when one of their flows
	// is enabled.
	Endpoints []*Endpoint
	// CodeData are the fields of the typed data the authorization step
	// attaches to a code (the spec's code_data), in spec order; empty when
	// the spec declares none, and then no CodeData type is generated.
	CodeData []DataField
	// CatalogueStems maps the Go name stem of every catalogue flow, enabled
	// or not, to its flow id and procedure verb; it names the flow of an
	// orphaned procedure. Never ranged over when emitting.
	CatalogueStems map[string]Stem
	// Verbs are the procedure methods of every endpoint the generator
	// emits flows of; ExtensionVerb is an extension grant's.
	Verbs         []string
	ExtensionVerb string
}

// Stem is what a catalogue flow's name stem stands for.
type Stem struct {
	// Flow is the flow type id.
	Flow string
	// Verb is its procedure's method; empty for a flow of an endpoint the
	// generator does not emit.
	Verb string
}

// IsVerb reports whether name is the procedure method of some endpoint.
func (m *Model) IsVerb(name string) bool { return slices.Contains(m.Verbs, name) }

// Server is the server-wide part of the model, emitted as runtime.Settings.
type Server struct {
	// Issuer is the exact issuer identifier (RFC 8414 §2).
	Issuer string
	// Paths are the paths of the enabled endpoints, in catalogue order:
	// the spec's, or the catalogue's defaults.
	Paths []EndpointPath
	// AuthMethods are the client authentication methods of the endpoints
	// whose callers are clients; default client_secret_basic.
	AuthMethods []string
	// Scopes are the declared scopes, in spec order.
	Scopes []Scope
	// SigningAlg is the JWS algorithm of JWT access tokens; default ES256.
	SigningAlg string
	// RequirePKCE is the require_pkce setting (default true) when an
	// endpoint that has it is enabled; nil otherwise.
	RequirePKCE *bool
	// PushedAuthorizationRequests is whether the spec declares the pushed
	// authorization request endpoint (RFC 9126), which has no flow of its
	// own; RequirePushedAuthorizationRequests is its setting.
	PushedAuthorizationRequests        bool
	RequirePushedAuthorizationRequests bool
	// OpenID is whether the spec declares the openid scope; only then are
	// IDTokenSigningAlg (default RS256) and IDTokenTTL (default 10m) set.
	OpenID            bool
	IDTokenSigningAlg string
	IDTokenTTL        time.Duration
}

// EndpointPath is the path of an enabled endpoint.
type EndpointPath struct {
	// ID is the catalogue endpoint id, such as "oauth-token": the key of
	// its path in runtime.Settings.Paths.
	ID   string
	Path string
}

// Endpoint is an endpoint that serves generated flows.
type Endpoint struct {
	// ID is the endpoint kind, such as "oauth-token".
	ID string
	// Binding is what generated code of its flows uses of the runtime.
	Binding *Binding
	// TokenSettings are the keys of the token settings its flows use, in
	// the catalogue's order.
	TokenSettings []string
	// Flows are its enabled flows, in the order of Model.Flows.
	Flows []*Flow
}

// DataField is a field of the code data type.
type DataField struct {
	// Pos is where the spec declares it.
	Pos spec.Pos
	// Name is the Go field name, such as "DeviceID".
	Name string
	// JSON is the JSON member name, the spec's key, such as "device_id".
	JSON string
	// Kind and GoType are the field's type.
	Kind   Kind
	GoType string
	// Doc is the field's doc comment text.
	Doc string
}

// Scope is a declared scope.
type Scope struct {
	Name        string
	Description string
}

// Flow is one enabled flow: a catalogue flow or an extension grant.
type Flow struct {
	// Pos is where the spec enables the flow.
	Pos spec.Pos
	// ID is the catalogue flow type id, or an extension grant's spec key.
	ID string
	// Extension is true for an extension grant (RFC 6749 §4.5).
	Extension bool
	// Endpoint is the endpoint kind, such as "oauth-token".
	Endpoint string
	// Binding is what generated code of the flow uses of the runtime.
	Binding *Binding
	// TokenSettings are the keys of the token settings the flow uses (its
	// endpoint's).
	TokenSettings []string
	// Route is the HTTP route that serves the flow, such as "POST /oauth2/token".
	Route string
	// WireParam is the request parameter that selects the flow, such as
	// "grant_type"; empty when the endpoint has one flow.
	WireParam string
	// Wire is the value of WireParam that selects the flow, such as
	// "client_credentials" or "code".
	Wire string
	// GrantType is the grant_type value, a registered name or an absolute
	// URI; empty for a flow that is not served at the token endpoint.
	GrantType string
	// Description documents the flow.
	Description string
	// Specs are the governing specifications, such as "RFC 6749 §4.4".
	Specs []string
	// Issues describes what the default procedure issues.
	Issues string
	// Deprecated is why the catalogue deprecates the flow, citing the
	// section; empty for a flow in good standing.
	Deprecated string
	// Before says what the endpoint has done by the time the procedure
	// runs, such as "authenticated the client and ...".
	Before string
	// Policy is the flow's resolved token settings.
	Policy Policy
	// Grant is a token flow's grant policy, field by field in
	// flowkit.GrantPolicy's order; nil for the flows of other endpoints.
	Grant []GrantSetting
	// TrustedIssuers are the issuers whose JWT assertions a flow whose
	// credential is an assertion accepts, in spec order; nil otherwise.
	TrustedIssuers []TrustedIssuer
	// Names are the Go names derived from the flow.
	Names Names
	// Fields are the context fields generated code parses from the
	// request: the spec's own properties, in spec order.
	Fields []Field
	// Catalogue are the catalogue's properties of the flow: request
	// parameters the runtime reads and checks itself, and what the base
	// context carries for it. Documented (describe), never generated.
	Catalogue []Field
	// IssuesCode is whether the flow issues authorization codes;
	// RedeemsCode whether it redeems them. HasData is whether its context
	// has the typed CodeData field: it does one of them and the spec
	// declares code_data.
	IssuesCode  bool
	RedeemsCode bool
	HasData     bool
	// Errors are the error codes the flow may return, in catalogue order.
	Errors []ErrorCode
}

// TrustedIssuer is a trusted issuer of a flow (flowkit.TrustedIssuer):
// its iss, its keys inline (JSON text) or at a URL, and further aud values.
type TrustedIssuer struct {
	Issuer, JWKS, JWKSURI string
	Audience              []string
}

// Names are the Go identifiers and file names derived from a flow's name stem.
type Names struct {
	// Stem is the Go name stem, such as "ClientCredentials".
	Stem string
	// Snake is the stem in snake case, such as "client_credentials".
	Snake string
	// Context is the context type, such as "ClientCredentialsContext".
	Context string
	// Procedure is the procedure interface, such as "ClientCredentialsProcedure".
	Procedure string
	// Errors is the error constructor type, such as "ClientCredentialsErrors".
	Errors string
	// FlowType is the unexported adapter to the endpoint's flow interface
	// (runtime.Flow[runtime.TokenContext, runtime.TokenResponse], ...), such as "clientCredentialsFlow".
	FlowType string
	// User is the user-owned procedure type in the stub, such as "ClientCredentials".
	User string
	// StubFile is the user-owned stub file, such as "client_credentials.go".
	StubFile string
}

// GrantSetting is one field of a token flow's grant policy.
type GrantSetting struct {
	// Key and Value are the catalogue's (or the extension grant's), such
	// as "clients" and "any".
	Key, Value string
	// Field is the flowkit.GrantPolicy field, such as "Clients"; Const its
	// value, such as flowkit.AnyClients.
	Field string
	Const Ident
}

// Policy is a flow's resolved token settings.
type Policy struct {
	// AccessFormat is "jwt" or "opaque".
	AccessFormat   string
	AccessTTL      time.Duration
	IssueRefresh   bool
	RotateRefresh  bool
	RefreshTTL     time.Duration
	RefreshIdleTTL time.Duration
	RefreshGrace   time.Duration
	CodeTTL        time.Duration
	// DeviceCodeTTL is the lifetime of device authorizations (RFC 8628).
	DeviceCodeTTL time.Duration
}

// Field is a property of a flow's context.
type Field struct {
	// Pos is where the property is declared (spec or catalogue).
	Pos spec.Pos
	// Name is the Go field name, such as "RedirectURI".
	Name string
	// Kind says how the value is parsed.
	Kind Kind
	// GoType is the Go type as documented, such as "runtime.Secret".
	GoType string
	// Wire is the form or query parameter or the header name.
	Wire string
	// Source is where the value comes from: form, query, header, store, derived ...
	Source string
	// Validate is the validator/v10 rule; empty for none.
	Validate string
	// Description documents the property.
	Description string
	// Spec is the section that defines it, such as "RFC 6749 §4.1.3"; catalogue only.
	Spec string
	// Catalogue is true for a catalogue property, false for the spec's own.
	Catalogue bool
	// Property is the spec's key of a team property, such as "tenant".
	Property string
	// Doc is the field's doc comment text, from its description and source.
	Doc string
}

// ErrorCode is an OAuth error code a flow may return.
type ErrorCode struct {
	// Code is the wire value, such as "invalid_grant".
	Code string
	// Method is the constructor method on the flow's Errors type, such as "InvalidGrant".
	Method string
	// Type is the flowkit type whose method constructs the error, such as
	// flowkit.InvalidGrantCode.
	Type Ident
	// Spec is the defining section, such as "RFC 6749 §5.2".
	Spec string
}
