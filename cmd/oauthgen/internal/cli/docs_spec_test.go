package cli

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/spec"
)

// specDoc is the adopters' reference of the spec format.
const specDoc = "../../../../docs/spec.md"

// diagnosticSources are the Go files and directories whose constants
// define diagnostic codes, relative to this package: the spec's loader and
// validator (OG1xx), the model (OG2xx) and the scaffold (OG3xx).
var diagnosticSources = []string{
	"../../../../spec/diagnostics.go",
	"../model",
	"../scaffold",
}

// mapKeys are the placeholders docs/spec.md writes for the names a spec
// chooses, by the key of the mapping that holds them.
var mapKeys = map[string]string{
	"scopes":           "<scope>",
	"flows":            "<flow id>",
	"extension_grants": "<grant>",
	"properties":       "<property>",
	"code_data":        "<field>",
	"issuers":          "<iss>",
}

// docKey is the key docs/spec.md documents for a key path: token settings
// are documented once, under the top-level tokens, and an extension
// grant's properties as a flow's.
func docKey(path string) string {
	parts := strings.Split(path, ".")
	if i := slices.Index(parts, "tokens"); i > 0 && i < len(parts)-1 {
		return "tokens." + strings.Join(parts[i+1:], ".")
	}
	if len(parts) > 3 && parts[0] == "extension_grants" && parts[2] == "properties" {
		return "flows." + mapKeys["flows"] + "." + strings.Join(parts[2:], ".")
	}
	return path
}

// schemaKeys returns every key path the JSON Schema describes, with the
// placeholders of mapKeys for chosen names.
func schemaKeys(t *testing.T) []string {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(spec.Schema(), &root); err != nil {
		t.Fatal(err)
	}
	defs, _ := root["definitions"].(map[string]any)
	resolve := func(n map[string]any) map[string]any {
		for {
			ref, ok := n["$ref"].(string)
			if !ok {
				return n
			}
			name, found := strings.CutPrefix(ref, "#/definitions/")
			def, _ := defs[name].(map[string]any)
			if !found || def == nil {
				t.Fatalf("schema: unresolvable $ref %q", ref)
			}
			n = def
		}
	}
	var keys []string
	var walk func(n map[string]any, path string)
	walk = func(n map[string]any, path string) {
		n = resolve(n)
		if props, ok := n["properties"].(map[string]any); ok {
			for name, child := range props {
				p := keyJoin(path, name)
				keys = append(keys, p)
				if c, ok := child.(map[string]any); ok {
					walk(c, p)
				}
			}
		}
		if add, ok := n["additionalProperties"].(map[string]any); ok {
			p := keyJoin(path, mapKeys[lastPart(path)])
			keys = append(keys, p)
			walk(add, p)
		}
	}
	walk(root, "")
	return keys
}

// goKeys returns every key path the loader's Go types have (their yaml
// tags; a list of structs is a mapping from chosen names), with the
// endpoints and their settings from the catalogue.
func goKeys(cat *spec.Catalogue) []string {
	var keys []string
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			p := keyJoin(path, name)
			keys = append(keys, p)
			ft := f.Type
			switch {
			case ft == reflect.TypeOf(spec.Endpoints{}):
				for _, ep := range cat.Endpoints {
					if ep.SpecKey == "" || ep.Status != spec.StatusAvailable {
						continue
					}
					ek := keyJoin(p, ep.SpecKey)
					keys = append(keys, ek, keyJoin(ek, "path"))
					for _, s := range ep.Settings {
						keys = append(keys, keyJoin(ek, s))
					}
				}
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				item := keyJoin(p, mapKeys[name])
				keys = append(keys, item)
				walk(ft.Elem(), item)
			case ft.Kind() == reflect.Struct:
				walk(ft, p)
			}
		}
	}
	walk(reflect.TypeOf(spec.Spec{}), "")
	return keys
}

