package spec

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// tokenEndpointSettings are the flow token settings the token endpoint's
// flows use: every one but the device authorization endpoint's.
func tokenEndpointSettings() []string {
	return slices.DeleteFunc(flowSettingKeys(), func(k string) bool { return k == "device_code_ttl" })
}

// TestTokenEndpointListsAgree: the token endpoint's flows use every flow
// token setting but device_code_ttl, and its parameters include every
// request parameter of its flows, so that no team property can read one.
func TestTokenEndpointListsAgree(t *testing.T) {
	c := builtin(t)
	ep := c.Endpoint("oauth-token")
	if !slices.Equal(ep.TokenSettings, tokenEndpointSettings()) {
		t.Errorf("token endpoint settings %v", ep.TokenSettings)
	}
	for _, f := range c.Flows {
		if f.Status != StatusAvailable {
			continue
		}
		fe := c.Endpoint(f.Endpoint)
		for _, p := range f.Properties {
			if wireSource(p.Source) && p.Source != "header" && !slices.Contains(fe.Parameters, p.Name) {
				t.Errorf("flow %s: parameter %s is not among endpoint %s's parameters", f.ID, p.Name, fe.ID)
			}
		}
	}
}

// TestAvailableEndpointFlows pins the authorization and userinfo flows and
// their endpoints, as the generator relies on them.
func TestAvailableEndpointFlows(t *testing.T) {
	c := builtin(t)
	az := c.Flow("oauth-authorize-authorization-code")
	if az.Endpoint != "oauth-authorize" || az.Wire != "code" || az.Name != "AuthorizeCode" || !az.IssuesCode ||
		az.Policy != (FlowPolicy{}) || !slices.Equal(az.Requires, []string{"oauth-token-authorization-code"}) {
		t.Errorf("authorize flow = %+v", az)
	}
	wantAZ := []string{"invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type",
		"invalid_scope", "server_error", "temporarily_unavailable", "invalid_target", "login_required",
		"consent_required", "interaction_required", "account_selection_required"}
	if !slices.Equal(az.Errors, wantAZ) {
		t.Errorf("authorize flow errors = %v", az.Errors)
	}
	ui := c.Flow("openid-userinfo")
	if ui.Endpoint != "oauth-userinfo" || ui.Wire != "" || ui.Name != "UserInfo" || ui.IssuesCode ||
		!slices.Equal(ui.RequiresScopes, []string{"openid"}) {
		t.Errorf("userinfo flow = %+v", ui)
	}
	if !slices.Equal(ui.Errors, []string{"invalid_request", "invalid_token", "insufficient_scope"}) {
		t.Errorf("userinfo flow errors = %v", ui.Errors)
	}
	var issuing []string
	for _, f := range c.Flows {
		if f.IssuesCode {
			issuing = append(issuing, f.ID)
		}
	}
	if !slices.Equal(issuing, []string{"oauth-authorize-authorization-code"}) {
		t.Errorf("flows issuing codes: %v", issuing)
	}
	for id, want := range map[string]struct {
		wire              string
		sources, settings []string
	}{
		"oauth-token":                {"grant_type", []string{"form", "header"}, tokenEndpointSettings()},
		"oauth-authorize":            {"response_type", []string{"query"}, []string{"code_ttl"}},
		"oauth-userinfo":             {"", nil, nil},
		"oauth-device-authorization": {"", []string{"form"}, []string{"device_code_ttl"}},
	} {
		ep := c.Endpoint(id)
		if ep.WireParam != want.wire || !slices.Equal(ep.PropertySources, want.sources) || !slices.Equal(ep.TokenSettings, want.settings) {
			t.Errorf("endpoint %s = %+v", id, ep)
		}
	}
}

// TestTokenSettingKeys: the keys the catalogue checks token settings
// against are exactly the yaml keys of TokenSettings, in field order.
func TestTokenSettingKeys(t *testing.T) {
	var keys []string
	typ := reflect.TypeOf(TokenSettings{})
	for i := range typ.NumField() {
		if name, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	if !slices.Equal(keys, tokenSettingKeys()) {
		t.Errorf("TokenSettings keys %v\ntokenSettingKeys() %v", keys, tokenSettingKeys())
	}
}

// TestPolicyKeys: the keys PolicyValues lists are exactly the yaml keys of
// FlowPolicy, and an extension grant's policy keys are among them with
// values the catalogue allows.
func TestPolicyKeys(t *testing.T) {
	var keys []string
	typ := reflect.TypeOf(FlowPolicy{})
	for i := range typ.NumField() {
		if name := typ.Field(i).Tag.Get("yaml"); name != "" {
			keys = append(keys, name)
		}
	}
	vals := PolicyValues()
	if len(keys) != len(vals) {
		t.Errorf("FlowPolicy keys %v, PolicyValues %v", keys, vals)
	}
	for _, k := range keys {
		if len(vals[k]) == 0 {
			t.Errorf("no values for policy key %s", k)
		}
	}
	for k, allowed := range ExtensionGrantValues() {
		for _, v := range allowed {
			if !slices.Contains(vals[k], v) {
				t.Errorf("extension grant %s value %q is not a policy value", k, v)
			}
		}
	}
}

// TestExtensionGrantPolicy: an extension grant's policy takes the
// documented defaults and always passes the catalogue's coherence checks.
func TestExtensionGrantPolicy(t *testing.T) {
	g := ExtensionGrant{}
	if got, want := g.Policy(), (FlowPolicy{Clients: "confidential", Credential: "procedure", Scope: "request", Resources: "request", EndUser: "procedure"}); got != want {
		t.Errorf("default policy = %+v, want %+v", got, want)
	}
	vals := ExtensionGrantValues()
	for _, pub := range []bool{false, true} {
		for _, sc := range vals["scope"] {
			for _, res := range vals["resources"] {
				for _, eu := range vals["end_user"] {
					g := ExtensionGrant{PublicClients: pub, Scope: sc, Resources: res, EndUser: eu}
					var ds Diagnostics
					checkFlowPolicy(g.Policy(), "grant", &ds)
					if len(ds) > 0 {
						t.Errorf("%+v: %v", g, ds)
					}
				}
			}
		}
	}
}

// TestReferenceSpecEnablesEveryAvailableFlow: the reference spec, whose
// output generated/ tests over HTTP, enables every flow this version serves
// and declares code data, as its header says.
func TestReferenceSpecEnablesEveryAvailableFlow(t *testing.T) {
	s, err := Load("reference/oauthgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range builtin(t).Flows {
		if f.Status != StatusAvailable {
			continue
		}
		i := slices.IndexFunc(s.Flows, func(sf Flow) bool { return sf.ID == f.ID })
		if i < 0 {
			t.Errorf("the reference spec does not enable %s", f.ID)
			continue
		}
		if f.IssuesCode && len(s.Flows[i].CodeData) == 0 {
			t.Errorf("the reference spec declares no code_data on %s", f.ID)
		}
	}
}
