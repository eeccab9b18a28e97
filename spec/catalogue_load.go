package spec

import (
	_ "embed"
	"fmt"
	"go/token"
	"slices"
	"strings"
)

//go:embed catalogue.yaml
var catalogueYAML []byte

// The statuses of catalogue endpoints and flows.
const (
	StatusAvailable = "available" // served by this version's runtime
	StatusPlanned   = "planned"   // catalogued, not served yet
)

// Builtin returns oauthgen's built-in catalogue, parsed from the embedded
// catalogue.yaml by the same strict walker as specs, in catalogue order. Each
// call returns a fresh value the caller may modify.
func Builtin() (*Catalogue, error) {
	return parseCatalogue("catalogue.yaml", catalogueYAML)
}

// Flow returns the flow with the id, or nil.
func (c *Catalogue) Flow(id string) *CatalogueFlow {
	for i := range c.Flows {
		if c.Flows[i].ID == id {
			return &c.Flows[i]
		}
	}
	return nil
}

// Endpoint returns the endpoint kind with the id, or nil.
func (c *Catalogue) Endpoint(id string) *CatalogueEndpoint {
	for i := range c.Endpoints {
		if c.Endpoints[i].ID == id {
			return &c.Endpoints[i]
		}
	}
	return nil
}

// FlowIDs returns the ids of every catalogued flow, available or planned, in
// catalogue order.
func (c *Catalogue) FlowIDs() []string {
	ids := make([]string, len(c.Flows))
	for i, f := range c.Flows {
		ids[i] = f.ID
	}
	return ids
}

