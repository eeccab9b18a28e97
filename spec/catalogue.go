package spec

// Catalogue is the built-in catalogue of endpoints and flow types
// (catalogue.yaml, embedded). It defines every standard flow type and the
// context properties its procedure receives.
type Catalogue struct {
	Version   int                 `yaml:"version"`
	Endpoints []CatalogueEndpoint `yaml:"-"`
	Flows     []CatalogueFlow     `yaml:"-"`
}

// CatalogueEndpoint is an endpoint kind, such as oauth-token.
type CatalogueEndpoint struct {
	Pos
	// ID is the endpoint kind, such as "oauth-token".
	ID string `yaml:"-"`
	// SpecKey is the key under "endpoints:" in a spec, such as "token".
	SpecKey string `yaml:"spec_key"`
	// Path is the default path.
	Path string `yaml:"path"`
	// Methods are the HTTP methods it serves.
	Methods []string `yaml:"methods"`
	// Authentication describes how callers authenticate: client, bearer, session or none.
	Authentication string `yaml:"authentication"`
	// Metadata is the RFC 8414 metadata member that advertises it.
	Metadata string `yaml:"metadata"`
	// Specs are the governing specifications.
	Specs []string `yaml:"specs"`
	// Status is "available" (served by this runtime) or "planned".
	Status string `yaml:"status"`
	// Description documents the endpoint.
	Description string `yaml:"description"`
	// WireParam is the request parameter whose value (a flow's wire)
	// selects the flow, such as "grant_type"; empty when the endpoint
	// serves one flow.
	WireParam string `yaml:"wire_param"`
	// Parameters are the request parameters the runtime reads at the
	// endpoint; a team property must not read one.
	Parameters []string `yaml:"parameters"`
	// PropertySources are the sources a team property may have at the
	// endpoint; empty means the endpoint's flows take no team properties.
	PropertySources []string `yaml:"property_sources"`
	// TokenSettings are the keys of a flow's tokens the endpoint's flows
	// use; a flow may set no other.
	TokenSettings []string `yaml:"token_settings"`
	// Settings are the settings a spec may give the endpoint beyond its
	// path (EndpointSettings).
	Settings []string `yaml:"settings"`
	// Subpaths are the paths the endpoint serves under its own, such as
	// its login and consent forms.
	Subpaths []string `yaml:"subpaths"`
	// Served is when the runtime serves the endpoint: empty means always
	// for an endpoint without flows (the JWK Set) and with one of its
	// flows otherwise; ServedDeclared means when the spec declares it (an
	// endpoint without a flow of its own, such as the pushed authorization
	// request endpoint, whose requests are the authorization flow's).
	Served string `yaml:"served"`
	// Requires are the endpoints a spec must declare, and the runtime
	// serve, together with this one.
	Requires []string `yaml:"requires"`
}

// ServedDeclared is the Served of an endpoint the runtime serves when the
// spec declares it.
const ServedDeclared = "declared"

// ServedWhenDeclared reports whether the runtime serves the endpoint
// exactly when the spec declares it.
func (e *CatalogueEndpoint) ServedWhenDeclared() bool { return e.Served == ServedDeclared }

