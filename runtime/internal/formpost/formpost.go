// Package formpost renders an authorization response in the form_post
// response mode (OAuth 2.0 Form Post Response Mode §2): a page whose form
// posts the response's fields to the redirect URI, submitted by a script
// that the Content-Security-Policy admits by its hash, with a button for
// browsers without scripts.
package formpost

import (
	_ "embed"
	"html/template"
	"net/http"
	"net/url"

	"github.com/oauthgen/oauthgen/runtime/internal/reply"
)

//go:embed form_post.html.tmpl
var page string

const templateName = "form_post.html.tmpl"

// Field is one hidden field of the page: a member of the response.
type Field struct{ Name, Value string }

// Page is the parsed page and the CSP hash source of its one inline
// script.
type Page struct {
	t          *template.Template
	scriptHash string
}

// New parses the embedded page and hashes its script.
func New() *Page {
	return &Page{t: template.Must(template.New("").Parse(page)), scriptHash: reply.InlineScriptHash(page)}
}

// ScriptHash is the CSP hash source of the page's script.
func (p *Page) ScriptHash() string { return p.scriptHash }

// Write renders the page for the redirect URI raw (parsed: u) with the
// fields, with the page headers: its form may post only to the redirect
// URI's origin.
func (p *Page) Write(w http.ResponseWriter, raw string, u *url.URL, fields []Field) {
	reply.PageHeaders(w.Header(), []string{reply.CSPSource(u)}, p.scriptHash)
	reply.HTML(w, p.t, templateName, http.StatusOK, struct {
		// Action is a URL the registry holds and the endpoint matched;
		// template.URL keeps a private-use scheme (RFC 8252 §7.1), which
		// html/template would otherwise replace.
		Action template.URL
		Fields []Field
	}{template.URL(raw), fields})
}
