package emit

import (
	"fmt"
	"slices"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/model"
)

// serverFile builds oauthgen_server.gen.go: the runtime version guard,
// Settings and NewServer.
func serverFile(m *model.Model) *jen.File {
	file := newFile(m.Package)
	file.Add(versionGuard(m)).Line()
	file.Add(settingsFunc(m)).Line()
	file.Add(newServerFunc(m))
	file.Line()
	file.Add(flowsFunc(m))
	return file
}

// versionGuard fails to compile against a runtime that does not support
// the model's API version: a negative constant overflows EnforceVersion's
// unsigned parameter.
func versionGuard(m *model.Model) jen.Code {
	api := m.API
	return doc(fmt.Sprintf("This code targets version %d of the runtime's generated-code API. A runtime too old or too new for it fails to compile here, with a constant overflow.", api.Version)).
		Const().Defs(
		jen.Id("_").Op("=").Add(ident(api.EnforceVersion)).Call(jen.Lit(api.Version).Op("-").Add(ident(api.MinVersion))),
		jen.Id("_").Op("=").Add(ident(api.EnforceVersion)).Call(ident(api.MaxVersion).Op("-").Lit(api.Version)),
	)
}

// lines makes a multi-line composite literal or call: one item per line,
// each with a trailing comma.
func lines(items []jen.Code) []jen.Code {
	out := make([]jen.Code, 0, len(items)+1)
	for _, it := range items {
		out = append(out, jen.Line().Add(it))
	}
	return append(out, jen.Line())
}

func kv(key string, value jen.Code) jen.Code { return jen.Id(key).Op(":").Add(value) }

func settingsFunc(m *model.Model) jen.Code {
	s := m.Server
	var methods []jen.Code
	for _, am := range s.AuthMethods {
		methods = append(methods, jen.Lit(am))
	}
	var paths []jen.Code
	for _, p := range s.Paths {
		paths = append(paths, jen.Lit(p.ID).Op(":").Lit(p.Path))
	}
	items := []jen.Code{
		kv("Issuer", jen.Lit(s.Issuer)),
		kv("Paths", jen.Map(jen.String()).String().Values(lines(paths)...)),
		kv("AuthMethods", jen.Index().String().Values(methods...)),
	}
	if len(s.Scopes) > 0 {
		var scopes []jen.Code
		for _, sc := range s.Scopes {
			scopes = append(scopes, jen.Values(kv("Name", jen.Lit(sc.Name)), kv("Description", jen.Lit(sc.Description))))
		}
		items = append(items, kv("Scopes", jen.Index().Add(ident(m.API.ScopeInfo)).Values(lines(scopes)...)))
	}
	items = append(items, kv("SigningAlg", jen.Lit(s.SigningAlg)))
	if s.RequirePKCE != nil {
		items = append(items, kv("RequirePKCE", jen.Lit(*s.RequirePKCE)))
	}
	if s.PushedAuthorizationRequests {
		items = append(items, kv("PushedAuthorizationRequests", jen.True()))
	}
	if s.RequirePushedAuthorizationRequests {
		items = append(items, kv("RequirePushedAuthorizationRequests", jen.True()))
	}
	if s.OpenID {
		items = append(items, kv("IDTokenSigningAlg", jen.Lit(s.IDTokenSigningAlg)), kv("IDTokenTTL", duration(s.IDTokenTTL)))
	}
	return doc("Settings returns the server settings the spec declares.").
		Func().Id("Settings").Params().Add(ident(m.API.Settings)).Block(
		jen.Return(ident(m.API.Settings).Values(lines(items)...)),
	)
}

func newServerFunc(m *model.Model) jen.Code {
	api := m.API
	return doc(
		"NewServer builds the server for every flow the spec enables. p carries the dependencies the team's procedures share (the user-owned procedures.go).",
		"Each procedure type named in Flows is user-owned: a missing, misnamed or mistyped one is a compile error in this package.",
	).Func().Id("NewServer").Params(
		jen.Id("cfg").Add(ident(api.Config)),
		jen.Id("p").Op("*").Id("Procedures"),
	).Params(jen.Op("*").Add(ident(api.Server)), jen.Error()).Block(
		jen.Return(ident(api.NewServer).Call(jen.Id("cfg"), jen.Id("Settings").Call(), jen.Id("Flows").Call(jen.Id("p")))),
	)
}

func flowsFunc(m *model.Model) jen.Code {
	api := m.API
	var fields []jen.Code
	for _, e := range m.Endpoints {
		bd := e.Binding
		reg := ident(api.Registration).Types(ident(bd.Context), ident(bd.Response))
		if bd.List {
			regs := make([]jen.Code, 0, len(e.Flows))
			for _, f := range e.Flows {
				// The element type is elided: the literal sits in a slice of them.
				regs = append(regs, jen.Values(registration(m, f)...))
			}
			fields = append(fields, jen.Line().Id(bd.FlowsField).Op(":").Index().Add(reg).Values(lines(regs)...))
			continue
		}
		for _, f := range e.Flows {
			fields = append(fields, jen.Line().Id(bd.FlowsField).Op(":").Op("&").Add(reg).Values(registration(m, f)...))
		}
	}
	fields = append(fields, jen.Line())
	return doc(
		"Flows returns the registration of every flow the spec enables, by endpoint, with the spec's token settings and each token flow's grant policy: token flows in catalogue order, then extension grants in spec order. NewServer passes them to runtime.NewServer unchanged.",
		"A deployment that must adjust a setting at startup (a shorter lifetime in staging, say) can change the returned values and call runtime.NewServer itself; the spec stays the source of the defaults.",
	).Func().Id("Flows").Params(
		jen.Id("p").Op("*").Id("Procedures"),
	).Add(ident(api.Flows)).Block(
		jen.Return(ident(api.Flows).Values(fields...)),
	)
}