// CatalogueFlow is a standard flow type.
type CatalogueFlow struct {
	Pos
	// ID is the flow type id, such as "oauth-token-client-credentials".
	ID string `yaml:"-"`
	// Endpoint is the endpoint kind that serves it.
	Endpoint string `yaml:"endpoint"`
	// Wire is the value that selects it: grant_type at the token endpoint,
	// response_type at the authorization endpoint; empty when the endpoint has one flow.
	Wire string `yaml:"wire"`
	// Name is the Go name stem: ClientCredentials gives ClientCredentialsContext.
	Name string `yaml:"name"`
	// Description documents the flow.
	Description string `yaml:"description"`
	// Specs are the governing specifications.
	Specs []string `yaml:"specs"`
	// Status is "available" or "planned".
	Status string `yaml:"status"`
	// Policy is what the token endpoint's shared phases read of a token
	// flow; zero for the flows of other endpoints.
	Policy FlowPolicy `yaml:"policy"`
	// Defaults are token settings the flow forces, such as no refresh token for client_credentials.
	Defaults TokenSettings `yaml:"defaults"`
	// Errors are the error codes the flow may return.
	Errors []string `yaml:"errors"`
	// Properties are the flow's context properties beyond the base context.
	Properties []CatalogueProperty `yaml:"properties"`
	// Issues describes what the default procedure issues.
	Issues string `yaml:"issues"`
	// Requires are flows a spec must enable together with this one.
	Requires []string `yaml:"requires"`
	// RequiresScopes are scopes a spec must declare to enable this flow.
	RequiresScopes []string `yaml:"requires_scopes"`
	// IssuesCode is whether the flow issues authorization codes: only such
	// a flow may declare code_data in a spec.
	IssuesCode bool `yaml:"issues_code"`
	// Deprecated, when set, says why the flow should not be used, citing
	// the section that deprecates it: a spec that enables the flow is
	// still valid, and gets an OG170 warning with this text.
	Deprecated string `yaml:"deprecated"`
	// SpecPublicClients is whether a spec may set public_clients on the
	// flow, letting public clients use it (its policy's clients becomes
	// any); without it the catalogue's policy decides alone.
	SpecPublicClients bool `yaml:"spec_public_clients"`
}

// FlowPolicy is a token flow's policy, as the catalogue and the spec write
// it: every field one of the values the field's doc lists.
type FlowPolicy struct {
	Pos
	// Clients is "confidential" or "any" (public clients too).
	Clients string `yaml:"clients"`
	// Credential is what proves the grant: "client", "code",
	// "refresh_token", "procedure", "password", "assertion" or
	// "subject_token".
	Credential string `yaml:"credential"`
	// Scope is "request", "grant" or "none".
	Scope string `yaml:"scope"`
	// Resources is "request", "grant" or "none".
	Resources string `yaml:"resources"`
	// EndUser is "none", "grant", "procedure" or "credential".
	EndUser string `yaml:"end_user"`
}

// PolicyValues are the values each key of a flow policy may have.
func PolicyValues() map[string][]string {
	return map[string][]string{
		"clients":    {"confidential", "any"},
		"credential": {"client", "code", "refresh_token", "procedure", "password", "assertion", "subject_token", "device_code"},
		"scope":      {"request", "grant", "none"},
		"resources":  {"request", "grant", "none"},
		"end_user":   {"none", "grant", "procedure", "credential"},
	}
}

// RedeemsGrant reports whether the policy's credential is a code, a
// refresh token or a device code that the runtime redeems, whose grant
// carries the scope, resources and end user.
func (p FlowPolicy) RedeemsGrant() bool {
	return p.Credential == "code" || p.Credential == "refresh_token" || p.Credential == "device_code"
}

// NamesEndUser reports whether the policy's credential names the end user
// the tokens are for: a password (RFC 6749 §4.3), an assertion's sub
// (RFC 7523 §3) or a subject token's (RFC 8693 §1.1).
func (p FlowPolicy) NamesEndUser() bool {
	return p.Credential == "password" || p.Credential == "assertion" || p.Credential == "subject_token"
}

// CatalogueProperty is a context property of a standard flow.
type CatalogueProperty struct {
	Pos
	// Name is the wire name (form parameter, header) or, for other sources, the property name.
	Name string `yaml:"-"`
	// Field is the name of the context field that carries the property;
	// empty for a request parameter the runtime reads and checks itself.
	Field string `yaml:"field"`
	// Type is the property's type in the protocol vocabulary of the
	// runtime: string, Secret, ScopeSet, *AuthorizationCode, ...
	Type string `yaml:"type"`
	// Source is one of form, query, header, client, store, session, derived, config.
	Source string `yaml:"source"`
	// Required is whether the request must carry it.
	Required bool `yaml:"required"`
	// Description documents the property; it becomes the field's doc comment.
	Description string `yaml:"description"`
	// Spec is the section that defines it, such as "RFC 6749 §4.1.3".
	Spec string `yaml:"spec"`
}
