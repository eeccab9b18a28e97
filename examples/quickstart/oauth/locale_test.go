package oauth

import (
	"context"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
)

// TestAuthorizeCodeLocale: the authorize procedure carries the first
// well-formed language tag of ui_locales (OIDC Core §3.1.2.1; RFC 5646
// §2.1) on the code, and drops what is not one: markup, separators, empty
// or over-long subtags, over-long tags, and values past the eighth. A
// ui_locales with no tag carries no locale; the request is not refused for
// it.
func TestAuthorizeCodeLocale(t *testing.T) {
	for _, tt := range []struct {
		uiLocales []string
		want      string
	}{
		{nil, ""},
		{[]string{"fr-CA", "en"}, "fr-CA"},
		{[]string{"en"}, "en"},
		{[]string{"zh-Hant-TW"}, "zh-Hant-TW"},
		{[]string{"sr-Latn-RS", "de"}, "sr-Latn-RS"},
		{[]string{"es-419"}, "es-419"},
		{[]string{"de-CH-1996"}, "de-CH-1996"},
		{[]string{"en-US-x-twain"}, "en-US-x-twain"},
		{[]string{"<script>alert(1)</script>", "de"}, "de"},
		{[]string{`fr"`, "fr"}, "fr"},
		{[]string{"en_US", "en-GB"}, "en-GB"},
		{[]string{"en-", "-en", "en--US", "pt"}, "pt"},
		{[]string{"e", "x-klingon", "i-klingon", "1en", "it"}, "it"},
		{[]string{"en-x", "en-US-u", "nl"}, "nl"},
		{[]string{"en-abcdefghi", "abcdefghi", "sv"}, "sv"},
		{[]string{"fr\u00e9", "fr-CA\x00", "fr-CA\n", "fi"}, "fi"},
		{[]string{"en-" + strings.Repeat("abcdefgh-", 4) + "a1", "da"}, "da"},
		{[]string{"aa", "bb", "cc", "dd", "ee", "ff", "gg", "hh"}, "aa"},
		{[]string{"!", "!", "!", "!", "!", "!", "!", "!", "ja"}, ""},
		{[]string{"!!", "?"}, ""},
		{[]string{strings.Repeat("a", 8) + "-" + strings.Repeat("b", 8) + "-" + strings.Repeat("c", 8) + "-" + strings.Repeat("d", 8)}, "aaaaaaaa-bbbbbbbb-cccccccc-dddddddd"},
	} {
		c := &AuthorizeCodeContext{AuthorizeContext: &runtime.AuthorizeContext{UILocales: tt.uiLocales}}
		// The context is bound to no request, so Default (the code's
		// issuance) fails after the procedure has set the code's data.
		_, _ = (&AuthorizeCode{Procedures: procs}).Authorize(context.Background(), c)
		if c.CodeData.Locale != tt.want {
			t.Errorf("ui_locales %q: locale %q, want %q", tt.uiLocales, c.CodeData.Locale, tt.want)
		}
	}
}
