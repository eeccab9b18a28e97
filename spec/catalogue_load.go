package spec

import (
	"cmp"
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
					{key: "generate", decode: func(e entry, p string) { ep.Gen = d.endpointGen(e, p) }},
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
		{key: "grant_const", decode: d.str(&f.GrantConst)},
		{key: "name", required: true, decode: d.str(&f.Name)},
		{key: "description", required: true, decode: d.str(&f.Description)},
		{key: "specs", required: true, decode: d.strList(&f.Specs)},
		{key: "status", required: true, decode: d.str(&f.Status)},
		{key: "public_clients", required: true, decode: d.boolean(&f.PublicClients)},
		{key: "runtime", decode: func(e entry, p string) {
			d.object(e.v, d.pos(e.k), p, []field{
				{key: "state", decode: d.str(&f.Runtime.State)},
				{key: "params", decode: d.str(&f.Runtime.Params)},
				{key: "check", decode: d.str(&f.Runtime.Check)},
				{key: "default", decode: d.str(&f.Runtime.Default)},
			})
		}},
		{key: "defaults", decode: func(e entry, p string) { d.tokenSettings(e, p, &f.Defaults) }},
		{key: "errors", required: true, decode: d.strList(&f.Errors)},
		{key: "issues", required: true, decode: d.str(&f.Issues)},
		{key: "requires", decode: d.strList(&f.Requires)},
		{key: "requires_scopes", decode: d.strList(&f.RequiresScopes)},
		{key: "code_data_out", decode: d.str(&f.CodeDataOut)},
		{key: "code_data_in", decode: d.str(&f.CodeDataIn)},
		{key: "properties", decode: func(e entry, p string) {
			d.keyed(e.v, p, func(e entry, at Pos, ip string) {
				pr := CatalogueProperty{Pos: at, Name: e.key}
				d.object(e.v, at, ip, []field{
					{key: "field", required: true, decode: d.str(&pr.Field)},
					{key: "type", required: true, decode: d.str(&pr.Type)},
					{key: "source", required: true, decode: d.str(&pr.Source)},
					{key: "required", decode: d.boolean(&pr.Required)},
					{key: "validate", decode: d.str(&pr.Validate)},
					{key: "description", required: true, decode: d.str(&pr.Description)},
					{key: "spec", required: true, decode: d.str(&pr.Spec)},
				})
				f.Properties = append(f.Properties, pr)
			})
		}},
	})
	return f
}

// endpointGen decodes an endpoint's generate mapping.
func (d *decoder) endpointGen(e entry, p string) *EndpointGen {
	g := &EndpointGen{Pos: d.pos(e.k)}
	d.object(e.v, g.Pos, p, []field{
		{key: "context", required: true, decode: d.str(&g.Context)},
		{key: "context_doc", required: true, decode: d.str(&g.ContextDoc)},
		{key: "response", required: true, decode: d.str(&g.Response)},
		{key: "interface", required: true, decode: d.str(&g.Interface)},
		{key: "method", required: true, decode: d.str(&g.Method)},
		{key: "precheck", decode: d.str(&g.Precheck)},
		{key: "registration", required: true, decode: d.str(&g.Registration)},
		{key: "registration_fields", required: true, decode: d.strList(&g.RegistrationFields)},
		{key: "flows_field", required: true, decode: d.str(&g.FlowsField)},
		{key: "flows_list", decode: d.boolean(&g.FlowsList)},
		{key: "wire_param", decode: d.str(&g.WireParam)},
		{key: "parsed_by", required: true, decode: d.str(&g.ParsedBy)},
		{key: "property_sources", decode: d.strList(&g.PropertySources)},
		{key: "standard_params", decode: d.strList(&g.StandardParams)},
		{key: "reserved", required: true, decode: d.strList(&g.Reserved)},
		{key: "token_settings", decode: d.strList(&g.TokenSettings)},
		{key: "before_procedure", required: true, decode: d.str(&g.BeforeProcedure)},
		{key: "procedure_doc", required: true, decode: d.str(&g.ProcedureDoc)},
		{key: "customise", required: true, decode: d.str(&g.Customise)},
	})
	return g
}

// The values of EndpointGen.ParsedBy.
const (
	ParsedByFlow     = "flow"     // generated code parses the catalogue's request properties
	ParsedByEndpoint = "endpoint" // the runtime endpoint parses them into the base context
)

