package spec

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func loadSchema(t *testing.T) *jsonSchema {
	t.Helper()
	js, err := newJSONSchema(Schema())
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	return js
}

// yamlToJSON decodes YAML into the JSON data model the validator uses.
func yamlToJSON(data []byte) (any, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(b, &out)
}

func TestSchemaIsDraft07(t *testing.T) {
	js := loadSchema(t)
	if js.root["$schema"] != "http://json-schema.org/draft-07/schema#" {
		t.Errorf("$schema = %v, want draft-07", js.root["$schema"])
	}
	a := Schema()
	a[0] = 'X'
	if Schema()[0] == 'X' {
		t.Error("Schema returns shared memory")
	}
}

// TestSchemaClosed: every object the schema describes either lists its
// properties with additionalProperties false, or is a map whose values
// additionalProperties describes.
func TestSchemaClosed(t *testing.T) {
	js := loadSchema(t)
	var walk func(node any, path string)
	walk = func(node any, path string) {
		m, ok := node.(map[string]any)
		if !ok {
			return
		}
		if _, ok := m["properties"]; ok && m["additionalProperties"] != false {
			t.Errorf("%s: has properties but additionalProperties is not false", path)
		}
		if types := m["type"]; types == "object" || slices.Contains(toStrings(types), "object") {
			_, props := m["properties"]
			_, add := m["additionalProperties"]
			if !props && !add {
				t.Errorf("%s: an object without properties or additionalProperties", path)
			}
		}
		for k, v := range m {
			switch k {
			case "properties", "patternProperties", "definitions":
				children, _ := v.(map[string]any)
				for name, child := range children {
					walk(child, path+"/"+k+"/"+name)
				}
			case "items", "additionalProperties", "propertyNames":
				walk(v, path+"/"+k)
			}
		}
	}
	walk(js.root, "#")
}

func toStrings(v any) []string {
	var out []string
	if a, ok := v.([]any); ok {
		for _, x := range a {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// yamlFields returns the yaml keys of a struct type, with their types,
// flattening inline structs and skipping "-" and unexported fields.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		switch {
		case !f.IsExported() || name == "-":
		case opts == "inline":
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
		case name != "":
			out[name] = f.Type
		}
	}
	return out
}

// TestSchemaMatchesGoTypes: every yaml-tagged field of Spec and its nested
// types is in the schema at the same place, and the schema has nothing the
// types lack. signing_alg is server-wide only, so the flow-level token
// settings omit it.
func TestSchemaMatchesGoTypes(t *testing.T) {
	js := loadSchema(t)
	omitted := map[string]bool{}
	for _, key := range ServerOnlySettings() {
		omitted["flows.*.tokens."+key] = true
		omitted["extension_grants.*.tokens."+key] = true
	}
	durationType := reflect.TypeOf(time.Duration(0))
	var walk func(typ reflect.Type, node map[string]any, path string)
	walk = func(typ reflect.Type, node map[string]any, path string) {
		node, err := js.resolve(node)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		props, _ := node["properties"].(map[string]any)
		fields := yamlFields(typ)
		for name, ft := range fields {
			fp := join(path, name)
			if fp == "endpoints" {
				checkSchemaEndpoints(t, js, props[name])
				continue
			}
			sub, ok := props[name].(map[string]any)
			if !ok {
				if !omitted[fp] {
					t.Errorf("schema lacks %s (Go %s)", fp, typ.Name())
				}
				continue
			}
			if omitted[fp] {
				t.Errorf("schema has %s, which must be omitted there", fp)
			}
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch {
			case ft == durationType:
				if r, _ := js.resolve(sub); r["pattern"] == nil {
					t.Errorf("%s: a duration without a pattern", fp)
				}
			case ft.Kind() == reflect.Struct:
				walk(ft, sub, fp)
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				// A mapping from names to items.
				r, _ := js.resolve(sub)
				items, ok := r["additionalProperties"].(map[string]any)
				if !ok {
					t.Errorf("%s: want a mapping whose values additionalProperties describes", fp)
					continue
				}
				if len(yamlFields(ft.Elem())) == 0 {
					ri, _ := js.resolve(items)
					if ri["type"] != "string" {
						t.Errorf("%s: values should be strings, got %v", fp, ri["type"])
					}
					continue
				}
				walk(ft.Elem(), items, join(fp, "*"))
			}
		}
		for name := range props {
			if _, ok := fields[name]; !ok {
				t.Errorf("schema has %s, which %s lacks", join(path, name), typ.Name())
			}
		}
	}
	walk(reflect.TypeOf(Spec{}), js.root, "")
}

