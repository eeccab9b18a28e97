package emit

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/model"
	"github.com/oauthgen/oauthgen/spec"
)

// flowFile builds oauthgen_flow_<stem>.gen.go: the context, procedure
// interface, Default method, error constructors and runtime adapter of f.
func flowFile(m *model.Model, f *model.Flow) *jen.File {
	file := newFile(m.Package)
	if f.CodeDataOut != "" && f.HasData {
		file.Add(codeDataDecl(m, f)).Line()
	}
	file.Add(contextType(f)).Line()
	file.Add(procedureType(f)).Line()
	file.Add(defaultMethod(f)).Line()
	file.Add(errorsType(f)).Line()
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
	s := fmt.Sprintf("the %s %s (the %s endpoint, %s", kind, f.ID, f.Endpoint, f.Route)
	if w := f.Selector(); w != "" {
		s = fmt.Sprintf("the %s %s (%s at the %s endpoint, %s", kind, f.ID, w, f.Endpoint, f.Route)
	}
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
	parsed := ""
	if parses(f) {
		parsed = ", parsed and validated every field below"
	}
	paras = append(paras, fmt.Sprintf("The procedure receives it only after the endpoint has %s%s%s.", f.Gen.BeforeProcedure, parsed, checkedBy(f)))

	fields := append(docLines(f.Gen.Context+" "+strings.TrimSuffix(f.Gen.ContextDoc, ".")+"."),
		jen.Op("*").Add(rt(f.Gen.Context)).Tag(skipValidation))
	if st := f.Hooks.State; st != "" {
		fields = append(fields, jen.Line())
		fields = append(fields, docLines(stateDoc(f))...)
		fields = append(fields, rt(st).Tag(skipValidation))
	}
	fields = append(fields, jen.Line(),
		jen.Comment("// Errors constructs the OAuth errors this flow may return."),
		jen.Id("Errors").Id(n.Errors).Tag(skipValidation),
	)
	if f.HasData {
		fields = append(fields, jen.Line())
		fields = append(fields, docLines(dataFieldDoc(f))...)
		fields = append(fields, jen.Id("Data").Id(codeDataType).Tag(skipValidation))
	}
	for _, fd := range f.Fields {
		fields = append(fields, jen.Line())
		fields = append(fields, docLines(fd.Doc)...)
		fields = append(fields, jen.Id(fd.Name).Add(goType(fd.Kind)).Tag(fieldTag(fd)))
	}
	return doc(paras...).Type().Id(n.Context).Struct(fields...)
}

// skipValidation keeps the validator out of embedded runtime values.
var skipValidation = map[string]string{"validate": "-"}

// parses reports whether the flow's generated code parses the request: its
// endpoint leaves the catalogue's properties to it, or it has properties of
// the spec's own.
func parses(f *model.Flow) bool {
	return f.Gen.ParsedBy == spec.ParsedByFlow || len(f.Fields) > 0
}

// codeDataType is the generated type of the spec's code_data.
const codeDataType = "CodeData"

// codeDataDecl declares the type of the spec's code_data, in the file of
// the flow that attaches it to codes.
func codeDataDecl(m *model.Model, f *model.Flow) jen.Code {
	var fields []jen.Code
	for i, d := range m.CodeData {
		if i > 0 {
			fields = append(fields, jen.Line())
		}
		fields = append(fields, docLines(d.Doc)...)
		fields = append(fields, jen.Id(d.Name).Add(goType(d.Kind)).Tag(map[string]string{"json": d.JSON}))
	}
	return doc(
		fmt.Sprintf("%s is the data %s attaches to an authorization code (the spec's code_data). The default procedure stores it on the code, JSON-encoded, and the token step that redeems the code decodes it into its context's Data.", codeDataType, flowRef(f)),
		"It is stored server-side with the code and never sent to the client.",
	).Type().Id(codeDataType).Struct(fields...)
}

// dataFieldDoc documents a context's Data field.
func dataFieldDoc(f *model.Flow) string {
	if f.CodeDataOut != "" {
		return fmt.Sprintf("Data is attached to the code the procedure issues: Default encodes it into c.%s. It reappears at the token step as the context's Data.", f.CodeDataOut)
	}
	return fmt.Sprintf("Data is what the authorization step attached to the code, decoded from c.%s once the code has been checked.", f.CodeDataIn)
}

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

// result is the procedure's result type, such as *runtime.TokenResponse.
func result(f *model.Flow) *jen.Statement {
	return jen.Op("*").Add(rt(f.Gen.Response))
}

