package reply

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestCSPSources: each source once, in its first place; empty ones dropped.
func TestCSPSources(t *testing.T) {
	for _, tc := range []struct {
		in, want []string
	}{
		{nil, []string{}},
		{[]string{"'self'"}, []string{"'self'"}},
		{[]string{"'self'", "http://127.0.0.1:8080", "http://127.0.0.1:8080"}, []string{"'self'", "http://127.0.0.1:8080"}},
		{[]string{"https://as.example", "https://app.example", "https://AS.example"}, []string{"https://as.example", "https://app.example"}},
		{[]string{"", "com.example.app:", "com.example.app:"}, []string{"com.example.app:"}},
	} {
		if got := CSPSources(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("CSPSources(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestPageHeadersNoDuplicateSource: a redirect URI on the server's own
// origin is listed once in form-action; no directive appears twice.
func TestPageHeadersNoDuplicateSource(t *testing.T) {
	h := http.Header{}
	PageHeaders(h, []string{"'self'", "http://127.0.0.1:8080", "http://127.0.0.1:8080"}, "")
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "form-action 'self' http://127.0.0.1:8080; ") {
		t.Errorf("CSP %q: want form-action 'self' http://127.0.0.1:8080", csp)
	}
	seen := map[string]bool{}
	for _, d := range strings.Split(csp, ";") {
		fields := strings.Fields(d)
		if len(fields) == 0 {
			continue
		}
		if seen[fields[0]] {
			t.Errorf("CSP %q: directive %s twice", csp, fields[0])
		}
		seen[fields[0]] = true
		srcs := map[string]bool{}
		for _, s := range fields[1:] {
			if srcs[s] {
				t.Errorf("CSP %q: %s lists %s twice", csp, fields[0], s)
			}
			srcs[s] = true
		}
	}
	h = http.Header{}
	PageHeaders(h, nil, "")
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'none'; ") {
		t.Errorf("CSP %q: want form-action 'none' without targets", csp)
	}
}