func keyJoin(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func lastPart(path string) string {
	return path[strings.LastIndexByte(path, '.')+1:]
}

// diagnosticCodes returns the diagnostic codes the Go sources define: the
// string constants of the form OGnnn.
func diagnosticCodes(t *testing.T) map[string]string {
	t.Helper()
	codes := map[string]string{}
	code := regexp.MustCompile(`^OG\d{3}$`)
	var files []string
	for _, src := range diagnosticSources {
		src = filepath.FromSlash(src)
		if strings.HasSuffix(src, ".go") {
			files = append(files, src)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(src, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			if !strings.HasSuffix(m, "_test.go") {
				files = append(files, m)
			}
		}
	}
	fset := token.NewFileSet()
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, vs := range gd.Specs {
				for i, v := range vs.(*ast.ValueSpec).Values {
					lit, ok := v.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					s, err := strconv.Unquote(lit.Value)
					if err == nil && code.MatchString(s) {
						codes[s] = repoPath(file) + " (" + vs.(*ast.ValueSpec).Names[i].Name + ")"
					}
				}
			}
		}
	}
	if len(codes) == 0 {
		t.Fatal("no diagnostic codes found in the sources")
	}
	return codes
}

// repoPath names a file of diagnosticSources from the repository's root.
func repoPath(file string) string {
	file = filepath.ToSlash(file)
	if rest, ok := strings.CutPrefix(file, "../../../../"); ok {
		return rest
	}
	return "cmd/oauthgen/internal/" + strings.TrimPrefix(file, "../")
}

// documented are the entries of docs/spec.md: the first cell of each table
// row, when it is one code span.
func documented(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(specDoc))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([^`]+)` \\|")
	out := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(string(data), -1) {
		out[m[1]] = true
	}
	return out
}

// TestSpecDoc: docs/spec.md documents, each as the first cell of a table
// row, every key the spec's loader (its Go types) and its JSON Schema
// accept, every flow of the catalogue and every diagnostic code the
// sources define, and nothing that no longer exists.
func TestSpecDoc(t *testing.T) {
	cat, err := spec.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	doc := documented(t)
	want := map[string]string{}
	for _, k := range goKeys(cat) {
		if _, ok := want[docKey(k)]; !ok {
			want[docKey(k)] = "the spec's Go types (spec/spec.go) have key " + k
		}
	}
	for _, k := range schemaKeys(t) {
		if _, ok := want[docKey(k)]; !ok {
			want[docKey(k)] = "spec/oauthgen.schema.json has key " + k
		}
	}
	for _, id := range cat.FlowIDs() {
		want[id] = "the catalogue (spec/catalogue.yaml) has flow " + id
	}
	codes := diagnosticCodes(t)
	for c, where := range codes {
		want[c] = where + " defines diagnostic " + c
	}
	var missing []string
	for k, why := range want {
		if !doc[k] {
			missing = append(missing, why+", which docs/spec.md does not document: add a table row starting with | `"+k+"` |")
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Error(m)
	}

	// Nothing documented is gone: a code no source defines, a key no
	// loader reads.
	tops := []string{"version", "package", "output", "issuer", "endpoints", "tokens", "scopes", "flows", "extension_grants"}
	var stale []string
	for k := range doc {
		top, _, _ := strings.Cut(k, ".")
		isCode := regexp.MustCompile(`^OG\d{3}$`).MatchString(k)
		if (isCode || slices.Contains(tops, top)) && want[k] == "" {
			stale = append(stale, k)
		}
	}
	slices.Sort(stale)
	for _, k := range stale {
		t.Errorf("docs/spec.md documents %s, which no longer exists (not in spec/spec.go, the schema, or the diagnostic sources): remove its row", k)
	}
}

// TestSpecDocCoversEverything: the key lists TestSpecDoc checks are not
// empty, and hold keys of every level, so that a broken walk cannot pass
// unnoticed.
func TestSpecDocCoversEverything(t *testing.T) {
	cat, err := spec.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	keys := append(goKeys(cat), schemaKeys(t)...)
	for _, k := range []string{
		"version", "endpoints.token.auth_methods", "endpoints.authorize.require_pkce", "tokens.id_token_signing_alg",
		"scopes.<scope>", "flows.<flow id>.properties.<property>.validate", "flows.<flow id>.code_data.<field>.type",
		"extension_grants.<grant>.end_user", "extension_grants.<grant>.tokens.code_ttl",
	} {
		if !slices.Contains(keys, k) {
			t.Errorf("the key walk misses %s", k)
		}
	}
	codes := diagnosticCodes(t)
	for _, c := range []string{"OG101", "OG201", "OG301"} {
		if codes[c] == "" {
			t.Errorf("the diagnostic sources lack %s", c)
		}
	}
}
