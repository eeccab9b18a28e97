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
}

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
	// GrantConst is the runtime constant of the grant type, such as "GrantClientCredentials".
	GrantConst string `yaml:"grant_const"`
	// Name is the Go name stem: ClientCredentials gives ClientCredentialsContext.
	Name string `yaml:"name"`
	// Description documents the flow.
	Description string `yaml:"description"`
	// Specs are the governing specifications.
	Specs []string `yaml:"specs"`
	// Status is "available" or "planned".
	Status string `yaml:"status"`
	// PublicClients is whether public clients may use the flow.
	PublicClients bool `yaml:"public_clients"`
	// Runtime names the runtime hooks of the flow.
	Runtime RuntimeHooks `yaml:"runtime"`
	// Defaults are token settings the flow forces, such as no refresh token for client_credentials.
	Defaults TokenSettings `yaml:"defaults"`
	// Errors are the error codes the flow may return.
	Errors []string `yaml:"errors"`
	// Properties are the flow's context properties beyond the base context.
	Properties []CatalogueProperty `yaml:"properties"`
	// Issues describes what the default procedure issues.
	Issues string `yaml:"issues"`
}

// RuntimeHooks name the runtime identifiers generated code uses for a flow.
// Each is an exported identifier of package runtime; empty means none.
type RuntimeHooks struct {
	// State is a struct embedded in the context holding the store and derived properties.
	State string `yaml:"state"`
	// Params is the struct of form properties passed to Check.
	Params string `yaml:"params"`
	// Check runs the flow's checks before the procedure:
	// Check(ctx, *TokenContext[, *State][, Params]) error.
	Check string `yaml:"check"`
	// Default is the default procedure: Default(ctx, *TokenContext[, *State]) (*TokenResponse, error).
	Default string `yaml:"default"`
}

// CatalogueProperty is a context property of a standard flow.
type CatalogueProperty struct {
	Pos
	// Name is the wire name (form parameter, header) or, for other sources, the property name.
	Name string `yaml:"-"`
	// Field is the Go field name.
	Field string `yaml:"field"`
	// Type is the Go type, as written in generated code (runtime types qualified with "runtime.").
	Type string `yaml:"type"`
	// Source is one of form, query, header, client, store, session, derived, config.
	Source string `yaml:"source"`
	// Required is whether the request must carry it.
	Required bool `yaml:"required"`
	// Validate is the validator/v10 rule of the generated field, for form, query and header sources.
	Validate string `yaml:"validate"`
	// Description documents the property; it becomes the field's doc comment.
	Description string `yaml:"description"`
	// Spec is the section that defines it, such as "RFC 6749 §4.1.3".
	Spec string `yaml:"spec"`
}
