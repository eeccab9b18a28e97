package spec

// Cross-flow consistency: settings that only mean something when another
// flow is enabled.

import (
	"slices"
	"strings"
)

// RefreshFlowEnabled reports whether s enables a catalogue flow of c that
// redeems refresh tokens (policy credential refresh_token, RFC 6749 §6).
// Without one, a refresh token would be refused with unsupported_grant_type
// wherever it was presented, so no flow issues one: the model derives
// IssueRefresh false for every flow, and Validate refuses a spec that asks
// for refresh tokens explicitly.
func RefreshFlowEnabled(s *Spec, c *Catalogue) bool {
	for _, f := range s.Flows {
		if cf := c.Flow(f.ID); cf != nil && cf.Status == StatusAvailable && cf.Policy.Credential == "refresh_token" {
			return true
		}
	}
	return false
}

// refreshFlows names the catalogue flows that redeem refresh tokens, for
// messages.
func (v *validation) refreshFlows() string {
	var ids []string
	for _, cf := range v.c.Flows {
		if cf.Status == StatusAvailable && cf.Policy.Credential == "refresh_token" {
			ids = append(ids, `"`+cf.ID+`"`)
		}
	}
	return orList(ids)
}

// refreshConsistency reports every issue_refresh_token: true (server-wide,
// on a flow or on an extension grant) of a spec that enables no flow
// redeeming refresh tokens. Settings already reported (a flow that issues
// no tokens, one that never issues refresh tokens) are not reported again.
func (v *validation) refreshConsistency() {
	if RefreshFlowEnabled(v.s, v.c) {
		return
	}
	// check reports the settings of one layer; used are the token settings
	// the layer's endpoint takes (nil: every one), the others already being
	// reported (OG125).
	check := func(t TokenSettings, p string, used []string, issueForced bool) {
		kp := join(p, "issue_refresh_token")
		if t.IssueRefreshToken != nil && *t.IssueRefreshToken && !issueForced && !v.failed(kp) {
			v.report(v.at(kp, t.Pos), CodeRequires,
				"issue_refresh_token: true needs flow %s, which the spec does not enable: its refresh tokens would be refused with unsupported_grant_type (RFC 6749 §6); enable the flow or leave the setting out",
				v.refreshFlows())
		}
		for _, x := range []struct {
			key string
			set bool
		}{
			{"rotate_refresh_token", t.RotateRefreshToken != nil}, {"refresh_token_ttl", t.RefreshTokenTTL != nil},
			{"refresh_token_idle_ttl", t.RefreshTokenIdleTTL != nil}, {"refresh_grace", t.RefreshGrace != nil},
		} {
			kp := join(p, x.key)
			if !x.set || v.failed(kp) || used != nil && !slices.Contains(used, x.key) || v.reportedAt(v.at(kp, t.Pos)) {
				continue // a bad value is reported once, for what is wrong with it
			}
			v.report(v.at(kp, t.Pos), CodeRequires,
				"%s applies to refresh tokens, which no flow issues without flow %s; enable the flow or leave the setting out",
				x.key, v.refreshFlows())
		}
	}
	check(v.s.Tokens, "tokens", nil, false)
	for _, f := range v.s.Flows {
		cf := v.c.Flow(f.ID)
		if cf == nil {
			continue
		}
		// A forced issue_refresh_token is reported by forcedSettings.
		check(f.Tokens, join(join("flows", f.ID), "tokens"), v.endpointOf(cf).TokenSettings, cf.Defaults.IssueRefreshToken != nil)
	}
	for _, g := range v.s.ExtensionGrants {
		check(g.Tokens, join(join("extension_grants", g.Name), "tokens"), nil, false)
	}
}

// offlineAccessConsistency reports the offline_access scope in a spec that
// enables no flow redeeming refresh tokens: the scope asks for a refresh
// token (OIDC Core §11), which no flow would issue, and discovery would
// advertise it all the same.
func (v *validation) offlineAccessConsistency() {
	if RefreshFlowEnabled(v.s, v.c) {
		return
	}
	for _, sc := range v.s.Scopes {
		if sc.Name == "offline_access" {
			v.report(sc.Pos, CodeRequires,
				"scope %q asks for refresh tokens (OIDC Core §11), which no flow issues without flow %s; enable it or remove the scope",
				sc.Name, v.refreshFlows())
		}
	}
}

// reportedAt reports whether some diagnostic is already at position p.
func (v *validation) reportedAt(p Pos) bool {
	return slices.ContainsFunc(v.diags, func(d Diagnostic) bool { return d.Pos == p })
}

