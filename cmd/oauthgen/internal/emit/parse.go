package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/model"
)

// parseField returns the statements that set c.<Field> from the request.
//
// A form or query parameter is read with the base context's Param (an
// omitted or empty parameter is "", RFC 6749 §3.1); a header with its
// Header, whose error (a repeated header) is returned as is. Strings and secrets are assigned directly;
// other kinds are parsed only when the value is present (an omitted list
// stays nil), and a value that does not parse is an invalid_request naming
// the parameter.
func parseField(m *model.Model, f *model.Flow, fd model.Field) []jen.Code {
	bd := f.Binding
	recv := bd.Recv
	var stmts []jen.Code
	var raw *jen.Statement
	switch fd.Source {
	case "header":
		h := "h" + fd.Name
		stmts = append(stmts,
			jen.List(jen.Id(h), jen.Err()).Op(":=").Id(recv).Dot(bd.Header).Call(jen.Lit(fd.Wire)),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		)
		raw = jen.Id(h)
	default:
		raw = jen.Id(recv).Dot(bd.Param).Call(jen.Lit(fd.Wire))
	}
	target := jen.Id("c").Dot(fd.Name)

	switch fd.Kind {
	case model.KindString:
		return append(stmts, target.Op("=").Add(raw))
	case model.KindSecret:
		return append(stmts, target.Op("=").Add(ident(m.API.Secret)).Call(raw))
	case model.KindStringSlice:
		// Omitted stays nil, so an omitempty rule skips it.
		return append(stmts, jen.If(jen.Id("v").Op(":=").Add(raw), jen.Id("v").Op("!=").Lit("")).Block(
			target.Op("=").Qual("strings", "Fields").Call(jen.Id("v")),
		))
	}

	var conv jen.Code
	var onErr jen.Code
	val := "n"
	v := jen.Id("v")
	invalid := ident(m.API.InvalidParameter).Call(jen.Lit(fd.Wire), jen.Err())
	switch fd.Kind {
	case model.KindInt:
		conv = jen.Qual("strconv", "Atoi").Call(v)
	case model.KindInt64:
		conv = jen.Qual("strconv", "ParseInt").Call(v, jen.Lit(10), jen.Lit(64))
	case model.KindFloat64:
		conv = jen.Qual("strconv", "ParseFloat").Call(v, jen.Lit(64))
	case model.KindBool:
		val = "b"
		conv = jen.Qual("strconv", "ParseBool").Call(v)
	case model.KindDuration:
		val = "d"
		conv = jen.Qual("time", "ParseDuration").Call(v)
	case model.KindURL:
		val = "u"
		conv = ident(m.API.ParseURLParam).Call(jen.Lit(fd.Wire), v)
		invalid = jen.Err() // ParseURLParam returns an invalid_request already
	}
	onErr = jen.Return(jen.Nil(), invalid)
	return append(stmts,
		jen.If(jen.Id("v").Op(":=").Add(raw), jen.Id("v").Op("!=").Lit("")).Block(
			jen.List(jen.Id(val), jen.Err()).Op(":=").Add(conv),
			jen.If(jen.Err().Op("!=").Nil()).Block(onErr),
			target.Op("=").Id(val),
		),
	)
}
