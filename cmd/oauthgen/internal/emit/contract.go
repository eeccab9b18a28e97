package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/model"
)

// contractFile builds oauthgen_contract.gen_test.go: one test that runs the
// runtime's protocol checks against the server of the spec, built from the
// procedures the team's setup function returns, with the spec's request
// properties.
func contractFile(m *model.Model) *jen.File {
	api := m.API
	file := jen.NewFile(m.Package)
	file.HeaderComment(Header[len("// "):])
	file.ImportName(model.ContractPath, "contract")
	file.ImportName("testing", "testing")

	var props []jen.Code
	for _, f := range m.Flows {
		for _, fd := range f.Fields {
			if fd.Catalogue || (fd.Source != "form" && fd.Source != "query" && fd.Source != "header") {
				continue
			}
			fields := []jen.Code{kv("Flow", jen.Lit(f.ID)), kv("Name", jen.Lit(fd.Wire)),
				kv("Source", jen.Lit(fd.Source)), kv("Type", jen.Lit(fd.Kind.ContractType()))}
			if fd.Validate != "" {
				fields = append(fields, kv("Validate", jen.Lit(fd.Validate)))
			}
			props = append(props, jen.Values(fields...))
		}
	}
	suite := []jen.Code{
		kv("Settings", jen.Id("Settings").Call()),
		kv("Flows", jen.Id("Flows").Call(jen.Id("p"))),
	}
	if len(props) > 0 {
		suite = append(suite, kv("Properties", jen.Index().Add(ident(api.ContractProperty)).Values(lines(props)...)))
	}
	suite = append(suite, kv("Options", jen.Id("opts")))

	file.Add(doc(
		model.ContractTest+" runs the protocol checks of runtime/contract against the server of this spec, built from the procedures that "+model.ContractSetup+" (contract_test.go, yours) returns: client authentication, scope rules, PKCE and single-use codes, refresh token rotation, the custom properties' validation, the metadata and the form of every error. A procedure that breaks a rule fails it with the rule's RFC section; run one check alone with go test -run '"+model.ContractTest+"/<check>'.",
	)).
		Func().Id(model.ContractTest).Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(
		jen.List(jen.Id("p"), jen.Id("opts")).Op(":=").Id(model.ContractSetup).Call(jen.Id("t")),
		ident(api.ContractRun).Call(jen.Id("t"), ident(api.ContractSuite).Values(lines(suite)...)),
	)
	return file
}
