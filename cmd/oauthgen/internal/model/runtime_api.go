package model

// This file declares, once, every identifier of the runtime that generated
// code names: the catalogue describes the protocol and nothing of Go. The
// type-check test (runtime_api_test.go) loads the runtime's packages and
// fails when one of these names is missing, has the wrong kind, or when a
// base context gains a member that Members does not list.

// The import paths of the runtime packages generated code uses.
const (
	RuntimePath = "github.com/oauthgen/oauthgen/runtime"
	FlowkitPath = "github.com/oauthgen/oauthgen/runtime/flowkit"
	// ContractPath is the package of the protocol checks the generated
	// test runs.
	ContractPath = "github.com/oauthgen/oauthgen/runtime/contract"
)

// GenVersion is the version of the runtime's generated-code API this
// generator emits (flowkit.GenVersion of the runtime it was written for).
const GenVersion = 4

// Ident is a package-level identifier of a runtime package.
type Ident struct {
	// Path is the import path of the package that declares it.
	Path string
	// Name is the identifier.
	Name string
}

func rt(name string) Ident { return Ident{RuntimePath, name} }
func fk(name string) Ident { return Ident{FlowkitPath, name} }
func ct(name string) Ident { return Ident{ContractPath, name} }

// RuntimeAPI names what generated code uses of the runtime's packages
// beyond any one endpoint: the version guard, the server wiring and the
// helpers of generated parsers.
type RuntimeAPI struct {
	// Version is GenVersion; EnforceVersion, MinVersion and MaxVersion
	// make the guard that refuses a runtime without it.
	Version                                int
	EnforceVersion, MinVersion, MaxVersion Ident
	// Settings, ScopeInfo, Config, Server and NewServer build the server.
	Settings, ScopeInfo, Config, Server, NewServer Ident
	// Flows and Registration register the flows; Flow is the interface of
	// the generated adapters. Registration and Flow are generic in the
	// endpoint's base context and response.
	Flows, Registration, Flow Ident
	// TokenPolicy holds a flow's token settings; AccessTokenFormat is the
	// type of its format, whose named values are AccessFormats.
	TokenPolicy, AccessTokenFormat Ident
	AccessFormats                  map[string]Ident
	// GrantPolicy is a token flow's policy; PolicyFields say how each key
	// of the catalogue's policy becomes one of its fields.
	GrantPolicy  Ident
	PolicyFields []PolicyField
	// TrustedIssuer is an entry of a registration's TrustedIssuers.
	TrustedIssuer Ident
	// Secret is the type of secret parameters.
	Secret Ident
	// Validate, InvalidParameter and ParseURLParam serve generated parsers.
	Validate, InvalidParameter, ParseURLParam Ident
	// EncodeData and DecodeData carry the spec's code data on a code.
	EncodeData, DecodeData Ident
	// ContractRun runs the protocol checks of a ContractSuite, which lists
	// the spec's properties as ContractProperty values; ContractOptions
	// are what the team's setup returns with its procedures.
	ContractRun, ContractSuite, ContractProperty, ContractOptions Ident
}

// redeemedDoc says what the token endpoint has checked of a flow's
// credential before its procedure runs, by the catalogue's credential.
var redeemedDoc = map[string]string{
	"code":          "consumed the authorization code and checked its client, redirect URI and PKCE verifier",
	"refresh_token": "checked the refresh token and, with rotation, rotated it",
	"password":      "authenticated the end user's username and password against the user store, behind the login throttle",
	"assertion":     "verified the JWT assertion against the flow's trusted issuers and used its jti",
	"subject_token": "validated the subject and actor tokens by their declared types, checked may_act, the audience and that the scope stays within the subject token's",
}

// PolicyField is one field of flowkit.GrantPolicy.
type PolicyField struct {
	// Key is the catalogue's policy key, such as "clients".
	Key string
	// Field is the Go field, such as "Clients".
	Field string
	// Values maps each of the key's values to its constant.
	Values map[string]Ident
}

