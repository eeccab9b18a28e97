package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder is the strict YAML node walker shared by the spec and the
// catalogue. It never stops at the first problem: every problem becomes a
// diagnostic and the walk goes on, so a file's problems are all reported at
// once.
type decoder struct {
	file  string
	diags Diagnostics
	src   *source
}

// source remembers where each value of a decoded file was, by its dotted
// key path ("flows.oauth-token-refresh.tokens.code_ttl"), and which paths
// could not be decoded, so that validation points at values and does not
// repeat a decoding diagnostic.
type source struct {
	vals map[string]Pos
	bad  map[string]bool
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, src: &source{vals: map[string]Pos{}, bad: map[string]bool{}}}
}

// entry is one key/value pair of a mapping.
type entry struct {
	key  string
	k, v *yaml.Node
}

// field is a known key of a mapping and how to decode its value; p is the
// value's key path.
type field struct {
	key      string
	required bool
	decode   func(e entry, p string)
}

func join(p, key string) string {
	if p == "" {
		return key
	}
	return p + "." + key
}

// lastKey is the last key of a path, used to name a value in messages.
func lastKey(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[i+1:]
	}
	return p
}

func (d *decoder) pos(n *yaml.Node) Pos {
	return Pos{File: d.file, Line: n.Line, Col: n.Column}
}

func (d *decoder) report(p Pos, code, format string, args ...any) {
	d.diags.report(p, code, format, args...)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses data as exactly one YAML document whose root is a mapping.
func (d *decoder) document(data []byte) (root *yaml.Node, ok bool) {
	defer func() {
		// The YAML library has panicked on hostile input in the past; a spec
		// file must never crash the generator.
		if r := recover(); r != nil {
			d.report(Pos{File: d.file, Line: 1, Col: 1}, CodeSyntax, "the YAML parser failed: %v", r)
			root, ok = nil, false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.report(Pos{File: d.file, Line: 1, Col: 1}, CodeSyntax, "the file is empty")
		} else {
			d.syntaxError(err)
		}
		return nil, false
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		d.report(d.pos(&extra), CodeSyntax, "a spec file holds exactly one YAML document")
		return nil, false
	case !errors.Is(err, io.EOF):
		d.syntaxError(err)
		return nil, false
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || isNull(doc.Content[0]) {
		d.report(Pos{File: d.file, Line: 1, Col: 1}, CodeSyntax, "the file is empty")
		return nil, false
	}
	root = doc.Content[0]
	if root.Kind != yaml.MappingNode {
		d.report(d.pos(root), CodeWrongType, "the file must be a mapping of keys to values, got %s", describe(root))
		return nil, false
	}
	return root, true
}

func (d *decoder) syntaxError(err error) {
	msg := err.Error()
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil && n > 0 {
			line = n
		}
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	d.report(Pos{File: d.file, Line: line, Col: 1}, CodeSyntax, "YAML syntax error: %s", msg)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names the kind of a node for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	switch t := n.ShortTag(); t {
	case "!!str":
		return "a string"
	case "!!int":
		return "an integer"
	case "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "null"
	case "!!timestamp":
		return "a timestamp"
	case "!!binary":
		return "binary data"
	default:
		return "a value tagged " + t
	}
}

// alias reports n when it is an alias: aliases would let one node appear at
// several places of the spec, with one position, and let a small file expand
// into a huge one.
func (d *decoder) alias(n *yaml.Node, p string) bool {
	if n.Kind != yaml.AliasNode {
		return false
	}
	d.report(d.pos(n), CodeAlias, "%s: YAML aliases are not supported; write the value out", lastKey(p))
	d.src.bad[p] = true
	return true
}

// mapping returns the entries of a mapping node, reporting alias, merge,
// non-scalar and duplicate keys. A null node is an empty mapping. ok is false
// when n is not a mapping.
func (d *decoder) mapping(n *yaml.Node, p string) (entries []entry, ok bool) {
	if d.alias(n, p) {
		return nil, false
	}
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.MappingNode {
		what := lastKey(p)
		if what == "" {
			what = "the file"
		}
		d.report(d.pos(n), CodeWrongType, "%s: expected a mapping, got %s", what, describe(n))
		d.src.bad[p] = true
		return nil, false
	}
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind == yaml.AliasNode:
			d.report(d.pos(k), CodeAlias, "YAML aliases are not supported as keys")
			continue
		case k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge":
			d.report(d.pos(k), CodeAlias, "YAML merge keys (<<) are not supported; write the keys out")
			continue
		case k.Kind != yaml.ScalarNode || isNull(k) || k.Value == "":
			d.report(d.pos(k), CodeWrongType, "expected a key, got %s", describe(k))
			continue
		}
		if f, dup := first[k.Value]; dup {
			d.report(d.pos(k), CodeDuplicateKey, "duplicate key %q (first at line %d)", k.Value, f.Line)
			continue
		}
		first[k.Value] = k
		entries = append(entries, entry{key: k.Value, k: k, v: v})
	}
	return entries, true
}