// enabledFlows calls fn for every flow of the spec that the catalogue
// serves, once each, with its catalogue entry.
func (v *validation) enabledFlows(fn func(f Flow, cf *CatalogueFlow)) {
	seen := map[string]bool{}
	for _, f := range v.s.Flows {
		cf := v.c.Flow(f.ID)
		if cf == nil || cf.Status != StatusAvailable || seen[f.ID] {
			continue
		}
		seen[f.ID] = true
		fn(f, cf)
	}
}

// issuesRefresh resolves issue_refresh_token over layers, the first set
// one winning, as the model does (true by default).
func issuesRefresh(layers ...*TokenSettings) bool {
	for _, t := range layers {
		if t.IssueRefreshToken != nil {
			return *t.IssueRefreshToken
		}
	}
	return true
}

// refreshIssuerConsistency reports a flow that redeems refresh tokens
// (RFC 6749 §6) in a spec where no enabled flow issues one: every refresh
// request would fail with invalid_grant, and discovery would advertise a
// grant type no client can use. Issuers are the token flows and extension
// grants other than the refresh flows whose issue_refresh_token resolves
// to true (client_credentials never issues one, RFC 6749 §4.4.3).
func (v *validation) refreshIssuerConsistency() {
	if !RefreshFlowEnabled(v.s, v.c) {
		return
	}
	var off []string // enabled flows that could issue refresh tokens, set not to
	issued := false
	v.enabledFlows(func(f Flow, cf *CatalogueFlow) {
		if cf.Endpoint != ExtensionGrantEndpoint || cf.Policy.Credential == "refresh_token" {
			return
		}
		if forced := cf.Defaults.IssueRefreshToken; forced != nil && !*forced {
			return
		}
		if issuesRefresh(&cf.Defaults, &f.Tokens, &v.s.Tokens) {
			issued = true
		} else {
			off = append(off, `flow "`+f.ID+`"`)
		}
	})
	for _, g := range v.s.ExtensionGrants {
		if issuesRefresh(&g.Tokens, &v.s.Tokens) {
			issued = true
		} else {
			off = append(off, `extension grant "`+g.Name+`"`)
		}
	}
	if issued {
		return
	}
	var issuers []string
	for _, cf := range v.c.Flows {
		if cf.Status == StatusAvailable && cf.Endpoint == ExtensionGrantEndpoint && cf.Policy.Credential != "refresh_token" &&
			(cf.Defaults.IssueRefreshToken == nil || *cf.Defaults.IssueRefreshToken) {
			issuers = append(issuers, `"`+cf.ID+`"`)
		}
	}
	v.enabledFlows(func(f Flow, cf *CatalogueFlow) {
		if cf.Policy.Credential != "refresh_token" {
			return
		}
		if len(off) > 0 {
			v.report(f.Pos, CodeRequires,
				"flow %q redeems refresh tokens, which no enabled flow issues: issue_refresh_token is false for %s; set it to true where refresh tokens are wanted, or remove this flow",
				f.ID, strings.Join(off, ", "))
			return
		}
		v.report(f.Pos, CodeRequires,
			"flow %q redeems refresh tokens, which no enabled flow issues (RFC 6749 §6); enable flow %s or an extension grant, or remove this flow",
			f.ID, orList(issuers))
	})
}

// servedEndpoints reports an endpoint the spec declares that serves
// nothing: the runtime serves the authorization, userinfo, introspection
// and revocation endpoints only with one of their flows enabled, so the
// path and settings of one without would be silently ignored (a
// require_pkce that never applies, say).
func (v *validation) servedEndpoints() {
	for _, e := range v.s.Endpoints.List {
		ce := v.endpointBySpecKey(e.Key)
		if ce == nil || ce.Status != StatusAvailable || ce.ID == ExtensionGrantEndpoint {
			continue // unknown endpoints are reported by endpoints; the token endpoint is always served
		}
		var flows []string
		enabled := false
		for _, cf := range v.c.Flows {
			if cf.Endpoint != ce.ID || cf.Status != StatusAvailable {
				continue
			}
			flows = append(flows, `"`+cf.ID+`"`)
			enabled = enabled || slices.ContainsFunc(v.s.Flows, func(f Flow) bool { return f.ID == cf.ID })
		}
		if len(flows) == 0 || enabled {
			continue // an endpoint without flows (the JWK Set) is always served
		}
		v.report(e.Pos, CodeRequires,
			"endpoints.%s is served only with flow %s, which the spec does not enable: its path and settings would do nothing; enable the flow or remove the endpoint",
			e.Key, orList(flows))
	}
}

