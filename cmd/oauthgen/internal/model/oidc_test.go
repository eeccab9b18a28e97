package model

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/fixture"
	"github.com/oauthgen/oauthgen/spec"
)

func flowByID(t *testing.T, m *Model, id string) *Flow {
	t.Helper()
	for _, f := range m.Flows {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("flow %s not in the model", id)
	return nil
}

func TestBuildOIDC(t *testing.T) {
	m := build(t, fixture.OIDC())
	s := m.Server
	if got := pathsOf(s); got != "oauth-token=/oauth2/token oauth-jwks=/oauth2/jwks oauth-authorize=/oauth2/authorize oauth-userinfo=/me" ||
		s.RequirePKCE == nil || !*s.RequirePKCE ||
		!s.OpenID || s.IDTokenSigningAlg != "RS256" || s.IDTokenTTL != 10*time.Minute {
		t.Errorf("server = %+v", s)
	}
	var eps []string
	for _, e := range m.Endpoints {
		var ids []string
		for _, f := range e.Flows {
			ids = append(ids, f.ID)
		}
		eps = append(eps, e.ID+"="+strings.Join(ids, ","))
	}
	want := "oauth-token=oauth-token-authorization-code oauth-authorize=oauth-authorize-authorization-code oauth-userinfo=openid-userinfo"
	if got := strings.Join(eps, " "); got != want {
		t.Errorf("endpoints = %s, want %s", got, want)
	}

	az := flowByID(t, m, "oauth-authorize-authorization-code")
	if az.Route != "GET or POST /oauth2/authorize" || az.Wire != "code" || az.GrantType != "" ||
		az.Binding.Context.Name != "AuthorizeContext" || az.Binding.Verb != "Authorize" || !az.HasData || !az.IssuesCode || az.RedeemsCode ||
		az.Grant != nil || az.Names.StubFile != "authorize_code.go" || az.Names.FlowType != "authorizeCodeFlow" {
		t.Errorf("authorize flow = %+v", az)
	}
	if !slices.ContainsFunc(az.Catalogue, func(f Field) bool { return f.Name == "State" && f.Wire == "state" && f.Source == "query" }) {
		t.Errorf("authorize catalogue fields = %+v", az.Catalogue)
	}
	if len(az.Fields) != 1 || az.Fields[0] != (Field{Name: "Campaign", Kind: KindString, GoType: "string", Wire: "campaign",
		Source: "query", Validate: "omitempty,alphanum", Description: "The campaign that sent the user.", Property: "campaign",
		Doc: `Campaign is the campaign that sent the user. Source: query parameter "campaign".`}) {
		t.Errorf("authorize fields = %+v", az.Fields)
	}
	if ac := flowByID(t, m, "oauth-token-authorization-code"); !ac.HasData || !ac.RedeemsCode || ac.GrantType != "authorization_code" {
		t.Errorf("token step = %+v", ac)
	}
	ui := flowByID(t, m, "openid-userinfo")
	if ui.Route != "GET or POST /me" || ui.Wire != "" || ui.HasData || ui.Binding.Verb != "Claims" || ui.Grant != nil {
		t.Errorf("userinfo flow = %+v", ui)
	}
	wantData := []DataField{
		{Name: "DeviceID", JSON: "device_id", Kind: KindString, GoType: "string", Doc: `DeviceID is the device that asked. Stored as: JSON member "device_id" of the code's data.`},
		{Name: "Attempts", JSON: "attempts", Kind: KindInt, GoType: "int", Doc: `Attempts is the JSON member "attempts" of the code's data.`},
	}
	if len(m.CodeData) != len(wantData) {
		t.Fatalf("code data = %+v", m.CodeData)
	}
	for i := range wantData {
		if m.CodeData[i] != wantData[i] {
			t.Errorf("code data %d = %+v, want %+v", i, m.CodeData[i], wantData[i])
		}
	}
}

func TestBuildOIDCSettings(t *testing.T) {
	s := fixture.OIDC()
	s.Endpoints.Get("authorize").RequirePKCE = fixture.Ptr(false)
	s.Tokens.IDTokenTTL = fixture.Ptr(2 * time.Minute)
	s.Tokens.IDTokenSigningAlg = fixture.Ptr("EdDSA")
	s.Flows[1].CodeData = nil
	m := build(t, s)
	if m.Server.RequirePKCE == nil || *m.Server.RequirePKCE || m.Server.IDTokenTTL != 2*time.Minute || m.Server.IDTokenSigningAlg != "EdDSA" {
		t.Errorf("server = %+v", m.Server)
	}
	// Without code_data no context has CodeData.
	for _, f := range m.Flows {
		if f.HasData {
			t.Errorf("flow %s has CodeData without code_data", f.ID)
		}
	}

	// Declared endpoints whose flows are disabled get no path, and no openid
	// scope means no ID token settings.
	s = fixture.Spec("oauth-token-authorization-code")
	s.Endpoints.List = append(s.Endpoints.List, &spec.Endpoint{Key: "authorize"}, &spec.Endpoint{Key: "userinfo"})
	m = build(t, s)
	if pathsOf(m.Server) != "oauth-token=/oauth2/token oauth-jwks=/oauth2/jwks" || m.Server.RequirePKCE != nil || m.Server.OpenID || m.Server.IDTokenSigningAlg != "" {
		t.Errorf("server = %+v", m.Server)
	}
	if len(m.Endpoints) != 1 || m.Endpoints[0].ID != "oauth-token" {
		t.Errorf("endpoints = %+v", m.Endpoints)
	}
}

func TestBuildRefusesOIDC(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *spec.Spec, c *spec.Catalogue)
		msg    string
	}{
		{"code data secret", func(s *spec.Spec, _ *spec.Catalogue) {
			s.Flows[1].CodeData = []spec.DataField{{Name: "pin", Type: "Secret"}}
		}, `code_data "pin"`},
		{"code data on the token step", func(s *spec.Spec, _ *spec.Catalogue) {
			s.Flows[0].CodeData = []spec.DataField{{Name: "x", Type: "string"}}
		}, "issues no authorization code"},
		{"header property at the authorization endpoint", func(s *spec.Spec, _ *spec.Catalogue) {
			s.Flows[1].Properties = []spec.Property{{Name: "x", Type: "string", Source: "header"}}
		}, `source "header" is not supported; use query`},
		{"data property clash", func(s *spec.Spec, _ *spec.Catalogue) {
			s.Flows[0].Properties = []spec.Property{{Name: "code_data", Type: "string", Source: "form"}}
		}, "CodeData, which clashes with the CodeData field"},
		{"base context clash", func(s *spec.Spec, _ *spec.Catalogue) {
			s.Flows[1].Properties = []spec.Property{{Name: "nonce", Type: "string", Source: "query", Param: "n"}}
		}, "Nonce, which clashes with Nonce of the embedded"},
		{"two flows on a one-flow endpoint", func(s *spec.Spec, c *spec.Catalogue) {
			other := *c.Flow("oauth-authorize-authorization-code")
			other.ID, other.Name, other.Wire = "oauth-authorize-implicit", "Implicit", "token"
			c.Flows = append(c.Flows, other)
			s.Flows = append(s.Flows, spec.Flow{ID: "oauth-authorize-implicit"})
		}, "serves one flow"},
		{"planned endpoint", func(s *spec.Spec, c *spec.Catalogue) {
			c.Endpoint("oauth-userinfo").Status = spec.StatusPlanned
		}, "which is planned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := fixture.OIDC(), fixture.Catalogue()
			tt.mutate(s, c)
			_, err := Build(s, c)
			var ds spec.Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("err = %v, want diagnostics", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want it to mention %q", err, tt.msg)
			}
		})
	}
}
