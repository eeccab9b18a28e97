package spec

import "testing"

// check runs a table of (input, accepted) cases against a check function.
func check(t *testing.T, name string, fn func(string) string, cases map[string]bool) {
	t.Helper()
	for in, ok := range cases {
		why := fn(in)
		if ok && why != "" {
			t.Errorf("%s(%q) refused: %s", name, in, why)
		}
		if !ok && why == "" {
			t.Errorf("%s(%q) accepted; want refused", name, in)
		}
	}
}

func TestCheckIssuer(t *testing.T) {
	check(t, "checkIssuer", checkIssuer, map[string]bool{
		"https://as.example.com":          true,
		"https://as.example.com/":         true,
		"https://as.example.com/tenant":   true,
		"https://as.example.com:8443/a/b": true,
		"http://localhost":                true,
		"http://LOCALHOST:8080":           true,
		"http://127.0.0.1:8080":           true,
		"http://127.1.2.3/x":              true,
		"http://[::1]:9000":               true,
		// http only for loopback hosts (RFC 6749 §3.1, §3.2 require TLS).
		"http://example.com":             false,
		"http://10.0.0.1":                false,
		"http://128.0.0.1":               false,
		"http://localhost.example.com":   false,
		"http://[::2]":                   false,
		"":                               false,
		"as.example.com":                 false,
		"/tenant":                        false,
		"https:as.example.com":           false,
		"HTTPS://as.example.com":         false,
		"ftp://as.example.com":           false,
		"https://":                       false,
		"https://:443":                   false,
		"https://user:pw@as.example.com": false,
		"https://as.example.com?x=1":     false,
		"https://as.example.com/?":       false,
		"https://as.example.com/#f":      false,
		"https://as.example.com/#":       false,
		"https://as example.com":         false,
		"https://as.example.com:port":    false,
		"https://as.example.com/\x00":    false,
	})
}

func TestCheckPath(t *testing.T) {
	check(t, "checkPath", checkPath, map[string]bool{
		"/":                   true,
		"/token":              true,
		"/oauth2/token":       true,
		"/a-b_c.d~e/f:g@h":    true,
		"token":               false,
		"":                    false,
		"/a/../b":             false,
		"/a/./b":              false,
		"/..":                 false,
		"/a//b":               false,
		"/a/":                 false,
		"/a?b":                false,
		"/a#b":                false,
		"/a b":                false,
		"/a%20b":              false,
		"/a\x00":              false,
		"/.well-known":        false,
		"/.well-known/jwks":   false,
		"/.well-known-ish/ok": true,
		"/x/.well-known/jwks": true,
		"/über":               false,
		"/a\\b":               false,
	})
}

func TestCheckPackage(t *testing.T) {
	check(t, "checkPackage", checkPackage, map[string]bool{
		"oauth":      true,
		"oauth2":     true,
		"auth_v2":    true,
		"main":       true,
		"":           false,
		"Oauth":      false,
		"2oauth":     false,
		"_oauth":     false,
		"o-auth":     false,
		"func":       false,
		"type":       false,
		"oauth_test": false,
		"ö":          false,
	})
}

func TestCheckOutput(t *testing.T) {
	check(t, "checkOutput", checkOutput, map[string]bool{
		".":              true,
		"./oauth":        true,
		"oauth":          true,
		"internal/oauth": true,
		"a/../b":         true,
		"./a/b/":         true,
		"":               false,
		"/tmp/oauth":     false,
		"..":             true,
		"../x":           true,
		"a/../../x":      true,
		"./../x":         true,
		`a\b`:            false,
		`C:\x`:           false,
		"C:x":            false,
		"a\nb":           false,
	})
}

func TestCheckScopeName(t *testing.T) {
	check(t, "checkScopeName", checkScopeName, map[string]bool{
		"read":          true,
		"files:read":    true,
		"https://x/y.z": true,
		"!#$[]^~":       true,
		"a b":           false,
		`a"b`:           false,
		`a\b`:           false,
		"é":             false,
		"a\tb":          false,
		"a\x7f":         false,
	})
}

func TestCheckCommentText(t *testing.T) {
	check(t, "checkCommentText", checkCommentText, map[string]bool{
		"":                     true,
		"Plain text.":          true,
		"Two\nlines\tand tab.": true,
		"A * star / slash":     true,
		"/* opens":             true,
		"ünïcödé ✓":            true,
		"closes */ early":      false,
		"**/":                  false,
		"a `tick`":             false,
		"bell \a":              false,
		"cr \r":                false,
		"bad \xff utf8":        false,
		"c1 \u0085 control":    false,
	})
}

