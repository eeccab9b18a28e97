package runtime

import (
	"net/http"
	"testing"
)

// TestMatchRedirectURI: exact string comparison; only the port of an http
// loopback IP literal may vary (RFC 8252 §7.3; security.md S-18).
func TestMatchRedirectURI(t *testing.T) {
	registered := []string{
		"https://app.example/cb",
		"http://127.0.0.1/cb",
		"http://[::1]/cb",
		"http://127.0.0.1:8080/fixed?x=1",
		"http://localhost/cb",
		"com.example.app:/cb",
	}
	tests := []struct {
		uri  string
		want bool
	}{
		{"https://app.example/cb", true},
		{"http://127.0.0.1/cb", true},
		{"http://127.0.0.1:51234/cb", true},
		{"http://127.0.0.1:1/cb", true},
		{"http://127.0.0.1:65535/cb", true},
		{"http://[::1]:51234/cb", true},
		{"http://[::1]/cb", true},
		{"http://127.0.0.1/fixed?x=1", true},
		{"http://127.0.0.1:9/fixed?x=1", true},
		{"com.example.app:/cb", true},

		{"https://app.example:8443/cb", false}, // no variance for https
		{"http://127.0.0.1:0/cb", false},
		{"http://127.0.0.1:65536/cb", false},
		{"http://127.0.0.1:080/cb", false},
		{"http://127.0.0.1:/cb", false},
		{"http://127.0.0.1:123456/cb", false},
		{"http://127.0.0.1:51234/cb/", false},
		{"http://127.0.0.1:51234/other", false},
		{"http://127.0.0.1:51234/cb?x=1", false},
		{"http://127.0.0.1:51234/cb#f", false},
		{"http://127.0.0.1:9/fixed", false},
		{"http://127.0.0.2:51234/cb", false},
		{"http://127.0.0.10/cb", false},
		{"http://127.0.0.1.evil.example/cb", false},
		{"http://127.0.0.1@evil.example/cb", false},
		{"http://127.0.0.1:51234@evil.example/cb", false},
		{"https://127.0.0.1:51234/cb", false},
		{"HTTP://127.0.0.1:51234/cb", false},
		{"http://[::1]:51234/other", false},
		{"http://[0:0:0:0:0:0:0:1]:51234/cb", false},
		{"http://localhost:51234/cb", false}, // localhost is not an IP literal
		{"com.example.app:/cb/", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := matchRedirectURI(registered, tt.uri); got != tt.want {
			t.Errorf("matchRedirectURI(%q) = %v, want %v", tt.uri, got, tt.want)
		}
	}
}

// TestAuthorizeLoopbackPort: a native client registered with
// http://127.0.0.1/cb signs in on an ephemeral port; the code is bound to
// the URI with that port and redeems with it (RFC 8252 §7.3).
func TestAuthorizeLoopbackPort(t *testing.T) {
	env := azNewEnv(t)
	redirect := "http://127.0.0.1:51234/cb"
	b := env.browser(t)
	got := b.signIn(azQuery("client_id", "native", "redirect_uri", redirect, "scope", "read"))
	code := got.Get("code")

	redeem := func(uri string) htTokenBody {
		return htDecode(t, azTokenPost(env.srv, htForm("grant_type", "authorization_code", "client_id", "native",
			"code", code, "redirect_uri", uri, "code_verifier", htVerifier)))
	}
	if tok := redeem("http://127.0.0.1:51235/cb"); tok.Error != string(ErrInvalidGrant) {
		t.Errorf("redeemed with another port: %+v", tok)
	}
	// The failed attempt consumed the code (flows.md §2.3); a new one
	// redeems with the exact URI.
	got = azWantRedirect(t, b.authorize(azQuery("client_id", "native", "redirect_uri", redirect, "scope", "read")), redirect)
	code = got.Get("code")
	if tok := redeem(redirect); tok.AccessToken == "" {
		t.Errorf("redemption with the loopback URI failed: %+v", tok)
	}

	// IPv6 loopback and a private-use scheme work too; localhost gets no
	// port variance and an error page.
	for _, uri := range []string{"http://[::1]:8080/cb", "com.example.app:/cb"} {
		got := env.browser(t).signIn(azQuery("client_id", "native", "redirect_uri", uri, "scope", "read"))
		if got.Get("code") == "" {
			t.Errorf("%s: %v", uri, got)
		}
	}
	azWantErrorPage(t, b.authorize(azQuery("client_id", "native", "redirect_uri", "http://localhost:8080/cb")), http.StatusBadRequest)
}

// TestAuthorizeRedirectOmittedOneRegistered: with one registered URI,
// redirect_uri may be omitted (RFC 6749 §3.1.2.3); the code then redeems
// without it.
func TestAuthorizeRedirectOmittedOneRegistered(t *testing.T) {
	env := azNewEnv(t)
	b := env.browser(t)
	q := azQuery("client_id", "spa", "redirect_uri", "")
	r := b.authorize(q)
	azWantPage(t, r, "Sign in")
	got := azWantRedirect(t, b.consent(b.login(r, "alice", azAlicePass), "approve"), "https://spa.example/cb")
	if a := env.last(t); a.RedirectURIProvided || a.CodeData.RedirectURIProvided {
		t.Error("RedirectURIProvided is set although redirect_uri was omitted")
	}
	tok := htDecode(t, azTokenPost(env.srv, htForm("grant_type", "authorization_code", "client_id", "spa",
		"code", got.Get("code"), "code_verifier", htVerifier)))
	if tok.AccessToken == "" {
		t.Fatalf("redemption: %+v", tok)
	}
}
