// Package reply writes the runtime's responses: JSON with the no-store
// headers every protocol response carries (RFC 6749 §5.1), OAuth error
// bodies with their challenges (RFC 6749 §5.2; RFC 6750 §3), public
// cacheable documents, redirects, and the security headers of HTML pages.
package reply

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/oauthgen/oauthgen/runtime/internal/jsonx"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Header values assigned into header maps directly, which saves the
// canonicalisation and a slice per header and per request; the slices are
// never modified.
var (
	headerJSON    = []string{"application/json"}
	headerNoStore = []string{"no-store"}
	headerNoCache = []string{"no-cache"}
)

// NoStore sets Cache-Control: no-store and Pragma: no-cache, which every
// response carrying tokens, codes or credentials has, errors included
// (RFC 6749 §5.1).
func NoStore(h http.Header) {
	h["Cache-Control"] = headerNoStore
	h["Pragma"] = headerNoCache
}

// JSON writes body, a JSON document, with the no-store headers.
func JSON(w http.ResponseWriter, status int, body []byte) {
	Body(w, status, headerJSON, body)
}

// Body writes body with the content type and the no-store headers.
func Body(w http.ResponseWriter, status int, contentType []string, body []byte) {
	h := w.Header()
	h["Content-Type"] = contentType
	NoStore(h)
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Error writes an OAuth error response (RFC 6749 §5.2) with the status
// and, when non-nil, a WWW-Authenticate challenge. error_description and
// error_uri are restricted to the RFC 6749 §5.2 characters.
func Error(w http.ResponseWriter, status int, e *oauth.Error, challenge []string) {
	var buf [256]byte
	b := append(buf[:0], `{"error":`...)
	b = jsonx.AppendString(b, oauth.SafeText(string(e.Code)))
	if e.Description != "" {
		b = append(b, `,"error_description":`...)
		b = jsonx.AppendString(b, oauth.SafeText(e.Description))
	}
	if e.URI != "" {
		b = append(b, `,"error_uri":`...)
		b = jsonx.AppendString(b, oauth.SafeText(e.URI))
	}
	b = append(b, '}')
	if challenge != nil {
		w.Header()["Www-Authenticate"] = challenge
	}
	JSON(w, status, b)
}

// Challenge answers 401 with a bare challenge and no body: a protected
// resource's answer to a request without credentials (RFC 6750 §3.1).
func Challenge(w http.ResponseWriter, challenge []string) {
	h := w.Header()
	h["Www-Authenticate"] = challenge
	NoStore(h)
	h["Content-Length"] = []string{"0"}
	w.WriteHeader(http.StatusUnauthorized)
}

// QuotedStringSafe drops the characters an RFC 9110 §5.6.4 quoted-string
// would need to escape.
func QuotedStringSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// Public writes a public document that caches may keep for five minutes:
// the JWK Set and the metadata (RFC 8414 §3; OIDC Discovery §4). A HEAD
// request gets the headers only.
func Public(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// PlainMethodNotAllowed answers 405 in plain text: the answer of the
// public documents to a method they do not serve (RFC 9110 §15.5.6). The
// caller has set Allow.
func PlainMethodNotAllowed(w http.ResponseWriter) {
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
}

// SeeOther answers 303 to location, with nothing cached and no referrer
// passed on, since the URL may carry a code. 303, never 307, which would
// repeat a POST body (RFC 9700 §4.12).
func SeeOther(w http.ResponseWriter, location string) {
	h := w.Header()
	h.Set("Location", location)
	NoStore(h)
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(http.StatusSeeOther)
}

// PageHeaders sets the headers of every page the end user sees: nothing is
// cached (pages carry CSRF tokens and codes), nothing may frame it (RFC
// 9700 §4.16), no referrer leaks the URL, and the Content-Security-Policy
// allows only inline styles, data: images (the pages' empty icon, which
// spares the browser a request for /favicon.ico; no data: image reaches
// the network), the page's own script hash (when not empty), and forms that post to the given targets (none when empty), each listed
// once (CSPSources).
func PageHeaders(h http.Header, formAction []string, scriptHash string) {
	csp := "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
	if scriptHash != "" {
		csp += "script-src '" + scriptHash + "'; "
	}
	if sources := CSPSources(formAction); len(sources) == 0 {
		csp += "form-action 'none'; "
	} else {
		csp += "form-action " + strings.Join(sources, " ") + "; "
	}
	csp += "frame-ancestors 'none'; base-uri 'none'"
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
}

// InlineScriptHash returns 'sha256-…', the CSP hash source (CSP3 §8.3)
// of the content of the first <script> element of page, or "" when it has
// none. The script must contain no template actions, so that the rendered
// page holds it byte for byte.
func InlineScriptHash(page string) string {
	_, rest, ok := strings.Cut(page, "<script>")
	if !ok {
		return ""
	}
	script, _, ok := strings.Cut(rest, "</script>")
	if !ok {
		return ""
	}
	sum := sha256.Sum256([]byte(script))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// CSPSources is sources in their order, without empty ones and without a
// repeat of one listed before: scheme and host compare case-insensitively
// (CSP3 §6.7.2.8), so https://AS.example repeats https://as.example. A
// login page whose redirect URI is on the server's own origin would
// otherwise list that origin twice.
func CSPSources(sources []string) []string {
	out := make([]string, 0, len(sources))
	seen := make(map[string]bool, len(sources))
	for _, src := range sources {
		key := strings.ToLower(src)
		if src == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, src)
	}
	return out
}

// CSPSource is the CSP source expression of a URL's origin (CSP3 §2.3.1):
// scheme://host[:port] for http and https, the scheme alone for a
// private-use scheme (RFC 8252 §7.1), and the scheme alone for an IPv6
// literal, which host-source cannot express.
func CSPSource(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" || u.Host == "" || strings.HasPrefix(u.Host, "[") {
		return scheme + ":"
	}
	return scheme + "://" + strings.ToLower(u.Host)
}

// HTML executes the template name of t with data into a buffer, so that a
// failure can still become a clean 500, and writes it with the status. The
// caller has set the page headers (PageHeaders).
func HTML(w http.ResponseWriter, t *template.Template, name string, status int, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "The page cannot be shown.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
