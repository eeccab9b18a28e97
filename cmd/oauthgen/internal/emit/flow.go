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
	if f.IssuesCode && f.HasData {
		file.Add(codeDataDecl(m, f)).Line()
	}
	file.Add(contextType(m, f)).Line()
	file.Add(procedureType(f)).Line()
	if f.IssuesCode && f.HasData {
		file.Add(defaultMethod(m, f)).Line()
	}
	file.Add(errorsType(f)).Line()
	file.Add(adapter(m, f))
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

// flowSummary names the flow, its wire value, endpoint and route.
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

func contextType(m *model.Model, f *model.Flow) jen.Code {
	n := f.Names
	bd := f.Binding
	paras := []string{fmt.Sprintf("%s is the context of %s.", n.Context, flowSummary(f))}
	if f.Description != "" {
		paras = append(paras, f.Description)
	}
	before := fmt.Sprintf("The procedure receives it only after the endpoint has %s.", f.Before)
	if len(f.Fields) > 0 {
		before += " Every field below has been parsed from the request and validated by then."
	}
	paras = append(paras, before, defaultDoc(f))

	fields := append(docLines(bd.Context.Name+" "+strings.TrimSuffix(bd.ContextDoc, ".")+"."),
		jen.Op("*").Add(ident(bd.Context)).Tag(skipValidation),
		jen.Line(),
		jen.Comment("// Errors constructs the OAuth errors this flow may return."),
		jen.Id("Errors").Id(n.Errors).Tag(skipValidation),
	)
	if f.HasData {
		fields = append(fields, jen.Line())
		fields = append(fields, docLines(dataFieldDoc(f))...)
		fields = append(fields, jen.Id(codeDataType).Id(codeDataType).Tag(skipValidation))
	}
	for _, fd := range f.Fields {
		fields = append(fields, jen.Line())
		fields = append(fields, docLines(fd.Doc)...)
		fields = append(fields, jen.Id(fd.Name).Add(goType(m, fd.Kind)).Tag(fieldTag(fd)))
	}
	return doc(paras...).Type().Id(n.Context).Struct(fields...)
}

// defaultDoc says what the context's Default method, the flow's default
// procedure, does.
func defaultDoc(f *model.Flow) string {
	if f.Extension {
		return "c.Default(ctx) fails closed with invalid_grant: checking the grant's credential is the procedure's (RFC 6749 §4.5). Once it has, c.IssueDefaults(ctx) issues the default tokens."
	}
	issues := strings.TrimSuffix(lowerInitial(strings.Join(strings.Fields(f.Issues), " ")), ".")
	return fmt.Sprintf("c.Default(ctx) is the flow's default procedure: it %s %s. The logic lives in the runtime, so a fix reaches the service on upgrade.", f.Binding.Yields, issues)
}

// skipValidation keeps the validator out of embedded runtime values.
var skipValidation = map[string]string{"validate": "-"}

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
		fields = append(fields, jen.Id(d.Name).Add(goType(m, d.Kind)).Tag(map[string]string{"json": d.JSON}))
	}
	return doc(
		fmt.Sprintf("%s is the data %s attaches to an authorization code (the spec's code_data). The default procedure stores it on the code, JSON-encoded, and the token request that redeems the code decodes it into its context's %s.", codeDataType, flowRef(f), codeDataType),
		"It is stored server-side with the code and never sent to the client.",
	).Type().Id(codeDataType).Struct(fields...)
}

// dataFieldDoc documents a context's CodeData field.
func dataFieldDoc(f *model.Flow) string {
	if f.IssuesCode {
		return fmt.Sprintf("CodeData is attached to the code the procedure issues: Default encodes it into c.%s. It reappears as the CodeData of the token request that redeems the code.", f.Binding.CodeData)
	}
	return fmt.Sprintf("CodeData is what the authorization step attached to the code, decoded from c.%s before the procedure runs.", f.Binding.CodeData)
}

func fieldTag(fd model.Field) map[string]string {
	tag := map[string]string{fd.Source: fd.Wire}
	if fd.Validate != "" {
		tag["validate"] = fd.Validate
	}
	return tag
}

