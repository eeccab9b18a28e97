package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/oauthgen/oauthgen/runtime/stores"
)

// serveStore serves the quickstart as run does, on addr, with the store
// at location; stop shuts it down and closes the store, as a stopped
// process would.
func serveStore(t *testing.T, addr, location string) (issuer string, stop func()) {
	t.Helper()
	st, err := stores.Open(t.Context(), location)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	issuer = "http://" + ln.Addr().String()
	log := slog.New(slog.DiscardHandler)
	srv, err := newServer(serverOptions{issuer: issuer, store: st, log: log})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(newHandler(srv, issuer, log))
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			hs.Close()
			_ = st.Close()
		}
	}
	t.Cleanup(stop)
	return issuer, stop
}

// jwksKids fetches the kids of the JWK Set.
func jwksKids(t *testing.T, jwksURI string) []string {
	t.Helper()
	resp, err := http.Get(jwksURI)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var doc struct{ Keys []struct{ Kid string } }
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("jwks: %v: %s", err, body)
	}
	var kids []string
	for _, k := range doc.Keys {
		kids = append(kids, k.Kid)
	}
	slices.Sort(kids)
	return kids
}

// TestRestartKeepsState: the quickstart on its SQLite file, stopped and
// started again, still has the browser's session and consent (the next
// authorization request returns a code with no page), the refresh token,
// the revocation, and the signing keys (tokens from before verify against
// the JWK Set from after).
func TestRestartKeepsState(t *testing.T) {
	ctx := t.Context()
	location := "sqlite:" + filepath.Join(t.TempDir(), "data", "quickstart.db")
	issuer, stop := serveStore(t, "127.0.0.1:0", location)
	addr := issuer[len("http://"):]
	cfg := demoAppOAuth2Config(issuer)
	_, jwksURI := metadata(t, ctx, issuer)
	_, revokeURL := endpointsFromMetadata(t, ctx, issuer)

	ua := newUserAgent(t)
	verifier := oauth2.GenerateVerifier()
	q := signIn(t, ua, issuer, cfg.AuthCodeURL("s1", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n1")), true)
	tok, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil || tok.RefreshToken == "" {
		t.Fatalf("exchange: %v (refresh token %q)", err, tok.RefreshToken)
	}
	cc := clientcredentials.Config{ClientID: "demo-service", ClientSecret: demoServiceSecret, TokenURL: issuer + "/oauth2/token"}
	revoked, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, body := postForm(t, ctx, revokeURL, "demo-service", demoServiceSecret, "", url.Values{"token": {revoked.AccessToken}}); status != http.StatusOK {
		t.Fatalf("revoke: %d %s", status, body)
	}
	kids := jwksKids(t, jwksURI)

	stop()
	issuer2, _ := serveStore(t, addr, location)
	if issuer2 != issuer {
		t.Fatalf("restarted as %s, want %s", issuer2, issuer)
	}

	if got := jwksKids(t, jwksURI); !slices.Equal(got, kids) {
		t.Errorf("JWK Set after the restart %v, before %v", got, kids)
	}
	accessTokenClaims(t, ctx, jwksURI, tok.AccessToken) // verifies with the keys from after

	// Session and consent: a code with no page.
	verifier = oauth2.GenerateVerifier()
	resp, page := ua.get(cfg.AuthCodeURL("s2", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n2")))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("authorize after the restart: %d, want a 303 with no page:\n%s", resp.StatusCode, page)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if _, err := redeem(ctx, cfg, issuer, loc.Query().Get("code"), verifier, "n2"); err != nil {
		t.Errorf("the code after the restart: %v", err)
	}

	// The refresh token from before.
	if _, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); err != nil {
		t.Errorf("refresh after the restart: %v", err)
	}

	// The revocation, and the token that was not revoked.
	introspectURL, _ := endpointsFromMetadata(t, ctx, issuer)
	for token, want := range map[string]bool{revoked.AccessToken: false, kept.AccessToken: true} {
		status, _, body := postForm(t, ctx, introspectURL, "demo-api", demoAPISecret, "", url.Values{"token": {token}})
		var m struct{ Active bool }
		if status != http.StatusOK || json.Unmarshal(body, &m) != nil || m.Active != want {
			t.Errorf("introspection after the restart: %d %s, want active %v", status, body, want)
		}
	}
}
