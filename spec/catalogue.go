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
	// Gen is what generated code needs to serve the endpoint's flows; nil
	// for an endpoint that serves no generated flow (JWKS, metadata).
	Gen *EndpointGen `yaml:"generate"`
}

// EndpointGen describes, for one endpoint kind, the runtime identifiers and
// texts the generator uses to emit its flows, so that no endpoint kind is
// hard-coded in the generator. Every identifier is an exported identifier of
// package runtime.
type EndpointGen struct {
	Pos
	// Context is the struct every generated context of the endpoint embeds
	// by pointer, such as "TokenContext".
	Context string `yaml:"context"`
	// ContextDoc completes "<Context> ..." in the embedded field's comment.
	ContextDoc string `yaml:"context_doc"`
	// Response is the struct a procedure returns a pointer to, such as "TokenResponse".
	Response string `yaml:"response"`
	// Interface is the interface the generated adapter implements, such as
	// "TokenFlow"; Method is its one method, such as "Token", which takes
	// (ctx, *Context) and returns (*Response, error).
	Interface string `yaml:"interface"`
	Method    string `yaml:"method"`
	// Precheck, when set, is a second method of Interface, taking (ctx,
	// *Context) and returning error, that parses and validates the flow's
	// own properties without calling the procedure. The runtime calls it
	// when the request arrives, so a malformed property is answered before
	// any page is shown to the end user.
	Precheck string `yaml:"precheck"`
	// Registration is the struct that registers a flow, such as
	// "TokenFlowRegistration"; RegistrationFields are the fields generated
	// code sets, in order: ID, GrantType, PublicClients, Policy, Flow.
	Registration       string   `yaml:"registration"`
	RegistrationFields []string `yaml:"registration_fields"`
	// FlowsField is the field of runtime.Flows that holds the registrations;
	// FlowsList is whether it is a slice (one entry per flow) rather than a
	// pointer (the endpoint's one flow, nil when disabled).
	FlowsField string `yaml:"flows_field"`
	FlowsList  bool   `yaml:"flows_list"`
	// WireParam is the request parameter whose value (a flow's wire) selects
	// the flow, such as "grant_type"; empty when the endpoint has one flow.
	WireParam string `yaml:"wire_param"`
	// ParsedBy says who reads the catalogue's request properties: "flow"
	// (generated code parses them into the flow's context and passes them to
	// the runtime check) or "endpoint" (the runtime parses them into Context
	// before the flow runs; generated code only documents them).
	ParsedBy string `yaml:"parsed_by"`
	// PropertySources are the sources a team property may have at the
	// endpoint; empty means the endpoint's flows take no team properties.
	PropertySources []string `yaml:"property_sources"`
	// StandardParams are the request parameters the runtime reads itself at
	// the endpoint; a team property must not read one.
	StandardParams []string `yaml:"standard_params"`
	// Reserved are the Go names Context declares (fields and methods), and
	// names reserved for fields it will have; a team property must not take one.
	Reserved []string `yaml:"reserved"`
	// TokenSettings are the keys of a flow's tokens the endpoint's flows use;
	// a flow may set no other, and Policy carries only these.
	TokenSettings []string `yaml:"token_settings"`
	// BeforeProcedure completes "The procedure receives it only after the
	// endpoint has ..." in a context's doc comment.
	BeforeProcedure string `yaml:"before_procedure"`
	// ProcedureDoc completes "GenerateToken ..." in a stub's doc comment;
	// "{wire}" stands for "<WireParam>=<wire>".
	ProcedureDoc string `yaml:"procedure_doc"`
	// Customise is the stub's hint, completing "To customise, ...".
	Customise string `yaml:"customise"`
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
	// Requires are flows a spec must enable together with this one.
	Requires []string `yaml:"requires"`
	// RequiresScopes are scopes a spec must declare to enable this flow.
	RequiresScopes []string `yaml:"requires_scopes"`
	// CodeDataOut is the dotted path, in the flow's context, of the raw
	// carry-over data the default procedure stores on a code, such as
	// "CodeData.Data"; a spec may declare code_data only for such a flow.
	CodeDataOut string `yaml:"code_data_out"`
	// CodeDataIn is the dotted path, in the flow's context, of the raw
	// carry-over data of a presented code, such as "Presented.Data"; the
	// context of such a flow gets the decoded Data after the runtime check.
	CodeDataIn string `yaml:"code_data_in"`
}

// RuntimeHooks name the runtime identifiers generated code uses for a flow.
// Each is an exported identifier of package runtime; empty means none.
type RuntimeHooks struct {
	// State is a struct embedded in the context holding the store and derived properties.
	State string `yaml:"state"`
	// Params is the struct of form properties passed to Check.
	Params string `yaml:"params"`
	// Check runs the flow's checks before the procedure:
	// Check(ctx, *Context[, *State][, Params]) error, where Context is the
	// endpoint's (EndpointGen.Context).
	Check string `yaml:"check"`
	// Default is the default procedure:
	// Default(ctx, *Context[, *State]) (*Response, error).
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
