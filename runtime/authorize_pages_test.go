package runtime

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/oauthgen/oauthgen/runtime/internal/reply"
)

// TestDefaultPages: the runtime's pages are accessible (language, viewport,
// a heading, a label for every input), use no external asset, no script
// but the error page's "Go back" (whose hash the error page's CSP
// admits), an empty icon (no request for /favicon.ico), and escape what
// they show.
func TestDefaultPages(t *testing.T) {
	p := defaultPages()
	render := func(f func(w http.ResponseWriter)) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		f(w)
		return w
	}
	pages := map[string]*httptest.ResponseRecorder{
		"login": render(func(w http.ResponseWriter) {
			p.Login(w, nil, LoginPage{Action: "/a/login", Interaction: "i1", CSRF: "c1", ClientName: "<b>App</b>", Username: "al\"ice", Error: "Nope"})
		}),
		"consent": render(func(w http.ResponseWriter) {
			p.Consent(w, nil, ConsentPage{Action: "/a/consent", Interaction: "i1", CSRF: "c1", ClientName: "App",
				Scopes: []ScopeInfo{{"read", "Read your <files>"}, {"x", ""}}, Username: "alice"})
		}),
		"error": render(func(w http.ResponseWriter) {
			p.Error(w, nil, ErrorPage{Status: 400, Title: "Bad", Message: "Go back."})
		}),
	}
	inputID := regexp.MustCompile(`<input id="([^"]+)"`)
	for name, w := range pages {
		body := w.Body.String()
		if w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", name, w.Header().Get("Content-Type"))
		}
		for _, want := range []string{`<html lang="en">`, `<meta name="viewport" content="width=device-width, initial-scale=1">`, "<h1>", "<main>", "<title>"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s page lacks %q", name, want)
			}
		}
		if !strings.Contains(body, `<link rel="icon" href="data:,">`) {
			t.Errorf("%s page has no empty icon: the browser asks for /favicon.ico", name)
		}
		rest := strings.Replace(body, `<link rel="icon" href="data:,">`, "", 1)
		if name == "error" {
			if reply.InlineScriptHash(rest) != errorPageScript || strings.Count(rest, "<script") != 1 {
				t.Errorf("error page: want exactly the script hashed as %s", errorPageScript)
			}
			_, after, _ := strings.Cut(rest, "<script>")
			script, _, _ := strings.Cut(after, "</script>")
			rest = strings.Replace(rest, "<script>"+script+"</script>", "", 1)
		}
		for _, bad := range []string{"<script", "<link", "<img", "src=", "http://", "https://", "@import", "url("} {
			if strings.Contains(rest, bad) {
				t.Errorf("%s page contains %q", name, bad)
			}
		}
		for _, m := range inputID.FindAllStringSubmatch(body, -1) {
			if !strings.Contains(body, `<label for="`+m[1]+`">`) {
				t.Errorf("%s page: input %q has no label", name, m[1])
			}
		}
	}
	login := pages["login"].Body.String()
	for _, want := range []string{`&lt;b&gt;App&lt;/b&gt;`, `value="al&#34;ice"`, `autocomplete="current-password"`, `type="password"`,
		`name="interaction" value="i1"`, `name="csrf" value="c1"`, `action="/a/login"`, `role="alert"`} {
		if !strings.Contains(login, want) {
			t.Errorf("login page lacks %q", want)
		}
	}
	consent := pages["consent"].Body.String()
	for _, want := range []string{"Read your &lt;files&gt;", `value="approve"`, `value="deny"`, "alice"} {
		if !strings.Contains(consent, want) {
			t.Errorf("consent page lacks %q", want)
		}
	}
	if pages["error"].Code != 400 {
		t.Errorf("error page status %d", pages["error"].Code)
	}
	if e := pages["error"].Body.String(); !strings.Contains(e, `<button type="button" id="back" class="secondary" hidden>Go back</button>`) {
		t.Errorf("error page has no way back:\n%s", e)
	}
}

// TestNewTemplatePages: a team's templates replace the look; a set without
// a page, or a page that fails, is handled.
func TestNewTemplatePages(t *testing.T) {
	fsys := fstest.MapFS{
		"login.html.tmpl":   {Data: []byte(`{{define "login.html.tmpl"}}custom {{.ClientName}}{{end}}`)},
		"consent.html.tmpl": {Data: []byte(`{{define "consent.html.tmpl"}}{{.Missing}}{{end}}`)},
		"error.html.tmpl":   {Data: []byte(`{{define "error.html.tmpl"}}{{.Title}}{{end}}`)},
	}
	p, err := NewTemplatePages(fsys)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	p.Login(w, nil, LoginPage{ClientName: "App"})
	if w.Body.String() != "custom App" {
		t.Errorf("login = %q", w.Body.String())
	}
	w = httptest.NewRecorder()
	p.Consent(w, nil, ConsentPage{})
	if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), "Missing") {
		t.Errorf("a failing template: %d %q", w.Code, w.Body.String())
	}
	delete(fsys, "error.html.tmpl")
	if _, err := NewTemplatePages(fsys); err == nil {
		t.Error("a set without the error page was accepted")
	}
}

// TestCSPSource: the form-action source of a redirect URI.
func TestCSPSource(t *testing.T) {
	for raw, want := range map[string]string{
		"https://app.example/cb?x=1":  "https://app.example",
		"HTTPS://App.Example:8443/cb": "https://app.example:8443",
		"http://127.0.0.1:51234/cb":   "http://127.0.0.1:51234",
		"http://[::1]:51234/cb":       "http:",
		"com.example.app:/cb":         "com.example.app:",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := reply.CSPSource(u); got != want {
			t.Errorf("reply.CSPSource(%q) = %q, want %q", raw, got, want)
		}
	}
}
