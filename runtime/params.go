package runtime

import (
	"net/url"
	"strings"
)

// Params are the parameters of one application/x-www-form-urlencoded body,
// parsed once by the endpoint (conventions R-04). A parameter sent without a
// value is treated as omitted (RFC 6749 §3.1, §3.2), and the parser refuses a
// parameter sent twice (RFC 6749 §3.2), except the multi-valued resource
// (RFC 8707 §2) and audience (RFC 8693 §2.1).
//
// The pairs are kept in a slice in body order: token requests carry a handful
// of parameters, so a linear scan beats building url.Values' map of slices,
// and values without escapes are substrings of the body (no copy).
type Params struct {
	pairs []param
}

type param struct {
	name, value string
}

// maxLinearDupCheck is the number of parameters up to which duplicates are
// found by comparing every pair; beyond it a map is used, so a body of many
// tiny parameters cannot make the check quadratic.
const maxLinearDupCheck = 16

// multiValued reports whether a parameter may be repeated (flows.md §2.1 rule 6).
func multiValued(name string) bool { return name == "resource" || name == "audience" }

// parseParams parses a form body. It returns an invalid_request error for a
// malformed body (bad percent-encoding, a ';' separator) and for a repeated
// parameter.
func parseParams(body string) (Params, *Error) {
	p, e := splitParams(body)
	if e != nil {
		return Params{}, e
	}
	if name, dup := p.repeated(); dup {
		return Params{}, NewError(ErrInvalidRequest, "parameter '"+sanitizeErrorText(name)+"' is repeated")
	}
	return p, nil
}

// splitParams is parseParams without the check for repeated parameters:
// the authorization endpoint must know the redirect URI before it can
// answer a repeated parameter (RFC 6749 §4.1.2.1).
func splitParams(body string) (Params, *Error) {
	if body == "" {
		return Params{}, nil
	}
	n := strings.Count(body, "&") + 1
	p := Params{pairs: make([]param, 0, n)}
	for body != "" {
		var kv string
		kv, body, _ = strings.Cut(body, "&")
		if kv == "" {
			continue
		}
		if strings.IndexByte(kv, ';') >= 0 {
			// Go's url.ParseQuery refuses ';' too: a proxy that splits on it
			// would see other parameters than we do.
			return Params{}, NewError(ErrInvalidRequest, "malformed form body")
		}
		k, v, _ := strings.Cut(kv, "=")
		k, ok := unescapeForm(k)
		if !ok {
			return Params{}, NewError(ErrInvalidRequest, "malformed form body")
		}
		v, ok = unescapeForm(v)
		if !ok {
			return Params{}, NewError(ErrInvalidRequest, "malformed form body")
		}
		if k == "" || v == "" {
			continue // RFC 6749 §3.1: an empty parameter is treated as omitted
		}
		p.pairs = append(p.pairs, param{k, v})
	}
	return p, nil
}

// unescapeForm decodes one form-urlencoded component, without allocating when
// there is nothing to decode.
func unescapeForm(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, true
	}
	u, err := url.QueryUnescape(s)
	return u, err == nil
}

// repeated returns the first single-valued parameter that occurs twice.
func (p Params) repeated() (string, bool) {
	if len(p.pairs) <= maxLinearDupCheck {
		for i := 1; i < len(p.pairs); i++ {
			name := p.pairs[i].name
			if multiValued(name) {
				continue
			}
			for j := 0; j < i; j++ {
				if p.pairs[j].name == name {
					return name, true
				}
			}
		}
		return "", false
	}
	seen := make(map[string]struct{}, len(p.pairs))
	for _, kv := range p.pairs {
		if multiValued(kv.name) {
			continue
		}
		if _, ok := seen[kv.name]; ok {
			return kv.name, true
		}
		seen[kv.name] = struct{}{}
	}
	return "", false
}

// Get returns the value of a parameter, or "" when it was omitted or empty.
// For a multi-valued parameter it returns the first value; use Values.
func (p Params) Get(name string) string {
	for _, kv := range p.pairs {
		if kv.name == name {
			return kv.value
		}
	}
	return ""
}

// Has reports whether the parameter was sent with a non-empty value.
func (p Params) Has(name string) bool {
	for _, kv := range p.pairs {
		if kv.name == name {
			return true
		}
	}
	return false
}

// Values returns every value of a parameter, in body order: the way to read
// the multi-valued resource and audience parameters.
func (p Params) Values(name string) []string {
	var out []string
	for _, kv := range p.pairs {
		if kv.name == name {
			out = append(out, kv.value)
		}
	}
	return out
}

// Len returns the number of non-empty parameters.
func (p Params) Len() int { return len(p.pairs) }
