package runtime

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"

	"github.com/oauthgen/oauthgen/runtime/internal/reply"
)

// The end user's pages: the default templates, and the headers every page
// carries whoever renders it.

//go:embed pages/*.html.tmpl
var pageFiles embed.FS

// The template names a Pages template set must define.
const (
	loginTemplate   = "login.html.tmpl"
	consentTemplate = "consent.html.tmpl"
	errorTemplate   = "error.html.tmpl"
	logoutTemplate  = "logout.html.tmpl"
	deviceTemplate  = "device.html.tmpl"
)

// errorPageScript is the CSP hash source of the one script of the
// runtime's error page, which shows a "Go back" button (history.back())
// when the tab has a page to go back to: an error page has no other safe
// target, since the request that failed named no client or redirect URI
// the runtime could trust. The Content-Security-Policy of every error page
// admits this script and no other.
var errorPageScript = func() string {
	b, err := pageFiles.ReadFile("pages/" + errorTemplate)
	if err != nil {
		panic(fmt.Sprintf("runtime: embedded pages: %v", err)) // cannot happen: the file is embedded
	}
	return reply.InlineScriptHash(string(b))
}()

// templatePages renders the pages with html/template. The runtime's own
// (defaultPages) are accessible (labels, headings, language, focus order),
// mobile-friendly (viewport, fluid layout), without external assets (an
// empty data: icon spares the browser a request for /favicon.ico), and
// without scripts but the error page's "Go back" (errorPageScript). A
// team replaces the look with NewTemplatePages, or the whole
// rendering by implementing Pages.
type templatePages struct {
	t *template.Template
	// logout and device render logoutTemplate and deviceTemplate: t's,
	// or the runtime's own when t lacks them (a set from before the
	// end-session endpoint or the device flow).
	logout, device *template.Template
}

// NewTemplatePages parses every *.html.tmpl file of fsys into one template
// set, which must define login.html.tmpl, consent.html.tmpl and
// error.html.tmpl, and may define logout.html.tmpl and device.html.tmpl
// (the end-session and device verification pages; else the runtime's own
// are used); the other files may hold shared definitions. Each page
// template receives its LoginPage, ConsentPage, ErrorPage, LogoutPage or
// DevicePage. Config.Pages takes the result.
func NewTemplatePages(fsys fs.FS) (Pages, error) {
	t, err := template.ParseFS(fsys, "*.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("runtime: parse page templates: %w", err)
	}
	for _, name := range []string{loginTemplate, consentTemplate, errorTemplate} {
		if t.Lookup(name) == nil {
			return nil, fmt.Errorf("runtime: page templates: %s is not defined", name)
		}
	}
	p := &templatePages{t: t}
	if p.logout, err = ownOrDefault(t, logoutTemplate); err != nil {
		return nil, err
	}
	if p.device, err = ownOrDefault(t, deviceTemplate); err != nil {
		return nil, err
	}
	return p, nil
}

// ownOrDefault is t when it defines the page template name, else the
// runtime's own layout and page.
func ownOrDefault(t *template.Template, name string) (*template.Template, error) {
	if t.Lookup(name) != nil {
		return t, nil
	}
	own, err := template.ParseFS(pageFiles, "pages/layout.html.tmpl", "pages/"+name)
	if err != nil {
		return nil, fmt.Errorf("runtime: parse the runtime's %s: %w", name, err)
	}
	return own, nil
}

// defaultPages returns the runtime's own pages.
func defaultPages() Pages {
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
func (p *templatePages) Login(w http.ResponseWriter, _ *http.Request, page LoginPage) {
	reply.HTML(w, p.t, loginTemplate, http.StatusOK, page)
}

// Consent renders the consent page with status 200.
func (p *templatePages) Consent(w http.ResponseWriter, _ *http.Request, page ConsentPage) {
	reply.HTML(w, p.t, consentTemplate, http.StatusOK, page)
}

// Device renders the device verification page with status 200.
func (p *templatePages) Device(w http.ResponseWriter, _ *http.Request, page DevicePage) {
	reply.HTML(w, p.device, deviceTemplate, http.StatusOK, page)
}

// Error renders an error page with page.Status (400 when zero).
func (p *templatePages) Error(w http.ResponseWriter, _ *http.Request, page ErrorPage) {
	status := page.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	reply.HTML(w, p.t, errorTemplate, status, page)
}

// Logout renders the end-session endpoint's confirmation or signed-out
// page with status 200.
func (p *templatePages) Logout(w http.ResponseWriter, _ *http.Request, page LogoutPage) {
	reply.HTML(w, p.logout, logoutTemplate, http.StatusOK, page)
}
