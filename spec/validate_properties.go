package spec

import (
	"fmt"
	"net/http"
	"net/url"
	goruntime "runtime"
	"slices"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
)

// reservedHeaders are request headers the runtime handles and that carry
// credentials or framing; a team property must not read them.
func reservedHeaders() []string {
	return []string{"Authorization", "Dpop", "Cookie", "Content-Type", "Content-Length", "Host", "Transfer-Encoding"}
}

// secretValue stands in for runtime.Secret when a validate rule is tried:
// the validator only looks at the kind.
type secretValue string

// zeroValue returns the zero value of a property type, as the generated
// field would hold it.
func zeroValue(typ string) (any, bool) {
	switch typ {
	case "string":
		return "", true
	case "int":
		return 0, true
	case "int64":
		return int64(0), true
	case "bool":
		return false, true
	case "float64":
		return 0.0, true
	case "duration":
		return time.Duration(0), true
	case "Secret":
		return secretValue(""), true
	case "[]string":
		return []string{}, true
	case "url":
		return (*url.URL)(nil), true
	}
	return nil, false
}

// goField is a Go field name taken, and by what.
type goField struct {
	name, by string
}

// properties checks the team properties of one flow or extension grant at
// path p; cf is the catalogue flow, nil for an extension grant or an unknown
// flow.
func (v *validation) properties(props []Property, p, owner string, cf *CatalogueFlow) {
	ep := v.endpointOf(cf)
	if len(props) > 0 && len(ep.PropertySources) == 0 && !v.failed(p) {
		v.report(v.at(p, props[0].Pos), CodeProperty, "%s takes no team properties: the runtime reads its whole request", owner)
		return
	}
	// The Go names of the base context are the generator's to check; here
	// the names of the flow's own properties, which its context documents.
	var taken []goField
	if cf != nil && (cf.IssuesCode || cf.Policy.Credential == "code") {
		taken = append(taken, goField{"CodeData", "the context's code data"})
	}
	reservedParams := slices.Clone(ep.Parameters)
	var reservedHdrs []string
	if cf != nil {
		for _, cp := range cf.Properties {
			if cp.Field != "" {
				taken = append(taken, goField{cp.Field, "the catalogue context of " + cf.ID})
			}
			switch cp.Source {
			case "form", "query":
				reservedParams = append(reservedParams, cp.Name)
			case "header":
				reservedHdrs = append(reservedHdrs, http.CanonicalHeaderKey(cp.Name))
			}
		}
	}
	params := map[string]string{}
	for _, pr := range props {
		pp := join(p, pr.Name)
		if why := checkGoName(pr.Name); why != "" {
			v.report(pr.Pos, CodeGoName, "property name %q %s", pr.Name, why)
		} else {
			name := GoName(pr.Name)
			if i := slices.IndexFunc(taken, func(t goField) bool { return strings.EqualFold(t.name, name) }); i >= 0 {
				v.report(pr.Pos, CodeGoNameClash, "property %q gives the Go field %s, which clashes with %s of %s", pr.Name, name, taken[i].name, taken[i].by)
			}
			taken = append(taken, goField{name, fmt.Sprintf("property %q%s", pr.Name, lineRef(pr.Pos))})
		}
		typeOK := v.propertyType(pr, pp)
		v.propertySource(pr, pp, ep.PropertySources)
		v.propertyParam(pr, pp, owner, reservedParams, reservedHdrs, params)
		v.propertyRule(pr, pp, typeOK)
		if dp := join(pp, "description"); !v.failed(dp) {
			if why := checkCommentText(pr.Description); why != "" {
				v.report(v.at(dp, pr.Pos), CodeCommentText, "description of property %q %s", pr.Name, why)
			}
		}
	}
}