// checkSchemaEndpoints: the schema's endpoints are exactly the catalogue's
// available endpoints a spec may declare, each with its path and the
// settings the catalogue gives it.
func checkSchemaEndpoints(t *testing.T, js *jsonSchema, node any) {
	t.Helper()
	m, _ := node.(map[string]any)
	r, err := js.resolve(m)
	if err != nil {
		t.Fatalf("endpoints: %v", err)
	}
	props, _ := r["properties"].(map[string]any)
	want := map[string][]string{}
	for _, ep := range builtin(t).Endpoints {
		if ep.SpecKey != "" && ep.Status == StatusAvailable {
			want[ep.SpecKey] = append([]string{"path"}, ep.Settings...)
		}
	}
	for key, settings := range want {
		sub, ok := props[key].(map[string]any)
		if !ok {
			t.Errorf("schema lacks endpoints.%s", key)
			continue
		}
		rs, _ := js.resolve(sub)
		sp, _ := rs["properties"].(map[string]any)
		var got []string
		for k := range sp {
			got = append(got, k)
		}
		if !slices.Equal(sortedCopy(got), sortedCopy(settings)) {
			t.Errorf("schema endpoints.%s has %v, the catalogue %v", key, got, settings)
		}
		for _, st := range settings {
			if !slices.Contains(append([]string{"path"}, EndpointSettings()...), st) {
				t.Errorf("endpoints.%s: %s is not a field of Endpoint", key, st)
			}
		}
	}
	for key := range props {
		if _, ok := want[key]; !ok {
			t.Errorf("schema has endpoints.%s, which is not an available endpoint of the catalogue", key)
		}
	}
}

func enumOf(t *testing.T, js *jsonSchema, node map[string]any) []string {
	t.Helper()
	r, err := js.resolve(node)
	if err != nil {
		t.Fatal(err)
	}
	return toStrings(r["enum"])
}

func defn(js *jsonSchema, name string) map[string]any {
	d, _ := js.root["definitions"].(map[string]any)
	n, _ := d[name].(map[string]any)
	return n
}

func prop(node map[string]any, name string) map[string]any {
	p, _ := node["properties"].(map[string]any)
	n, _ := p[name].(map[string]any)
	return n
}

var flowEnum = regexp.MustCompile(`("flowId": \{[^}]*?"enum": \[)[^\]]*(\])`)

