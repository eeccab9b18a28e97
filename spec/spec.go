// Package spec is oauthgen's spec format: the Go model of an oauthgen.yaml
// file, its strict loader (every node keeps its file:line:col), its
// validation against the built-in flow catalogue, and the JSON Schema that
// editors use to complete and check it.
//
// The generator consumes a *Spec that Load and Validate have accepted; it
// never reads YAML itself.
package spec

import "time"

// Version is the only spec format version this package reads.
const Version = 1

// Pos is a position in a spec or catalogue file. Every spec node embeds one.
type Pos struct {
	File string `json:"-" yaml:"-"`
	Line int    `json:"-" yaml:"-"`
	Col  int    `json:"-" yaml:"-"`
}

// Spec is a loaded oauthgen.yaml.
type Spec struct {
	Pos
	// Version is the format version; it must be 1.
	Version int `yaml:"version"`
	// Package is the Go package name of the generated code and stubs.
	Package string `yaml:"package"`
	// Output is the directory of the generated code and stubs, relative to the spec file.
	Output string `yaml:"output"`
	// Issuer is the exact issuer identifier (RFC 8414 §2).
	Issuer string `yaml:"issuer"`
	// Endpoints are the endpoints the server serves.
	Endpoints Endpoints `yaml:"endpoints"`
	// Tokens are the server-wide token settings; each flow may override them.
	Tokens TokenSettings `yaml:"tokens"`
	// Scopes are the scopes the server knows, in spec order.
	Scopes []Scope `yaml:"scopes"`
	// Flows are the catalogue flows the spec enables, in spec order.
	Flows []Flow `yaml:"flows"`
	// ExtensionGrants are the team's own grant types (RFC 6749 §4.5), in spec order.
	ExtensionGrants []ExtensionGrant `yaml:"extension_grants"`

	// Dir is the directory of the spec file (not read from YAML).
	Dir string `yaml:"-"`

	// src records where Parse found each value, so that Validate points at
	// values rather than at their struct; nil for a spec built in code.
	src *source
}

// Endpoints are the endpoints a spec declares under "endpoints:", keyed by
// the catalogue endpoints' spec keys (token, jwks, authorize, ...).
type Endpoints struct {
	Pos
	// List are the declared endpoints, in spec order.
	List []*Endpoint
}

// Get returns the declared endpoint with the spec key, or nil.
func (e Endpoints) Get(key string) *Endpoint {
	for _, ep := range e.List {
		if ep.Key == key {
			return ep
		}
	}
	return nil
}

// Path returns the path the spec gives the endpoint whose key under
// "endpoints:" is specKey; "" when it gives none (the catalogue's default
// applies) or does not declare the endpoint.
func (e Endpoints) Path(specKey string) string {
	if ep := e.Get(specKey); ep != nil {
		return ep.Path
	}
	return ""
}

// Declared reports whether the spec declares the endpoint whose key under
// "endpoints:" is specKey. An empty key names an endpoint served at fixed
// locations, which is never declared and always there.
func (e Endpoints) Declared(specKey string) bool {
	return specKey == "" || e.Get(specKey) != nil
}

// Endpoint is a declared endpoint: its path and the settings the catalogue
// lets it have (EndpointSettings).
type Endpoint struct {
	Pos
	// Key is the key under "endpoints:", a catalogue endpoint's spec key.
	Key string `yaml:"-"`
	// Path is the URL path, starting with "/"; empty means the catalogue default.
	Path string `yaml:"path"`
	// AuthMethods are the client authentication methods the server's
	// client-authenticating endpoints accept (setting auth_methods).
	AuthMethods []string `yaml:"auth_methods"`
	// RequirePKCE requires PKCE of confidential clients too; public clients
	// always need it (RFC 9700 §2.1.1). Nil means true (setting
	// require_pkce).
	RequirePKCE *bool `yaml:"require_pkce"`
	// RequirePushedAuthorizationRequests refuses authorization requests
	// that are not pushed (RFC 9126 §5), from every client. Nil means
	// false (setting require_pushed_authorization_requests).
	RequirePushedAuthorizationRequests *bool `yaml:"require_pushed_authorization_requests"`
}

// EndpointSettings are the settings an endpoint may have beyond its path;
// the catalogue says which endpoint has which.
func EndpointSettings() []string {
	return []string{"auth_methods", "require_pkce", "require_pushed_authorization_requests"}
}