// Binding is what generated code of one endpoint's flows uses of the
// runtime, and what its doc comments and stubs say of it.
type Binding struct {
	// Context is the base context every generated context of the endpoint
	// embeds a pointer to; Recv names it in generated code ("t" for
	// *TokenContext).
	Context Ident
	Recv    string
	// ContextDoc completes "<Context> " in the embedded field's doc.
	ContextDoc string
	// Response is the type the procedure returns a pointer to.
	Response Ident
	// Prepare is the one method of the flow interface generated adapters
	// implement: RuntimeAPI.Flow instantiated with Context and Response.
	Prepare string
	// Verb is the procedure's method, such as "GenerateToken".
	Verb string
	// FlowsField is the field of runtime.Flows that registers the
	// endpoint's flows: a list of registrations when List, else a pointer
	// to one.
	FlowsField string
	List       bool
	// Param and Header are the base context's methods that read a request
	// parameter and a request header; Header is empty when the endpoint
	// reads no team property from headers.
	Param, Header string
	// CodeData is the path, from the base context, of a code's raw data:
	// where the code-issuing flow's Default stores the encoded code data
	// and where the code-redeeming flow decodes it from.
	CodeData string
	// Members are the exported fields and methods of *Context, promoted
	// into every generated context; a team property must not shadow one.
	Members []string
	// Future are members the runtime is expected to add to Context; a
	// team property may not take them either, so adding them breaks no
	// service.
	Future []string
	// BeforeProcedure says what the endpoint has done by the time the
	// procedure runs; ProcedureDoc completes "<Verb> " in the stub's doc
	// ({wire} becomes the flow's selector); Customise completes "To
	// customise, " in a fresh stub; Yields is what the default procedure
	// does with what the catalogue says a flow issues ("issues",
	// "returns").
	BeforeProcedure, ProcedureDoc, Customise, Yields string
}

// runtimeAPI is the table of the runtime identifiers generated code names.
func runtimeAPI() RuntimeAPI {
	return RuntimeAPI{
		Version:           GenVersion,
		EnforceVersion:    fk("EnforceVersion"),
		MinVersion:        fk("MinVersion"),
		MaxVersion:        fk("MaxVersion"),
		Settings:          rt("Settings"),
		ScopeInfo:         rt("ScopeInfo"),
		Config:            rt("Config"),
		Server:            rt("Server"),
		NewServer:         rt("NewServer"),
		Flows:             rt("Flows"),
		Registration:      rt("Registration"),
		Flow:              rt("Flow"),
		TokenPolicy:       rt("TokenPolicy"),
		AccessTokenFormat: rt("AccessTokenFormat"),
		AccessFormats:     map[string]Ident{"jwt": rt("FormatJWT"), "opaque": rt("FormatOpaque")},
		GrantPolicy:       fk("GrantPolicy"),
		PolicyFields: []PolicyField{
			{"clients", "Clients", map[string]Ident{
				"confidential": fk("ConfidentialClients"), "any": fk("AnyClients")}},
			{"credential", "Credential", map[string]Ident{
				"client": fk("ClientCredential"), "code": fk("CodeCredential"),
				"refresh_token": fk("RefreshCredential"), "procedure": fk("ProcedureCredential"),
				"password": fk("PasswordCredential"), "assertion": fk("AssertionCredential"),
				"subject_token": fk("SubjectTokenCredential"), "device_code": fk("DeviceCodeCredential")}},
			{"scope", "Scope", map[string]Ident{
				"request": fk("ScopeFromRequest"), "grant": fk("ScopeFromGrant"), "none": fk("ScopeRefused")}},
			{"resources", "Resources", map[string]Ident{
				"request": fk("ResourcesFromRequest"), "grant": fk("ResourcesFromGrant"), "none": fk("ResourcesRefused")}},
			{"end_user", "EndUser", map[string]Ident{
				"none": fk("NoEndUser"), "grant": fk("EndUserOfGrant"), "procedure": fk("EndUserByProcedure"),
				"credential": fk("EndUserOfCredential")}},
		},
		TrustedIssuer:    fk("TrustedIssuer"),
		Secret:           rt("Secret"),
		Validate:         fk("Validate"),
		InvalidParameter: fk("InvalidParameter"),
		ParseURLParam:    fk("ParseURLParam"),
		EncodeData:       fk("EncodeData"),
		DecodeData:       fk("DecodeData"),
		ContractRun:      ct("Run"),
		ContractSuite:    ct("Suite"),
		ContractProperty: ct("Property"),
		ContractOptions:  ct("Options"),
	}
}