// RegistrationFields are the fields of a runtime flow registration that
// generated code knows how to set, in the order it sets them.
func RegistrationFields() []string {
	return []string{"ID", "GrantType", "PublicClients", "Policy", "Flow"}
}

// flowSettingKeys are the keys of token settings a flow may set, in the
// order policies list them.
func flowSettingKeys() []string {
	return []string{
		"access_token_format", "access_token_ttl", "issue_refresh_token", "rotate_refresh_token",
		"refresh_token_ttl", "refresh_token_idle_ttl", "refresh_grace", "code_ttl",
	}
}

// tokenSettingKeys are the keys of token settings: the flow-level ones,
// then ServerOnlySettings.
func tokenSettingKeys() []string { return append(flowSettingKeys(), ServerOnlySettings()...) }

// CatalogueSources are the sources a catalogue property may have
// (flows.md §0.3).
func CatalogueSources() []string {
	return []string{"form", "query", "header", "client", "store", "session", "derived", "config"}
}

// wireSource reports whether a property of the source is read from the
// request by generated code, and so is keyed by its wire name.
func wireSource(source string) bool { return slices.Contains(PropertySources(), source) }

// errorCodes are the OAuth error codes of flows.md §4.3.
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
		if ep.Gen != nil {
			checkEndpointGen(ep, ds)
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
	}
	var gen *EndpointGen
	if ep != nil {
		gen = ep.Gen
	}
	if gen != nil && gen.WireParam != "" && f.Wire == "" {
		ds.report(f.Pos, CodeMissingKey, "%s: a flow of endpoint %s needs its %s as wire", where, f.Endpoint, gen.WireParam)
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
		checkAvailableFlow(c, f, gen, ds)
	}
	for _, h := range []string{f.Runtime.State, f.Runtime.Params, f.Runtime.Check, f.Runtime.Default, f.GrantConst} {
		if h != "" && (!token.IsIdentifier(h) || !token.IsExported(h)) {
			ds.report(f.Pos, CodeGoName, "%s: runtime identifier %q is not an exported Go identifier", where, h)
		}
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
	for _, path := range []string{f.CodeDataOut, f.CodeDataIn} {
		if path != "" && !goPath(path) {
			ds.report(f.Pos, CodeGoName, "%s: code data path %q is not a dotted path of exported Go identifiers", where, path)
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
		if !token.IsIdentifier(p.Field) || !token.IsExported(p.Field) {
			ds.report(p.Pos, CodeGoName, "%s: field %q is not an exported Go identifier", pw, p.Field)
		}
		if fields[p.Field] {
			ds.report(p.Pos, CodeGoNameClash, "%s: field %q used twice", pw, p.Field)
		}
		fields[p.Field] = true
		if !wireSource(p.Source) && p.Name != p.Field {
			ds.report(p.Pos, CodeProperty, "%s: a %s property is keyed by its field name %q", pw, p.Source, p.Field)
		}
		if gen != nil && gen.ParsedBy == ParsedByEndpoint && p.Validate != "" {
			ds.report(p.Pos, CodeProperty, "%s: endpoint %s parses its properties itself, so none has a validate rule", pw, f.Endpoint)
		}
		if gen != nil && gen.ParsedBy == ParsedByFlow && wireSource(p.Source) && !slices.Contains(gen.PropertySources, p.Source) {
			ds.report(p.Pos, CodeProperty, "%s: generated code of endpoint %s cannot read a %s property", pw, f.Endpoint, p.Source)
		}
		if !wireSource(p.Source) && (p.Validate != "" || p.Required) {
			ds.report(p.Pos, CodeProperty, "%s: only form, query and header properties are required or validated", pw)
		}
		if p.Validate != "" {
			if why := checkValidateChars(p.Validate); why != "" {
				ds.report(p.Pos, CodeProperty, "%s: validate %s", pw, why)
			}
		}
		if why := checkCommentText(p.Description); why != "" {
			ds.report(p.Pos, CodeCommentText, "%s: description %s", pw, why)
		}
	}
	if why := checkCommentText(f.Description); why != "" {
		ds.report(f.Pos, CodeCommentText, "%s: description %s", where, why)
	}
}

// checkAvailableFlow checks what the generator needs of an available flow:
// an endpoint it can emit, the runtime hooks and the grant constant.
func checkAvailableFlow(c *Catalogue, f CatalogueFlow, gen *EndpointGen, ds *Diagnostics) {
	where := "flow " + f.ID
	if gen == nil {
		ds.report(f.Pos, CodeMissingKey, "%s: available on endpoint %s, which has no generate section", where, f.Endpoint)
		return
	}
	if f.Runtime.Default == "" {
		ds.report(f.Pos, CodeMissingKey, "%s: an available flow needs a runtime default hook", where)
	}
	if gen.ParsedBy == ParsedByFlow && f.Runtime.Check == "" {
		ds.report(f.Pos, CodeMissingKey, "%s: an available flow that parses its own request needs a runtime check hook", where)
	}
	if slices.Contains(gen.RegistrationFields, "GrantType") && f.GrantConst == "" {
		ds.report(f.Pos, CodeMissingKey, "%s: an available flow of endpoint %s needs grant_const", where, f.Endpoint)
	}
	if f.CodeDataIn != "" && f.CodeDataOut != "" {
		ds.report(f.Pos, CodeUnknownKey, "%s: a flow has code_data_out or code_data_in, not both", where)
	}
	for _, r := range f.Requires {
		if rf := c.Flow(r); rf != nil && rf.Status != StatusAvailable {
			ds.report(f.Pos, CodeUnknownKey, "%s: requires the planned flow %s", where, r)
		}
	}
}

// checkEndpointGen checks an endpoint's generate section.
func checkEndpointGen(ep CatalogueEndpoint, ds *Diagnostics) {
	g := ep.Gen
	where := "endpoint " + ep.ID + " generate"
	for _, id := range []string{g.Context, g.Response, g.Interface, g.Method, g.Registration, g.FlowsField} {
		if !token.IsIdentifier(id) || !token.IsExported(id) {
			ds.report(g.Pos, CodeGoName, "%s: %q is not an exported Go identifier", where, id)
		}
	}
	for _, r := range g.Reserved {
		if !token.IsIdentifier(r) || !token.IsExported(r) {
			ds.report(g.Pos, CodeGoName, "%s: reserved name %q is not an exported Go identifier", where, r)
		}
	}
	if !slices.Contains([]string{ParsedByFlow, ParsedByEndpoint}, g.ParsedBy) {
		ds.report(g.Pos, CodeUnknownKey, "%s: parsed_by %q is not flow or endpoint", where, g.ParsedBy)
	}
	for _, s := range g.PropertySources {
		if !wireSource(s) {
			ds.report(g.Pos, CodeProperty, "%s: property source %q is not form, query or header", where, s)
		}
	}
	for _, k := range g.TokenSettings {
		if !slices.Contains(flowSettingKeys(), k) {
			ds.report(g.Pos, CodeTokenSetting, "%s: %q is not a flow token setting", where, k)
		}
	}
	for _, f := range g.RegistrationFields {
		if !slices.Contains(RegistrationFields(), f) {
			ds.report(g.Pos, CodeUnknownKey, "%s: the generator cannot set registration field %q; it sets %s", where, f, strings.Join(RegistrationFields(), ", "))
		}
	}
	if !slices.Contains(g.RegistrationFields, "ID") || !slices.Contains(g.RegistrationFields, "Flow") {
		ds.report(g.Pos, CodeMissingKey, "%s: registration_fields must include ID and Flow", where)
	}
	for _, p := range g.StandardParams {
		if checkFormParam(p) != "" {
			ds.report(g.Pos, CodeProperty, "%s: standard parameter %q is not a parameter name", where, p)
		}
	}
	for _, text := range []string{g.ContextDoc, g.BeforeProcedure, g.ProcedureDoc, g.Customise} {
		if why := checkCommentText(text); why != "" || text == "" {
			ds.report(g.Pos, CodeCommentText, "%s: text %q %s", where, text, cmp.Or(why, "is empty"))
		}
	}
}

// goPath reports whether p is a dotted path of exported Go identifiers.
func goPath(p string) bool {
	for _, part := range strings.Split(p, ".") {
		if !token.IsIdentifier(part) || !token.IsExported(part) {
			return false
		}
	}
	return true
}
