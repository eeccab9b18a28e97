package runtime

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// FuzzEndSessionRequest: whatever the query of a logout request, the
// end-session endpoint does not panic, answers a page or a 303, and a 303
// goes only to a post-logout redirect URI the client registered, with at
// most state added (RFC 9700 §4.11.2).
func FuzzEndSessionRequest(f *testing.F) {
	for _, s := range []string{
		"", "id_token_hint=a.b.c", "client_id=rp&post_logout_redirect_uri=https%3A%2F%2Frp.example%2Fbye&state=x",
		"client_id=rp&post_logout_redirect_uri=https%3A%2F%2Fevil.example", "post_logout_redirect_uri=https%3A%2F%2Frp.example%2Fbye",
		"state=a&state=b", "client_id=%00", "id_token_hint=eyJhbGciOiJub25lIn0.e30.", "ui_locales=%ff",
	} {
		f.Add(s)
	}
	env := esNewEnv(f)
	registered := env.clients["rp"].PostLogoutRedirectURIs
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.URL.Path, r.URL.RawQuery = esPath, query
		w := httptest.NewRecorder()
		env.srv.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusServiceUnavailable:
		case http.StatusSeeOther:
			loc := w.Header().Get("Location")
			if !slices.ContainsFunc(registered, func(u string) bool {
				return loc == u || strings.HasPrefix(loc, u+"?state=") || strings.HasPrefix(loc, u+"&state=")
			}) {
				t.Fatalf("303 to %q", loc)
			}
		default:
			t.Fatalf("status %d", w.Code)
		}
	})
}
