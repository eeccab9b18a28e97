package spec

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// jsonSchema is a small JSON Schema draft-07 validator, enough for the
// keywords oauthgen.schema.json uses: type, properties,
// additionalProperties, required, enum, pattern, items, patternProperties,
// propertyNames, minItems, minLength, uniqueItems and $ref to
// #/definitions. A keyword it does not know is an error, so the schema
// cannot silently rely on one. Values are JSON-decoded (map[string]any,
// []any, float64, string, bool, nil).
type jsonSchema struct {
	root     map[string]any
	patterns map[string]*regexp.Regexp
}

func newJSONSchema(data []byte) (*jsonSchema, error) {
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	return &jsonSchema{root: root, patterns: map[string]*regexp.Regexp{}}, nil
}

// annotations are keywords without effect on validation.
var annotations = []string{"$schema", "$id", "title", "description", "definitions", "default", "examples", "$comment"}

// resolve follows a $ref to #/definitions/NAME.
func (js *jsonSchema) resolve(node map[string]any) (map[string]any, error) {
	for depth := 0; depth < 16; depth++ {
		ref, ok := node["$ref"].(string)
		if !ok {
			return node, nil
		}
		name, found := strings.CutPrefix(ref, "#/definitions/")
		defs, _ := js.root["definitions"].(map[string]any)
		target, ok := defs[name].(map[string]any)
		if !found || !ok {
			return nil, fmt.Errorf("unresolvable $ref %q", ref)
		}
		node = target
	}
	return nil, fmt.Errorf("$ref loop")
}

