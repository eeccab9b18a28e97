package scaffold

import (
	"cmp"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/emit"
	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/model"
	"github.com/oauthgen/oauthgen/spec"
	"github.com/oauthgen/oauthgen/templates"
)

// ProceduresFile is the user-owned file declaring type Procedures.
const ProceduresFile = "procedures.go"

// ContractSetupFile is the user-owned test file declaring the setup of the
// generated contract test (model.ContractSetup).
const ContractSetupFile = "contract_test.go"

// Plan is what the scaffold stage decided.
type Plan struct {
	// Create are the user-owned files to create, by name. Each is missing
	// from the directory and declares a type the package does not have.
	Create map[string][]byte
	// Existing are the user-owned files of the spec's flows (and
	// procedures.go) that the directory has already, sorted: generate
	// leaves them alone.
	Existing []string
	// Diagnostics are problems of the user-owned code: orphaned or misnamed
	// procedures, files that do not parse, foreign package clauses.
	Diagnostics spec.Diagnostics
}

// Build decides which stubs to create for m in the scanned package pkg, and
// what to report. A flow gets a stub only when the directory has no file of
// the stub's name and the package declares no type of the stub's name;
// nothing is created while a file does not parse. A procedure whose
// context type the model no longer has is reported, never deleted; so is
// one whose method is not its flow's verb.
func Build(m *model.Model, pkg *Package) (*Plan, error) {
	p := &Plan{Create: map[string][]byte{}}
	p.Diagnostics = append(p.Diagnostics, pkg.Problems...)
	for _, c := range pkg.Clauses {
		if c.Name != m.Package {
			p.report(c.Pos, CodePackageName, "package %s, but the spec generates package %s into this directory", c.Name, m.Package)
		}
	}
	contexts := map[string]*model.Flow{}
	for _, f := range m.Flows {
		contexts[f.Names.Context] = f
	}
	for _, proc := range pkg.Procedures {
		f, ok := contexts[proc.Context]
		switch {
		case !ok:
			if id, verb := removedFlow(m, proc.Context); proc.Method == verb {
				p.report(proc.Pos, CodeOrphan, "procedure %s serves flow %s which the spec no longer enables; %s", proc.Type, id, orphanHint(proc))
			}
		case proc.Method != f.Binding.Verb:
			if m.IsVerb(proc.Method) {
				p.report(proc.Pos, CodeMisnamed, "method %s.%s serves flow %s, whose procedure method is %s; rename it", proc.Type, proc.Method, f.ID, f.Binding.Verb)
			}
		case proc.Type != f.Names.User:
			if _, declared := pkg.Types[f.Names.User]; !declared {
				p.report(proc.Pos, CodeMisnamed, "procedure %s serves flow %s, but NewServer instantiates type %s; rename %s to %s", proc.Type, f.ID, f.Names.User, proc.Type, f.Names.User)
			}
		}
	}
	for _, f := range []string{ProceduresFile, ContractSetupFile} {
		if pkg.Files[f] {
			p.Existing = append(p.Existing, f)
		}
	}
	for _, f := range m.Flows {
		if pkg.Files[f.Names.StubFile] && f.Names.StubFile != ProceduresFile {
			p.Existing = append(p.Existing, f.Names.StubFile)
		}
	}
	slices.Sort(p.Existing)
	p.Existing = slices.Compact(p.Existing)
	if len(pkg.Problems) > 0 {
		p.Diagnostics.Sort()
		return p, nil
	}
	if _, declared := pkg.Types["Procedures"]; !declared && !pkg.Files[ProceduresFile] {
		src, err := templates.Procedures(templates.ProceduresData{Package: m.Package})
		if err != nil {
			return nil, err
		}
		p.Create[ProceduresFile] = src
	}
	if !pkg.Files[ContractSetupFile] && !pkg.TestFuncs[model.ContractSetup] {
		src, err := templates.ContractSetup(templates.ProceduresData{Package: m.Package})
		if err != nil {
			return nil, err
		}
		p.Create[ContractSetupFile] = src
	}
	for _, f := range m.Flows {
		if !p.needsStub(m, f, pkg) {
			continue
		}
		src, err := templates.Stub(stubData(m, f))
		if err != nil {
			return nil, fmt.Errorf("stub of flow %s: %w", f.ID, err)
		}
		p.Create[f.Names.StubFile] = src
	}
	p.Diagnostics.Sort()
	return p, nil
}

// needsStub reports whether f gets a new stub: no file of its name, no type
// of its name, and no procedure method for its context on another type
// (that one is reported as misnamed instead of shadowed by a fresh stub).
func (p *Plan) needsStub(m *model.Model, f *model.Flow, pkg *Package) bool {
	if pkg.Files[f.Names.StubFile] {
		return false
	}
	if _, declared := pkg.Types[f.Names.User]; declared {
		return false
	}
	for _, proc := range pkg.Procedures {
		if proc.Context == f.Names.Context && m.IsVerb(proc.Method) {
			return false
		}
	}
	return true
}

func (p *Plan) report(pos spec.Pos, code, format string, args ...any) {
	p.Diagnostics = append(p.Diagnostics, spec.Diagnostic{Pos: pos, Code: code, Message: fmt.Sprintf(format, args...)})
}

func stubData(m *model.Model, f *model.Flow) templates.StubData {
	bd := f.Binding
	wire := cmp.Or(f.Selector(), "a request")
	d := templates.StubData{
		Package:   m.Package,
		FlowID:    f.ID,
		Extension: f.Extension,
		GrantType: f.GrantType,
		Verb:      bd.Verb,
		Summary:   strings.ReplaceAll(bd.ProcedureDoc, "{wire}", wire),
		Response:  bd.Response.Name,
		Customise: emit.Wrap("To customise, "+strings.TrimSuffix(bd.Customise, ".")+".", stubHintWidth),
		Type:      f.Names.User,
		Procedure: f.Names.Procedure,
		Context:   f.Names.Context,
	}
	for _, fd := range f.Fields {
		d.Fields = append(d.Fields, fd.Name)
	}
	return d
}

// isContextName reports whether a type name looks like a generated context.
func isContextName(s string) bool {
	const suffix = "Context"
	return len(s) > len(suffix) && strings.HasSuffix(s, suffix)
}

// removedFlow names the flow a vanished context type belonged to, and the
// verb of its procedure: the catalogue flow's when the stem is a catalogue
// flow's, else the snake case stem, which is how extension grants are
// keyed in the spec, with the token endpoint's verb.
func removedFlow(m *model.Model, contextType string) (id, verb string) {
	stem := contextType[:len(contextType)-len("Context")]
	if st, ok := m.CatalogueStems[stem]; ok {
		return st.Flow, st.Verb
	}
	return model.Snake(stem), m.ExtensionVerb
}

// orphanHint tells what to do with an orphaned procedure: the stub file
// oauthgen created for it can be deleted (generate never deletes a file
// that is yours), or, when the procedure lives in a file of another name,
// the procedure can be deleted from that file.
func orphanHint(proc Procedure) string {
	file := filepath.ToSlash(proc.Pos.File)
	stem := proc.Context[:len(proc.Context)-len("Context")]
	if path.Base(file) == model.Snake(stem)+".go" {
		return fmt.Sprintf("its stub %s can be deleted (generate never deletes your files)", file)
	}
	return fmt.Sprintf("%s and its methods can be deleted from %s (generate never deletes your code)", proc.Type, file)
}

// stubHintWidth is the width the stub's hint is wrapped to: it is indented
// by a tab and "// ".
const stubHintWidth = 72
