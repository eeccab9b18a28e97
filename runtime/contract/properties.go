package contract

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
)

// probes are the values tried against a property's validate rule, by Go
// type: the first one the rule refuses is sent to check that the server
// refuses it too; the first non-empty one it accepts is what a request
// that must succeed sends for a required property.
var probes = map[string][]string{
	"string":   {"", "contract", "contractvalue0123456789", "!!", "a b", "-1", "ÿ", strings.Repeat("a", 300)},
	"Secret":   {"", "contract", "contractvalue0123456789", "!!", "a b", strings.Repeat("a", 300)},
	"int":      {"", "1", "0", "-1", "100000000"},
	"int64":    {"", "1", "0", "-1", "100000000000"},
	"float64":  {"", "0.5", "1.5", "-1", "100000"},
	"duration": {"", "1m", "-1s", "1000h"},
	"bool":     {"", "true", "false"},
	"[]string": {"", "contract", "!! ??", "a b c d e f g h i j k l"},
	"url":      {"", "https://contract.example.test/x"},
}

// unparsable is a value no parser of a typed property accepts.
var unparsable = map[string]string{
	"int":      "not-a-number",
	"int64":    "not-a-number",
	"float64":  "not-a-number",
	"duration": "not-a-duration",
	"bool":     "not-a-bool",
	"url":      "relative/path",
}

// typed is the value of probe as the generated context holds it, for the
// validator; ok is false when it does not parse.
func typed(typ, probe string) (any, bool) {
	switch typ {
	case "string", "Secret":
		return probe, true
	case "int", "int64":
		if probe == "" {
			return int64(0), true
		}
		n, err := strconv.ParseInt(probe, 10, 64)
		return n, err == nil
	case "float64":
		if probe == "" {
			return 0.0, true
		}
		f, err := strconv.ParseFloat(probe, 64)
		return f, err == nil
	case "duration":
		if probe == "" {
			return time.Duration(0), true
		}
		d, err := time.ParseDuration(probe)
		return d, err == nil
	case "bool":
		if probe == "" {
			return false, true
		}
		b, err := strconv.ParseBool(probe)
		return b, err == nil
	case "[]string":
		if probe == "" {
			return []string(nil), true
		}
		return strings.Fields(probe), true
	}
	return nil, false
}

// accepts reports whether the validate rule accepts the value; ok is false
// when the rule cannot be tried here (a tag of the runtime's own).
func accepts(v *validator.Validate, rule string, value any) (accepted, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false // the validator panics on a tag it does not know
		}
	}()
	return v.Var(value, rule) == nil, true
}

// validValue is a value of p for a request that must succeed: the
// Options' value, else a non-empty probe the rule accepts; "" when there
// is none.
func (h *harness) validValue(v *validator.Validate, p Property) string {
	if s, ok := h.suite.Options.Values[p.Name]; ok {
		return s
	}
	for _, probe := range probes[p.Type] {
		val, parsed := typed(p.Type, probe)
		if probe == "" || !parsed {
			continue
		}
		if ok, tried := accepts(v, p.Validate, val); ok || !tried {
			return probe
		}
	}
	return ""
}

// required reports whether the property's rule refuses it absent.
func required(v *validator.Validate, p Property) bool {
	if p.Validate == "" {
		return false
	}
	zero, _ := typed(p.Type, "")
	ok, tried := accepts(v, p.Validate, zero)
	return tried && !ok
}

// withValues adds to form a valid value of every required form (or query)
// property
// of the flow, so that the request is refused, if at all, for another
// reason.
func (h *harness) withValues(flow string, form url.Values) url.Values {
	v := validator.New(validator.WithRequiredStructEnabled())
	for _, p := range h.suite.Properties {
		if p.Flow == flow && (p.Source == "form" || p.Source == "query") && form.Get(p.Name) == "" && required(v, p) {
			form.Set(p.Name, h.validValue(v, p))
		}
	}
	return form
}

