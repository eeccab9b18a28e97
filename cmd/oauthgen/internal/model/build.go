package model

import (
	"fmt"
	"go/token"
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/spec"
)

// Diagnostic codes of the model stage. The spec's validator should refuse
// all of these first; the model checks again so that it can never emit Go
// that does not compile.
const (
	CodeUnknownFlow    = "OG201" // a flow id the catalogue does not define
	CodeUnsupported    = "OG202" // a flow, source or type this generator cannot emit
	CodeNameClash      = "OG203" // a Go name or file name that clashes or is invalid
	CodeUnknownMethod  = "OG204" // an auth method the runtime does not implement
	CodeUnknownErrCode = "OG205" // an error code the runtime has no constant for
)

// Build resolves s against the catalogue c. It returns spec.Diagnostics
// when the spec cannot be turned into Go.
func Build(s *spec.Spec, c *spec.Catalogue) (*Model, error) {
	b := &builder{spec: s, cat: c, bindings: bindings()}
	m := &Model{Package: s.Package, Server: b.server(), API: runtimeAPI(), CatalogueStems: map[string]Stem{}}
	for _, cf := range c.Flows {
		st := Stem{Flow: cf.ID}
		if bd := b.bindings[cf.Endpoint]; bd != nil {
			st.Verb = bd.Verb
		}
		m.CatalogueStems[cf.Name] = st
	}
	for _, bd := range b.bindings {
		if !slices.Contains(m.Verbs, bd.Verb) {
			m.Verbs = append(m.Verbs, bd.Verb)
		}
	}
	slices.Sort(m.Verbs)
	m.ExtensionVerb = b.bindings[spec.ExtensionGrantEndpoint].Verb
	enabled := make(map[string]*spec.Flow, len(s.Flows))
	for i := range s.Flows {
		f := &s.Flows[i]
		if c.Flow(f.ID) == nil {
			b.errorf(f.Pos, CodeUnknownFlow, "unknown flow %q", f.ID)
			continue
		}
		enabled[f.ID] = f
	}
	for i := range c.Flows {
		cf := &c.Flows[i]
		if sf, ok := enabled[cf.ID]; ok {
			if f := b.catalogueFlow(cf, sf); f != nil {
				m.Flows = append(m.Flows, f)
			}
		}
	}
	for i := range s.ExtensionGrants {
		if f := b.extensionGrant(&s.ExtensionGrants[i]); f != nil {
			m.Flows = append(m.Flows, f)
		}
	}
	m.CodeData = b.codeData(m.Flows)
	for _, f := range m.Flows {
		f.HasData = len(m.CodeData) > 0 && (f.IssuesCode || f.RedeemsCode)
	}
	m.Endpoints = b.endpoints(m.Flows)
	b.endpointSettings(m)
	b.checkNames(m)
	if err := b.diags.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// endpoint returns the catalogue endpoint kind and what generated code of
// its flows uses, or reports why the generator cannot emit a flow of it.
func (b *builder) endpoint(id, flow string, pos spec.Pos) (*spec.CatalogueEndpoint, *Binding, bool) {
	ep := b.cat.Endpoint(id)
	bd := b.bindings[id]
	switch {
	case ep == nil || bd == nil:
		b.errorf(pos, CodeUnsupported, "flow %q is served by endpoint %q, which this generator does not emit", flow, id)
		return nil, nil, false
	case ep.Status != "" && ep.Status != spec.StatusAvailable:
		b.errorf(pos, CodeUnsupported, "flow %q is served by endpoint %q, which is %s, not available in this runtime", flow, id, ep.Status)
		return nil, nil, false
	}
	return ep, bd, true
}

// endpointPath is the path of the endpoint: the spec's, or the catalogue's default.
func (b *builder) endpointPath(ep *spec.CatalogueEndpoint) string {
	if p := b.spec.Endpoints.Path(ep.SpecKey); p != "" {
		return p
	}
	return ep.Path
}

// route is the HTTP route of an endpoint: "POST /oauth2/token", "GET or
// POST /oauth2/authorize".
func (b *builder) route(ep *spec.CatalogueEndpoint) string {
	return strings.Join(ep.Methods, " or ") + " " + b.endpointPath(ep)
}

// endpoints groups the flows by the endpoint that serves them, in
// catalogue order.
func (b *builder) endpoints(flows []*Flow) []*Endpoint {
	var out []*Endpoint
	for _, ep := range b.cat.Endpoints {
		bd := b.bindings[ep.ID]
		if bd == nil {
			continue
		}
		e := &Endpoint{ID: ep.ID, Binding: bd, TokenSettings: ep.TokenSettings}
		for _, f := range flows {
			if f.Endpoint == ep.ID {
				e.Flows = append(e.Flows, f)
			}
		}
		if !bd.List && len(e.Flows) > 1 {
			b.errorf(e.Flows[1].Pos, CodeUnsupported, "flow %q: endpoint %s serves one flow, and %q is enabled too", e.Flows[1].ID, ep.ID, e.Flows[0].ID)
		}
		if bd.List || len(e.Flows) > 0 {
			out = append(out, e)
		}
	}
	return out
}

// endpointSettings sets the path of every enabled endpoint and the
// settings the spec gives it, and the ID token settings when the spec
// declares the openid scope. An endpoint is enabled when the runtime
// serves it whatever the spec enables (the token endpoint, the JWK Set),
// when one of its flows is enabled, or, for an endpoint without flows of
// its own (catalogue served: declared, the pushed authorization request
// endpoint), when the spec declares it.
func (b *builder) endpointSettings(m *Model) {
	served := map[string]bool{}
	for _, e := range m.Endpoints {
		served[e.ID] = e.Binding.List || len(e.Flows) > 0
	}
	hasFlows := map[string]bool{}
	for _, cf := range b.cat.Flows {
		hasFlows[cf.Endpoint] = true
	}
	methods := []string{"client_secret_basic"} // RFC 8414 §2
	methodsAt := b.spec.Endpoints.Pos
	for i := range b.cat.Endpoints {
		ep := &b.cat.Endpoints[i]
		se := b.spec.Endpoints.Get(ep.SpecKey)
		if ep.SpecKey == "" || ep.Status != spec.StatusAvailable || hasFlows[ep.ID] && !served[ep.ID] || ep.ServedWhenDeclared() && se == nil {
			continue
		}
		m.Server.Paths = append(m.Server.Paths, EndpointPath{ID: ep.ID, Path: b.endpointPath(ep)})
		if ep.ID == parEndpoint {
			m.Server.PushedAuthorizationRequests = true
		}
		for _, setting := range ep.Settings {
			switch setting {
			case "auth_methods":
				if se != nil && len(se.AuthMethods) > 0 {
					methods, methodsAt = se.AuthMethods, se.Pos
				}
			case "require_pkce":
				require := true
				if se != nil && se.RequirePKCE != nil {
					require = *se.RequirePKCE
				}
				m.Server.RequirePKCE = &require
			case "require_pushed_authorization_requests":
				m.Server.RequirePushedAuthorizationRequests = se.RequirePushedAuthorizationRequests != nil && *se.RequirePushedAuthorizationRequests
			}
		}
	}
	for _, name := range methods {
		if !slices.Contains(authMethods, name) {
			b.errorf(methodsAt, CodeUnknownMethod, "client authentication method %q is not implemented by the runtime", name)
			continue
		}
		m.Server.AuthMethods = append(m.Server.AuthMethods, name)
	}
	for _, sc := range b.spec.Scopes {
		if sc.Name == "openid" {
			m.Server.OpenID = true
		}
	}
	if m.Server.OpenID {
		t := b.spec.Tokens
		m.Server.IDTokenSigningAlg = DefaultIDTokenSigningAlg
		if t.IDTokenSigningAlg != nil {
			m.Server.IDTokenSigningAlg = *t.IDTokenSigningAlg
		}
		m.Server.IDTokenTTL = DefaultIDTokenTTL
		if t.IDTokenTTL != nil {
			m.Server.IDTokenTTL = *t.IDTokenTTL
		}
	}
}

// codeData resolves the spec's code_data, declared on the enabled flow that
// attaches data to codes.
func (b *builder) codeData(flows []*Flow) []DataField {
	var out []DataField
	for _, sf := range b.spec.Flows {
		if len(sf.CodeData) == 0 {
			continue
		}
		cf := b.cat.Flow(sf.ID)
		if cf == nil || !cf.IssuesCode {
			b.errorf(sf.Pos, CodeUnsupported, "flow %q issues no authorization code, so it has no code_data", sf.ID)
			continue
		}
		for _, d := range sf.CodeData {
			goType, ok := spec.PropertyTypes[d.Type]
			k, err := KindOf(goType)
			if !ok || err != nil || !slices.Contains(spec.DataTypes(), d.Type) {
				b.errorf(d.Pos, CodeUnsupported, "code_data %q: type %q cannot be carried on a code", d.Name, d.Type)
				continue
			}
			fd := DataField{Pos: d.Pos, Name: spec.GoName(d.Name), JSON: d.Name, Kind: k, GoType: goType}
			fd.Doc = dataDoc(fd, d.Description)
			out = append(out, fd)
		}
	}
	return out
}

// parEndpoint is the pushed authorization request endpoint (RFC 9126),
// which runtime.Settings turns on with a field of its own.
const parEndpoint = "oauth-par"

type builder struct {
	spec     *spec.Spec
	cat      *spec.Catalogue
	bindings map[string]*Binding
	diags    spec.Diagnostics
}

// policy resolves a flow's token settings (resolvePolicy) and derives what
// other flows decide: with no flow that redeems refresh tokens enabled, no
// flow issues one (spec.RefreshFlowEnabled), whatever the default says, so
// that the token endpoint never hands out a token it would refuse.
func (b *builder) policy(layers ...*spec.TokenSettings) Policy {
	p := resolvePolicy(layers...)
	if !spec.RefreshFlowEnabled(b.spec, b.cat) {
		p.IssueRefresh = false
	}
	return p
}

func (b *builder) errorf(pos spec.Pos, code, format string, args ...any) {
	b.diags = append(b.diags, spec.Diagnostic{Pos: pos, Code: code, Message: fmt.Sprintf(format, args...)})
}

// authMethods are the token_endpoint_auth_method values the runtime
// implements.
var authMethods = []string{"client_secret_basic", "client_secret_post", "private_key_jwt", "client_secret_jwt", "none"}

func (b *builder) server() Server {
	s := b.spec
	srv := Server{Issuer: s.Issuer, SigningAlg: DefaultSigningAlg}
	for _, sc := range s.Scopes {
		srv.Scopes = append(srv.Scopes, Scope{Name: sc.Name, Description: sc.Description})
	}
	if s.Tokens.SigningAlg != nil {
		srv.SigningAlg = *s.Tokens.SigningAlg
	}
	return srv
}

func (b *builder) catalogueFlow(cf *spec.CatalogueFlow, sf *spec.Flow) *Flow {
	if cf.Status != "" && cf.Status != spec.StatusAvailable {
		b.errorf(sf.Pos, CodeUnsupported, "flow %q is %s, not available in this runtime", cf.ID, cf.Status)
		return nil
	}
	ep, bd, ok := b.endpoint(cf.Endpoint, cf.ID, sf.Pos)
	if !ok {
		return nil
	}
	f := b.flow(ep, bd, sf.Pos, cf.ID, cf.Name, cf.Wire)
	f.Description = cf.Description
	f.Specs = cf.Specs
	f.Issues = cf.Issues
	f.Deprecated = cf.Deprecated
	f.Policy = b.policy(&cf.Defaults, &sf.Tokens, &b.spec.Tokens)
	f.IssuesCode = cf.IssuesCode
	f.RedeemsCode = cf.Policy.Credential == "code"
	if cf.Policy != (spec.FlowPolicy{}) {
		pol := cf.Policy
		if cf.SpecPublicClients && sf.PublicClients != nil && *sf.PublicClients {
			pol.Clients = "any" // the spec lets public clients use the flow
		}
		f.Grant = b.grant(pol, sf.Pos)
		for _, ti := range sf.Issuers {
			f.TrustedIssuers = append(f.TrustedIssuers, TrustedIssuer{
				Issuer: ti.Issuer, JWKS: ti.JWKS, JWKSURI: ti.JWKSURI, Audience: ti.Audience})
		}
		if r := redeemedDoc[cf.Policy.Credential]; r != "" {
			f.Before += ", then " + r
		}
	}
	for _, p := range cf.Properties {
		f.Catalogue = append(f.Catalogue, catalogueField(p))
	}
	f.Fields = b.specFields(sf.Properties, ep.PropertySources)
	b.errorCodes(f, cf.Errors, cf.Pos)
	return f
}

func (b *builder) extensionGrant(g *spec.ExtensionGrant) *Flow {
	ep, bd, ok := b.endpoint(spec.ExtensionGrantEndpoint, g.Name, g.Pos)
	if !ok {
		return nil
	}
	f := b.flow(ep, bd, g.Pos, g.Name, spec.GoName(g.Name), g.GrantType)
	f.Extension = true
	f.Description = g.Description
	f.Specs = []string{"RFC 6749 §4.5"}
	f.Policy = b.policy(&g.Tokens, &b.spec.Tokens)
	f.Grant = b.grant(g.Policy(), g.Pos)
	f.Fields = b.specFields(g.Properties, ep.PropertySources)
	b.errorCodes(f, extensionGrantErrors, g.Pos)
	return f
}

// flow starts the model of a flow of endpoint ep.
func (b *builder) flow(ep *spec.CatalogueEndpoint, bd *Binding, pos spec.Pos, id, stem, wire string) *Flow {
	f := &Flow{
		Pos:           pos,
		ID:            id,
		Endpoint:      ep.ID,
		Binding:       bd,
		TokenSettings: ep.TokenSettings,
		Route:         b.route(ep),
		WireParam:     ep.WireParam,
		Wire:          wire,
		Names:         newNames(stem),
		Before:        bd.BeforeProcedure,
	}
	if ep.WireParam == "grant_type" {
		f.GrantType = wire
	}
	return f
}

// grant resolves a token flow's policy into the constants of
// flowkit.GrantPolicy's fields.
func (b *builder) grant(p spec.FlowPolicy, pos spec.Pos) []GrantSetting {
	values := map[string]string{"clients": p.Clients, "credential": p.Credential, "scope": p.Scope, "resources": p.Resources, "end_user": p.EndUser}
	var out []GrantSetting
	for _, pf := range runtimeAPI().PolicyFields {
		v := values[pf.Key]
		c, ok := pf.Values[v]
		if !ok {
			b.errorf(pos, CodeUnsupported, "policy %s %q has no constant in the runtime", pf.Key, v)
			continue
		}
		out = append(out, GrantSetting{Key: pf.Key, Value: v, Field: pf.Field, Const: c})
	}
	return out
}

// errorCodes resolves the error codes a flow may return.
func (b *builder) errorCodes(f *Flow, codes []string, pos spec.Pos) {
	for _, code := range codes {
		e, err := errorCode(code)
		if err != nil {
			b.errorf(pos, CodeUnknownErrCode, "flow %q: %v", f.ID, err)
			continue
		}
		f.Errors = append(f.Errors, e)
	}
}

// catalogueField is a catalogue property, documented (describe) and never
// generated: a request parameter the runtime reads and checks itself, or a
// field of the base context.
func catalogueField(p spec.CatalogueProperty) Field {
	fd := Field{
		Pos:         p.Pos,
		Name:        p.Field,
		GoType:      p.Type,
		Wire:        p.Name,
		Source:      p.Source,
		Description: p.Description,
		Spec:        p.Spec,
		Catalogue:   true,
	}
	fd.Doc = fieldDoc(fd)
	return fd
}

func (b *builder) specFields(props []spec.Property, sources []string) []Field {
	var out []Field
	for _, p := range props {
		goType, ok := spec.PropertyTypes[p.Type]
		if !ok {
			b.errorf(p.Pos, CodeUnsupported, "property %q: unknown type %q", p.Name, p.Type)
			continue
		}
		k, err := KindOf(goType)
		if err != nil {
			b.errorf(p.Pos, CodeUnsupported, "property %q: %v", p.Name, err)
			continue
		}
		if !slices.Contains(sources, p.Source) {
			b.errorf(p.Pos, CodeUnsupported, "property %q: source %q is not supported; use %s", p.Name, p.Source, strings.Join(sources, " or "))
			continue
		}
		fd := Field{
			Pos:         p.Pos,
			Name:        spec.GoName(p.Name),
			Kind:        k,
			GoType:      goType,
			Wire:        p.Param,
			Source:      p.Source,
			Validate:    p.Validate,
			Description: p.Description,
			Property:    p.Name,
		}
		if fd.Wire == "" {
			fd.Wire = p.Name
		}
		fd.Doc = fieldDoc(fd)
		out = append(out, fd)
	}
	return out
}

// checkNames refuses Go names that would not compile: invalid or clashing
// top-level identifiers, clashing context fields and file names that Go
// would treat as tests or platform-specific.
func (b *builder) checkNames(m *Model) {
	top := map[string]string{}
	for _, r := range spec.ReservedStems() {
		top[r] = "oauthgen"
	}
	for _, f := range m.Flows {
		n := f.Names
		if !token.IsIdentifier(n.Stem) || !token.IsExported(n.Stem) {
			b.errorf(f.Pos, CodeNameClash, "flow %q: Go name %q is not an exported Go identifier", f.ID, n.Stem)
			continue
		}
		for _, id := range []string{n.Context, n.Procedure, n.Errors, n.FlowType, n.User} {
			if other, ok := top[id]; ok {
				b.errorf(f.Pos, CodeNameClash, "flow %q: Go name %s clashes with %s", f.ID, id, other)
				continue
			}
			top[id] = fmt.Sprintf("flow %q", f.ID)
		}
		if reason := badFileStem(n.Snake); reason != "" {
			b.errorf(f.Pos, CodeNameClash, "flow %q: file name %s %s", f.ID, n.StubFile, reason)
		}
		b.checkFields(f)
	}
}

func (b *builder) checkFields(f *Flow) {
	bd := f.Binding
	base := "*runtime." + bd.Context.Name
	seen := map[string]string{bd.Context.Name: "the embedded " + base, "Errors": "the Errors field"}
	if f.HasData {
		seen["CodeData"] = "the CodeData field"
	}
	for _, n := range bd.Members {
		seen[n] = n + " of the embedded " + base
	}
	for _, n := range bd.Future {
		seen[n] = n + ", reserved for " + base
	}
	for _, fd := range f.Fields {
		if !token.IsIdentifier(fd.Name) || !token.IsExported(fd.Name) {
			b.errorf(fd.Pos, CodeNameClash, "property %q: field name %q is not an exported Go identifier", fd.Property, fd.Name)
			continue
		}
		if other, ok := seen[fd.Name]; ok {
			b.errorf(fd.Pos, CodeNameClash, "property %q gives the Go field %s, which clashes with %s", fd.Property, fd.Name, other)
			continue
		}
		seen[fd.Name] = fmt.Sprintf("property %q", fd.Property)
	}
}

// knownOSArch are GOOS and GOARCH values: a file name ending in _<one of
// these> is built only on that platform. The stem also ends the machine-owned
// oauthgen_flow_<stem>.gen.go, so a one-word stem counts too.
var knownOSArch = strings.Fields(`aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd
openbsd plan9 solaris wasip1 windows zos 386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle
mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm`)

// badFileStem says why a snake-case stem cannot name a Go file, or "".
func badFileStem(snake string) string {
	if snake == "procedures" {
		return "is the user-owned procedures.go"
	}
	parts := strings.Split(snake, "_")
	last := parts[len(parts)-1]
	if last == "test" {
		return "would be a test file"
	}
	for _, k := range knownOSArch {
		if last == k {
			return "would build only for " + k
		}
	}
	return ""
}