// object decodes a mapping with a fixed set of keys. at is where a missing
// required key is reported.
func (d *decoder) object(n *yaml.Node, at Pos, p string, fields []field) {
	entries, ok := d.mapping(n, p)
	if !ok {
		return
	}
	got := map[string]bool{}
	for _, e := range entries {
		i := slices.IndexFunc(fields, func(f field) bool { return f.key == e.key })
		if i < 0 {
			keys := make([]string, len(fields))
			for j, f := range fields {
				keys[j] = f.key
			}
			where := ""
			if p != "" {
				where = " in " + p
			}
			d.report(d.pos(e.k), CodeUnknownKey, "unknown key %q%s%s", e.key, where, didYouMean(e.key, keys))
			continue
		}
		got[e.key] = true
		fp := join(p, e.key)
		d.src.vals[fp] = d.pos(e.v)
		if d.alias(e.v, fp) {
			continue
		}
		fields[i].decode(e, fp)
	}
	for _, f := range fields {
		if f.required && !got[f.key] {
			where := ""
			if p != "" {
				where = " in " + p
			}
			d.report(at, CodeMissingKey, "missing required key %q%s", f.key, where)
			d.src.bad[join(p, f.key)] = true
		}
	}
}

// scalar checks that n is a scalar with one of the tags.
func (d *decoder) scalar(n *yaml.Node, p, want string, tags ...string) bool {
	if n.Kind == yaml.ScalarNode && slices.Contains(tags, n.ShortTag()) {
		return true
	}
	d.report(d.pos(n), CodeWrongType, "%s: expected %s, got %s", lastKey(p), want, describe(n))
	d.src.bad[p] = true
	return false
}

// str decodes a string value.
func (d *decoder) str(dst *string) func(entry, string) {
	return func(e entry, p string) {
		if d.scalar(e.v, p, "a string", "!!str") {
			*dst = e.v.Value
		}
	}
}

// strPtr decodes an optional string value.
func (d *decoder) strPtr(dst **string) func(entry, string) {
	return func(e entry, p string) {
		if d.scalar(e.v, p, "a string", "!!str") {
			v := e.v.Value
			*dst = &v
		}
	}
}

func (d *decoder) parseBool(n *yaml.Node, p string) (bool, bool) {
	if !d.scalar(n, p, "a boolean (true or false)", "!!bool") {
		return false, false
	}
	b, err := strconv.ParseBool(n.Value)
	if err != nil {
		d.report(d.pos(n), CodeWrongType, "%s: expected a boolean (true or false), got %q", lastKey(p), n.Value)
		d.src.bad[p] = true
		return false, false
	}
	return b, true
}

// boolean decodes a boolean value.
func (d *decoder) boolean(dst *bool) func(entry, string) {
	return func(e entry, p string) {
		if b, ok := d.parseBool(e.v, p); ok {
			*dst = b
		}
	}
}

// boolPtr decodes an optional boolean value.
func (d *decoder) boolPtr(dst **bool) func(entry, string) {
	return func(e entry, p string) {
		if b, ok := d.parseBool(e.v, p); ok {
			*dst = &b
		}
	}
}