// has reports whether the endpoint sets the setting.
func (e *Endpoint) has(setting string) bool {
	switch setting {
	case "auth_methods":
		return e.AuthMethods != nil
	case "require_pkce":
		return e.RequirePKCE != nil
	case "require_pushed_authorization_requests":
		return e.RequirePushedAuthorizationRequests != nil
	}
	return false
}

// TokenSettings are token settings. Nil fields inherit the server-wide value,
// then the built-in default.
type TokenSettings struct {
	Pos
	AccessTokenFormat   *string        `yaml:"access_token_format"`
	AccessTokenTTL      *time.Duration `yaml:"access_token_ttl"`
	IssueRefreshToken   *bool          `yaml:"issue_refresh_token"`
	RotateRefreshToken  *bool          `yaml:"rotate_refresh_token"`
	RefreshTokenTTL     *time.Duration `yaml:"refresh_token_ttl"`
	RefreshTokenIdleTTL *time.Duration `yaml:"refresh_token_idle_ttl"`
	RefreshGrace        *time.Duration `yaml:"refresh_grace"`
	CodeTTL             *time.Duration `yaml:"code_ttl"`
	// DeviceCodeTTL is the lifetime of device authorizations' device and
	// user codes (RFC 8628 §3.2 expires_in).
	DeviceCodeTTL *time.Duration `yaml:"device_code_ttl"`
	// SigningAlg is only valid at server level: ES256, RS256 or EdDSA.
	SigningAlg *string `yaml:"signing_alg"`
	// IDTokenTTL is the lifetime of ID tokens; only valid at server level.
	IDTokenTTL *time.Duration `yaml:"id_token_ttl"`
	// IDTokenSigningAlg is the JWS algorithm of ID tokens: RS256 (the
	// default), ES256 or EdDSA; only valid at server level.
	IDTokenSigningAlg *string `yaml:"id_token_signing_alg"`
}

// ServerOnlySettings are the keys of token settings that are valid only at
// server level, under the top-level tokens.
func ServerOnlySettings() []string {
	return []string{"signing_alg", "id_token_ttl", "id_token_signing_alg"}
}

// Scope is a declared scope.
type Scope struct {
	Pos
	Name        string `yaml:"-"`
	Description string `yaml:"-"`
}

// Flow enables a catalogue flow.
type Flow struct {
	Pos
	// ID is the catalogue flow type id, the key in the spec.
	ID string `yaml:"-"`
	// Tokens override the server-wide token settings for this flow.
	Tokens TokenSettings `yaml:"tokens"`
	// Properties are the team's own context properties.
	Properties []Property `yaml:"properties"`
	// CodeData is the typed data the flow's procedure attaches to an
	// authorization code; it reappears at the token step. Only the flow
	// whose catalogue entry has code_data_out may declare it.
	CodeData []DataField `yaml:"code_data"`
	// PublicClients, when set, says whether public clients may use the
	// flow; only a flow whose catalogue entry has spec_public_clients
	// takes it (the password flow). Nil means the catalogue's policy.
	PublicClients *bool `yaml:"public_clients"`
	// Issuers are the trusted issuers of a flow whose credential is an
	// assertion (oauth-token-jwt-bearer), keyed by their iss value in the
	// spec, in file order: only their JWTs are accepted (RFC 7523 §3).
	Issuers []TrustedIssuer `yaml:"issuers"`
}

// TrustedIssuer is an issuer whose JWT assertions a flow accepts
// (RFC 7523 §3): its public keys, inline or at an https URL, and the aud
// values its assertions may carry besides the server's issuer and token
// endpoint URL.
type TrustedIssuer struct {
	Pos
	// Issuer is the iss value the issuer's assertions carry: the key in
	// the spec.
	Issuer string `yaml:"-"`
	// JWKSURI is the https URL of the issuer's JWK Set, fetched and
	// cached by the server, refetched when an assertion names a key it
	// does not have (rotation).
	JWKSURI string `yaml:"jwks_uri"`
	// JWKS is the issuer's JWK Set (RFC 7517 §5) written inline, as JSON
	// text; public keys only. Exactly one of JWKS and JWKSURI is set.
	JWKS string `yaml:"jwks"`
	// Audience are further aud values the issuer's assertions may carry.
	Audience []string `yaml:"audience"`
}