// parseCatalogue decodes and checks a catalogue file.
func parseCatalogue(filename string, data []byte) (*Catalogue, error) {
	d := newDecoder(filename)
	root, ok := d.document(data)
	if !ok {
		return nil, d.diags.Err()
	}
	c := &Catalogue{}
	d.object(root, d.pos(root), "", []field{
		{key: "version", required: true, decode: d.integer(&c.Version)},
		{key: "endpoints", required: true, decode: func(e entry, p string) {
			d.keyed(e.v, p, func(e entry, at Pos, ip string) {
				ep := CatalogueEndpoint{Pos: at, ID: e.key}
				d.object(e.v, at, ip, []field{
					{key: "spec_key", decode: d.str(&ep.SpecKey)},
					{key: "path", required: true, decode: d.str(&ep.Path)},
					{key: "methods", required: true, decode: d.strList(&ep.Methods)},
					{key: "authentication", required: true, decode: d.str(&ep.Authentication)},
					{key: "metadata", decode: d.str(&ep.Metadata)},
					{key: "specs", required: true, decode: d.strList(&ep.Specs)},
					{key: "status", required: true, decode: d.str(&ep.Status)},
					{key: "description", required: true, decode: d.str(&ep.Description)},
					{key: "wire_param", decode: d.str(&ep.WireParam)},
					{key: "parameters", decode: d.strList(&ep.Parameters)},
					{key: "property_sources", decode: d.strList(&ep.PropertySources)},
					{key: "token_settings", decode: d.strList(&ep.TokenSettings)},
					{key: "settings", decode: d.strList(&ep.Settings)},
					{key: "subpaths", decode: d.strList(&ep.Subpaths)},
					{key: "served", decode: d.str(&ep.Served)},
					{key: "requires", decode: d.strList(&ep.Requires)},
				})
				c.Endpoints = append(c.Endpoints, ep)
			})
		}},
		{key: "flows", required: true, decode: func(e entry, p string) {
			d.keyed(e.v, p, func(e entry, at Pos, ip string) {
				c.Flows = append(c.Flows, d.catalogueFlow(e, at, ip))
			})
		}},
	})
	if c.Version != Version && !d.src.bad["version"] {
		d.report(d.pos(root), CodeVersion, "unsupported catalogue version %d", c.Version)
	}
	checkCatalogue(c, &d.diags)
	if err := d.diags.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func (d *decoder) catalogueFlow(e entry, at Pos, p string) CatalogueFlow {
	f := CatalogueFlow{Pos: at, ID: e.key}
	d.object(e.v, at, p, []field{
		{key: "endpoint", required: true, decode: d.str(&f.Endpoint)},
		{key: "wire", decode: d.str(&f.Wire)},
		{key: "name", required: true, decode: d.str(&f.Name)},
		{key: "description", required: true, decode: d.str(&f.Description)},
		{key: "specs", required: true, decode: d.strList(&f.Specs)},
		{key: "status", required: true, decode: d.str(&f.Status)},
		{key: "policy", decode: func(e entry, p string) { d.flowPolicy(e, p, &f.Policy) }},
		{key: "defaults", decode: func(e entry, p string) { d.tokenSettings(e, p, &f.Defaults) }},
		{key: "errors", required: true, decode: d.strList(&f.Errors)},
		{key: "issues", required: true, decode: d.str(&f.Issues)},
		{key: "requires", decode: d.strList(&f.Requires)},
		{key: "requires_scopes", decode: d.strList(&f.RequiresScopes)},
		{key: "issues_code", decode: d.boolean(&f.IssuesCode)},
		{key: "deprecated", decode: d.str(&f.Deprecated)},
		{key: "spec_public_clients", decode: d.boolean(&f.SpecPublicClients)},
		{key: "properties", decode: func(e entry, p string) {
			d.keyed(e.v, p, func(e entry, at Pos, ip string) {
				pr := CatalogueProperty{Pos: at, Name: e.key}
				d.object(e.v, at, ip, []field{
					{key: "field", decode: d.str(&pr.Field)},
					{key: "type", required: true, decode: d.str(&pr.Type)},
					{key: "source", required: true, decode: d.str(&pr.Source)},
					{key: "required", decode: d.boolean(&pr.Required)},
					{key: "description", required: true, decode: d.str(&pr.Description)},
					{key: "spec", required: true, decode: d.str(&pr.Spec)},
				})
				f.Properties = append(f.Properties, pr)
			})
		}},
	})
	return f
}

// flowPolicy decodes a flow's policy; the catalogue and the spec's
// extension grants share the format.
func (d *decoder) flowPolicy(e entry, p string, dst *FlowPolicy) {
	dst.Pos = d.pos(e.k)
	d.object(e.v, dst.Pos, p, []field{
		{key: "clients", decode: d.str(&dst.Clients)},
		{key: "credential", decode: d.str(&dst.Credential)},
		{key: "scope", decode: d.str(&dst.Scope)},
		{key: "resources", decode: d.str(&dst.Resources)},
		{key: "end_user", decode: d.str(&dst.EndUser)},
	})
}

// flowSettingKeys are the keys of token settings a flow may set, in the
// order policies list them.
func flowSettingKeys() []string {
	return []string{
		"access_token_format", "access_token_ttl", "issue_refresh_token", "rotate_refresh_token",
		"refresh_token_ttl", "refresh_token_idle_ttl", "refresh_grace", "code_ttl", "device_code_ttl",
	}
}

// tokenSettingKeys are the keys of token settings: the flow-level ones,
// then ServerOnlySettings.
func tokenSettingKeys() []string { return append(flowSettingKeys(), ServerOnlySettings()...) }

// CatalogueSources are the sources a catalogue property may have.
func CatalogueSources() []string {
	return []string{"form", "query", "header", "client", "store", "session", "derived", "config"}
}

// wireSource reports whether a property of the source is read from the
// request by generated code, and so is keyed by its wire name.
func wireSource(source string) bool { return slices.Contains(PropertySources(), source) }

// errorCodes are the OAuth error codes: those of RFC 6749 §4.1.2.1 and §5.2
// and of its extensions (RFC 6750 §3.1, RFC 7009 §2.2.1, RFC 8628 §3.5,
// RFC 8693 §2.2.2, RFC 8707 §2, RFC 9449, OIDC Core §3.1.2.6 and CIBA).
func errorCodes() []string {
	return []string{
		"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
		"unsupported_grant_type", "invalid_scope", "access_denied", "unsupported_response_type",
		"server_error", "temporarily_unavailable", "authorization_pending", "slow_down",
		"expired_token", "unsupported_token_type", "invalid_target", "invalid_token",
		"insufficient_scope", "invalid_dpop_proof", "use_dpop_nonce", "login_required",
		"consent_required", "interaction_required", "account_selection_required",
		"invalid_request_uri", "invalid_request_object", "request_not_supported",
		"request_uri_not_supported", "registration_not_supported", "expired_login_hint_token",
		"unknown_user_id", "missing_user_code", "invalid_user_code", "invalid_binding_message",
	}
}

// checkCatalogue checks what the catalogue's consumers rely on: references
// resolve, names are valid and unique, and every available flow names the
// runtime hooks its generated code calls.
func checkCatalogue(c *Catalogue, ds *Diagnostics) {
	statuses := []string{StatusAvailable, StatusPlanned}
	specKeys := map[string]bool{}
	for _, ep := range c.Endpoints {
		if !slices.Contains(statuses, ep.Status) {
			ds.report(ep.Pos, CodeUnknownKey, "endpoint %s: status %q is not available or planned", ep.ID, ep.Status)
		}
		if !slices.Contains([]string{"client", "bearer", "session", "none"}, ep.Authentication) {
			ds.report(ep.Pos, CodeUnknownKey, "endpoint %s: unknown authentication %q", ep.ID, ep.Authentication)
		}
		for _, m := range ep.Methods {
			if !slices.Contains([]string{"GET", "HEAD", "POST"}, m) {
				ds.report(ep.Pos, CodeUnknownKey, "endpoint %s: unknown method %q", ep.ID, m)
			}
		}
		if ep.SpecKey != "" {
			if specKeys[ep.SpecKey] {
				ds.report(ep.Pos, CodeDuplicateKey, "endpoint %s: spec_key %q used twice", ep.ID, ep.SpecKey)
			}
			specKeys[ep.SpecKey] = true
		}
		// An endpoint without a spec key is served at fixed, well-known
		// locations (RFC 8414 §3), which checkPath refuses in a spec.
		if why := checkPath(ep.Path); why != "" && ep.SpecKey != "" {
			ds.report(ep.Pos, CodePath, "endpoint %s: path %q %s", ep.ID, ep.Path, why)
		}
		checkEndpointProtocol(ep, ds)
		if ep.Served != "" && ep.Served != ServedDeclared {
			ds.report(ep.Pos, CodeUnknownKey, "endpoint %s: served %q is not %s", ep.ID, ep.Served, ServedDeclared)
		}
		if ep.ServedWhenDeclared() && ep.SpecKey == "" {
			ds.report(ep.Pos, CodeUnknownKey, "endpoint %s: served when declared, and no spec_key to declare it by", ep.ID)
		}
		for _, r := range ep.Requires {
			if re := c.Endpoint(r); re == nil || re.ID == ep.ID || re.SpecKey == "" {
				ds.report(ep.Pos, CodeUnknownKey, "endpoint %s: requires %q, not another endpoint a spec declares", ep.ID, r)
			}
		}
	}
	wires := map[string]string{}
	names := map[string]string{}
	for _, f := range c.Flows {
		checkCatalogueFlow(c, f, wires, names, ds)
	}
}

func checkCatalogueFlow(c *Catalogue, f CatalogueFlow, wires, names map[string]string, ds *Diagnostics) {
	where := "flow " + f.ID
	if !slices.Contains([]string{StatusAvailable, StatusPlanned}, f.Status) {
		ds.report(f.Pos, CodeUnknownKey, "%s: status %q is not available or planned", where, f.Status)
	}
	ep := c.Endpoint(f.Endpoint)
	switch {
	case ep == nil:
		ds.report(f.Pos, CodeUnknownKey, "%s: unknown endpoint %q", where, f.Endpoint)
	case f.Status == StatusAvailable && ep.Status != StatusAvailable:
		ds.report(f.Pos, CodeUnknownKey, "%s: available on the planned endpoint %s", where, f.Endpoint)
	case ep.ServedWhenDeclared():
		ds.report(f.Pos, CodeUnknownKey, "%s: endpoint %s has no flows of its own (served: %s)", where, f.Endpoint, ServedDeclared)
	}
	if ep != nil && ep.WireParam != "" && f.Wire == "" {
		ds.report(f.Pos, CodeMissingKey, "%s: a flow of endpoint %s needs its %s as wire", where, f.Endpoint, ep.WireParam)
	}
	if f.Wire != "" {
		key := f.Endpoint + " " + f.Wire
		if other, dup := wires[key]; dup {
			ds.report(f.Pos, CodeDuplicateKey, "%s: wire %q is also %s's", where, f.Wire, other)
		}
		wires[key] = f.ID
	}
	if !token.IsIdentifier(f.Name) || !token.IsExported(f.Name) {
		ds.report(f.Pos, CodeGoName, "%s: name %q is not an exported Go identifier", where, f.Name)
	}
	if other, dup := names[f.Name]; dup {
		ds.report(f.Pos, CodeGoNameClash, "%s: name %q is also %s's", where, f.Name, other)
	}
	names[f.Name] = f.ID
	if f.Status == StatusAvailable && ep != nil {
		checkAvailableFlow(c, f, ep, ds)
	}
	if f.Policy != (FlowPolicy{}) {
		checkFlowPolicy(f.Policy, where, ds)
	}
	for _, r := range f.Requires {
		if r == f.ID || c.Flow(r) == nil {
			ds.report(f.Pos, CodeUnknownKey, "%s: requires unknown flow %q", where, r)
		}
	}
	for _, sc := range f.RequiresScopes {
		if sc == "" || checkScopeName(sc) != "" {
			ds.report(f.Pos, CodeScope, "%s: requires_scopes %q is not a scope token", where, sc)
		}
	}
	if len(f.Errors) == 0 {
		ds.report(f.Pos, CodeMissingKey, "%s: no error codes", where)
	}
	for _, e := range f.Errors {
		if !slices.Contains(errorCodes(), e) {
			ds.report(f.Pos, CodeUnknownKey, "%s: unknown error code %q", where, e)
		}
	}
	if f.Defaults.SigningAlg != nil || f.Defaults.IDTokenTTL != nil || f.Defaults.IDTokenSigningAlg != nil {
		ds.report(f.Defaults.Pos, CodeTokenSetting, "%s: %s cannot be flow defaults", where, strings.Join(ServerOnlySettings(), ", "))
	}
	fields := map[string]bool{}
	for _, p := range f.Properties {
		pw := fmt.Sprintf("%s: property %s", where, p.Name)
		if !slices.Contains(CatalogueSources(), p.Source) {
			ds.report(p.Pos, CodeProperty, "%s: unknown source %q", pw, p.Source)
		}
		if p.Field != "" {
			if !token.IsIdentifier(p.Field) || !token.IsExported(p.Field) {
				ds.report(p.Pos, CodeGoName, "%s: field %q is not an exported Go identifier", pw, p.Field)
			}
			if fields[p.Field] {
				ds.report(p.Pos, CodeGoNameClash, "%s: field %q used twice", pw, p.Field)
			}
			fields[p.Field] = true
		}
		if !wireSource(p.Source) && (p.Name != p.Field || p.Required) {
			ds.report(p.Pos, CodeProperty, "%s: a %s property is keyed by its field name, and only request parameters are required", pw, p.Source)
		}
		if f.Status == StatusAvailable && ep != nil && wireSource(p.Source) && p.Source != "header" && !slices.Contains(ep.Parameters, p.Name) {
			ds.report(p.Pos, CodeProperty, "%s: %s is not one of the parameters of endpoint %s", pw, p.Name, f.Endpoint)
		}
		if why := checkCommentText(p.Description); why != "" {
			ds.report(p.Pos, CodeCommentText, "%s: description %s", pw, why)
		}
	}
	if why := checkCommentText(f.Description); why != "" {
		ds.report(f.Pos, CodeCommentText, "%s: description %s", where, why)
	}
	if f.SpecPublicClients && f.Policy.Clients != "confidential" {
		ds.report(f.Pos, CodePolicy, "%s: spec_public_clients is for a flow whose policy has clients confidential", where)
	}
}

// checkAvailableFlow checks what the generator needs of an available
// flow: a policy exactly when it is a token flow, and available flows it
// requires.
func checkAvailableFlow(c *Catalogue, f CatalogueFlow, ep *CatalogueEndpoint, ds *Diagnostics) {
	where := "flow " + f.ID
	token := ep.WireParam == "grant_type"
	if token && f.Policy == (FlowPolicy{}) {
		ds.report(f.Pos, CodeMissingKey, "%s: an available token flow needs a policy", where)
	}
	if !token && f.Policy != (FlowPolicy{}) {
		ds.report(f.Pos, CodeUnknownKey, "%s: only token flows have a policy", where)
	}
	for _, r := range f.Requires {
		if rf := c.Flow(r); rf != nil && rf.Status != StatusAvailable {
			ds.report(f.Pos, CodeUnknownKey, "%s: requires the planned flow %s", where, r)
		}
	}
}

// checkFlowPolicy checks that every key of a policy has one of its values
// (PolicyValues) and that they fit together: the resources and end user
// come from the grant exactly when a code or a refresh token is redeemed,
// and the scope too, or from a subject token (RFC 8693 §2.1), whose
// audience comes from the request; the client's own credential is for
// confidential clients acting for themselves; the end user is the
// credential's exactly for a password or a subject token.
func checkFlowPolicy(p FlowPolicy, where string, ds *Diagnostics) {
	vals := PolicyValues()
	for _, x := range []struct{ key, v string }{
		{"clients", p.Clients}, {"credential", p.Credential}, {"scope", p.Scope}, {"resources", p.Resources}, {"end_user", p.EndUser},
	} {
		if !slices.Contains(vals[x.key], x.v) {
			ds.report(p.Pos, CodePolicy, "%s: policy %s %q must be %s", where, x.key, x.v, orList(vals[x.key]))
		}
	}
	redeems, exchanges := p.RedeemsGrant(), p.Credential == "subject_token"
	if redeems != (p.Resources == "grant") || redeems != (p.EndUser == "grant") {
		ds.report(p.Pos, CodePolicy, "%s: policy resources and end_user are grant exactly when the credential is code, refresh_token or device_code", where)
	}
	if (redeems || exchanges) != (p.Scope == "grant") {
		ds.report(p.Pos, CodePolicy, "%s: policy scope is grant exactly when the credential is code, refresh_token, device_code or subject_token", where)
	}
	if exchanges && p.Resources != "request" {
		ds.report(p.Pos, CodePolicy, "%s: policy resources is request for the credential subject_token (RFC 8693 §2.1)", where)
	}
	if p.Credential == "client" && (p.Clients != "confidential" || p.EndUser != "none") {
		ds.report(p.Pos, CodePolicy, "%s: policy credential client is for confidential clients with end_user none (RFC 6749 §4.4)", where)
	}
	if p.NamesEndUser() != (p.EndUser == "credential") {
		ds.report(p.Pos, CodePolicy, "%s: policy end_user is credential exactly when the credential names the end user: password, assertion or subject_token (RFC 6749 §4.3, RFC 7523 §3, RFC 8693 §1.1)", where)
	}
}

// checkEndpointProtocol checks an endpoint's wire parameter, parameters,
// property sources and token settings.
func checkEndpointProtocol(ep CatalogueEndpoint, ds *Diagnostics) {
	where := "endpoint " + ep.ID
	for _, s := range ep.PropertySources {
		if !wireSource(s) {
			ds.report(ep.Pos, CodeProperty, "%s: property source %q is not form, query or header", where, s)
		}
	}
	for _, k := range ep.TokenSettings {
		if !slices.Contains(flowSettingKeys(), k) {
			ds.report(ep.Pos, CodeTokenSetting, "%s: %q is not a flow token setting", where, k)
		}
	}
	for _, p := range ep.Parameters {
		if checkFormParam(p) != "" {
			ds.report(ep.Pos, CodeProperty, "%s: parameter %q is not a parameter name", where, p)
		}
	}
	if ep.WireParam != "" && !slices.Contains(ep.Parameters, ep.WireParam) {
		ds.report(ep.Pos, CodeProperty, "%s: wire_param %q is not one of its parameters", where, ep.WireParam)
	}
	for _, st := range ep.Settings {
		if !slices.Contains(EndpointSettings(), st) || ep.SpecKey == "" {
			ds.report(ep.Pos, CodeUnknownKey, "%s: setting %q is not an endpoint setting of a spec (%s)", where, st, strings.Join(EndpointSettings(), ", "))
		}
	}
	for _, sub := range ep.Subpaths {
		if !strings.HasPrefix(sub, "/") || checkPath("/x"+sub) != "" {
			ds.report(ep.Pos, CodePath, "%s: subpath %q must be a path starting with /", where, sub)
		}
	}
}
