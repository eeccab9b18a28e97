package emit

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/model"
)

// flowFile builds oauthgen_flow_<stem>.gen.go: the context, procedure
// interface, Default method, error constructors and runtime adapter of f.
func flowFile(m *model.Model, f *model.Flow) *jen.File {
	file := newFile(m.Package)
	file.Add(contextType(f)).Line()
	file.Add(procedureType(f)).Line()
	file.Add(defaultMethod(f)).Line()
	file.Add(errorsType(f)).Line()
	for _, e := range f.Errors {
		file.Add(errorMethod(f, e)).Line()
	}
	file.Add(adapter(f))
	return file
}

// flowRef names the flow: "the flow oauth-token-refresh", "the extension
// grant magic_link".
func flowRef(f *model.Flow) string {
	if f.Extension {
		return "the extension grant " + f.ID
	}
	return "the flow " + f.ID
}

// flowSummary names the flow, its wire value, endpoint and route (G-13).
func flowSummary(f *model.Flow) string {
	kind := "flow"
	if f.Extension {
		kind = "extension grant"
	}
	s := fmt.Sprintf("the %s %s (grant_type=%s at the %s endpoint, %s", kind, f.ID, f.GrantType, f.Endpoint, f.Route)
	if len(f.Specs) > 0 {
		s += "; " + strings.Join(f.Specs, ", ")
	}
	return s + ")"
}

func contextType(f *model.Flow) jen.Code {
	n := f.Names
	paras := []string{fmt.Sprintf("%s is the context of %s.", n.Context, flowSummary(f))}
	if f.Description != "" {
		paras = append(paras, f.Description)
	}
	paras = append(paras, fmt.Sprintf("The procedure receives it only after the endpoint has authenticated the client, checked the grant type and scope, parsed and validated every field below%s.", checkedBy(f)))

	fields := []jen.Code{
		jen.Comment("// TokenContext holds the fields every token flow has (flows.md §3.1, §3.2)."),
		jen.Op("*").Add(rt("TokenContext")).Tag(skipValidation),
	}
	if st := f.Hooks.State; st != "" {
		fields = append(fields, jen.Line())
		fields = append(fields, docLines(stateDoc(f))...)
		fields = append(fields, rt(st).Tag(skipValidation))
	}
	fields = append(fields, jen.Line(),
		jen.Comment("// Errors constructs the OAuth errors this flow may return."),
		jen.Id("Errors").Id(n.Errors).Tag(skipValidation),
	)
	for _, fd := range f.Fields {
		fields = append(fields, jen.Line())
		fields = append(fields, docLines(fd.Doc)...)
		fields = append(fields, jen.Id(fd.Name).Add(goType(fd.Kind)).Tag(fieldTag(fd)))
	}
	return doc(paras...).Type().Id(n.Context).Struct(fields...)
}

// skipValidation keeps the validator out of embedded runtime values.
var skipValidation = map[string]string{"validate": "-"}

// checkedBy names the runtime check of the flow, for doc comments.
func checkedBy(f *model.Flow) string {
	if f.Hooks.Check == "" {
		return ""
	}
	return ", and run runtime." + f.Hooks.Check
}

func stateDoc(f *model.Flow) string {
	var parts []string
	for _, fd := range f.StateFields {
		parts = append(parts, fmt.Sprintf("%s (%s)", fd.Name, fd.Source))
	}
	s := f.Hooks.State + " is the flow's runtime state"
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	return s + "."
}

func fieldTag(fd model.Field) map[string]string {
	tag := map[string]string{fd.Source: fd.Wire}
	if fd.Validate != "" {
		tag["validate"] = fd.Validate
	}
	return tag
}

// goType is the Go type of a field kind.
func goType(k model.Kind) *jen.Statement {
	switch k {
	case model.KindString:
		return jen.String()
	case model.KindSecret:
		return rt("Secret")
	case model.KindInt:
		return jen.Int()
	case model.KindInt64:
		return jen.Int64()
	case model.KindFloat64:
		return jen.Float64()
	case model.KindBool:
		return jen.Bool()
	case model.KindDuration:
		return jen.Qual("time", "Duration")
	case model.KindStringSlice:
		return jen.Index().String()
	case model.KindURL:
		return jen.Op("*").Qual("net/url", "URL")
	default:
		panic(fmt.Sprintf("emit: unknown kind %d", int(k)))
	}
}

