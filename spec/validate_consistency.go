package spec

// Cross-flow consistency: settings that only mean something when another
// flow is enabled.

import "slices"

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
	check := func(t TokenSettings, p string) {
		kp := join(p, "issue_refresh_token")
		if t.IssueRefreshToken == nil || !*t.IssueRefreshToken || v.failed(kp) {
			return
		}
		v.report(v.at(kp, t.Pos), CodeRequires,
			"issue_refresh_token: true needs flow %s, which the spec does not enable: its refresh tokens would be refused with unsupported_grant_type (RFC 6749 §6); enable the flow or leave the setting out",
			v.refreshFlows())
	}
	check(v.s.Tokens, "tokens")
	for _, f := range v.s.Flows {
		cf := v.c.Flow(f.ID)
		if cf == nil || cf.Defaults.IssueRefreshToken != nil || !slices.Contains(v.endpointOf(cf).TokenSettings, "issue_refresh_token") {
			continue // unknown, or its setting is already reported (OG125)
		}
		check(f.Tokens, join(join("flows", f.ID), "tokens"))
	}
	for _, g := range v.s.ExtensionGrants {
		check(g.Tokens, join(join("extension_grants", g.Name), "tokens"))
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
