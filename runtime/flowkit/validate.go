package flowkit

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"github.com/oauthgen/oauthgen/runtime/internal/pkce"
	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/go-playground/validator/v10"
)

// validate is the one validator of the process. It is
// package-level state, but immutable after initialisation: every tag and the
// tag-name function are registered here, once, before any use, and nothing
// registers later. validator documents *Validate as safe for concurrent use
// and designed as a singleton (it caches per-type struct metadata), so one
// shared instance is both correct and the intended use.
var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// Errors name the wire parameter, not the Go field.
	v.RegisterTagNameFunc(wireName)
	for tag, fn := range map[string]validator.Func{
		"scope":         validateScopeTag,
		"pkce_verifier": validateVerifierTag,
		"redirect_uri":  validateRedirectURITag,
	} {
		if err := v.RegisterValidation(tag, fn); err != nil {
			panic(fmt.Sprintf("runtime: register validation %q: %v", tag, err)) // programming error
		}
	}
	return v
}

// wireName is the name of a field on the wire: its form tag, else its query
// tag (authorization request parameters), else its header tag, else "" (the
// Go name).
func wireName(f reflect.StructField) string {
	for _, key := range [...]string{"form", "query", "header"} {
		if tag := f.Tag.Get(key); tag != "" {
			name, _, _ := strings.Cut(tag, ",")
			if name != "" && name != "-" {
				return name
			}
		}
	}
	return ""
}

// Validate runs the validate struct tags of a generated context. A failed rule
// is an invalid_request error naming the parameter:
// "parameter 'code' is missing" for required, "parameter 'tenant' is invalid:
// must satisfy alphanum" otherwise. Single quotes are used because RFC 6749
// §5.2 does not allow '"' in error_description.
func Validate(v any) error {
	err := validate.Struct(v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) || len(verrs) == 0 {
		// A nil or non-struct argument: a bug in generated code.
		return oauth.AsError(fmt.Errorf("validate %T: %w", v, err))
	}
	fe := verrs[0]
	name := oauth.SafeText(fe.Field())
	if fe.Tag() == "required" {
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter '"+name+"' is missing").WithCause(err)
	}
	rule := fe.Tag()
	if fe.Param() != "" {
		rule += "=" + fe.Param()
	}
	return oauth.NewError(oauth.ErrInvalidRequest, "parameter '"+name+"' is invalid: must satisfy "+oauth.SafeText(rule)).WithCause(err)
}

// InvalidParameter returns the invalid_request error of a parameter whose
// value could not be parsed; err is kept as the cause (logged, never sent,
// since it may quote the value).
func InvalidParameter(name string, err error) *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidRequest, "parameter '"+oauth.SafeText(name)+"' is invalid").WithCause(err)
}

// ParseURLParam parses the value of a url-typed parameter: it must be an
// absolute URI (RFC 3986 §4.3) without a fragment.
func ParseURLParam(name, v string) (*url.URL, error) {
	u, err := url.Parse(v)
	if err != nil {
		return nil, InvalidParameter(name, err)
	}
	if !u.IsAbs() || u.Fragment != "" || strings.Contains(v, "#") {
		return nil, InvalidParameter(name, errors.New("not an absolute URI without fragment"))
	}
	return u, nil
}

// validateScopeTag implements the "scope" tag: RFC 6749 §3.3 scope syntax, on
// a string (space-delimited) or a []string (one token each).
func validateScopeTag(fl validator.FieldLevel) bool {
	f := fl.Field()
	switch f.Kind() {
	case reflect.String:
		_, ok := oauth.ParseScope(f.String())
		return ok
	case reflect.Slice:
		if f.Type().Elem().Kind() != reflect.String {
			return false
		}
		for i := 0; i < f.Len(); i++ {
			tok := f.Index(i).String()
			if tok == "" || !oauth.ValidScopeToken(tok) {
				return false
			}
		}
		return true
	default:
		return false
	}
}

// validateVerifierTag implements the "pkce_verifier" tag (RFC 7636 §4.1).
func validateVerifierTag(fl validator.FieldLevel) bool {
	f := fl.Field()
	return f.Kind() == reflect.String && pkce.ValidVerifier(f.String())
}

// validateRedirectURITag implements the "redirect_uri" tag: an absolute URI
// without a fragment (RFC 6749 §3.1.2).
func validateRedirectURITag(fl validator.FieldLevel) bool {
	f := fl.Field()
	if f.Kind() != reflect.String {
		return false
	}
	s := f.String()
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && !strings.Contains(s, "#")
}