// TestSchemaEnums: the schema's enums are the Go side's lists; the flow id
// enum is the catalogue's ids (UPDATE_GOLDEN=1 rewrites it).
func TestSchemaEnums(t *testing.T) {
	js := loadSchema(t)
	ids := builtin(t).FlowIDs()
	if got := enumOf(t, js, defn(js, "flowId")); !slices.Equal(got, ids) {
		if update {
			quoted := make([]string, len(ids))
			for i, id := range ids {
				quoted[i] = `"` + id + `"`
			}
			list := "\n        " + strings.Join(quoted, ",\n        ") + "\n      "
			out := flowEnum.ReplaceAll(schemaJSON, []byte("${1}"+list+"${2}"))
			if err := os.WriteFile("oauthgen.schema.json", out, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Log("rewrote the flow id enum of oauthgen.schema.json; rebuild to embed it")
		} else {
			t.Errorf("schema flow ids %q\ncatalogue ids %q\n(run with UPDATE_GOLDEN=1)", got, ids)
		}
	}
	types := make([]string, 0, len(PropertyTypes))
	for k := range PropertyTypes {
		types = append(types, k)
	}
	for _, c := range []struct {
		name string
		got  []string
		want []string
	}{
		{"property types", enumOf(t, js, prop(defn(js, "property"), "type")), types},
		{"property sources", enumOf(t, js, prop(defn(js, "property"), "source")), PropertySources()},
		{"auth methods", enumOf(t, js, defn(js, "authMethod")), AuthMethods()},
		{"access token formats", enumOf(t, js, defn(js, "accessTokenFormat")), AccessTokenFormats()},
		{"signing algs", enumOf(t, js, prop(defn(js, "serverTokenSettings"), "signing_alg")), SigningAlgs()},
		{"ID token signing algs", enumOf(t, js, prop(defn(js, "serverTokenSettings"), "id_token_signing_alg")), SigningAlgs()},
		{"code data types", enumOf(t, js, prop(defn(js, "dataField"), "type")), DataTypes()},
	} {
		if !slices.Equal(sortedCopy(c.got), sortedCopy(c.want)) {
			t.Errorf("%s: schema %q, Go %q", c.name, c.got, c.want)
		}
	}
}

// TestSchemaPatternsAgree: the schema's patterns accept what the Go checks
// accept, and refuse what they refuse, on a table of values.
func TestSchemaPatternsAgree(t *testing.T) {
	js := loadSchema(t)
	pattern := func(node map[string]any) *regexp.Regexp {
		r, err := js.resolve(node)
		if err != nil {
			t.Fatal(err)
		}
		re, err := regexp.Compile(r["pattern"].(string))
		if err != nil {
			t.Fatal(err)
		}
		return re
	}
	goDuration := func(s string) string {
		if _, err := time.ParseDuration(s); err != nil {
			return err.Error()
		}
		return ""
	}
	goName := func(s string) string {
		if !specNameOK(s) {
			return "bad"
		}
		return ""
	}
	for _, c := range []struct {
		name   string
		re     *regexp.Regexp
		check  func(string) string
		values []string
	}{
		{"duration", pattern(defn(js, "duration")), goDuration, []string{
			"0", "0s", "10m", "1h30m", "1.5h", ".5s", "5.s", "-1m", "+2s", "300ms", "1us", "1µs", "1μs", "2ns", "1h1m1s1ms",
			"", "10", "1d", "10 m", "m", "1.h", "--1s", "1hm", "s1", "0x10s", "1e3s"}},
		{"comment text", pattern(defn(js, "commentText")), checkCommentText, []string{
			"", "plain", "a * b", "a */ b", "**/", "*", "**", "a*", "/*", "x*/", "`", "a`b", "multi\nline", "* / *", "***x"}},
		{"scope name", pattern(defn(js, "scopeName")), checkScopeName, []string{
			"read", "files:read", "!#$", "[x]", "a b", `a"b`, `a\b`, "é", "~"}},
		{"go name", pattern(defn(js, "goName")), goName, []string{
			"tenant", "link_token", "X-Tenant", "a1", "a_1", "1a", "_a", "a_", "a__b", "a-_b", "a.b", "ü"}},
	} {
		for _, v := range c.values {
			goOK := c.check(v) == ""
			if c.name == "go name" || c.name == "scope name" {
				goOK = goOK && v != "" // the Go side refuses "" as a missing name
			}
			if reOK := c.re.MatchString(v); reOK != goOK {
				t.Errorf("%s %q: schema accepts %t, Go accepts %t", c.name, v, reOK, goOK)
			}
		}
	}
	// Paths: the schema accepts at least what checkPath accepts.
	pathRE := pattern(defn(js, "path"))
	for _, p := range []string{"/", "/token", "/oauth2/token", "/a-b_c.d~e/f:g@h", "/x/.well-known/y"} {
		if checkPath(p) != "" || !pathRE.MatchString(p) {
			t.Errorf("path %q: Go %q, schema %t", p, checkPath(p), pathRE.MatchString(p))
		}
	}
	for _, p := range []string{"token", "/a b", "/a?b", "/a#b", "/ü"} {
		if pathRE.MatchString(p) {
			t.Errorf("schema accepts path %q", p)
		}
	}
	// Issuers: the schema agrees with checkIssuer on a table.
	issRE := pattern(prop(js.root, "issuer"))
	for _, iss := range []string{"https://as.example.com", "https://as.example.com/t/", "http://localhost:8080",
		"http://127.0.0.1", "http://[::1]:9000/x", "http://example.com", "https://a?b", "https://a#b", "ftp://a",
		"as.example.com", "https://user@a"} {
		if goOK, reOK := checkIssuer(iss) == "", issRE.MatchString(iss); goOK != reOK {
			t.Errorf("issuer %q: schema accepts %t, Go accepts %t", iss, reOK, goOK)
		}
	}
}

// TestSchemaRefusesBadSpecs: the schema catches the structural mistakes an
// editor should flag.
func TestSchemaRefusesBadSpecs(t *testing.T) {
	js := loadSchema(t)
	const head = "version: 1\npackage: oauth\noutput: ./oauth\nissuer: https://as.example.com\n"
	for _, c := range []struct {
		name, src string
		ok        bool
	}{
		{"minimal", head, true},
		{"null flow", head + "flows:\n  oauth-token-refresh:\n", true},
		{"missing issuer", "version: 1\npackage: oauth\noutput: x\n", false},
		{"version 2", strings.Replace(head, "version: 1", "version: 2", 1), false},
		{"unknown key", head + "colour: blue\n", false},
		{"unknown flow", head + "flows:\n  oauth-token-nope: {}\n", false},
		{"duration integer", head + "tokens:\n  access_token_ttl: 600\n", false},
		{"duration bad", head + "tokens:\n  access_token_ttl: 10 minutes\n", false},
		{"flow-level alg", head + "flows:\n  oauth-token-refresh:\n    tokens:\n      signing_alg: ES256\n", false},
		{"server-level alg", head + "tokens:\n  signing_alg: ES256\n", true},
		{"alg unknown", head + "tokens:\n  signing_alg: HS256\n", false},
		{"auth method", head + "endpoints:\n  token:\n    auth_methods: [private_key_jwt]\n", true},
		{"auth method client_secret_jwt", head + "endpoints:\n  token:\n    auth_methods: [client_secret_jwt]\n", true},
		{"auth method unknown", head + "endpoints:\n  token:\n    auth_methods: [tls_client_auth]\n", false},
		{"auth methods empty", head + "endpoints:\n  token:\n    auth_methods: []\n", false},
		{"auth methods duplicate", head + "endpoints:\n  token:\n    auth_methods: [none, none]\n", false},
		{"property type", head + "flows:\n  oauth-token-refresh:\n    properties:\n      x: {type: uint, source: form}\n", false},
		{"property source", head + "flows:\n  oauth-token-refresh:\n    properties:\n      x: {type: int, source: cookie}\n", false},
		{"query property", head + "flows:\n  oauth-authorize-authorization-code:\n    properties:\n      x: {type: int, source: query}\n", true},
		{"endpoints", head + "endpoints:\n  authorize: {path: /a, require_pkce: false}\n  userinfo: {path: /u}\n", true},
		{"authorize unknown key", head + "endpoints:\n  authorize: {pkce: true}\n", false},
		{"require_pkce string", head + "endpoints:\n  authorize: {require_pkce: 'yes'}\n", false},
		{"code data", head + "flows:\n  oauth-authorize-authorization-code:\n    code_data:\n      device_id: {type: string, description: d}\n", true},
		{"code data secret", head + "flows:\n  oauth-authorize-authorization-code:\n    code_data:\n      pin: {type: Secret}\n", false},
		{"code data without type", head + "flows:\n  oauth-authorize-authorization-code:\n    code_data:\n      x: {}\n", false},
		{"code data name", head + "flows:\n  oauth-authorize-authorization-code:\n    code_data:\n      1x: {type: int}\n", false},
		{"id token settings", head + "tokens:\n  id_token_ttl: 5m\n  id_token_signing_alg: RS256\n", true},
		{"id token alg unknown", head + "tokens:\n  id_token_signing_alg: HS256\n", false},
		{"flow-level id token ttl", head + "flows:\n  oauth-token-refresh:\n    tokens:\n      id_token_ttl: 5m\n", false},
		{"property name", head + "flows:\n  oauth-token-refresh:\n    properties:\n      1x: {type: int, source: form}\n", false},
		{"grant type relative", head + "extension_grants:\n  x:\n    grant_type: magic\n", false},
		{"grant without type", head + "extension_grants:\n  x: {}\n", false},
		{"description backtick", head + "scopes:\n  read: '`x`'\n", false},
		{"http issuer", strings.Replace(head, "https://as.example.com", "http://as.example.com", 1), false},
	} {
		doc, err := yamlToJSON([]byte(c.src))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if errs := js.Validate(doc); (len(errs) == 0) != c.ok {
			t.Errorf("%s: schema errors %q, want ok %t", c.name, errs, c.ok)
		}
	}
}

// moduleRoot finds the directory of go.mod above the working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// TestRepositorySpecsMatchSchema: every spec in the repository validates
// against the schema. A spec is a YAML file with top-level version and
// package keys; negative fixtures under a testdata/invalid directory and the
// catalogue are skipped.
func TestRepositorySpecsMatchSchema(t *testing.T) {
	js := loadSchema(t)
	root := moduleRoot(t)
	var specs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			name := d.Name()
			if strings.HasPrefix(name, ".") && path != root || name == "vendor" || name == "node_modules" ||
				name == "invalid" && filepath.Base(filepath.Dir(path)) == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if ext := filepath.Ext(path); ext != ".yaml" && ext != ".yml" || rel == "spec/catalogue.yaml" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var top map[string]any
		if yaml.NewDecoder(bytes.NewReader(data)).Decode(&top) != nil {
			return nil // not a YAML mapping, so not a spec
		}
		_, hasVersion := top["version"]
		_, hasPackage := top["package"]
		if !hasVersion || !hasPackage {
			return nil
		}
		specs = append(specs, rel)
		doc, err := yamlToJSON(data)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		for _, e := range js.Validate(doc) {
			t.Errorf("%s: %s", rel, e)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(specs, "spec/testdata/valid/oauthgen.yaml") {
		t.Errorf("the walk missed spec/testdata/valid/oauthgen.yaml; found %q", specs)
	}
	t.Logf("%d specs: %q", len(specs), specs)
}