// requiredEndpoints reports a declared endpoint whose catalogue entry
// requires another that the spec does not declare: the pushed
// authorization request endpoint takes authorization requests, so it
// needs the authorization endpoint (RFC 9126 §1).
func (v *validation) requiredEndpoints() {
	for _, e := range v.s.Endpoints.List {
		ce := v.endpointBySpecKey(e.Key)
		if ce == nil || ce.Status != StatusAvailable {
			continue
		}
		for _, r := range ce.Requires {
			re := v.c.Endpoint(r)
			if re == nil || v.s.Endpoints.Declared(re.SpecKey) {
				continue
			}
			v.report(e.Pos, CodeRequires,
				"endpoints.%s needs endpoints.%s (%s), which the spec does not declare; declare it, or remove endpoints.%s",
				e.Key, re.SpecKey, re.ID, e.Key)
		}
	}
}

// introspectionEndpoint is the catalogue endpoint whose callers must
// authenticate with a credential (RFC 7662 §2.1).
const introspectionEndpoint = "oauth-introspect"

// confidentialConsistency reports the flows no client could use when the
// token endpoint's auth_methods accept only none: a flow for confidential
// clients (client_credentials, an extension grant without public_clients)
// and introspection, whose callers must authenticate (RFC 7662 §2.1).
func (v *validation) confidentialConsistency() {
	te := v.s.Endpoints.Get(v.endpointOf(nil).SpecKey)
	if te == nil || len(te.AuthMethods) == 0 || v.failed(join(join("endpoints", te.Key), "auth_methods")) ||
		slices.ContainsFunc(te.AuthMethods, func(m string) bool { return m != "none" }) {
		return
	}
	at := lineRef(v.at(join(join("endpoints", te.Key), "auth_methods"), te.Pos))
	const fix = "add client_secret_basic or client_secret_post to it, or remove the %s"
	v.enabledFlows(func(f Flow, cf *CatalogueFlow) {
		switch {
		case cf.Endpoint == introspectionEndpoint:
			v.report(f.Pos, CodeAuthMethods,
				"flow %q needs callers that authenticate with a secret (RFC 7662 §2.1), and endpoints.%s.auth_methods%s accepts only none; "+fix,
				f.ID, te.Key, at, "flow")
		case cf.Policy.Clients == "confidential":
			v.report(f.Pos, CodeAuthMethods,
				"flow %q is for confidential clients, and endpoints.%s.auth_methods%s accepts only none, so no client could use it; "+fix,
				f.ID, te.Key, at, "flow")
		}
	})
	for _, g := range v.s.ExtensionGrants {
		if !g.PublicClients {
			v.report(g.Pos, CodeAuthMethods,
				"extension grant %q is for confidential clients (public_clients is false), and endpoints.%s.auth_methods%s accepts only none, so no client could use it; "+fix,
				g.Name, te.Key, at, "grant")
		}
	}
}

// openIDConsistency reports the openid scope in a spec where no enabled
// flow has an end user: ID tokens are about an end user (OIDC Core §2), so
// none would ever be issued, yet discovery would advertise an OpenID
// Provider.
func (v *validation) openIDConsistency() {
	i := slices.IndexFunc(v.s.Scopes, func(sc Scope) bool { return sc.Name == "openid" })
	if i < 0 {
		return
	}
	// A flow that issues codes has an end user too; without the token
	// flow that redeems them it is reported by requirements.
	endUser := false
	v.enabledFlows(func(f Flow, cf *CatalogueFlow) {
		endUser = endUser || cf.IssuesCode || startsEndUserGrant(cf)
	})
	for _, g := range v.s.ExtensionGrants {
		endUser = endUser || g.Policy().EndUser != "none"
	}
	if endUser {
		return
	}
	var flows []string
	for _, cf := range v.c.Flows {
		if cf.Status == StatusAvailable && startsEndUserGrant(&cf) {
			flows = append(flows, `"`+cf.ID+`"`)
		}
	}
	v.report(v.s.Scopes[i].Pos, CodeRequires,
		"scope \"openid\" asks for ID tokens, which are about an end user (OIDC Core §2), and no enabled flow has one; enable flow %s or an extension grant with an end user, or remove the scope",
		orList(flows))
}

// startsEndUserGrant reports whether a token flow starts a grant of an
// end user, whose tokens can include an ID token: not a refresh (it
// continues one), nor a token exchange (its response has no ID token,
// RFC 8693 §2.2.1).
func startsEndUserGrant(cf *CatalogueFlow) bool {
	return cf.Endpoint == ExtensionGrantEndpoint && cf.Policy.EndUser != "none" &&
		cf.Policy.Credential != "refresh_token" && cf.Policy.Credential != "subject_token"
}
