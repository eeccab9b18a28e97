// Package scaffold decides which user-owned files oauthgen creates, and
// reports user-owned procedures the spec no longer serves. It sees the output
// package only through a go/parser scan: no type checking, no loading of
// dependencies, so a package that does not compile yet scans all the same.
package scaffold

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/emit"
	"github.com/oauthgen/oauthgen/spec"
)

// Package is what a scan of the output directory found.
type Package struct {
	// Files are the names of every entry in the directory.
	Files map[string]bool
	// Types are the type declarations of the scanned files, by name.
	Types map[string]spec.Pos
	// Procedures are the methods of the scanned files that look like a
	// flow's procedure.
	Procedures []Procedure
	// Clauses are the package clauses of the scanned files.
	Clauses []Clause
	// Problems are files that could not be read or parsed.
	Problems spec.Diagnostics
	// TestFuncs are the functions (not methods) declared in the package's
	// own test files, which are scanned for nothing else: a test file that
	// does not parse is the go command's to report.
	TestFuncs map[string]bool
}

// Procedure is a method M(ctx, c *XContext) of some type: the shape of
// every flow's procedure, whose method is its endpoint's verb.
type Procedure struct {
	// Pos is the method's position.
	Pos spec.Pos
	// Type is the receiver's type name.
	Type string
	// Method is the method's name, such as "GenerateToken".
	Method string
	// Context is the type name of the context parameter, such as
	// "ClientCredentialsContext"; empty when the parameter is not a pointer
	// to a type of this package.
	Context string
}

// Clause is a file's package clause.
type Clause struct {
	Pos  spec.Pos
	Name string
}

// Diagnostic codes of the scaffold stage.
const (
	CodeOrphan      = "OG301" // a procedure of a flow the spec no longer enables
	CodeParse       = "OG302" // a Go file of the package that does not parse
	CodeMisnamed    = "OG303" // a procedure of a flow on another type than NewServer instantiates
	CodePackageName = "OG304" // a file of another package in the output directory
)

// Scan parses the Go files of the directory fsys. Positions name files as
// path.Join(display, name). A missing directory is an empty package. Test
// files and oauthgen's own files are not scanned.
func Scan(fsys fs.FS, display string) (*Package, error) {
	pkg := &Package{Files: map[string]bool{}, Types: map[string]spec.Pos{}, TestFuncs: map[string]bool{}}
	entries, err := fs.ReadDir(fsys, ".")
	if errors.Is(err, fs.ErrNotExist) {
		return pkg, nil
	}
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		pkg.Files[name] = true
		if e.IsDir() || !strings.HasSuffix(name, ".go") || emit.MachineFile(name) {
			continue
		}
		if strings.HasSuffix(name, "_test.go") {
			pkg.scanTest(fsys, fset, name)
			continue
		}
		shown := filepath.Join(display, name)
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			pkg.Problems = append(pkg.Problems, spec.Diagnostic{Pos: spec.Pos{File: shown}, Code: CodeParse, Message: err.Error()})
			continue
		}
		f, err := parser.ParseFile(fset, shown, src, parser.SkipObjectResolution)
		if err != nil {
			pkg.Problems = append(pkg.Problems, parseProblems(shown, err)...)
		}
		if f == nil {
			continue
		}
		pkg.Clauses = append(pkg.Clauses, Clause{Pos: pos(fset, f.Name.Pos()), Name: f.Name.Name})
		pkg.collect(fset, f)
	}
	return pkg, nil
}

// scanTest records the functions of a test file of the package itself
// (not of an external _test package).
func (pkg *Package) scanTest(fsys fs.FS, fset *token.FileSet, name string) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return
	}
	f, _ := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if f == nil || strings.HasSuffix(f.Name.Name, "_test") {
		return
	}
	for _, decl := range f.Decls {
		if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil {
			pkg.TestFuncs[fd.Name.Name] = true
		}
	}
}

func pos(fset *token.FileSet, p token.Pos) spec.Pos {
	pp := fset.Position(p)
	return spec.Pos{File: pp.Filename, Line: pp.Line, Col: pp.Column}
}

func parseProblems(file string, err error) spec.Diagnostics {
	var list scanner.ErrorList
	if errors.As(err, &list) {
		var out spec.Diagnostics
		for _, e := range list {
			out = append(out, spec.Diagnostic{
				Pos:     spec.Pos{File: file, Line: e.Pos.Line, Col: e.Pos.Column},
				Code:    CodeParse,
				Message: "cannot parse: " + e.Msg,
			})
		}
		return out
	}
	return spec.Diagnostics{{Pos: spec.Pos{File: file}, Code: CodeParse, Message: "cannot parse: " + err.Error()}}
}

// collect records the file's type declarations and the methods of two
// parameters whose second is a pointer to a type named like a context.
func (pkg *Package) collect(fset *token.FileSet, f *ast.File) {
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, s := range d.Specs {
				ts := s.(*ast.TypeSpec)
				if _, dup := pkg.Types[ts.Name.Name]; !dup {
					pkg.Types[ts.Name.Name] = pos(fset, ts.Name.Pos())
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) != 1 || !d.Name.IsExported() || d.Type.Params.NumFields() != 2 {
				continue
			}
			ctx := contextParam(d.Type.Params)
			if !isContextName(ctx) {
				continue
			}
			pkg.Procedures = append(pkg.Procedures, Procedure{
				Pos:     pos(fset, d.Name.Pos()),
				Type:    receiverType(d.Recv.List[0].Type),
				Method:  d.Name.Name,
				Context: ctx,
			})
		}
	}
	slices.SortFunc(pkg.Procedures, func(a, b Procedure) int { return comparePos(a.Pos, b.Pos) })
}

// receiverType returns T of a receiver T, *T, T[P] or *T[P].
func receiverType(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// contextParam returns X of the last parameter when its type is *X.
func contextParam(params *ast.FieldList) string {
	if params == nil || len(params.List) == 0 {
		return ""
	}
	star, ok := params.List[len(params.List)-1].Type.(*ast.StarExpr)
	if !ok {
		return ""
	}
	id, ok := star.X.(*ast.Ident)
	if !ok {
		return ""
	}
	return id.Name
}

func comparePos(a, b spec.Pos) int {
	switch {
	case a.File != b.File:
		return strings.Compare(a.File, b.File)
	case a.Line != b.Line:
		return a.Line - b.Line
	default:
		return a.Col - b.Col
	}
}
