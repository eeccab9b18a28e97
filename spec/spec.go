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

// Endpoints are the endpoints of a spec.
type Endpoints struct {
	Pos
	// Token is the token endpoint (RFC 6749 §3.2).
	Token *TokenEndpoint `yaml:"token"`
	// JWKS is the JWK Set endpoint (RFC 7517 §5).
	JWKS *Endpoint `yaml:"jwks"`
}

// Endpoint is an endpoint with a path.
type Endpoint struct {
	Pos
	// Path is the URL path, starting with "/"; empty means the catalogue default.
	Path string `yaml:"path"`
}

// TokenEndpoint is the token endpoint.
type TokenEndpoint struct {
	Endpoint `yaml:",inline"`
	// AuthMethods are the client authentication methods it accepts.
	AuthMethods []string `yaml:"auth_methods"`
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
	// SigningAlg is only valid at server level: ES256, RS256 or EdDSA.
	SigningAlg *string `yaml:"signing_alg"`
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
}

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
	// Source is "form" or "header".
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
