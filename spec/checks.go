package spec

import (
	"go/token"
	"net"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// The value checks of Validate. Each returns why the value is refused, as a
// message fragment, or "" when it is fine.

// AuthMethods are the client authentication methods a spec may list under
// endpoints.token.auth_methods: the ones this runtime implements.
func AuthMethods() []string {
	return []string{"client_secret_basic", "client_secret_post", "private_key_jwt", "client_secret_jwt", "none"}
}

// AccessTokenFormats are the values of access_token_format.
func AccessTokenFormats() []string { return []string{"jwt", "opaque"} }

// SigningAlgs are the values of signing_alg.
func SigningAlgs() []string { return []string{"ES256", "RS256", "EdDSA"} }

// PropertySources are the sources a team-declared property may have: it is
// read from the request. Each endpoint allows some of them (the catalogue's
// generate.property_sources): form and header at the token endpoint, query
// at the authorization endpoint.
func PropertySources() []string { return []string{"form", "header", "query"} }

// checkIssuer checks the issuer identifier: an absolute https URL without
// query or fragment (RFC 8414 §2), or http for a loopback host only
// (RFC 6749 §3.1, §3.2).
func checkIssuer(iss string) string {
	if iss == "" {
		return "must not be empty"
	}
	u, err := url.Parse(iss)
	if err != nil {
		return "is not a URL: " + strings.TrimPrefix(err.Error(), "parse \""+iss+"\": ")
	}
	switch {
	case u.Scheme == "" || u.Opaque != "" || !strings.HasPrefix(iss, u.Scheme+"://"):
		return "must be an absolute URL such as https://auth.example.com"
	case u.Host == "" || u.Hostname() == "":
		return "has no host"
	case u.User != nil:
		return "must not contain user information"
	case u.RawQuery != "" || u.ForceQuery:
		return "must not have a query (RFC 8414 §2)"
	case u.Fragment != "" || strings.Contains(iss, "#"):
		return "must not have a fragment (RFC 8414 §2)"
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http":
		if isLoopback(u.Hostname()) {
			return ""
		}
		return "must use https; http is allowed only for loopback hosts: localhost, 127.0.0.0/8, [::1] (RFC 6749 §3.1)"
	default:
		return "must use https (RFC 6749 §3.1)"
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkPath checks an endpoint path.
func checkPath(p string) string {
	switch {
	case !strings.HasPrefix(p, "/"):
		return `must start with "/"`
	case strings.Contains(p, "?"):
		return "must not have a query"
	case strings.Contains(p, "#"):
		return "must not have a fragment"
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return `must not contain "." or ".." segments`
		}
	}
	for i := 0; i < len(p); i++ {
		if !pathChar(p[i]) {
			return "contains " + quoteByte(p[i]) + ", which is not allowed in a path"
		}
	}
	if path.Clean(p) != p {
		return `must be a clean path, without "//" or a trailing "/"`
	}
	if p == "/.well-known" || strings.HasPrefix(p, "/.well-known/") {
		return "must not be under /.well-known/, whose locations are fixed (RFC 8414 §3, RFC 8615)"
	}
	return ""
}

// pathChar reports whether c may appear in a path unencoded: RFC 3986 §3.3
// pchar and "/", without percent-encoding.
func pathChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@/", c) >= 0
}

func quoteByte(c byte) string {
	if c < 0x20 || c >= 0x7f {
		return "a control or non-ASCII character"
	}
	return `"` + string(c) + `"`
}

// checkPackage checks the Go package name of the generated code.
func checkPackage(name string) string {
	if name == "" {
		return "must not be empty"
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || i > 0 && (c >= '0' && c <= '9' || c == '_')) {
			return "must be lower-case ASCII letters, digits and underscores, starting with a letter"
		}
	}
	if token.IsKeyword(name) {
		return "is a Go keyword"
	}
	if strings.HasSuffix(name, "_test") {
		return `must not end in "_test"`
	}
	return ""
}

// checkOutput checks the output directory: a relative path, resolved
// against the spec file's directory (it may lead out of it, as
// "../../generated" does for the reference spec).
func checkOutput(o string) string {
	switch {
	case o == "":
		return "must not be empty; use \".\" for the spec's own directory"
	case strings.Contains(o, `\`):
		return `must use "/" as separator`
	case strings.HasPrefix(o, "/") || filepath.IsAbs(o) || filepath.VolumeName(o) != "" || len(o) >= 2 && o[1] == ':':
		return "must be relative to the spec file"
	case hasControl(o, false):
		return "contains control characters"
	}
	return ""
}

// checkScopeName checks a scope token: 1*( %x21 / %x23-5B / %x5D-7E )
// (RFC 6749 §3.3).
func checkScopeName(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e {
			return "contains " + quoteByte(c) + "; a scope token is printable ASCII without space, '\"' or '\\' (RFC 6749 §3.3)"
		}
	}
	return ""
}

// checkCommentText checks text that becomes a Go comment or a struct field's
// doc: it must not end the comment or break out of a raw string.
func checkCommentText(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.Contains(s, "*/"):
		return `contains "*/", which would end a Go comment`
	case strings.Contains(s, "`"):
		return "contains a backtick"
	case hasControl(s, true):
		return "contains control characters"
	}
	return ""
}

func hasControl(s string, allowNewline bool) bool {
	for _, r := range s {
		if allowNewline && (r == '\n' || r == '\t') {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return true
		}
	}
	return false
}

// checkValidateChars checks the characters of a validate rule, which is
// written into a struct tag: printable ASCII without '"', '`' or '\'.
func checkValidateChars(rule string) string {
	for i := 0; i < len(rule); i++ {
		c := rule[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '`' || c == '\\' {
			return "contains " + quoteByte(c) + ", which cannot go in a struct tag"
		}
	}
	return ""
}

// checkHeaderName checks a header field name: 1*tchar (RFC 9110 §5.6.2).
func checkHeaderName(h string) string {
	if h == "" {
		return "must not be empty"
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		// tchar, except "`", which oauthgen refuses everywhere it could reach Go source.
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_|~", c) >= 0
		if !ok {
			return "contains " + quoteByte(c) + ", which is not allowed in a header name (RFC 9110 §5.6.2)"
		}
	}
	return ""
}

// checkFormParam checks a form parameter name: unreserved characters only
// (RFC 3986 §2.3), so that it needs no encoding.
func checkFormParam(p string) string {
	if p == "" {
		return "must not be empty"
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0
		if !ok {
			return "contains " + quoteByte(c) + "; a parameter name is letters, digits, '-', '.', '_' or '~'"
		}
	}
	return ""
}

// checkGrantType checks an extension grant's grant_type: an absolute URI
// (RFC 6749 §4.5, RFC 3986 §4.3).
func checkGrantType(gt string) string {
	if gt == "" {
		return "must not be empty"
	}
	for i := 0; i < len(gt); i++ {
		if gt[i] <= 0x20 || gt[i] >= 0x7f {
			return "must be an absolute URI without spaces or control characters (RFC 6749 §4.5)"
		}
	}
	u, err := url.Parse(gt)
	if err != nil || u.Scheme == "" {
		return "must be an absolute URI such as urn:example:grant-type:magic-link (RFC 6749 §4.5)"
	}
	if u.Fragment != "" || strings.Contains(gt, "#") {
		return "must not have a fragment (RFC 3986 §4.3)"
	}
	if u.Opaque == "" && u.Host == "" {
		return "must be an absolute URI such as urn:example:grant-type:magic-link (RFC 6749 §4.5)"
	}
	return ""
}