// integer decodes an integer value.
func (d *decoder) integer(dst *int) func(entry, string) {
	return func(e entry, p string) {
		if !d.scalar(e.v, p, "an integer", "!!int") {
			return
		}
		n, err := strconv.ParseInt(e.v.Value, 0, 32)
		if err != nil {
			d.report(d.pos(e.v), CodeWrongType, "%s: %q is not an integer oauthgen can read", lastKey(p), e.v.Value)
			d.src.bad[p] = true
			return
		}
		*dst = int(n)
	}
}

// duration decodes a duration written as a Go duration string ("10m",
// "1h30m"). A bare number is a wrong type: its unit would be a guess.
func (d *decoder) duration(dst **time.Duration) func(entry, string) {
	return func(e entry, p string) {
		if !d.scalar(e.v, p, `a duration string such as "10m"`, "!!str") {
			return
		}
		v, err := time.ParseDuration(e.v.Value)
		if err != nil {
			d.report(d.pos(e.v), CodeDuration, `%s: %q is not a duration (write it like "90s", "10m" or "1h30m")`, lastKey(p), e.v.Value)
			d.src.bad[p] = true
			return
		}
		*dst = &v
	}
}

// jsonValue decodes a JSON object written either as YAML (a mapping, as
// JSON is YAML) or as a string holding JSON text, into compact JSON text.
// Whether the text is JSON, and what it must hold, is Validate's to say.
func (d *decoder) jsonValue(dst *string) func(entry, string) {
	return func(e entry, p string) {
		switch {
		case e.v.Kind == yaml.ScalarNode && e.v.ShortTag() == "!!str":
			*dst = e.v.Value
			return
		case e.v.Kind != yaml.MappingNode:
			d.report(d.pos(e.v), CodeWrongType, "%s: expected a mapping (or a string of JSON), got %s", lastKey(p), describe(e.v))
			d.src.bad[p] = true
			return
		}
		var v any
		var err error
		if hasAlias(e.v) {
			err = errors.New("YAML aliases are not supported; write the keys out")
		} else if err = e.v.Decode(&v); err == nil {
			var b []byte
			if b, err = json.Marshal(v); err == nil {
				*dst = string(b)
				return
			}
		}
		d.report(d.pos(e.v), CodeWrongType, "%s: not a JSON object: %v", lastKey(p), err)
		d.src.bad[p] = true
	}
}

// hasAlias reports whether n or a node under it is an alias or a merge key.
func hasAlias(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!merge" {
		return true
	}
	return slices.ContainsFunc(n.Content, hasAlias)
}

// strList decodes a list of strings; null is an empty list.
func (d *decoder) strList(dst *[]string) func(entry, string) {
	return func(e entry, p string) {
		if isNull(e.v) {
			return
		}
		if e.v.Kind != yaml.SequenceNode {
			d.report(d.pos(e.v), CodeWrongType, "%s: expected a list of strings, got %s", lastKey(p), describe(e.v))
			d.src.bad[p] = true
			return
		}
		out := make([]string, 0, len(e.v.Content))
		for i, item := range e.v.Content {
			ip := fmt.Sprintf("%s[%d]", p, i)
			d.src.vals[ip] = d.pos(item)
			if d.alias(item, ip) || !d.scalar(item, ip, "a string", "!!str") {
				continue
			}
			out = append(out, item.Value)
		}
		*dst = out
	}
}

// keyed decodes a mapping from names to values, in file order: each entry's
// key node gives the position of the item it becomes.
func (d *decoder) keyed(n *yaml.Node, p string, each func(e entry, at Pos, ip string)) {
	entries, ok := d.mapping(n, p)
	if !ok {
		return
	}
	for _, e := range entries {
		ip := join(p, e.key)
		d.src.vals[ip] = d.pos(e.k)
		if d.alias(e.v, ip) {
			continue
		}
		each(e, d.pos(e.k), ip)
	}
}