// registration is the body of a flow's registration literal: its id, the
// wire value that selects it, the token settings its endpoint uses, a
// token flow's grant policy, and the adapter to the user-owned procedure.
func registration(m *model.Model, f *model.Flow) []jen.Code {
	n := f.Names
	items := []jen.Code{kv("ID", jen.Lit(f.ID))}
	if f.Wire != "" {
		items = append(items, kv("Wire", jen.Lit(f.Wire)))
	}
	if len(f.TokenSettings) > 0 {
		items = append(items, kv("Policy", policy(m, f.Policy, f.TokenSettings)))
	}
	if f.Grant != nil {
		var g []jen.Code
		for _, gs := range f.Grant {
			g = append(g, kv(gs.Field, ident(gs.Const)))
		}
		items = append(items, kv("Grant", ident(m.API.GrantPolicy).Values(lines(g)...)))
	}
	if len(f.TrustedIssuers) > 0 {
		items = append(items, kv("TrustedIssuers", jen.Index().Add(ident(m.API.TrustedIssuer)).Values(trustedIssuers(f.TrustedIssuers)...)))
	}
	items = append(items, kv("Flow", jen.Id(n.FlowType).Values(
		kv("proc", jen.Op("&").Id(n.User).Values(kv("Procedures", jen.Id("p")))),
	)))
	return lines(items)
}

// trustedIssuers are the elements of a registration's TrustedIssuers, one
// per line; an inline JWK Set is a string of its JSON.
func trustedIssuers(tis []model.TrustedIssuer) []jen.Code {
	out := make([]jen.Code, 0, len(tis))
	for _, ti := range tis {
		items := []jen.Code{kv("Issuer", jen.Lit(ti.Issuer))}
		if ti.JWKSURI != "" {
			items = append(items, kv("JWKSURI", jen.Lit(ti.JWKSURI)))
		}
		if ti.JWKS != "" {
			items = append(items, kv("JWKS", jen.Index().Byte().Parens(jen.Lit(ti.JWKS))))
		}
		if len(ti.Audience) > 0 {
			aud := make([]jen.Code, len(ti.Audience))
			for i, a := range ti.Audience {
				aud[i] = jen.Lit(a)
			}
			items = append(items, kv("Audience", jen.Index().String().Values(aud...)))
		}
		out = append(out, jen.Values(lines(items)...))
	}
	return lines(out)
}

// policy is the runtime.TokenPolicy literal of p, with the fields of the
// token settings the flow's endpoint uses (keys of a spec's tokens), in
// the struct's order.
func policy(m *model.Model, p model.Policy, used []string) jen.Code {
	var format jen.Code
	if c, ok := m.API.AccessFormats[p.AccessFormat]; ok {
		format = ident(c)
	} else {
		format = ident(m.API.AccessTokenFormat).Call(jen.Lit(p.AccessFormat))
	}
	var items []jen.Code
	for _, x := range []struct {
		key   string
		field jen.Code
	}{
		{"access_token_format", kv("AccessFormat", format)},
		{"access_token_ttl", kv("AccessTTL", duration(p.AccessTTL))},
		{"issue_refresh_token", kv("IssueRefresh", jen.Lit(p.IssueRefresh))},
		{"rotate_refresh_token", kv("RotateRefresh", jen.Lit(p.RotateRefresh))},
		{"refresh_token_ttl", kv("RefreshTTL", duration(p.RefreshTTL))},
		{"refresh_token_idle_ttl", kv("RefreshIdleTTL", duration(p.RefreshIdleTTL))},
		{"refresh_grace", kv("RefreshGrace", duration(p.RefreshGrace))},
		{"code_ttl", kv("CodeTTL", duration(p.CodeTTL))},
		{"device_code_ttl", kv("DeviceCodeTTL", duration(p.DeviceCodeTTL))},
	} {
		if slices.Contains(used, x.key) {
			items = append(items, x.field)
		}
	}
	return ident(m.API.TokenPolicy).Values(lines(items)...)
}

// durationUnits are the units durations are written in, largest first.
var durationUnits = []struct {
	d    time.Duration
	name string
}{
	{time.Hour, "Hour"},
	{time.Minute, "Minute"},
	{time.Second, "Second"},
	{time.Millisecond, "Millisecond"},
	{time.Microsecond, "Microsecond"},
	{time.Nanosecond, "Nanosecond"},
}

// duration writes d readably, in the largest unit that divides it:
// 10 * time.Minute, time.Hour, 0.
func duration(d time.Duration) jen.Code {
	if d == 0 {
		return jen.Lit(0)
	}
	for _, u := range durationUnits {
		if d%u.d != 0 {
			continue
		}
		n := int64(d / u.d)
		if n == 1 {
			return jen.Qual("time", u.name)
		}
		return jen.Lit(int(n)).Op("*").Qual("time", u.name)
	}
	panic("unreachable: every duration is a whole number of nanoseconds")
}
