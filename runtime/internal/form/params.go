// Package form reads the parameters of a request: an
// application/x-www-form-urlencoded body within a size limit, or a query,
// parsed once, with the rules every endpoint shares (RFC 6749 §3.1, §3.2):
// an empty parameter is omitted, a repeated one is refused unless it may
// repeat, credentials never come from the URL.
package form

import (
	"net/url"
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Params are the parameters of one application/x-www-form-urlencoded body
// or query, parsed once by the endpoint. A parameter sent without a
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

// MultiValued reports whether a parameter may be repeated: resource
// (RFC 8707 §2) and audience (RFC 8693 §2.1).
func MultiValued(name string) bool { return name == "resource" || name == "audience" }

// Parse parses a form body. It returns an invalid_request error for a
// malformed body (bad percent-encoding, a ';' separator) and for a repeated
// parameter.
func Parse(body string) (Params, *oauth.Error) {
	p, e := Split(body)
	if e != nil {
		return Params{}, e
	}
	if name, dup := p.Repeated(); dup {
		return Params{}, oauth.NewError(oauth.ErrInvalidRequest, "parameter '"+oauth.SafeText(name)+"' is repeated")
	}
	return p, nil
}

// Split is Parse without the check for repeated parameters:
// the authorization endpoint must know the redirect URI before it can
// answer a repeated parameter (RFC 6749 §4.1.2.1).
func Split(body string) (Params, *oauth.Error) {
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
			return Params{}, oauth.NewError(oauth.ErrInvalidRequest, "malformed form body")
		}
		k, v, _ := strings.Cut(kv, "=")
		k, ok := unescapeForm(k)
		if !ok {
			return Params{}, oauth.NewError(oauth.ErrInvalidRequest, "malformed form body")
		}
		v, ok = unescapeForm(v)
		if !ok {
			return Params{}, oauth.NewError(oauth.ErrInvalidRequest, "malformed form body")
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

// Repeated returns the first single-valued parameter that occurs twice.
func (p Params) Repeated() (string, bool) {
	if len(p.pairs) <= maxLinearDupCheck {
		for i := 1; i < len(p.pairs); i++ {
			name := p.pairs[i].name
			if MultiValued(name) {
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
		if MultiValued(kv.name) {
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

// RepeatedNames lists the single-valued parameters sent more than once, in
// order of first appearance: the authorization endpoint must know the
// redirect URI before it can answer them (RFC 6749 §4.1.2.1).
func (p Params) RepeatedNames() []string {
	if _, dup := p.Repeated(); !dup {
		return nil
	}
	count := make(map[string]int, len(p.pairs)) // linear: no request makes this quadratic
	for _, kv := range p.pairs {
		count[kv.name]++
	}
	var out []string
	for _, kv := range p.pairs {
		if n := count[kv.name]; n > 1 && !MultiValued(kv.name) {
			out = append(out, kv.name)
			count[kv.name] = 0 // listed once
		}
	}
	return out
}

// Size is the number of bytes of the names and values.
func (p Params) Size() int {
	n := 0
	for _, kv := range p.pairs {
		n += len(kv.name) + len(kv.value)
	}
	return n
}

// Clone copies the parameters, which may be substrings of a larger request
// body, so that what keeps them keeps only what it needs.
func (p Params) Clone() Params {
	out := Params{pairs: make([]param, len(p.pairs))}
	for i, kv := range p.pairs {
		out.pairs[i] = param{strings.Clone(kv.name), strings.Clone(kv.value)}
	}
	return out
}

// Without returns the parameters but those named, in order.
func (p Params) Without(names ...string) Params {
	out := Params{pairs: make([]param, 0, len(p.pairs))}
	for _, kv := range p.pairs {
		if !slices.Contains(names, kv.name) {
			out.pairs = append(out.pairs, kv)
		}
	}
	return out
}

// With returns the parameters with name set to the one value, in the
// place of its first occurrence, or last.
func (p Params) With(name, value string) Params {
	out := Params{pairs: make([]param, 0, len(p.pairs)+1)}
	set := false
	for _, kv := range p.pairs {
		switch {
		case kv.name != name:
			out.pairs = append(out.pairs, kv)
		case !set:
			out.pairs = append(out.pairs, param{name, value})
			set = true
		}
	}
	if !set {
		out.pairs = append(out.pairs, param{name, value})
	}
	return out
}

// Encode writes the parameters as a form body, in order; Split reads it
// back to the same parameters.
func (p Params) Encode() string {
	var b strings.Builder
	for i, kv := range p.pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(kv.name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(kv.value))
	}
	return b.String()
}