// checkProperties: a custom property that is missing while required, does
// not parse as its type, or fails its validate rule is invalid_request
// naming the parameter, before the procedure runs: as JSON at the token
// endpoint (RFC 6749 §5.2) and the device authorization endpoint (RFC 8628
// §3.2), at the redirect URI at the authorization endpoint (RFC 6749
// §4.1.2.1).
func checkProperties(t *testing.T, h *harness) {
	v := validator.New(validator.WithRequiredStructEnabled())
	for _, reg := range h.suite.Flows.Token {
		base, ok := h.baseRequest(reg.ID, reg.Wire, reg.Grant.Credential)
		if !ok {
			continue
		}
		flow := reg.Wire // the grant type names a catalogue flow; an extension grant's URI is no test name
		if strings.Contains(flow, ":") {
			flow = reg.ID
		}
		for _, p := range h.suite.Properties {
			if p.Flow != reg.ID || (p.Source != "form" && p.Source != "header") {
				continue
			}
			t.Run(flow+"/"+p.Name, func(t *testing.T) {
				checkProperty(t, v, p, "RFC 6749 §5.2", func(value string) oauthError {
					form, header := cloneValues(base), []string(nil)
					switch {
					case p.Source == "header":
						form.Del(p.Name)
						if value != "" {
							header = []string{p.Name, value}
						}
					case value == "":
						form.Del(p.Name)
					default:
						form.Set(p.Name, value)
					}
					return wantError(t, "RFC 6749 §5.2", h.post(t, "oauth-token", form, as(h.other), header...), http.StatusBadRequest, "invalid_request")
				})
			})
		}
	}
	if reg := h.suite.Flows.DeviceAuthorization; reg != nil {
		for _, p := range h.suite.Properties {
			if p.Flow != reg.ID || p.Source != "form" {
				continue
			}
			t.Run("device_authorization/"+p.Name, func(t *testing.T) {
				checkProperty(t, v, p, "RFC 8628 §3.2", func(value string) oauthError {
					form := h.withValues(reg.ID, url.Values{"scope": {h.userScope().String()}})
					if value == "" {
						form.Del(p.Name)
					} else {
						form.Set(p.Name, value)
					}
					return wantError(t, "RFC 8628 §3.2", h.post(t, deviceEndpointID, form, as(h.other)), http.StatusBadRequest, "invalid_request")
				})
			})
		}
	}
	if reg := h.suite.Flows.Authorize; reg != nil && len(h.confidential) > 0 {
		for _, p := range h.suite.Properties {
			if p.Flow != reg.ID || p.Source != "query" {
				continue
			}
			t.Run("authorize/"+p.Name, func(t *testing.T) {
				checkProperty(t, v, p, "RFC 6749 §4.1.2.1", func(value string) oauthError {
					q := h.authorizeQuery(h.confidential[0], reg.ID)
					if value == "" {
						q.Del(p.Name)
					} else {
						q.Set(p.Name, value)
					}
					if h.parRequired() {
						return wantError(t, "RFC 9126 §2.1", h.post(t, "oauth-par", q, as(h.confidential[0])), http.StatusBadRequest, "invalid_request")
					}
					r := h.get(t, h.url("oauth-authorize")+"?"+q.Encode(), "")
					u, err := url.Parse(r.header.Get("Location"))
					if r.status/100 != 3 || err != nil || !strings.HasPrefix(u.String(), redirectURI) {
						t.Fatalf("RFC 6749 §4.1.2.1: %s with %s=%q answered %d %q, want a redirect to the client with error=invalid_request", r.req, p.Name, value, r.status, r.header.Get("Location"))
					}
					e := oauthError{Error: u.Query().Get("error"), Description: u.Query().Get("error_description")}
					if e.Error != "invalid_request" {
						t.Fatalf("RFC 6749 §4.1.2.1: %s with %s=%q redirected with error=%q (%s), want invalid_request", r.req, p.Name, value, e.Error, e.Description)
					}
					return e
				})
			})
		}
	}
}

// checkProperty sends the values of p that its type or rule refuses, with
// refusal, which fails the test unless the answer is invalid_request and
// returns the error; each must name the parameter.
func checkProperty(t *testing.T, v *validator.Validate, p Property, rfc string, refusal func(value string) oauthError) {
	t.Helper()
	named := func(why, value string) {
		t.Helper()
		if e := refusal(value); !strings.Contains(e.Description, p.Name) {
			t.Errorf("%s (%s): the error_description %q does not name the parameter %s", rfc, why, e.Description, p.Name)
		}
	}
	if required(v, p) {
		named("the required parameter "+p.Name+" is missing", "")
	}
	if bad, ok := unparsable[p.Type]; ok {
		named(p.Name+" is not a "+p.Type, bad)
	}
	if p.Validate == "" {
		return
	}
	for _, probe := range probes[p.Type] {
		val, parsed := typed(p.Type, probe)
		if probe == "" || !parsed {
			continue
		}
		if ok, tried := accepts(v, p.Validate, val); tried && !ok {
			named(p.Name+"="+strconv.Quote(probe)+" fails the rule "+p.Validate, probe)
			return
		}
	}
	t.Logf("no probe value fails the rule %q of %s: not sent", p.Validate, p.Name)
}

// baseRequest is a token request of the flow that passes every check
// before the flow's own properties are parsed: the grant type, the
// standard parameters of its credential (not redeemed: properties are
// checked first), valid values of the required properties.
func (h *harness) baseRequest(flow, wire string, cred flowkit.Credential) (url.Values, bool) {
	form := url.Values{"grant_type": {wire}}
	switch cred {
	case flowkit.ClientCredential, flowkit.ProcedureCredential:
		if p := plainScopes(h.allowed); len(p) > 0 {
			form.Set("scope", p[0]) // the client has no default scope
		}
	case flowkit.CodeCredential:
		form.Set("code", randomString())
		form.Set("redirect_uri", redirectURI)
		form.Set("code_verifier", randomString()+randomString()[:20])
	case flowkit.RefreshCredential:
		form.Set("refresh_token", randomString())
	case flowkit.DeviceCodeCredential:
		form.Set("device_code", randomString())
	case flowkit.AssertionCredential:
		form.Set("assertion", "e30.e30."+randomString())
		if p := plainScopes(h.allowed); len(p) > 0 {
			form.Set("scope", p[0])
		}
	case flowkit.PasswordCredential:
		form.Set("username", "contract-nobody")
		form.Set("password", randomString())
		if p := plainScopes(h.allowed); len(p) > 0 {
			form.Set("scope", p[0])
		}
	default:
		return nil, false
	}
	return h.withValues(flow, form), true
}
