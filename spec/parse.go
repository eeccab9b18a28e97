package spec

import (
	"path/filepath"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Parse decodes a spec file strictly, by walking its YAML node tree:
// unknown keys, values of the wrong kind, duplicate keys and missing required
// keys are all diagnostics, and every struct of the result carries the
// position it was read from. Mappings keep file order.
//
// The version is checked first: a file without "version: 1" is not read
// further, and Parse returns a nil spec. Otherwise Parse returns the spec as
// far as it could be decoded, together with Diagnostics when there were
// problems, so that Load can add the validation's diagnostics and report
// everything at once. Parse does not validate values (see Validate).
func Parse(filename string, data []byte) (*Spec, error) {
	d := newDecoder(filename)
	root, ok := d.document(data)
	if !ok || !d.version(root) {
		return nil, d.diags.Err()
	}
	s := &Spec{Pos: d.pos(root), Dir: filepath.Dir(filename), src: d.src}
	d.object(root, s.Pos, "", []field{
		{key: "version", required: true, decode: d.integer(&s.Version)},
		{key: "package", required: true, decode: d.str(&s.Package)},
		{key: "output", required: true, decode: d.str(&s.Output)},
		{key: "issuer", required: true, decode: d.str(&s.Issuer)},
		{key: "endpoints", decode: func(e entry, p string) { d.endpoints(e, p, &s.Endpoints) }},
		{key: "tokens", decode: func(e entry, p string) { d.tokenSettings(e, p, &s.Tokens) }},
		{key: "scopes", decode: func(e entry, p string) {
			d.keyed(e.v, p, func(e entry, at Pos, ip string) {
				sc := Scope{Pos: at, Name: e.key}
				d.src.vals[join(ip, "description")] = d.pos(e.v)
				d.str(&sc.Description)(e, ip)
				s.Scopes = append(s.Scopes, sc)
			})
		}},
		{key: "flows", decode: func(e entry, p string) {
			d.keyed(e.v, p, func(e entry, at Pos, ip string) {
				f := Flow{Pos: at, ID: e.key}
				d.object(e.v, at, ip, []field{
					{key: "tokens", decode: func(e entry, p string) { d.tokenSettings(e, p, &f.Tokens) }},
					{key: "properties", decode: func(e entry, p string) { d.properties(e, p, &f.Properties) }},
					{key: "code_data", decode: func(e entry, p string) { d.dataFields(e, p, &f.CodeData) }},
					{key: "public_clients", decode: d.boolPtr(&f.PublicClients)},
					{key: "issuers", decode: func(e entry, p string) { d.trustedIssuers(e, p, &f.Issuers) }},
				})
				s.Flows = append(s.Flows, f)
			})
		}},
		{key: "extension_grants", decode: func(e entry, p string) {
			d.keyed(e.v, p, func(e entry, at Pos, ip string) {
				g := ExtensionGrant{Pos: at, Name: e.key}
				d.object(e.v, at, ip, []field{
					{key: "grant_type", required: true, decode: d.str(&g.GrantType)},
					{key: "description", decode: d.str(&g.Description)},
					{key: "public_clients", decode: d.boolean(&g.PublicClients)},
					{key: "scope", decode: d.str(&g.Scope)},
					{key: "resources", decode: d.str(&g.Resources)},
					{key: "end_user", decode: d.str(&g.EndUser)},
					{key: "tokens", decode: func(e entry, p string) { d.tokenSettings(e, p, &g.Tokens) }},
					{key: "properties", decode: func(e entry, p string) { d.properties(e, p, &g.Properties) }},
				})
				s.ExtensionGrants = append(s.ExtensionGrants, g)
			})
		}},
	})
	return s, d.diags.Err()
}

// version checks "version: 1" before anything else is read: another version
// would be another format.
func (d *decoder) version(root *yaml.Node) bool {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value != "version" {
			continue
		}
		if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
			d.report(d.pos(v), CodeVersion, "version must be the integer %d, got %s", Version, describe(v))
			return false
		}
		if n, err := strconv.ParseInt(v.Value, 0, 64); err != nil || n != Version {
			d.report(d.pos(v), CodeVersion, "unsupported version %s: this oauthgen reads version %d", v.Value, Version)
			return false
		}
		if i != 0 {
			// The format is known, so the rest is still read and checked.
			d.report(d.pos(k), CodeVersion, "version must be the first key, so a reader knows the format before anything else")
		}
		return true
	}
	d.report(d.pos(root), CodeVersion, "missing required key \"version\" (this oauthgen reads version %d)", Version)
	return false
}

