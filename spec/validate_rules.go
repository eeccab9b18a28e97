package spec

import (
	"fmt"
	"slices"
	"strings"
)

// ruleKind is what a validate tag sees of a property's value: the
// reflect kind the validator dispatches on, with time.Duration apart
// (min=1s parses its parameter as a duration only for it).
type ruleKind string

const (
	kindString   ruleKind = "string"   // string, Secret
	kindInt      ruleKind = "integer"  // int, int64
	kindFloat    ruleKind = "float"    // float64
	kindDuration ruleKind = "duration" // time.Duration
	kindBool     ruleKind = "bool"     // bool
	kindSlice    ruleKind = "slice"    // []string
	kindPointer  ruleKind = "pointer"  // *url.URL
)

// kindOf returns the kind of a property type (one of PropertyTypes) and, for
// a slice, the kind of its elements, which the tags after dive see.
func kindOf(typ string) (k, elem ruleKind) {
	switch typ {
	case "string", "Secret":
		return kindString, ""
	case "int", "int64":
		return kindInt, ""
	case "float64":
		return kindFloat, ""
	case "duration":
		return kindDuration, ""
	case "bool":
		return kindBool, ""
	case "[]string":
		return kindSlice, kindString
	case "url":
		return kindPointer, ""
	}
	return "", ""
}

// Kind sets of ruleTags.
var (
	anyKind   = []ruleKind{kindString, kindInt, kindFloat, kindDuration, kindBool, kindSlice, kindPointer}
	strings1  = []ruleKind{kindString}
	sized     = []ruleKind{kindString, kindInt, kindFloat, kindDuration, kindSlice} // length of a string or slice, value of a number
	comparing = []ruleKind{kindString, kindInt, kindFloat, kindDuration, kindBool, kindSlice}
	numeric   = []ruleKind{kindString, kindInt, kindFloat}
)

// ruleTags maps each validator/v10 tag a property's rule may use to the
// kinds it applies to. A tag applied to another kind either panics in the
// validator or, worse, checks the text the validator prints for the value
// ("<int Value>" for alphanum on an int), so it is refused. Tags missing
// here are left to the validator (propertyRule runs the rule), which
// refuses the ones it does not know.
var ruleTags = map[string][]ruleKind{
	// Presence: every kind.
	"required": anyKind, "omitempty": anyKind, "isdefault": anyKind,

	// Size and order: a string's or slice's length, a number's value
	// (a duration's, for time.Duration, with a duration parameter).
	"len": sized, "min": sized, "max": sized,
	"gt": sized, "gte": sized, "lt": sized, "lte": sized,
	"eq": comparing, "ne": comparing,
	"eq_ignore_case": strings1, "ne_ignore_case": strings1,
	// oneof compares strings and integers only: on a float or a slice the
	// validator panics, and on a duration it would compare nanoseconds.
	"oneof":   {kindString, kindInt},
	"oneofci": strings1,

	// Slices.
	"dive":   {kindSlice},
	"unique": {kindSlice},

	// Numbers or numeric text.
	"numeric": numeric,
	"number":  strings1,
	"boolean": {kindString, kindBool},

	// Strings.
	"alpha": strings1, "alphanum": strings1, "alphaunicode": strings1, "alphanumunicode": strings1,
	"ascii": strings1, "printascii": strings1, "multibyte": strings1,
	"lowercase": strings1, "uppercase": strings1,
	"contains": strings1, "containsany": strings1, "containsrune": strings1,
	"excludes": strings1, "excludesall": strings1, "excludesrune": strings1,
	"startswith": strings1, "endswith": strings1, "startsnotwith": strings1, "endsnotwith": strings1,
	"email": strings1, "url": strings1, "http_url": strings1, "https_url": strings1, "uri": strings1, "urn_rfc2141": strings1, "url_encoded": strings1,
	"hostname": strings1, "hostname_rfc1123": strings1, "hostname_port": strings1, "fqdn": strings1,
	"ip": strings1, "ipv4": strings1, "ipv6": strings1, "cidr": strings1, "cidrv4": strings1, "cidrv6": strings1, "mac": strings1,
	"uuid": strings1, "uuid3": strings1, "uuid4": strings1, "uuid5": strings1,
	"uuid_rfc4122": strings1, "uuid3_rfc4122": strings1, "uuid4_rfc4122": strings1, "uuid5_rfc4122": strings1,
	"ulid": strings1, "hexadecimal": strings1, "hexcolor": strings1,
	"base64": strings1, "base64url": strings1, "base64rawurl": strings1,
	"jwt": strings1, "json": strings1, "semver": strings1, "e164": strings1,
	"datetime": strings1, "timezone": strings1,
	"bcp47_language_tag": strings1, "iso3166_1_alpha2": strings1, "iso3166_1_alpha3": strings1,

	// The runtime's own tags (RuntimeValidationTags): scope takes a
	// space-separated string or a list of scope tokens.
	"scope":         {kindString, kindSlice},
	"pkce_verifier": strings1,
	"redirect_uri":  strings1,
}

// ruleKindProblem returns why some tag of the rule cannot apply to a value
// of the property type typ, or "" when each tag the table knows applies.
// Tags after dive apply to the elements; alternatives joined by "|" are each
// checked.
func ruleKindProblem(typ, rule string) string {
	k, elem := kindOf(typ)
	if k == "" {
		return ""
	}
	what := "type " + typ
	for _, part := range strings.Split(rule, ",") {
		for _, alt := range strings.Split(part, "|") {
			tag, _, _ := strings.Cut(alt, "=")
			kinds, known := ruleTags[tag]
			if !known || slices.Contains(kinds, k) {
				if tag == "dive" && k == kindSlice {
					k, what = elem, "the elements of "+typ
				}
				continue
			}
			return fmt.Sprintf("tag %q does not apply to %s; it applies to %s", tag, what, typeList(kinds))
		}
	}
	return ""
}

// typeList names the property types of some kinds for a message, in the
// order of the kinds: "string, Secret or []string".
func typeList(kinds []ruleKind) string {
	var names []string
	for _, k := range kinds {
		for _, t := range []string{"string", "Secret", "int", "int64", "float64", "duration", "bool", "[]string", "url"} {
			if tk, _ := kindOf(t); tk == k {
				names = append(names, t)
			}
		}
	}
	return orList(names)
}