// bindings are the endpoints whose flows the generator emits, by catalogue
// endpoint id.
func bindings() map[string]*Binding {
	return map[string]*Binding{
		"oauth-token": {
			Context:    rt("TokenContext"),
			Recv:       "t",
			ContextDoc: "holds what every token flow has: the authenticated client, the checked scope and resources, the redeemed code or refresh token, and the issuers",
			Response:   rt("TokenResponse"),
			Prepare:    "Prepare",
			Verb:       "GenerateToken",
			FlowsField: "Token",
			List:       true,
			Param:      "Param",
			Header:     "Header",
			CodeData:   "Code.Data",
			Members: []string{
				"Flow", "Now", "Issuer", "Client", "ClientAuth", "Policy", "Defaults", "Issuers", "Request", "Log",
				"GrantType", "RequestedScope", "GrantedScope", "Resources", "Code", "RefreshToken", "Grant",
				"Authentication", "Assertion", "Subject", "Actor", "RequestedTokenType", "RequestedAudience",
				"Param", "Header", "Default", "IssueDefaults",
			},
			Future:          []string{"DPoP", "ClientCert", "Confirmation"},
			BeforeProcedure: "authenticated the client and checked the grant type, scope and resources against the flow's grant policy",
			ProcedureDoc:    "issues the tokens of a {wire} request",
			Customise:       "edit c.Defaults before calling c.Default, or issue with c.Issuers yourself",
			Yields:          "issues",
		},
		"oauth-authorize": {
			Context:    rt("AuthorizeContext"),
			Recv:       "a",
			ContextDoc: "holds what every authorization flow has, parsed and checked by the endpoint: the client, its exact redirect URI, the request, the end user's authentication and the code to issue",
			Response:   rt("AuthorizeResponse"),
			Prepare:    "Prepare",
			Verb:       "Authorize",
			FlowsField: "Authorize",
			Param:      "Param",
			CodeData:   "Code.Data",
			Members: []string{
				"Flow", "Now", "Issuer", "Client", "Policy", "Request", "Log", "ClientID", "RedirectURI",
				"RedirectURIProvided", "ResponseType", "ResponseMode", "State", "Nonce", "RequestedScope",
				"GrantedScope", "Prompt", "MaxAge", "LoginHint", "UILocales", "CodeChallenge",
				"CodeChallengeMethod", "Resources", "Authentication", "Code", "IssueCode", "Param", "Default",
			},
			Future:          []string{"IDTokenHint", "ACRValues", "ClaimsRequest", "DPoPJKT", "Pushed", "Consent", "Display", "ClaimsLocales", "Header"},
			BeforeProcedure: "identified the client, matched its redirect URI exactly, validated the request and its PKCE challenge, authenticated the end user and obtained consent",
			ProcedureDoc:    "issues the code of a {wire} request",
			Customise:       "edit c.Code before calling c.Default, or issue a code with c.IssueCode yourself",
			Yields:          "issues",
		},
		"oauth-userinfo": {
			Context:    rt("UserInfoContext"),
			Recv:       "u",
			ContextDoc: "holds what the userinfo flow has, read from the validated access token (OIDC Core §5.3)",
			Response:   rt("UserInfoResponse"),
			Prepare:    "Prepare",
			Verb:       "Claims",
			FlowsField: "UserInfo",
			Members: []string{
				"Flow", "Now", "Issuer", "Request", "Log", "AccessToken", "Token", "Client", "Subject", "Scope",
				"Defaults", "Default",
			},
			Future:          []string{"Grant", "ClaimsRequest", "Account", "DPoP"},
			BeforeProcedure: "validated the access token, checked that its scope has openid and that an end user stands behind it",
			ProcedureDoc:    "returns the end user's claims for a userinfo request",
			Customise:       "edit c.Defaults before calling c.Default, or return a response of your own",
			Yields:          "returns",
		},
		"oauth-introspect": {
			Context:    rt("IntrospectionContext"),
			Recv:       "i",
			ContextDoc: "holds what the introspection flow has: the authenticated caller, the token found and the standard answer",
			Response:   rt("IntrospectionResponse"),
			Prepare:    "Prepare",
			Verb:       "Introspect",
			FlowsField: "Introspection",
			Members: []string{
				"Flow", "Now", "Issuer", "Client", "Request", "Log", "Token", "TokenTypeHint", "AccessToken",
				"RefreshToken", "Grant", "Defaults", "Default",
			},
			Future:          []string{"Caller", "DPoP", "Confirmation"},
			BeforeProcedure: "authenticated the caller, checked that it may introspect and looked the token up",
			ProcedureDoc:    "answers an introspection request",
			Customise:       "edit c.Defaults before calling c.Default; an answer with Active false says nothing more",
			Yields:          "returns",
		},
		"oauth-device-authorization": {
			Context:    rt("DeviceAuthorizationContext"),
			Recv:       "d",
			ContextDoc: "holds what the device authorization flow has: the authenticated client, the checked scope and resources, and the codes' lifetime and polling interval",
			Response:   rt("DeviceAuthorizationResponse"),
			Prepare:    "Prepare",
			Verb:       "StartDeviceAuthorization",
			FlowsField: "DeviceAuthorization",
			Param:      "Param",
			Members: []string{
				"Flow", "Now", "Issuer", "Client", "ClientAuth", "Policy", "Request", "Log", "RequestedScope",
				"GrantedScope", "Resources", "ExpiresIn", "Interval", "Param", "Default",
			},
			Future:          []string{"DPoP", "ClientCert", "Data", "UserCode", "Header"},
			BeforeProcedure: "authenticated the client, checked that it may use the device code grant, and checked its scope and resources",
			ProcedureDoc:    "starts the device authorization of a device authorization request",
			Customise:       "narrow c.GrantedScope or change c.ExpiresIn and c.Interval before calling c.Default, or refuse the client with c.Errors",
			Yields:          "returns",
		},
		"oauth-revoke": {
			Context:    rt("RevocationContext"),
			Recv:       "r",
			ContextDoc: "holds what the revocation flow has: the authenticated client, its token found and whether the grant goes with it",
			Response:   rt("RevocationResponse"),
			Prepare:    "Prepare",
			Verb:       "Revoke",
			FlowsField: "Revocation",
			Members: []string{
				"Flow", "Now", "Issuer", "Client", "Request", "Log", "Token", "TokenTypeHint", "AccessToken",
				"RefreshToken", "Grant", "RevokeGrant", "Default",
			},
			Future:          []string{"DPoP"},
			BeforeProcedure: "authenticated the client and looked the token up among the client's own",
			ProcedureDoc:    "revokes the token of a revocation request",
			Customise:       "set c.RevokeGrant before calling c.Default to revoke an access token's whole grant",
			Yields:          "performs",
		},
		"openid-end-session": {
			Context:    rt("EndSessionContext"),
			Recv:       "e",
			ContextDoc: "holds what the end-session flow has: the verified id_token_hint, the relying party and its registered post-logout redirect URI, and the login session being ended",
			Response:   rt("EndSessionResponse"),
			Prepare:    "Prepare",
			Verb:       "EndSession",
			FlowsField: "EndSession",
			Members: []string{
				"Flow", "Now", "Issuer", "Client", "Request", "Log", "ClientID", "IDTokenHint", "LogoutHint",
				"PostLogoutRedirectURI", "State", "UILocales", "Authentication", "Default",
			},
			Future:          []string{"Relying"},
			BeforeProcedure: "verified the id_token_hint, identified the client, matched its post-logout redirect URI exactly and, unless the hint is of the browser's session, had the end user confirm the logout",
			ProcedureDoc:    "ends the login session of a logout request",
			Customise:       "clear c.PostLogoutRedirectURI before calling c.Default to show the signed-out page instead, or add your own logout steps around it",
			Yields:          "performs",
		},
	}
}