func TestCheckValidateChars(t *testing.T) {
	check(t, "checkValidateChars", checkValidateChars, map[string]bool{
		"required":                  true,
		"omitempty,alphanum,max=32": true,
		"oneof=a b c":               true,
		"required|email":            true,
		`oneof="a"`:                 false,
		"a`b":                       false,
		`a\b`:                       false,
		"a\nb":                      false,
		"é":                         false,
	})
}

func TestCheckHeaderName(t *testing.T) {
	check(t, "checkHeaderName", checkHeaderName, map[string]bool{
		"X-Tenant":    true,
		"x_tenant":    true,
		"X.Trace!#$%": true,
		"":            false,
		"X Tenant":    false,
		"X:Tenant":    false,
		"X`Tenant":    false,
		"X\"Tenant":   false,
		"Ä":           false,
	})
}

func TestCheckFormParam(t *testing.T) {
	check(t, "checkFormParam", checkFormParam, map[string]bool{
		"tenant":              true,
		"pre-authorized_code": true,
		"a.b~c":               true,
		"":                    false,
		"a b":                 false,
		"a&b":                 false,
		"a=b":                 false,
		"a%20":                false,
		"ä":                   false,
	})
}

func TestCheckGrantType(t *testing.T) {
	check(t, "checkGrantType", checkGrantType, map[string]bool{
		"urn:example:params:grant-type:magic-link":    true,
		"https://partner.example.com/grants/exchange": true,
		"urn:ietf:params:oauth:grant-type:jwt-bearer": true,
		"":                        false,
		"magic_link":              false,
		"/grants/x":               false,
		"urn:example:has space":   false,
		"urn:example:x\n":         false,
		"https://example.com/g#f": false,
		"https://example.com/g#":  false,
		"https:/no-host":          false,
		"https:":                  false,
		":no-scheme":              false,
		"urn:example:ü":           false,
	})
}

func TestCheckGoName(t *testing.T) {
	check(t, "checkGoName", checkGoName, map[string]bool{
		"tenant":     true,
		"link_token": true,
		"X-Tenant":   true,
		"max_items2": true,
		"userID":     true,
		"types":      true,
		"func_name":  true,
		"":           false,
		"type":       false,
		"func":       false,
		"Func":       false,
		"len":        false,
		"string":     false,
		"nil":        false,
		"2fa":        false,
		"_a":         false,
		"a_":         false,
		"a__b":       false,
		"a-_b":       false,
		"a.b":        false,
		"a b":        false,
		"ünï":        false,
	})
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"tenant":           "Tenant",
		"link_token":       "LinkToken",
		"magic_link":       "MagicLink",
		"redirect_uri":     "RedirectURI",
		"client_id":        "ClientID",
		"id":               "ID",
		"ID":               "ID",
		"Id":               "Id",
		"url":              "URL",
		"return_url":       "ReturnURL",
		"jwt_bearer":       "JWTBearer",
		"http_url":         "HTTPURL",
		"X-Tenant":         "XTenant",
		"x-request-id":     "XRequestID",
		"userID":           "UserID",
		"linkToken":        "LinkToken",
		"Presented":        "Presented",
		"a_b_c":            "ABC",
		"access_token_ttl": "AccessTokenTTL",
		"":                 "",
	} {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"link_token":    "linkToken",
		"id_token_hint": "idTokenHint",
		"URL_x":         "urlX",
		"Func":          "func",
		"type":          "type",
		"X-Tenant":      "xTenant",
	} {
		if got := lowerGoName(in); got != want {
			t.Errorf("lowerGoName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStemNames(t *testing.T) {
	got := StemNames("MagicLink")
	want := []string{"MagicLink", "MagicLinkContext", "MagicLinkProcedure", "MagicLinkErrors", "magicLinkFlow"}
	if len(got) != len(want) {
		t.Fatalf("StemNames = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("StemNames[%d] = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"oauth-token-client-credentials", "oauth-token-refresh", "access_token_ttl"}
	for in, want := range map[string]string{
		"oauth-token-client-credential": "oauth-token-client-credentials",
		"oauth-token-refesh":            "oauth-token-refresh",
		"acces_token_ttl":               "access_token_ttl",
		"ACCESS_TOKEN_TTL":              "access_token_ttl",
		"colour":                        "",
		"":                              "",
	} {
		if got := suggest(in, cands); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
