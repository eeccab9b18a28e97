package runtime

import (
	"net/http"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

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
	if tok := redeem("http://127.0.0.1:51235/cb"); tok.Error != string(oauth.ErrInvalidGrant) {
		t.Errorf("redeemed with another port: %+v", tok)
	}
	// The failed attempt consumed the code (RFC 6749 §4.1.2); a new one
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
	if a := env.last(t); a.RedirectURIProvided || a.Code.RedirectURIProvided {
		t.Error("RedirectURIProvided is set although redirect_uri was omitted")
	}
	tok := htDecode(t, azTokenPost(env.srv, htForm("grant_type", "authorization_code", "client_id", "spa",
		"code", got.Get("code"), "code_verifier", htVerifier)))
	if tok.AccessToken == "" {
		t.Fatalf("redemption: %+v", tok)
	}
}