// generateTokenSignature is the procedure method's signature.
func generateTokenSignature(f *model.Flow) *jen.Statement {
	return jen.Id("GenerateToken").Params(
		jen.Id("ctx").Qual("context", "Context"),
		jen.Id("c").Op("*").Id(f.Names.Context),
	).Params(jen.Op("*").Add(rt("TokenResponse")), jen.Error())
}

func procedureType(f *model.Flow) jen.Code {
	n := f.Names
	return doc(
		fmt.Sprintf("%s is the team's procedure of %s. The user-owned type %s in %s implements it; NewServer does not compile until it does.", n.Procedure, flowRef(f), n.User, n.StubFile),
	).Type().Id(n.Procedure).Interface(append(
		docLines(fmt.Sprintf("GenerateToken answers a grant_type=%s request at %s. It reports OAuth errors with c.Errors; any other error becomes server_error.", f.GrantType, f.Route)),
		generateTokenSignature(f),
	)...)
}

func defaultMethod(f *model.Flow) jen.Code {
	n := f.Names
	sig := jen.Func().Params(jen.Id("c").Op("*").Id(n.Context)).Id("Default").
		Params(jen.Id("ctx").Qual("context", "Context")).
		Params(jen.Op("*").Add(rt("TokenResponse")), jen.Error())
	if f.Hooks.Default == "" {
		msg := fmt.Sprintf("grant type %s is not implemented", f.GrantType)
		return doc(
			fmt.Sprintf("Default is the default procedure of %s. The runtime has no standard issuance for this grant type, so it fails closed with invalid_grant until the procedure is written (flows.md §7.10).", flowRef(f)),
		).Add(sig).Block(jen.Return(jen.Nil(), failClosed(f, msg)))
	}
	args := []jen.Code{jen.Id("ctx"), jen.Id("c").Dot("TokenContext")}
	if st := f.Hooks.State; st != "" {
		args = append(args, jen.Op("&").Id("c").Dot(st))
	}
	text := fmt.Sprintf("Default is the default procedure of %s: it calls runtime.%s", flowRef(f), f.Hooks.Default)
	if f.Issues != "" {
		text += ", which issues " + strings.TrimSuffix(lowerInitial(strings.Join(strings.Fields(f.Issues), " ")), ".")
	}
	return doc(text+".", "A fresh stub returns c.Default(ctx); the logic lives in the runtime, so a fix reaches the service on upgrade.").
		Add(sig).Block(jen.Return(rt(f.Hooks.Default).Call(args...)))
}

// failClosed is the error of a flow with no default issuance: invalid_grant
// from the flow's own constructors when it has one, server_error otherwise.
func failClosed(f *model.Flow, msg string) jen.Code {
	for _, e := range f.Errors {
		if e.Code == "invalid_grant" {
			return jen.Id("c").Dot("Errors").Dot(e.Method).Call(jen.Lit(msg))
		}
	}
	return rt("NewError").Call(rt("ErrServerError"), jen.Lit(msg))
}

