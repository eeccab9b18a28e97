package oauth

import (
	"context"
	"strings"

	"github.com/oauthgen/oauthgen/runtime"
)

// AuthorizeCode is the procedure of the flow oauth-authorize-authorization-code.
// This file is yours: oauthgen wrote it once and will not touch it again.
//
// The quickstart attaches typed data to the code (CodeData, declared as
// code_data in oauthgen.yaml); it reappears, typed, as c.CodeData in the
// authorization_code token procedure.
type AuthorizeCode struct{ *Procedures }

var _ AuthorizeCodeProcedure = (*AuthorizeCode)(nil)

// Authorize issues the code of a response_type=code request.
//
// ui_locales is the end user's preferred languages, most preferred first
// (OIDC Core §3.1.2.1), and it is whatever the request said: the first
// value that is a well-formed language tag becomes the locale carried on
// the code (and the token's locale claim); ill-formed values are dropped,
// and when none is left there is no locale. ui_locales is optional, so a
// bad one never fails the request.
func (p *AuthorizeCode) Authorize(ctx context.Context, c *AuthorizeCodeContext) (*runtime.AuthorizeResponse, error) {
	c.CodeData.Locale = preferredLocale(c.UILocales)
	return c.Default(ctx)
}

// Bounds on ui_locales: the values looked at, and the longest tag taken
// (35 characters hold any tag without extensions or private-use
// subtags; RFC 5646 §4.4.1).
const (
	maxUILocales   = 8
	maxLanguageTag = 35
)

// preferredLocale returns the first well-formed language tag among the
// first maxUILocales values, or "".
func preferredLocale(values []string) string {
	for i, v := range values {
		if i == maxUILocales {
			break
		}
		if isLanguageTag(v) {
			return v
		}
	}
	return ""
}

// isLanguageTag checks that tag has the shape of an RFC 5646 §2.1 (BCP 47)
// language tag: at most maxLanguageTag characters; subtags of 1 to 8 ASCII
// letters or digits joined by single hyphens; the first a language of 2
// to 8 letters; a one-character subtag (an extension or private-use
// singleton) followed by another subtag. Private-use-only ("x-…") and
// grandfathered ("i-…") tags are refused.
func isLanguageTag(tag string) bool {
	if tag == "" || len(tag) > maxLanguageTag {
		return false
	}
	subtags := strings.Split(tag, "-")
	for i, sub := range subtags {
		if len(sub) < 1 || len(sub) > 8 {
			return false
		}
		for j := 0; j < len(sub); j++ {
			c := sub[j]
			letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
			if !letter && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
		if i == 0 && len(sub) < 2 {
			return false
		}
		if len(sub) == 1 && i == len(subtags)-1 {
			return false
		}
	}
	return true
}
