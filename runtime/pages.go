package runtime

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The end user's pages: the default templates, and the headers every page
// carries whoever renders it.

//go:embed pages/*.html.tmpl
var pageFiles embed.FS

// The template names a Pages template set must define.
const (
	loginTemplate    = "login.html.tmpl"
	consentTemplate  = "consent.html.tmpl"
	errorTemplate    = "error.html.tmpl"
	formPostTemplate = "form_post.html.tmpl"
)

// TemplatePages renders the pages with html/template. DefaultPages are the
// runtime's own: accessible (labels, headings, language, focus order),
// mobile-friendly (viewport, fluid layout), without scripts or external
// assets. A team replaces the look with NewTemplatePages, or the whole
// rendering by implementing Pages.
type TemplatePages struct {
	t *template.Template
}

// NewTemplatePages parses every *.html.tmpl file of fsys into one template
// set, which must define login.html.tmpl, consent.html.tmpl and
// error.html.tmpl; the other files may hold shared definitions. Each page
// template receives its LoginPage, ConsentPage or ErrorPage.
func NewTemplatePages(fsys fs.FS) (*TemplatePages, error) {
	t, err := template.ParseFS(fsys, "*.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("runtime: parse page templates: %w", err)
	}
	for _, name := range []string{loginTemplate, consentTemplate, errorTemplate} {
		if t.Lookup(name) == nil {
			return nil, fmt.Errorf("runtime: page templates: %s is not defined", name)
		}
	}
	return &TemplatePages{t: t}, nil
}

// DefaultPages returns the runtime's own pages.
func DefaultPages() *TemplatePages {
	sub, err := fs.Sub(pageFiles, "pages")
	if err != nil {
		panic(fmt.Sprintf("runtime: embedded pages: %v", err)) // cannot happen: the directory is embedded
	}
	p, err := NewTemplatePages(sub)
	if err != nil {
		panic(err) // the embedded templates are tested
	}
	return p
}

// Login renders the login page with status 200.
func (p *TemplatePages) Login(w http.ResponseWriter, _ *http.Request, page LoginPage) {
	renderHTML(w, p.t, loginTemplate, http.StatusOK, page)
}

// Consent renders the consent page with status 200.
func (p *TemplatePages) Consent(w http.ResponseWriter, _ *http.Request, page ConsentPage) {
	renderHTML(w, p.t, consentTemplate, http.StatusOK, page)
}

// Error renders an error page with page.Status (400 when zero).
func (p *TemplatePages) Error(w http.ResponseWriter, _ *http.Request, page ErrorPage) {
	status := page.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	renderHTML(w, p.t, errorTemplate, status, page)
}

// renderHTML executes a template into a buffer, so a failure can still
// become a clean 500, and writes it.
func renderHTML(w http.ResponseWriter, t *template.Template, name string, status int, data any) {
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

// setPageHeaders sets the headers of every page the end user sees, before
// Pages renders it: nothing is cached (RFC 6749 §5.1 spirit: pages carry
// CSRF tokens and codes), nothing may frame it (RFC 9700 §4.16; security.md
// S-49), no referrer leaks the URL, and the Content-Security-Policy allows
// only inline styles, the page's own script hash, and forms that post to
// the given targets (the server, and the client's redirect URI that the
// login and consent forms end on, since browsers check form-action on the
// redirect after a POST too).
func setPageHeaders(h http.Header, formAction []string, scriptHash string) {
	csp := "default-src 'none'; style-src 'unsafe-inline'; "
	if scriptHash != "" {
		csp += "script-src '" + scriptHash + "'; "
	}
	if len(formAction) == 0 {
		csp += "form-action 'none'; "
	} else {
		csp += "form-action " + strings.Join(formAction, " ") + "; "
	}
	csp += "frame-ancestors 'none'; base-uri 'none'"
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
}

// cspSource is the CSP source expression of a redirect URI's origin
// (CSP3 §2.3.1): scheme://host[:port] for http and https, the scheme alone
// for a private-use scheme (RFC 8252 §7.1), and the scheme alone for an
// IPv6 literal, which host-source cannot express.
func cspSource(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" || u.Host == "" || strings.HasPrefix(u.Host, "[") {
		return scheme + ":"
	}
	return scheme + "://" + strings.ToLower(u.Host)
}

// formPost renders the response of response_mode=form_post (OAuth 2.0 Form
// Post Response Mode §2): a page whose form posts the fields to the
// redirect URI, submitted by a script that the CSP admits by its hash, with
// a button for browsers without scripts.
type formPost struct {
	t *template.Template
	// scriptHash is the CSP hash source of the page's one inline script.
	scriptHash string
}

// formPostField is one hidden field of the form_post page.
type formPostField struct{ Name, Value string }

// newFormPost parses the embedded form_post template and hashes its script.
func newFormPost() *formPost {
	raw, err := pageFiles.ReadFile("pages/" + formPostTemplate)
	if err != nil {
		panic(fmt.Sprintf("runtime: embedded form_post page: %v", err))
	}
	t := template.Must(template.New("").Parse(string(raw)))
	return &formPost{t: t, scriptHash: inlineScriptHash(string(raw))}
}

// inlineScriptHash returns 'sha256-…' of the content of the first <script>
// element of a page (CSP3 §8.3). The script contains no template actions,
// so the rendered page holds it byte for byte.
func inlineScriptHash(page string) string {
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

// write renders the form_post page for the redirect URI raw (parsed: u)
// with the fields.
func (f *formPost) write(w http.ResponseWriter, raw string, u *url.URL, fields []formPostField) {
	setPageHeaders(w.Header(), []string{cspSource(u)}, f.scriptHash)
	renderHTML(w, f.t, formPostTemplate, http.StatusOK, struct {
		// Action is a URL the registry holds and matchRedirectURI matched;
		// template.URL keeps a private-use scheme (RFC 8252 §7.1), which
		// html/template would otherwise replace.
		Action template.URL
		Fields []formPostField
	}{template.URL(raw), fields})
}