func (v *validation) propertyType(pr Property, pp string) bool {
	tp := join(pp, "type")
	if v.failed(tp) {
		return false
	}
	if _, ok := PropertyTypes[pr.Type]; ok {
		return true
	}
	types := make([]string, 0, len(PropertyTypes))
	for t := range PropertyTypes {
		types = append(types, t)
	}
	slices.Sort(types)
	v.report(v.at(tp, pr.Pos), CodeProperty, "property %q: unknown type %q%s; the types are %s",
		pr.Name, pr.Type, didYouMean(pr.Type, types), strings.Join(types, ", "))
	return false
}

// propertySource checks a property's source against the sources its
// endpoint allows.
func (v *validation) propertySource(pr Property, pp string, allowed []string) {
	sp := join(pp, "source")
	if v.failed(sp) || slices.Contains(allowed, pr.Source) {
		return
	}
	why := "must be " + orList(allowed)
	switch {
	case slices.Contains(PropertySources(), pr.Source):
		why += " at this endpoint"
	case slices.Contains(CatalogueSources(), pr.Source):
		why += ": team properties are read from the request, other sources are the runtime's"
	}
	v.report(v.at(sp, pr.Pos), CodeProperty, "property %q: source %q %s", pr.Name, pr.Source, why)
}

// orList joins words as "a", "a or b", "a, b or c".
func orList(words []string) string {
	switch len(words) {
	case 0:
		return "nothing"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// propertyParam checks the form parameter or header a property reads;
// params maps each one read so far to its property.
func (v *validation) propertyParam(pr Property, pp, owner string, reservedParams, reservedHdrs []string, params map[string]string) {
	ppar := join(pp, "param")
	if v.failed(ppar) || v.failed(join(pp, "source")) {
		return
	}
	param := pr.Param
	if param == "" {
		if v.given(ppar) {
			v.report(v.at(ppar, pr.Pos), CodePropertyParam, "property %q: param must not be empty; leave it out to use the property name", pr.Name)
			return
		}
		param = pr.Name
	}
	pos := v.at(ppar, pr.Pos)
	var key string
	switch pr.Source {
	case "form", "query":
		if why := checkFormParam(param); why != "" {
			v.report(pos, CodePropertyParam, "property %q: param %q %s", pr.Name, param, why)
			return
		}
		if slices.Contains(reservedParams, param) {
			v.report(pos, CodePropertyParam, "property %q: %q is a standard parameter of %s, read by the runtime", pr.Name, param, owner)
			return
		}
		key = pr.Source + " parameter " + param
	case "header":
		if why := checkHeaderName(param); why != "" {
			v.report(pos, CodePropertyParam, "property %q: header %q %s", pr.Name, param, why)
			return
		}
		canon := http.CanonicalHeaderKey(param)
		if slices.Contains(reservedHdrs, canon) || slices.Contains(reservedHeaders(), canon) {
			v.report(pos, CodePropertyParam, "property %q: header %q is read by the runtime", pr.Name, param)
			return
		}
		key = "header " + canon
	default:
		return
	}
	if other, dup := params[key]; dup {
		v.report(pos, CodePropertyParam, "property %q reads the %s, as property %q does", pr.Name, key, other)
		return
	}
	params[key] = pr.Name
}

// propertyRule checks a validate rule: its characters, then that each tag
// applies to the property's type (ruleTags), then the validator itself, by running the rule on the zero value of the property's type. An
// unknown tag or a malformed parameter makes the validator panic; the panic
// becomes the diagnostic.
func (v *validation) propertyRule(pr Property, pp string, typeOK bool) {
	rp := join(pp, "validate")
	if v.failed(rp) {
		return
	}
	pos := v.at(rp, pr.Pos)
	if pr.Validate == "" {
		if v.given(rp) {
			v.report(pos, CodeProperty, "property %q: validate must not be empty; leave it out instead", pr.Name)
		}
		return
	}
	if why := checkValidateChars(pr.Validate); why != "" {
		v.report(pos, CodeProperty, "property %q: validate rule %s", pr.Name, why)
		return
	}
	if !typeOK {
		return
	}
	if why := ruleKindProblem(pr.Type, pr.Validate); why != "" {
		v.report(pos, CodeRuleKind, "property %q: validate rule %q: %s", pr.Name, pr.Validate, why)
		return
	}
	zero, _ := zeroValue(pr.Type)
	if v.rules == nil {
		v.rules = newRuleValidator()
	}
	if why := tryRule(v.rules, zero, pr.Validate); why != "" {
		v.report(pos, CodeProperty, "property %q: validate rule %q does not work on type %s: %s", pr.Name, pr.Validate, pr.Type, why)
	}
}

// RuntimeValidationTags are the custom validate tags the runtime registers
// (runtime/validate.go); a team property's rule may use them.
func RuntimeValidationTags() []string { return []string{"scope", "pkce_verifier", "redirect_uri"} }

// newRuleValidator returns a validator that knows the tags generated code's
// validator knows. The runtime's own tags are registered as always true:
// only whether a rule parses matters here.
func newRuleValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	for _, tag := range RuntimeValidationTags() {
		// RegisterValidation fails only for an empty tag or a nil function.
		_ = v.RegisterValidation(tag, func(validator.FieldLevel) bool { return true })
	}
	return v
}

// tryRule runs the rule and returns the validator's panic, if any. A Go
// runtime error inside the validator is its own bug, not the rule's, and is
// not reported.
func tryRule(val *validator.Validate, zero any, rule string) (why string) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if _, internal := r.(goruntime.Error); internal {
			why = ""
			return
		}
		why = strings.TrimSuffix(fmt.Sprint(r), " on field ''")
	}()
	_ = val.Var(zero, rule)
	return ""
}

