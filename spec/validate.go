package spec

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
)

// maxCodeTTL is the longest authorization code lifetime: RFC 6749 §4.1.2
// recommends at most 10 minutes.
const maxCodeTTL = 10 * time.Minute

// maxDeviceCodeTTL is the longest device code lifetime: a user code has
// about 34.5 bits, so it must not stay guessable for long (RFC 8628 §5.1);
// the runtime refuses more (devicecode.MaxTTL).
const maxDeviceCodeTTL = 30 * time.Minute

// Validate checks a spec against a catalogue: flow ids, endpoints, the
// issuer, paths, token settings, scopes, Go names and team properties. It
// returns Diagnostics listing every problem, or nil.
//
// A spec returned by Parse remembers where each value was, so diagnostics
// point at values; for a spec built in code they point at the enclosing
// struct. Values Parse already reported are not reported again.
func Validate(s *Spec, c *Catalogue) error {
	if s == nil || c == nil {
		return errors.New("spec: Validate needs a spec and a catalogue")
	}
	v := &validation{s: s, c: c, src: s.src}
	if v.src == nil {
		v.src = &source{vals: map[string]Pos{}, bad: map[string]bool{}}
	}
	v.top()
	v.endpoints()
	v.tokens(s.Tokens, "tokens", true)
	v.openIDSettings()
	v.scopes()
	v.flows()
	v.extensionGrants()
	v.refreshConsistency()
	v.offlineAccessConsistency()
	v.refreshIssuerConsistency()
	v.servedEndpoints()
	v.requiredEndpoints()
	v.confidentialConsistency()
	v.openIDConsistency()
	v.stems()
	return v.diags.Err()
}

// validation is the state of one Validate call.
type validation struct {
	s     *Spec
	c     *Catalogue
	src   *source
	diags Diagnostics
	// rules checks validate rules; created on first use.
	rules *validator.Validate
}

// at returns the position of the value at path p, or fallback.
func (v *validation) at(p string, fallback Pos) Pos {
	if pos, ok := v.src.vals[p]; ok {
		return pos
	}
	return fallback
}

// given reports whether the file had a value at path p.
func (v *validation) given(p string) bool {
	_, ok := v.src.vals[p]
	return ok
}

