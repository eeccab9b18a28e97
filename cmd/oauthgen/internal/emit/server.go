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
	file.Add(versionGuard()).Line()
	file.Add(settingsFunc(m)).Line()
	file.Add(newServerFunc())
	file.Line()
	file.Add(flowsFunc(m))
	return file
}

// versionGuard fails to compile against a runtime that does not support
// GenVersion (conventions G-27).
func versionGuard() jen.Code {
	return doc(fmt.Sprintf("This code targets version %d of the runtime's generated-code API. A runtime too old or too new for it fails to compile here, with a constant overflow.", GenVersion)).
		Const().Defs(
		jen.Id("_").Op("=").Add(fk("EnforceVersion")).Call(jen.Lit(GenVersion).Op("-").Add(fk("MinVersion"))),
		jen.Id("_").Op("=").Add(fk("EnforceVersion")).Call(fk("MaxVersion").Op("-").Lit(GenVersion)),
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
	items := []jen.Code{
		kv("Issuer", jen.Lit(s.Issuer)),
		kv("TokenPath", jen.Lit(s.TokenPath)),
		kv("JWKSPath", jen.Lit(s.JWKSPath)),
		kv("AuthMethods", jen.Index().String().Values(methods...)),
	}
	if len(s.Scopes) > 0 {
		var scopes []jen.Code
		for _, sc := range s.Scopes {
			scopes = append(scopes, jen.Values(kv("Name", jen.Lit(sc.Name)), kv("Description", jen.Lit(sc.Description))))
		}
		items = append(items, kv("Scopes", jen.Index().Add(rt("ScopeInfo")).Values(lines(scopes)...)))
	}
	items = append(items, kv("SigningAlg", jen.Lit(s.SigningAlg)))
	if s.AuthorizePath != "" {
		items = append(items, kv("AuthorizePath", jen.Lit(s.AuthorizePath)), kv("RequirePKCE", jen.Lit(s.RequirePKCE)))
	}
	if s.UserInfoPath != "" {
		items = append(items, kv("UserInfoPath", jen.Lit(s.UserInfoPath)))
	}
	if s.OpenID {
		items = append(items, kv("IDTokenSigningAlg", jen.Lit(s.IDTokenSigningAlg)), kv("IDTokenTTL", duration(s.IDTokenTTL)))
	}
	return doc("Settings returns the server settings the spec declares.").
		Func().Id("Settings").Params().Add(rt("Settings")).Block(
		jen.Return(rt("Settings").Values(lines(items)...)),
	)
}

func newServerFunc() jen.Code {
	return doc(
		"NewServer builds the server for every flow the spec enables. p carries the dependencies the team's procedures share (the user-owned procedures.go).",
		"Each procedure type named in Flows is user-owned: a missing, misnamed or mistyped one is a compile error in this package (conventions G-16).",
	).Func().Id("NewServer").Params(
		jen.Id("cfg").Add(rt("Config")),
		jen.Id("p").Op("*").Id("Procedures"),
	).Params(jen.Op("*").Add(rt("Server")), jen.Error()).Block(
		jen.Return(rt("NewServer").Call(jen.Id("cfg"), jen.Id("Settings").Call(), jen.Id("Flows").Call(jen.Id("p")))),
	)
}

func flowsFunc(m *model.Model) jen.Code {
	var fields []jen.Code
	for _, e := range m.Endpoints {
		g := e.Gen
		if g.FlowsList {
			regs := make([]jen.Code, 0, len(e.Flows))
			for _, f := range e.Flows {
				// The element type is elided: the literal sits in a slice of them.
				regs = append(regs, jen.Values(registration(f)...))
			}
			fields = append(fields, jen.Line().Id(g.FlowsField).Op(":").Index().Add(rt(g.Registration)).Values(lines(regs)...))
			continue
		}
		for _, f := range e.Flows {
			fields = append(fields, jen.Line().Id(g.FlowsField).Op(":").Op("&").Add(rt(g.Registration)).Values(registration(f)...))
		}
	}
	fields = append(fields, jen.Line())
	return doc(
		"Flows returns the registration of every flow the spec enables, by endpoint, with the spec's token policy: token flows in catalogue order, then extension grants in spec order. NewServer passes them to runtime.NewServer unchanged.",
		"A deployment that must adjust a policy at startup (a shorter lifetime in staging, say) can change the returned values and call runtime.NewServer itself; the spec stays the source of the defaults.",
	).Func().Id("Flows").Params(
		jen.Id("p").Op("*").Id("Procedures"),
	).Add(rt("Flows")).Block(
		jen.Return(rt("Flows").Values(fields...)),
	)
}

// registration is the body of a flow's registration literal: the fields the
// catalogue says its endpoint's registration has, in that order.
func registration(f *model.Flow) []jen.Code {
	n := f.Names
	var items []jen.Code
	for _, name := range f.Gen.RegistrationFields {
		switch name {
		case "ID":
			items = append(items, kv("ID", jen.Lit(f.ID)))
		case "GrantType":
			items = append(items, kv("GrantType", jen.Lit(f.GrantType)))
		case "PublicClients":
			items = append(items, kv("PublicClients", jen.Lit(f.PublicClients)))
		case "Policy":
			items = append(items, kv("Policy", policy(f.Policy, f.Gen.TokenSettings)))
		case "Flow":
			items = append(items, kv("Flow", jen.Id(n.FlowType).Values(
				kv("proc", jen.Op("&").Id(n.User).Values(kv("Procedures", jen.Id("p")))),
			)))
		default:
			panic(fmt.Sprintf("emit: unknown registration field %q", name)) // the catalogue loader refuses it
		}
	}
	return lines(items)
}

// accessFormats maps access token formats to runtime constants.
var accessFormats = map[string]string{"jwt": "FormatJWT", "opaque": "FormatOpaque"}

// policy is the runtime.TokenPolicy literal of p, with the fields of the
// token settings the flow's endpoint uses (keys of a spec's tokens), in
// the struct's order.
func policy(p model.Policy, used []string) jen.Code {
	var format jen.Code
	if c, ok := accessFormats[p.AccessFormat]; ok {
		format = rt(c)
	} else {
		format = rt("AccessTokenFormat").Call(jen.Lit(p.AccessFormat))
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
	} {
		if slices.Contains(used, x.key) {
			items = append(items, x.field)
		}
	}
	return rt("TokenPolicy").Values(lines(items)...)
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