// DataField is a field of a flow's typed carry-over data (code_data).
type DataField struct {
	Pos
	// Name is the key in the spec and the JSON member name; it becomes the
	// Go field name (device_id → DeviceID).
	Name string `yaml:"-"`
	// Type is one of DataTypes.
	Type string `yaml:"type"`
	// Description becomes the field's doc comment.
	Description string `yaml:"description"`
}

// DataTypes are the types of PropertyTypes a code_data field may have: those
// that survive a JSON round trip. runtime.Secret encodes as "[redacted]" and
// *url.URL loses its user information, so neither is one.
func DataTypes() []string {
	return []string{"string", "int", "int64", "bool", "float64", "duration", "[]string"}
}

// ExtensionGrantEndpoint is the catalogue endpoint kind that serves
// extension grants: the token endpoint (RFC 6749 §4.5).
const ExtensionGrantEndpoint = "oauth-token"

// ExtensionGrant declares a grant type of the team's own (RFC 6749 §4.5).
type ExtensionGrant struct {
	Pos
	// Name is the key in the spec; it becomes the Go name stem (magic_link → MagicLink).
	Name string `yaml:"-"`
	// GrantType is the absolute URI sent as grant_type.
	GrantType string `yaml:"grant_type"`
	// Description documents the grant.
	Description string `yaml:"description"`
	// PublicClients is whether public clients may use the grant.
	PublicClients bool `yaml:"public_clients"`
	// Scope is "request" (the default: the scope parameter, else the
	// client's default scopes) or "none" (the grant takes no scope
	// parameter).
	Scope string `yaml:"scope"`
	// Resources is "request" (the default: resource parameters within the
	// client's audiences, RFC 8707) or "none".
	Resources string `yaml:"resources"`
	// EndUser is "procedure" (the default: the procedure may sign an end
	// user in) or "none" (the client acts for itself).
	EndUser string `yaml:"end_user"`
	// Tokens override the server-wide token settings for this grant.
	Tokens TokenSettings `yaml:"tokens"`
	// Properties are the grant's context properties.
	Properties []Property `yaml:"properties"`
}

// Property is a team-declared context property.
type Property struct {
	Pos
	// Name is the key in the spec; it becomes the Go field name (link_token → LinkToken).
	Name string `yaml:"-"`
	// Type is one of PropertyTypes.
	Type string `yaml:"type"`
	// Source is where the value is read: "form" or "header" at the token
	// endpoint, "query" (the query of a GET, the form of a POST) at the
	// authorization endpoint.
	Source string `yaml:"source"`
	// Param is the form parameter or header name; it defaults to Name.
	Param string `yaml:"param"`
	// Validate is a validator/v10 rule, such as "omitempty,alphanum,max=32".
	Validate string `yaml:"validate"`
	// Description becomes the field's doc comment.
	Description string `yaml:"description"`
}

// PropertyTypes are the Go types a team-declared property may have, mapped
// to the Go type the generated field has.
var PropertyTypes = map[string]string{
	"string":   "string",
	"int":      "int",
	"int64":    "int64",
	"bool":     "bool",
	"float64":  "float64",
	"duration": "time.Duration",
	"Secret":   "runtime.Secret",
	"[]string": "[]string",
	"url":      "*url.URL",
}

// ExtensionGrantValues are the values each policy key of an extension
// grant may have, the default first.
func ExtensionGrantValues() map[string][]string {
	return map[string][]string{
		"scope":     {"request", "none"},
		"resources": {"request", "none"},
		"end_user":  {"procedure", "none"},
	}
}

// Policy is the grant's policy in the catalogue's terms: its credential
// is one its procedure checks (RFC 6749 §4.5), and unset keys take their
// defaults.
func (g *ExtensionGrant) Policy() FlowPolicy {
	or := func(v, key string) string {
		if v == "" {
			return ExtensionGrantValues()[key][0]
		}
		return v
	}
	clients := "confidential"
	if g.PublicClients {
		clients = "any"
	}
	return FlowPolicy{
		Pos:        g.Pos,
		Clients:    clients,
		Credential: "procedure",
		Scope:      or(g.Scope, "scope"),
		Resources:  or(g.Resources, "resources"),
		EndUser:    or(g.EndUser, "end_user"),
	}
}