// goType is the Go type of a field kind.
func goType(m *model.Model, k model.Kind) *jen.Statement {
	switch k {
	case model.KindString:
		return jen.String()
	case model.KindSecret:
		return ident(m.API.Secret)
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
	return jen.Op("*").Add(ident(f.Binding.Response))
}

// callType is the type of the call a flow's Prepare returns.
func callType(f *model.Flow) *jen.Statement {
	return jen.Func().Params(jen.Qual("context", "Context")).Params(result(f), jen.Error())
}

func procedureType(f *model.Flow) jen.Code {
	n := f.Names
	verb := f.Binding.Verb
	request := "a request"
	if w := f.Selector(); w != "" {
		request = "a " + w + " request"
	}
	return doc(
		fmt.Sprintf("%s is the team's procedure of %s. The user-owned type %s in %s implements it; NewServer does not compile until it does.", n.Procedure, flowRef(f), n.User, n.StubFile),
	).Type().Id(n.Procedure).Interface(append(
		docLines(fmt.Sprintf("%s answers %s at %s. It reports OAuth errors with c.Errors; any other error becomes server_error.", verb, request, f.Route)),
		jen.Id(verb).Params(
			jen.Id("ctx").Qual("context", "Context"),
			jen.Id("c").Op("*").Id(n.Context),
		).Params(result(f), jen.Error()),
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

// defaultMethod is the Default of a flow that issues codes with the spec's
// code data: it stores the typed data on the code, then defers to the base
// context's Default.
func defaultMethod(m *model.Model, f *model.Flow) jen.Code {
	bd := f.Binding
	issues := strings.TrimSuffix(lowerInitial(strings.Join(strings.Fields(f.Issues), " ")), ".")
	return doc(
		fmt.Sprintf("Default is the default procedure of %s: it encodes c.%s into c.%s and calls c.%s.Default, which %s %s.", flowRef(f), codeDataType, bd.CodeData, bd.Context.Name, bd.Yields, issues),
	).Func().Params(jen.Id("c").Op("*").Id(f.Names.Context)).Id("Default").
		Params(jen.Id("ctx").Qual("context", "Context")).
		Params(result(f), jen.Error()).
		Block(
			jen.List(jen.Id("raw"), jen.Err()).Op(":=").Add(ident(m.API.EncodeData)).Call(jen.Id("c").Dot(codeDataType)),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			field(bd.CodeData).Op("=").Id("raw"),
			jen.Return(jen.Id("c").Dot(bd.Context.Name).Dot("Default").Call(jen.Id("ctx"))),
		)
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
		codes = append(codes, ident(e.Type))
	}
	return doc(
		fmt.Sprintf("%s constructs the OAuth errors of %s: it has a method for each error code the flow may return, and no other, so returning another is a compile error.", f.Names.Errors, flowRef(f)),
	).Type().Id(f.Names.Errors).Struct(codes...)
}

func adapter(m *model.Model, f *model.Flow) jen.Code {
	n := f.Names
	bd := f.Binding
	via := ""
	if w := f.Selector(); w != "" {
		via = " (" + w + ")"
	}
	s := doc(
		fmt.Sprintf("%s serves %s at %s%s: it adapts %s to runtime.%s.", n.FlowType, flowRef(f), f.Route, via, n.Procedure, m.API.Flow.Name),
	).Type().Id(n.FlowType).Struct(jen.Id("proc").Id(n.Procedure)).Line().Line()
	s.Var().Id("_").Add(ident(m.API.Flow).Types(ident(bd.Context), ident(bd.Response))).Op("=").Id(n.FlowType).Values().Line().Line()

	v := bd.Recv
	body := []jen.Code{
		jen.Id("c").Op(":=").Op("&").Id(n.Context).Values(jen.Id(bd.Context.Name).Op(":").Id(v)),
	}
	for _, fd := range f.Fields {
		body = append(body, parseField(m, f, fd)...)
	}
	if needsValidation(f) {
		body = append(body, validation(m, f)...)
	}
	decodes := f.RedeemsCode && f.HasData
	var call []jen.Code
	if decodes {
		call = append(call, jen.If(jen.Err().Op(":=").Add(ident(m.API.DecodeData)).Call(field(bd.CodeData), jen.Op("&").Id("c").Dot(codeDataType)), jen.Err().Op("!=").Nil()).
			Block(jen.Return(jen.Nil(), jen.Err())))
	}
	call = append(call, jen.Return(jen.Id("f").Dot("proc").Dot(bd.Verb).Call(jen.Id("ctx"), jen.Id("c"))))
	body = append(body, jen.Return(
		jen.Func().Params(jen.Id("ctx").Qual("context", "Context")).Params(result(f), jen.Error()).Block(call...),
		jen.Nil(),
	))

	text := bd.Prepare + " builds the flow's context"
	if len(f.Fields) > 0 {
		text = bd.Prepare + " parses the request into the flow's context"
	}
	if needsValidation(f) {
		text += ", validates it"
	}
	text += " and returns the call of the procedure"
	if decodes {
		text += ", which first decodes the code's data into c." + codeDataType
	}
	s.Add(doc(text+".")).Func().Params(jen.Id("f").Id(n.FlowType)).Id(bd.Prepare).Params(
		jen.Id(v).Op("*").Add(ident(bd.Context)),
	).Params(callType(f), jen.Error()).Block(body...)
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

// validation is the call of flowkit.Validate. When every rule of the flow
// starts with omitempty, the validator has nothing to check while every
// validated field is zero, so the call (a reflective walk of the context)
// is guarded by a test that one of them is not: a request without the
// optional parameters pays nothing for them.
func validation(m *model.Model, f *model.Flow) []jen.Code {
	call := jen.If(jen.Err().Op(":=").Add(ident(m.API.Validate)).Call(jen.Id("c")), jen.Err().Op("!=").Nil()).
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