// failed reports whether Parse already reported the value at p or at one of
// its parents.
func (v *validation) failed(p string) bool {
	for {
		if v.src.bad[p] {
			return true
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

func (v *validation) report(p Pos, code, format string, args ...any) {
	v.diags.report(p, code, format, args...)
}

func (v *validation) top() {
	s := v.s
	if s.Version != Version && !v.failed("version") {
		v.report(v.at("version", s.Pos), CodeVersion, "unsupported version %d: this oauthgen reads version %d", s.Version, Version)
	}
	if !v.failed("package") {
		if why := checkPackage(s.Package); why != "" {
			v.report(v.at("package", s.Pos), CodePackage, "package %q %s", s.Package, why)
		}
	}
	if !v.failed("output") {
		if why := checkOutput(s.Output); why != "" {
			v.report(v.at("output", s.Pos), CodeOutput, "output %q %s", s.Output, why)
		}
	}
	if !v.failed("issuer") {
		if why := checkIssuer(s.Issuer); why != "" {
			v.report(v.at("issuer", s.Pos), CodeIssuer, "issuer %q %s", s.Issuer, why)
		}
	}
}

// endpointPath is an endpoint's effective path and where it was set.
type endpointPath struct {
	key, path string
	pos       Pos
}

func (v *validation) endpoints() {
	var paths []endpointPath
	for _, e := range v.s.Endpoints.List {
		p := join("endpoints", e.Key)
		ce := v.endpointBySpecKey(e.Key)
		if ce == nil {
			var keys []string
			for _, c := range v.c.Endpoints {
				if c.SpecKey != "" && c.Status == StatusAvailable {
					keys = append(keys, c.SpecKey)
				}
			}
			v.report(e.Pos, CodeUnknownKey, "unknown endpoint %q%s", e.Key, didYouMean(e.Key, keys))
			continue
		}
		if ce.Status != StatusAvailable {
			v.report(e.Pos, CodeUnknownKey, "endpoint %q is %s, not served by this version", e.Key, ce.Status)
			continue
		}
		for _, setting := range EndpointSettings() {
			if e.has(setting) && !slices.Contains(ce.Settings, setting) {
				v.report(v.at(join(p, setting), e.Pos), CodeUnknownKey, "endpoint %s has no setting %s", e.Key, setting)
			}
		}
		switch {
		case e.AuthMethods != nil:
			v.authMethods(e)
		case slices.Contains(ce.Settings, "auth_methods") && !v.failed(join(p, "auth_methods")):
			v.report(e.Pos, CodeMissingKey, "missing required key \"auth_methods\" in endpoints.%s", e.Key)
		}
		pp := join(p, "path")
		v.path(pp, e.Pos, e.Path)
		path := e.Path
		if path == "" {
			path = ce.Path
		}
		pos := v.at(pp, e.Pos)
		paths = append(paths, endpointPath{key: e.Key, path: path, pos: pos})
		// An endpoint's pages and forms are under its path.
		for _, sub := range ce.Subpaths {
			paths = append(paths, endpointPath{key: e.Key, path: path + sub, pos: pos})
		}
	}
	for i, a := range paths {
		for _, b := range paths[:i] {
			if a.path != "" && a.path == b.path {
				v.report(a.pos, CodePath, "path %q is also the %s endpoint's", a.path, b.key)
			}
		}
	}
}

func (v *validation) endpointBySpecKey(key string) *CatalogueEndpoint {
	for i := range v.c.Endpoints {
		if v.c.Endpoints[i].SpecKey == key {
			return &v.c.Endpoints[i]
		}
	}
	return nil
}

// endpointOf returns the catalogue endpoint that serves cf or, for an
// extension grant or an unknown flow, the endpoint that serves extension
// grants, whose rules then apply. A catalogue without it gives an empty
// one: no team properties, no token settings.
func (v *validation) endpointOf(cf *CatalogueFlow) *CatalogueEndpoint {
	if cf != nil {
		if ep := v.c.Endpoint(cf.Endpoint); ep != nil {
			return ep
		}
	}
	if ep := v.c.Endpoint(ExtensionGrantEndpoint); ep != nil {
		return ep
	}
	return &CatalogueEndpoint{}
}

func (v *validation) path(p string, fallback Pos, value string) {
	if value == "" || v.failed(p) {
		return
	}
	if why := checkPath(value); why != "" {
		v.report(v.at(p, fallback), CodePath, "path %q %s", value, why)
	}
}

func (v *validation) authMethods(t *Endpoint) {
	p := join(join("endpoints", t.Key), "auth_methods")
	if v.failed(p) {
		return
	}
	if len(t.AuthMethods) == 0 {
		v.report(v.at(p, t.Pos), CodeAuthMethods, "auth_methods must list at least one of %s", strings.Join(AuthMethods(), ", "))
		return
	}
	for i, m := range t.AuthMethods {
		ip := fmt.Sprintf("%s[%d]", p, i)
		if v.failed(ip) {
			continue
		}
		pos := v.at(ip, t.Pos)
		switch {
		case !slices.Contains(AuthMethods(), m):
			v.report(pos, CodeAuthMethods, "unknown client authentication method %q%s; this version serves %s",
				m, didYouMean(m, AuthMethods()), strings.Join(AuthMethods(), ", "))
		case slices.Contains(t.AuthMethods[:i], m):
			v.report(pos, CodeAuthMethods, "client authentication method %q is listed twice", m)
		}
	}
}

// tokens checks token settings at path p; serverLevel is true for the
// spec's top-level tokens.
func (v *validation) tokens(t TokenSettings, p string, serverLevel bool) {
	at := func(key string) Pos { return v.at(join(p, key), t.Pos) }
	ok := func(key string) bool { return !v.failed(join(p, key)) }
	if f := t.AccessTokenFormat; f != nil && ok("access_token_format") && !slices.Contains(AccessTokenFormats(), *f) {
		v.report(at("access_token_format"), CodeTokenSetting, "access_token_format %q must be jwt or opaque%s", *f, didYouMean(*f, AccessTokenFormats()))
	}
	for _, x := range []struct {
		key string
		alg *string
	}{{"signing_alg", t.SigningAlg}, {"id_token_signing_alg", t.IDTokenSigningAlg}} {
		if x.alg == nil || !ok(x.key) {
			continue
		}
		switch {
		case !serverLevel:
			v.report(at(x.key), CodeTokenSetting, "%s is server-wide: set it under the top-level tokens", x.key)
		case !slices.Contains(SigningAlgs(), *x.alg):
			v.report(at(x.key), CodeTokenSetting, "%s %q must be ES256, RS256 or EdDSA%s", x.key, *x.alg, didYouMean(*x.alg, SigningAlgs()))
		}
	}
	if t.IDTokenTTL != nil && ok("id_token_ttl") && !serverLevel {
		v.report(at("id_token_ttl"), CodeTokenSetting, "id_token_ttl is server-wide: set it under the top-level tokens")
	}
	positive := []struct {
		key string
		d   *time.Duration
	}{
		{"access_token_ttl", t.AccessTokenTTL},
		{"refresh_token_ttl", t.RefreshTokenTTL},
		{"refresh_token_idle_ttl", t.RefreshTokenIdleTTL},
		{"code_ttl", t.CodeTTL},
		{"device_code_ttl", t.DeviceCodeTTL},
		{"id_token_ttl", t.IDTokenTTL},
	}
	for _, x := range positive {
		if x.d != nil && ok(x.key) && *x.d <= 0 {
			v.report(at(x.key), CodeDuration, "%s must be positive, got %s", x.key, *x.d)
		}
	}
	if d := t.CodeTTL; d != nil && ok("code_ttl") && *d > maxCodeTTL {
		v.report(at("code_ttl"), CodeDuration, "code_ttl must be at most 10m (RFC 6749 §4.1.2), got %s", *d)
	}
	if d := t.DeviceCodeTTL; d != nil && ok("device_code_ttl") && *d > maxDeviceCodeTTL {
		v.report(at("device_code_ttl"), CodeDuration, "device_code_ttl must be at most 30m: a user code must not stay guessable for long (RFC 8628 §5.1), got %s", *d)
	}
	if d := t.RefreshGrace; d != nil && ok("refresh_grace") && *d < 0 {
		v.report(at("refresh_grace"), CodeDuration, "refresh_grace must not be negative, got %s", *d)
	}
}

// openIDSettings reports ID token settings of a spec that issues no ID
// tokens: the server speaks OpenID Connect only when the spec declares the
// openid scope (OIDC Core §3.1.2.1).
func (v *validation) openIDSettings() {
	if v.declaresScope("openid") {
		return
	}
	t := v.s.Tokens
	for _, x := range []struct {
		key string
		set bool
	}{{"id_token_ttl", t.IDTokenTTL != nil}, {"id_token_signing_alg", t.IDTokenSigningAlg != nil}} {
		if x.set && !v.failed(join("tokens", x.key)) {
			v.report(v.at(join("tokens", x.key), t.Pos), CodeRequires, "%s applies to ID tokens, which are issued only when the spec declares the openid scope", x.key)
		}
	}
}

// declaresScope reports whether the spec declares the scope.
func (v *validation) declaresScope(name string) bool {
	return slices.ContainsFunc(v.s.Scopes, func(sc Scope) bool { return sc.Name == name })
}

func (v *validation) scopes() {
	seen := map[string]bool{}
	for _, sc := range v.s.Scopes {
		p := join("scopes", sc.Name)
		if seen[sc.Name] {
			v.report(sc.Pos, CodeDuplicateKey, "scope %q is declared twice", sc.Name)
		}
		seen[sc.Name] = true
		if sc.Name == "" {
			v.report(sc.Pos, CodeScope, "a scope name must not be empty")
		} else if why := checkScopeName(sc.Name); why != "" {
			v.report(sc.Pos, CodeScope, "scope %q %s", sc.Name, why)
		}
		if !v.failed(p) {
			if why := checkCommentText(sc.Description); why != "" {
				v.report(v.at(join(p, "description"), sc.Pos), CodeCommentText, "description of scope %q %s", sc.Name, why)
			}
		}
	}
}

func (v *validation) flows() {
	seen := map[string]bool{}
	for _, f := range v.s.Flows {
		p := join("flows", f.ID)
		if seen[f.ID] {
			v.report(f.Pos, CodeDuplicateKey, "flow %q is enabled twice", f.ID)
		}
		seen[f.ID] = true
		cf := v.c.Flow(f.ID)
		switch {
		case cf == nil:
			v.report(f.Pos, CodeUnknownFlow, "unknown flow type %q%s", f.ID, v.suggestFlow(f.ID))
		case cf.Status != StatusAvailable:
			v.report(f.Pos, CodePlannedFlow, "flow type %q is catalogued but not served by this version of oauthgen", f.ID)
		default:
			if ep := v.c.Endpoint(cf.Endpoint); ep != nil && !v.s.Endpoints.Declared(ep.SpecKey) {
				v.report(f.Pos, CodeMissingEnd, "flow %q needs endpoints.%s", f.ID, ep.SpecKey)
			}
			v.requirements(f, cf)
		}
		v.tokens(f.Tokens, join(p, "tokens"), false)
		if cf != nil {
			v.forcedSettings(f.Tokens, join(p, "tokens"), cf)
			v.usedSettings(f.Tokens, join(p, "tokens"), cf)
		}
		v.properties(f.Properties, join(p, "properties"), "flow "+f.ID, cf)
		v.codeData(f, cf)
		v.issuers(f, cf)
		if f.PublicClients != nil && cf != nil && !cf.SpecPublicClients {
			v.report(v.at(join(p, "public_clients"), f.Pos), CodePolicy,
				"flow %q: public_clients is not a setting of this flow; its policy decides which clients may use it (oauthgen describe %s)", f.ID, f.ID)
		}
	}
}

// requirements reports the flows and scopes an enabled flow needs that the
// spec does not enable or declare (for example, the authorization step
// without the token step that redeems its codes).
func (v *validation) requirements(f Flow, cf *CatalogueFlow) {
	for _, r := range cf.Requires {
		if !slices.ContainsFunc(v.s.Flows, func(o Flow) bool { return o.ID == r }) {
			v.report(f.Pos, CodeRequires, "flow %q needs flow %q, which redeems or serves what it issues; enable it too", f.ID, r)
		}
	}
	for _, sc := range cf.RequiresScopes {
		if !v.declaresScope(sc) {
			v.report(f.Pos, CodeRequires, "flow %q needs the %s scope; declare it under scopes", f.ID, sc)
		}
	}
}

// usedSettings reports token settings of a flow that its endpoint's flows
// do not use (an access token lifetime on the authorization step, say).
func (v *validation) usedSettings(t TokenSettings, p string, cf *CatalogueFlow) {
	used := v.endpointOf(cf).TokenSettings
	set := map[string]bool{
		"access_token_format": t.AccessTokenFormat != nil, "access_token_ttl": t.AccessTokenTTL != nil,
		"issue_refresh_token": t.IssueRefreshToken != nil, "rotate_refresh_token": t.RotateRefreshToken != nil,
		"refresh_token_ttl": t.RefreshTokenTTL != nil, "refresh_token_idle_ttl": t.RefreshTokenIdleTTL != nil,
		"refresh_grace": t.RefreshGrace != nil, "code_ttl": t.CodeTTL != nil, "device_code_ttl": t.DeviceCodeTTL != nil,
	}
	for _, key := range flowSettingKeys() {
		if !set[key] || slices.Contains(used, key) || v.failed(join(p, key)) {
			continue
		}
		if len(used) == 0 {
			v.report(v.at(join(p, key), t.Pos), CodeFlowSetting, "%s: flow %q issues no tokens and takes no token settings", key, cf.ID)
			continue
		}
		v.report(v.at(join(p, key), t.Pos), CodeFlowSetting, "%s: flow %q uses only %s", key, cf.ID, strings.Join(used, ", "))
	}
}

// suggestFlow finds the flow id a user probably meant: a close id, or the
// flow whose grant_type or Go name was written instead of its id.
func (v *validation) suggestFlow(id string) string {
	for _, f := range v.c.Flows {
		if f.Wire != "" && f.Wire == id || f.Name == GoName(id) {
			return ` (did you mean "` + f.ID + `"?)`
		}
	}
	return didYouMean(id, v.c.FlowIDs())
}

// forcedSettings reports a flow's token settings that contradict the
// catalogue's defaults for the flow, which the flow always uses (for
// example, no refresh token for client_credentials, RFC 6749 §4.4.3).
func (v *validation) forcedSettings(t TokenSettings, p string, cf *CatalogueFlow) {
	check := func(key string, set, forced *bool) {
		if set != nil && forced != nil && *set != *forced && !v.failed(join(p, key)) {
			v.report(v.at(join(p, key), t.Pos), CodeFlowSetting, "%s: flow %q always uses %t", key, cf.ID, *forced)
		}
	}
	check("issue_refresh_token", t.IssueRefreshToken, cf.Defaults.IssueRefreshToken)
	check("rotate_refresh_token", t.RotateRefreshToken, cf.Defaults.RotateRefreshToken)
	if f, forced := t.AccessTokenFormat, cf.Defaults.AccessTokenFormat; f != nil && forced != nil && *f != *forced {
		v.report(v.at(join(p, "access_token_format"), t.Pos), CodeFlowSetting, "access_token_format: flow %q always uses %s", cf.ID, *forced)
	}
}

func (v *validation) extensionGrants() {
	seenType := map[string]string{}
	for _, g := range v.s.ExtensionGrants {
		p := join("extension_grants", g.Name)
		if why := checkGoName(g.Name); why != "" {
			v.report(g.Pos, CodeGoName, "extension grant name %q %s", g.Name, why)
		}
		if key := v.endpointOf(nil).SpecKey; !v.s.Endpoints.Declared(key) {
			v.report(g.Pos, CodeMissingEnd, "extension grant %q needs endpoints.%s", g.Name, key)
		}
		if gp := join(p, "grant_type"); !v.failed(gp) {
			pos := v.at(gp, g.Pos)
			if why := checkGrantType(g.GrantType); why != "" {
				v.report(pos, CodeExtensionGrant, "grant_type %q %s", g.GrantType, why)
			} else if cf := v.flowByWire(g.GrantType); cf != nil {
				v.report(pos, CodeExtensionGrant, "grant_type %q is the standard grant of flow %q; enable that flow instead", g.GrantType, cf.ID)
			} else if other, dup := seenType[g.GrantType]; dup {
				v.report(pos, CodeExtensionGrant, "grant_type %q is also extension grant %q's", g.GrantType, other)
			} else {
				seenType[g.GrantType] = g.Name
			}
		}
		if dp := join(p, "description"); !v.failed(dp) {
			if why := checkCommentText(g.Description); why != "" {
				v.report(v.at(dp, g.Pos), CodeCommentText, "description of extension grant %q %s", g.Name, why)
			}
		}
		for _, k := range []struct{ key, value string }{{"scope", g.Scope}, {"resources", g.Resources}, {"end_user", g.EndUser}} {
			kp := join(p, k.key)
			if allowed := ExtensionGrantValues()[k.key]; k.value != "" && !v.failed(kp) && !slices.Contains(allowed, k.value) {
				v.report(v.at(kp, g.Pos), CodeExtensionGrant, "%s %q must be %s%s", k.key, k.value, strings.Join(allowed, " or "), didYouMean(k.value, allowed))
			}
		}
		v.tokens(g.Tokens, join(p, "tokens"), false)
		v.properties(g.Properties, join(p, "properties"), "extension grant "+g.Name, nil)
	}
}

// flowByWire returns the catalogue flow whose grant_type is wire, at the
// endpoint that serves extension grants, or nil.
func (v *validation) flowByWire(wire string) *CatalogueFlow {
	for i := range v.c.Flows {
		if v.c.Flows[i].Endpoint == ExtensionGrantEndpoint && v.c.Flows[i].Wire == wire {
			return &v.c.Flows[i]
		}
	}
	return nil
}
