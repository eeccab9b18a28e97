package runtime

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxExportedNames bounds what an adopter sees of package runtime: config
// and server construction, context base types, responses, clients, store
// contracts, keys, the clock, users and pages. Protocol mechanics belong
// in runtime/oauth, runtime/flowkit and runtime/internal. An endpoint
// with a flow adds its context and response, a page its data; 88 leaves
// room for the device authorization, end-session and token exchange
// endpoints and flows (RFC 8628, OIDC RP-Initiated Logout, RFC 8693) and
// nothing else.
const maxExportedNames = 88

// TestExportedAPI: package runtime exports at most maxExportedNames
// top-level names, and every exported name, method included, has a doc
// comment.
func TestExportedAPI(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var names []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() || d.Recv != nil && !exportedRecv(d.Recv) {
					continue
				}
				if d.Recv == nil {
					names = append(names, d.Name.Name)
				}
				if d.Doc == nil {
					t.Errorf("%s: %s has no doc comment", fset.Position(d.Pos()), d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					var ids []*ast.Ident
					var doc *ast.CommentGroup
					switch s := spec.(type) {
					case *ast.TypeSpec:
						ids, doc = []*ast.Ident{s.Name}, s.Doc
					case *ast.ValueSpec:
						ids, doc = s.Names, s.Doc
					}
					if doc == nil {
						doc = d.Doc
					}
					for _, id := range ids {
						if !id.IsExported() {
							continue
						}
						names = append(names, id.Name)
						if doc == nil {
							t.Errorf("%s: %s has no doc comment", fset.Position(id.Pos()), id.Name)
						}
					}
				}
			}
		}
	}
	if len(names) > maxExportedNames {
		t.Errorf("package runtime exports %d names, more than %d: move mechanics to a sub-package\n%s",
			len(names), maxExportedNames, strings.Join(names, " "))
	}
}

// exportedRecv reports whether a method's receiver type is exported.
func exportedRecv(fl *ast.FieldList) bool {
	typ := fl.List[0].Type
	if s, ok := typ.(*ast.StarExpr); ok {
		typ = s.X
	}
	if ix, ok := typ.(*ast.IndexExpr); ok {
		typ = ix.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}
