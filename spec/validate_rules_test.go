package spec

import (
	"errors"
	"slices"
	"testing"
)

// TestRuleKinds: each validate tag is accepted on the property types it
// applies to and refused, at the rule's position, on the others.
func TestRuleKinds(t *testing.T) {
	const head = "version: 1\npackage: oauth\noutput: ./oauth\nissuer: https://as.example.com\n" +
		"endpoints:\n  token:\n    auth_methods: [client_secret_basic]\n" +
		"flows:\n  oauth-token-client-credentials:\n    properties:\n"
	for _, c := range []struct {
		typ, rule string
		want      string // the diagnostic at x.yaml:11:40, "" for none
	}{
		{"string", "omitempty,alphanum,max=32", ""},
		{"Secret", "required,min=16,printascii", ""},
		{"int", "omitempty,min=1,max=1000", ""},
		{"int64", "oneof=1 2 3", ""},
		{"float64", "omitempty,gt=0,lte=1", ""},
		{"duration", "omitempty,max=1h", ""},
		{"bool", "required", ""},
		{"bool", "eq=true", ""},
		{"[]string", "omitempty,max=5,dive,alphanum", ""},
		{"[]string", "unique,dive,oneof=a b", ""},
		{"[]string", "scope", ""},
		{"url", "required", ""},
		{"string", "uuid|email", ""},
		{"string", "required_with=Tenant", ""}, // not in the table: left to the validator
		{"int", "alphanum", `OG154 property "p": validate rule "alphanum": tag "alphanum" does not apply to type int; it applies to string or Secret`},
		{"int", "omitempty,min=1,email", `OG154 property "p": validate rule "omitempty,min=1,email": tag "email" does not apply to type int; it applies to string or Secret`},
		{"int64", "uuid", `OG154 property "p": validate rule "uuid": tag "uuid" does not apply to type int64; it applies to string or Secret`},
		{"float64", "oneof=1 2", `OG154 property "p": validate rule "oneof=1 2": tag "oneof" does not apply to type float64; it applies to string, Secret, int or int64`},
		{"duration", "oneof=1 2", `OG154 property "p": validate rule "oneof=1 2": tag "oneof" does not apply to type duration; it applies to string, Secret, int or int64`},
		{"bool", "min=1", `OG154 property "p": validate rule "min=1": tag "min" does not apply to type bool; it applies to string, Secret, int, int64, float64, duration or []string`},
		{"string", "dive,alpha", `OG154 property "p": validate rule "dive,alpha": tag "dive" does not apply to type string; it applies to []string`},
		{"[]string", "alphanum", `OG154 property "p": validate rule "alphanum": tag "alphanum" does not apply to type []string; it applies to string or Secret`},
		{"[]string", "dive,unique", `OG154 property "p": validate rule "dive,unique": tag "unique" does not apply to the elements of []string; it applies to []string`},
		{"url", "url", `OG154 property "p": validate rule "url": tag "url" does not apply to type url; it applies to string or Secret`},
		{"url", "omitempty,dive", `OG154 property "p": validate rule "omitempty,dive": tag "dive" does not apply to type url; it applies to []string`},
		{"string", "uuid|gt=0|boolean", ""},
		{"int", "uuid|gt=0", `OG154 property "p": validate rule "uuid|gt=0": tag "uuid" does not apply to type int; it applies to string or Secret`},
		{"string", "pkce_verifier", ""},
		{"int", "redirect_uri", `OG154 property "p": validate rule "redirect_uri": tag "redirect_uri" does not apply to type int; it applies to string or Secret`},
		{"string", "alphanumx", `OG150 property "p": validate rule "alphanumx" does not work on type string: Undefined validation function 'alphanumx'`},
	} {
		t.Run(c.typ+" "+c.rule, func(t *testing.T) {
			src := head + "      p: {type: '" + c.typ + "', source: form,\n          validate: '" + c.rule + "'}\n"
			s, err := Parse("x.yaml", []byte(src))
			if err != nil {
				t.Fatalf("Parse:\n%v", err)
			}
			err = Validate(s, builtin(t))
			if c.want == "" {
				if err != nil {
					t.Fatalf("Validate:\n%v", err)
				}
				return
			}
			var ds Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("Validate = %v, want Diagnostics", err)
			}
			if want := "x.yaml:12:21: " + c.want; err.Error() != want {
				t.Errorf("Validate =\n%v\nwant\n%s", err, want)
			}
		})
	}
}

// TestRuleTagsApply: every tag of the table runs, without the validator
// refusing it, on each property type the table says it applies to.
func TestRuleTagsApply(t *testing.T) {
	val := newRuleValidator()
	types := []string{"string", "Secret", "int", "int64", "float64", "duration", "bool", "[]string", "url"}
	for tag, kinds := range ruleTags {
		rule := tag
		switch tag {
		case "dive":
			rule = "dive,required"
		case "len", "min", "max", "gt", "gte", "lt", "lte", "eq", "ne", "oneof", "oneofci", "eq_ignore_case", "ne_ignore_case",
			"contains", "containsany", "containsrune", "excludes", "excludesall", "excludesrune",
			"startswith", "endswith", "startsnotwith", "endsnotwith", "datetime":
			rule = tag + "=1"
		}
		for _, typ := range types {
			if k, _ := kindOf(typ); !slices.Contains(kinds, k) {
				continue
			}
			zero, _ := zeroValue(typ)
			if why := tryRule(val, zero, rule); why != "" {
				t.Errorf("rule %q on type %s: %s", rule, typ, why)
			}
		}
	}
}