func (js *jsonSchema) pattern(p string) (*regexp.Regexp, error) {
	if re, ok := js.patterns[p]; ok {
		return re, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	js.patterns[p] = re
	return re, nil
}

// Validate returns every violation of the document, as "path: message".
func (js *jsonSchema) Validate(doc any) []string {
	var errs []string
	js.validate(js.root, doc, "$", &errs)
	return errs
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func typeMatches(want string, v any) bool {
	got := jsonType(v)
	return got == want || want == "number" && got == "integer"
}

func (js *jsonSchema) validate(schemaNode any, v any, path string, errs *[]string) {
	fail := func(format string, args ...any) {
		*errs = append(*errs, path+": "+fmt.Sprintf(format, args...))
	}
	if b, ok := schemaNode.(bool); ok {
		if !b {
			fail("not allowed")
		}
		return
	}
	node, ok := schemaNode.(map[string]any)
	if !ok {
		fail("schema node is %T", schemaNode)
		return
	}
	node, err := js.resolve(node)
	if err != nil {
		fail("%v", err)
		return
	}
	for kw, arg := range node {
		switch kw {
		case "type":
			var types []string
			switch a := arg.(type) {
			case string:
				types = []string{a}
			case []any:
				for _, t := range a {
					types = append(types, t.(string))
				}
			}
			if !slices.ContainsFunc(types, func(t string) bool { return typeMatches(t, v) }) {
				fail("is %s, want %s", jsonType(v), strings.Join(types, " or "))
			}
		case "enum":
			if !slices.ContainsFunc(arg.([]any), func(e any) bool { return reflect.DeepEqual(e, v) }) {
				fail("%v is not one of %v", v, arg)
			}
		case "pattern":
			if s, ok := v.(string); ok {
				re, err := js.pattern(arg.(string))
				if err != nil {
					fail("bad pattern: %v", err)
				} else if !re.MatchString(s) {
					fail("%q does not match %s", s, arg)
				}
			}
		case "minLength":
			if s, ok := v.(string); ok && float64(len([]rune(s))) < arg.(float64) {
				fail("shorter than %v", arg)
			}
		case "minItems":
			if a, ok := v.([]any); ok && float64(len(a)) < arg.(float64) {
				fail("fewer than %v items", arg)
			}
		case "uniqueItems":
			if a, ok := v.([]any); ok && arg.(bool) {
				for i := range a {
					for j := range i {
						if reflect.DeepEqual(a[i], a[j]) {
							fail("items %d and %d are equal", j, i)
						}
					}
				}
			}
		case "items":
			if a, ok := v.([]any); ok {
				for i, item := range a {
					js.validate(arg, item, fmt.Sprintf("%s[%d]", path, i), errs)
				}
			}
		case "required":
			if o, ok := v.(map[string]any); ok {
				for _, r := range arg.([]any) {
					if _, ok := o[r.(string)]; !ok {
						fail("missing required %q", r)
					}
				}
			}
		case "properties", "patternProperties", "additionalProperties", "propertyNames":
			// Handled together below.
		default:
			if !slices.Contains(annotations, kw) {
				fail("unsupported schema keyword %q", kw)
			}
		}
	}
	o, ok := v.(map[string]any)
	if !ok {
		return
	}
	props, _ := node["properties"].(map[string]any)
	patProps, _ := node["patternProperties"].(map[string]any)
	for _, key := range slices.Sorted(func(yield func(string) bool) {
		for k := range o {
			if !yield(k) {
				return
			}
		}
	}) {
		val := o[key]
		kp := path + "." + key
		if names, ok := node["propertyNames"]; ok {
			js.validate(names, key, kp+" (key)", errs)
		}
		matched := false
		if sub, ok := props[key]; ok {
			matched = true
			js.validate(sub, val, kp, errs)
		}
		for pat, sub := range patProps {
			re, err := js.pattern(pat)
			if err == nil && re.MatchString(key) {
				matched = true
				js.validate(sub, val, kp, errs)
			}
		}
		if add, ok := node["additionalProperties"]; ok && !matched {
			js.validate(add, val, kp, errs)
		}
	}
}

// TestJSONSchemaValidator shows that the test validator itself fails where
// it must.
func TestJSONSchemaValidator(t *testing.T) {
	js, err := newJSONSchema([]byte(`{
		"type": "object", "additionalProperties": false, "required": ["a"],
		"properties": {
			"a": {"type": ["integer", "null"], "enum": [1, null]},
			"b": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"$ref": "#/definitions/s"}},
			"c": {"type": "object", "propertyNames": {"pattern": "^x"}, "patternProperties": {"^xy": {"type": "boolean"}}, "additionalProperties": {"type": "string"}},
			"d": {"type": "number"}
		},
		"definitions": {"s": {"type": "string", "pattern": "^[a-z]+$", "minLength": 2}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		doc  string
		errs int
	}{
		{`{"a": 1, "b": ["ab", "cd"], "c": {"xa": "s", "xyz": true}, "d": 1.5}`, 0},
		{`{"a": null}`, 0},
		{`{}`, 1},
		{`{"a": 2}`, 1},
		{`{"a": 1.5}`, 2},
		{`{"a": 1, "z": 1}`, 1},
		{`{"a": 1, "b": []}`, 1},
		{`{"a": 1, "b": ["ab", "ab"]}`, 1},
		{`{"a": 1, "b": ["A1"]}`, 1},
		{`{"a": 1, "b": ["a"]}`, 1},
		{`{"a": 1, "b": "ab"}`, 1},
		{`{"a": 1, "c": {"y": "s"}}`, 1},
		{`{"a": 1, "c": {"xyz": "s"}}`, 1},
		{`{"a": 1, "c": {"xa": 1}}`, 1},
		{`{"a": 1, "d": "1"}`, 1},
	} {
		var doc any
		if err := json.Unmarshal([]byte(c.doc), &doc); err != nil {
			t.Fatal(err)
		}
		if errs := js.Validate(doc); len(errs) != c.errs {
			t.Errorf("%s: %d errors %q, want %d", c.doc, len(errs), errs, c.errs)
		}
	}
	bad, _ := newJSONSchema([]byte(`{"const": 1}`))
	if errs := bad.Validate(1.0); len(errs) != 1 || !strings.Contains(errs[0], "unsupported") {
		t.Errorf("an unsupported keyword was not reported: %q", errs)
	}
	loop, _ := newJSONSchema([]byte(`{"$ref": "#/definitions/x", "definitions": {"x": {"$ref": "#/definitions/x"}}}`))
	if errs := loop.Validate(1.0); len(errs) != 1 {
		t.Errorf("a $ref loop was not reported: %q", errs)
	}
}