func lowerInitial(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func errorsType(f *model.Flow) jen.Code {
	return doc(
		fmt.Sprintf("%s constructs the OAuth errors of %s: one method per error code the flow may return, so returning another is a compile error (flows.md §4.2).", f.Names.Errors, flowRef(f)),
	).Type().Id(f.Names.Errors).Struct()
}

func errorMethod(f *model.Flow, e model.ErrorCode) jen.Code {
	return doc(fmt.Sprintf("%s returns an %s error (%s).", e.Method, e.Code, e.Spec)).
		Func().Params(jen.Id(f.Names.Errors)).Id(e.Method).
		Params(jen.Id("description").String()).Op("*").Add(rt("Error")).
		Block(jen.Return(rt("NewError").Call(rt(e.Const), jen.Id("description"))))
}

func adapter(f *model.Flow) jen.Code {
	n := f.Names
	s := doc(
		fmt.Sprintf("%s serves %s at %s (grant_type=%s): it adapts %s to runtime.TokenFlow.", n.FlowType, flowRef(f), f.Route, f.GrantType, n.Procedure),
	).Type().Id(n.FlowType).Struct(jen.Id("proc").Id(n.Procedure)).Line().Line()
	s.Var().Id("_").Add(rt("TokenFlow")).Op("=").Id(n.FlowType).Values().Line().Line()

	body := []jen.Code{
		jen.Id("c").Op(":=").Op("&").Id(n.Context).Values(jen.Id("TokenContext").Op(":").Id("t")),
	}
	for _, fd := range f.Fields {
		body = append(body, parseField(fd)...)
	}
	if needsValidation(f) {
		body = append(body, validation(f)...)
	}
	if f.Hooks.Check != "" {
		body = append(body, jen.If(jen.Err().Op(":=").Add(rt(f.Hooks.Check)).Call(checkArgs(f)...), jen.Err().Op("!=").Nil()).
			Block(jen.Return(jen.Nil(), jen.Err())))
	}
	body = append(body, jen.Return(jen.Id("f").Dot("proc").Dot("GenerateToken").Call(jen.Id("ctx"), jen.Id("c"))))

	text := "Token parses the request into the flow's context"
	if needsValidation(f) {
		text += ", validates it"
	}
	if f.Hooks.Check != "" {
		text += ", runs runtime." + f.Hooks.Check
	}
	text += " and calls the procedure."
	s.Add(doc(text)).Func().Params(jen.Id("f").Id(n.FlowType)).Id("Token").Params(
		jen.Id("ctx").Qual("context", "Context"),
		jen.Id("t").Op("*").Add(rt("TokenContext")),
	).Params(jen.Op("*").Add(rt("TokenResponse")), jen.Error()).Block(body...)
	return s
}

func needsValidation(f *model.Flow) bool {
	for _, fd := range f.Fields {
		if fd.Validate != "" {
			return true
		}
	}
	return false
}

// validation is the call of runtime.Validate. When every rule of the flow
// starts with omitempty, the validator has nothing to check while every
// validated field is zero, so the call (a reflective walk of the context)
// is guarded by a test that one of them is not: a request without the
// optional parameters pays nothing for them.
func validation(f *model.Flow) []jen.Code {
	call := jen.If(jen.Err().Op(":=").Add(rt("Validate")).Call(jen.Id("c")), jen.Err().Op("!=").Nil()).
		Block(jen.Return(jen.Nil(), jen.Err()))
	var set []jen.Code
	for _, fd := range f.Fields {
		if fd.Validate == "" {
			continue
		}
		first, _, _ := strings.Cut(fd.Validate, ",")
		if first != "omitempty" {
			return []jen.Code{call}
		}
		set = append(set, nonZero(fd))
	}
	cond := set[0]
	for _, c := range set[1:] {
		cond = jen.Add(cond).Op("||").Line().Add(c)
	}
	return []jen.Code{
		jen.Comment("Every rule starts with omitempty: with every validated field zero there is nothing to check."),
		jen.If(cond).Block(call),
	}
}

// nonZero tests that a field is not the zero value as the validator's
// omitempty sees it (reflect.Value.IsZero, and nil for slices and
// pointers; -0.0 is zero to both).
func nonZero(fd model.Field) *jen.Statement {
	x := jen.Id("c").Dot(fd.Name)
	switch fd.Kind {
	case model.KindString, model.KindSecret:
		return x.Op("!=").Lit("")
	case model.KindBool:
		return x
	case model.KindStringSlice, model.KindURL:
		return x.Op("!=").Nil()
	default: // int, int64, float64, duration
		return x.Op("!=").Lit(0)
	}
}

// checkArgs are the arguments of the flow's runtime check:
// (ctx, *TokenContext[, *State][, Params]).
func checkArgs(f *model.Flow) []jen.Code {
	args := []jen.Code{jen.Id("ctx"), jen.Id("c").Dot("TokenContext")}
	if st := f.Hooks.State; st != "" {
		args = append(args, jen.Op("&").Id("c").Dot(st))
	}
	if p := f.Hooks.Params; p != "" {
		var items []jen.Code
		for _, fd := range f.Fields {
			if fd.Catalogue {
				items = append(items, jen.Line().Id(fd.Name).Op(":").Id("c").Dot(fd.Name))
			}
		}
		if len(items) > 0 {
			items = append(items, jen.Line())
		}
		args = append(args, rt(p).Values(items...))
	}
	return args
}