// codeData checks the code_data of a flow: only a flow that attaches data to
// the codes it issues may declare it; each field's name gives a Go field
// and a JSON member, and its type must survive a JSON round trip.
func (v *validation) codeData(f Flow, cf *CatalogueFlow) {
	if len(f.CodeData) == 0 {
		return
	}
	p := join(join("flows", f.ID), "code_data")
	if cf != nil && !cf.IssuesCode {
		v.report(v.at(p, f.Pos), CodeCodeData, "flow %q issues no authorization code, so it has no code_data; declare it on the flow that does%s", f.ID, v.codeDataFlows())
		return
	}
	var taken []goField
	for _, df := range f.CodeData {
		fp := join(p, df.Name)
		if why := checkGoName(df.Name); why != "" {
			v.report(df.Pos, CodeGoName, "code_data name %q %s", df.Name, why)
		} else {
			name := GoName(df.Name)
			if i := slices.IndexFunc(taken, func(t goField) bool { return strings.EqualFold(t.name, name) }); i >= 0 {
				v.report(df.Pos, CodeGoNameClash, "code_data %q gives the Go field %s, which clashes with %s", df.Name, name, taken[i].by)
			}
			taken = append(taken, goField{name, fmt.Sprintf("code_data %q%s", df.Name, lineRef(df.Pos))})
		}
		if tp := join(fp, "type"); !v.failed(tp) && !slices.Contains(DataTypes(), df.Type) {
			why := "the types are " + strings.Join(DataTypes(), ", ")
			if _, ok := PropertyTypes[df.Type]; ok {
				why = "it does not survive the JSON encoding the code stores; " + why
			}
			v.report(v.at(tp, df.Pos), CodeCodeData, "code_data %q: type %q cannot be carried on a code%s; %s", df.Name, df.Type, didYouMean(df.Type, DataTypes()), why)
		}
		if dp := join(fp, "description"); !v.failed(dp) {
			if why := checkCommentText(df.Description); why != "" {
				v.report(v.at(dp, df.Pos), CodeCommentText, "description of code_data %q %s", df.Name, why)
			}
		}
	}
}

// codeDataFlows names the catalogue flows that may declare code_data, for
// messages.
func (v *validation) codeDataFlows() string {
	var ids []string
	for _, cf := range v.c.Flows {
		if cf.IssuesCode {
			ids = append(ids, cf.ID)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return " (" + orList(ids) + ")"
}