// generateTokenSignature is the procedure method's signature.
func generateTokenSignature(f *model.Flow) *jen.Statement {
	return jen.Id("GenerateToken").Params(
		jen.Id("ctx").Qual("context", "Context"),
		jen.Id("c").Op("*").Id(f.Names.Context),
	).Params(result(f), jen.Error())
}

func procedureType(f *model.Flow) jen.Code {
	n := f.Names
	request := "a request"
	if w := f.Selector(); w != "" {
		request = "a " + w + " request"
	}
	return doc(
		fmt.Sprintf("%s is the team's procedure of %s. The user-owned type %s in %s implements it; NewServer does not compile until it does.", n.Procedure, flowRef(f), n.User, n.StubFile),
	).Type().Id(n.Procedure).Interface(append(
		docLines(fmt.Sprintf("GenerateToken answers %s at %s. It reports OAuth errors with c.Errors; any other error becomes server_error.", request, f.Route)),
		generateTokenSignature(f),
	)...)
}

// field is c.A.B for the dotted path "A.B".
func field(path string) *jen.Statement {
	s := jen.Id("c")
	for _, part := range strings.Split(path, ".") {
		s = s.Dot(part)
	}
	return s
}

func defaultMethod(f *model.Flow) jen.Code {
	n := f.Names
	sig := jen.Func().Params(jen.Id("c").Op("*").Id(n.Context)).Id("Default").
		Params(jen.Id("ctx").Qual("context", "Context")).
		Params(result(f), jen.Error())
	if f.Hooks.Default == "" {
		msg := fmt.Sprintf("grant type %s is not implemented", f.GrantType)
		return doc(
			fmt.Sprintf("Default is the default procedure of %s. The runtime has no standard issuance for this grant type, so it fails closed with invalid_grant until the procedure is written (flows.md §7.10).", flowRef(f)),
		).Add(sig).Block(jen.Return(jen.Nil(), failClosed(f, msg)))
	}
	args := hookArgs(f)
	text := fmt.Sprintf("Default is the default procedure of %s: it calls runtime.%s", flowRef(f), f.Hooks.Default)
	var body []jen.Code
	if f.CodeDataOut != "" && f.HasData {
		text = fmt.Sprintf("Default is the default procedure of %s: it encodes c.Data into c.%s and calls runtime.%s", flowRef(f), f.CodeDataOut, f.Hooks.Default)
		body = append(body,
			jen.List(jen.Id("raw"), jen.Err()).Op(":=").Add(fk("EncodeData")).Call(jen.Id("c").Dot("Data")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			field(f.CodeDataOut).Op("=").Id("raw"),
		)
	}
	if f.Issues != "" {
		text += ", which issues " + strings.TrimSuffix(lowerInitial(strings.Join(strings.Fields(f.Issues), " ")), ".")
	}
	body = append(body, jen.Return(rt(f.Hooks.Default).Call(args...)))
	return doc(text+".", "A fresh stub returns c.Default(ctx); the logic lives in the runtime, so a fix reaches the service on upgrade.").
		Add(sig).Block(body...)
}

// failClosed is the error of a flow with no default issuance:
// invalid_grant, from the flow's own constructors (every extension grant
// may return it).
func failClosed(f *model.Flow, msg string) jen.Code {
	return jen.Id("c").Dot("Errors").Dot("InvalidGrant").Call(jen.Lit(msg))
}

func lowerInitial(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func errorsType(f *model.Flow) jen.Code {
	var codes []jen.Code
	for _, e := range f.Errors {
		codes = append(codes, fk(e.Type))
	}
	return doc(
		fmt.Sprintf("%s constructs the OAuth errors of %s: it has a method for each error code the flow may return, and no other, so returning another is a compile error.", f.Names.Errors, flowRef(f)),
	).Type().Id(f.Names.Errors).Struct(codes...)
}

// recv is the adapter method's parameter for the base context: the
// lower-cased initial of the method, t for Token, a for Authorize.
func recv(f *model.Flow) string { return strings.ToLower(f.Gen.Method[:1]) }

func adapter(f *model.Flow) jen.Code {
	n := f.Names
	g := f.Gen
	via := ""
	if w := f.Selector(); w != "" {
		via = " (" + w + ")"
	}
	s := doc(
		fmt.Sprintf("%s serves %s at %s%s: it adapts %s to runtime.%s.", n.FlowType, flowRef(f), f.Route, via, n.Procedure, g.Interface),
	).Type().Id(n.FlowType).Struct(jen.Id("proc").Id(n.Procedure)).Line().Line()
	s.Var().Id("_").Add(rt(g.Interface)).Op("=").Id(n.FlowType).Values().Line().Line()

	v := recv(f)
	var body []jen.Code
	parsing := []jen.Code{
		jen.Id("c").Op(":=").Op("&").Id(n.Context).Values(jen.Id(g.Context).Op(":").Id(v)),
	}
	for _, fd := range f.Fields {
		parsing = append(parsing, parseField(fd, v)...)
	}
	if needsValidation(f) {
		parsing = append(parsing, validation(f)...)
	}
	if g.Precheck != "" {
		// One parse helper serves the precheck (at request time) and the
		// method (after the end user's interaction), so they cannot differ.
		s.Add(doc("parse parses the request into the flow's context and validates it.")).
			Func().Params(jen.Id("f").Id(n.FlowType)).Id("parse").Params(jen.Id(v).Op("*").Add(rt(g.Context))).
			Params(jen.Op("*").Id(n.Context), jen.Error()).
			Block(append(parsing, jen.Return(jen.Id("c"), jen.Nil()))...).Line().Line()
		s.Add(doc(fmt.Sprintf("%s parses and validates the request's properties without calling the procedure; the runtime calls it when the request arrives, so a malformed property is answered before any page.", g.Precheck))).
			Func().Params(jen.Id("f").Id(n.FlowType)).Id(g.Precheck).Params(
			jen.Id("_").Qual("context", "Context"),
			jen.Id(v).Op("*").Add(rt(g.Context)),
		).Error().Block(
			jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("f").Dot("parse").Call(jen.Id(v)),
			jen.Return(jen.Err()),
		).Line().Line()
		body = []jen.Code{
			jen.List(jen.Id("c"), jen.Err()).Op(":=").Id("f").Dot("parse").Call(jen.Id(v)),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		}
	} else {
		body = parsing
	}
	if f.Hooks.Check != "" {
		body = append(body, jen.If(jen.Err().Op(":=").Add(rt(f.Hooks.Check)).Call(checkArgs(f)...), jen.Err().Op("!=").Nil()).
			Block(jen.Return(jen.Nil(), jen.Err())))
	}
	decodes := f.CodeDataIn != "" && f.HasData
	if decodes {
		body = append(body, jen.If(jen.Err().Op(":=").Add(fk("DecodeData")).Call(field(f.CodeDataIn), jen.Op("&").Id("c").Dot("Data")), jen.Err().Op("!=").Nil()).
			Block(jen.Return(jen.Nil(), jen.Err())))
	}
	body = append(body, jen.Return(jen.Id("f").Dot("proc").Dot("GenerateToken").Call(jen.Id("ctx"), jen.Id("c"))))

	var steps []string
	if needsValidation(f) {
		steps = append(steps, "validates it")
	}
	if f.Hooks.Check != "" {
		steps = append(steps, "runs runtime."+f.Hooks.Check)
	}
	if decodes {
		steps = append(steps, "decodes the code's Data")
	}
	text := g.Method + " builds the flow's context"
	if parses(f) {
		text = g.Method + " parses the request into the flow's context"
	}
	for _, st := range steps {
		text += ", " + st
	}
	text += " and calls the procedure."
	s.Add(doc(text)).Func().Params(jen.Id("f").Id(n.FlowType)).Id(g.Method).Params(
		jen.Id("ctx").Qual("context", "Context"),
		jen.Id(v).Op("*").Add(rt(g.Context)),
	).Params(result(f), jen.Error()).Block(body...)
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
	call := jen.If(jen.Err().Op(":=").Add(fk("Validate")).Call(jen.Id("c")), jen.Err().Op("!=").Nil()).
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

// hookArgs are the arguments every runtime hook of the flow takes:
// (ctx, *Context[, *State]).
func hookArgs(f *model.Flow) []jen.Code {
	args := []jen.Code{jen.Id("ctx"), jen.Id("c").Dot(f.Gen.Context)}
	if st := f.Hooks.State; st != "" {
		args = append(args, jen.Op("&").Id("c").Dot(st))
	}
	return args
}

// checkArgs are the arguments of the flow's runtime check:
// (ctx, *Context[, *State][, Params]).
func checkArgs(f *model.Flow) []jen.Code {
	args := hookArgs(f)
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
