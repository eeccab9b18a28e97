package formpost

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestFormPostCustomScheme: the form_post page keeps a private-use scheme
// in its action (html/template would neutralise it as unsafe).
func TestFormPostCustomScheme(t *testing.T) {
	f := New()
	u, _ := url.Parse("com.example.app:/cb")
	w := httptest.NewRecorder()
	f.Write(w, "com.example.app:/cb", u, []Field{{"code", "c"}, {"iss", "https://as.example"}})
	if !strings.Contains(w.Body.String(), `action="com.example.app:/cb"`) {
		t.Errorf("form_post page:\n%s", w.Body.String())
	}
	if !strings.HasPrefix(f.scriptHash, "sha256-") || !strings.Contains(w.Header().Get("Content-Security-Policy"), f.scriptHash) {
		t.Errorf("script hash %q, CSP %q", f.scriptHash, w.Header().Get("Content-Security-Policy"))
	}
}