func (d *decoder) endpoints(e entry, p string, dst *Endpoints) {
	dst.Pos = d.pos(e.k)
	d.keyed(e.v, p, func(e entry, at Pos, ip string) {
		ep := &Endpoint{Pos: at, Key: e.key}
		d.object(e.v, at, ip, []field{
			{key: "path", decode: d.str(&ep.Path)},
			{key: "auth_methods", decode: d.strList(&ep.AuthMethods)},
			{key: "require_pkce", decode: d.boolPtr(&ep.RequirePKCE)},
			{key: "require_pushed_authorization_requests", decode: d.boolPtr(&ep.RequirePushedAuthorizationRequests)},
		})
		dst.List = append(dst.List, ep)
	})
}

// tokenSettings decodes token settings; the spec, its flows, its extension
// grants and the catalogue's flow defaults share the format.
func (d *decoder) tokenSettings(e entry, p string, dst *TokenSettings) {
	dst.Pos = d.pos(e.k)
	d.object(e.v, dst.Pos, p, []field{
		{key: "access_token_format", decode: d.strPtr(&dst.AccessTokenFormat)},
		{key: "access_token_ttl", decode: d.duration(&dst.AccessTokenTTL)},
		{key: "issue_refresh_token", decode: d.boolPtr(&dst.IssueRefreshToken)},
		{key: "rotate_refresh_token", decode: d.boolPtr(&dst.RotateRefreshToken)},
		{key: "refresh_token_ttl", decode: d.duration(&dst.RefreshTokenTTL)},
		{key: "refresh_token_idle_ttl", decode: d.duration(&dst.RefreshTokenIdleTTL)},
		{key: "refresh_grace", decode: d.duration(&dst.RefreshGrace)},
		{key: "code_ttl", decode: d.duration(&dst.CodeTTL)},
		{key: "device_code_ttl", decode: d.duration(&dst.DeviceCodeTTL)},
		{key: "signing_alg", decode: d.strPtr(&dst.SigningAlg)},
		{key: "id_token_ttl", decode: d.duration(&dst.IDTokenTTL)},
		{key: "id_token_signing_alg", decode: d.strPtr(&dst.IDTokenSigningAlg)},
	})
}

// trustedIssuers decodes a flow's issuers, keyed by iss; an issuer's jwks
// is a JWK Set written as YAML (JSON is YAML) or as a string of JSON.
func (d *decoder) trustedIssuers(e entry, p string, dst *[]TrustedIssuer) {
	d.keyed(e.v, p, func(e entry, at Pos, ip string) {
		ti := TrustedIssuer{Pos: at, Issuer: e.key}
		d.object(e.v, at, ip, []field{
			{key: "jwks_uri", decode: d.str(&ti.JWKSURI)},
			{key: "jwks", decode: d.jsonValue(&ti.JWKS)},
			{key: "audience", decode: d.strList(&ti.Audience)},
		})
		*dst = append(*dst, ti)
	})
}

func (d *decoder) properties(e entry, p string, dst *[]Property) {
	d.keyed(e.v, p, func(e entry, at Pos, ip string) {
		pr := Property{Pos: at, Name: e.key}
		d.object(e.v, at, ip, []field{
			{key: "type", required: true, decode: d.str(&pr.Type)},
			{key: "source", required: true, decode: d.str(&pr.Source)},
			{key: "param", decode: d.str(&pr.Param)},
			{key: "validate", decode: d.str(&pr.Validate)},
			{key: "description", decode: d.str(&pr.Description)},
		})
		*dst = append(*dst, pr)
	})
}

// dataFields decodes a flow's code_data: a mapping from names to typed fields.
func (d *decoder) dataFields(e entry, p string, dst *[]DataField) {
	d.keyed(e.v, p, func(e entry, at Pos, ip string) {
		f := DataField{Pos: at, Name: e.key}
		d.object(e.v, at, ip, []field{
			{key: "type", required: true, decode: d.str(&f.Type)},
			{key: "description", decode: d.str(&f.Description)},
		})
		*dst = append(*dst, f)
	})
}
