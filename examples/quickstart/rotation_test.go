package main

import (
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/oauthgen/oauthgen/runtime/runtimetest"
	"github.com/oauthgen/oauthgen/runtime/signingkeys"
	"github.com/oauthgen/oauthgen/runtime/stores"
	"github.com/oauthgen/oauthgen/runtime/storetest/pgtest"
)

// TestKeyRotationTwoInstances: two instances on one PostgreSQL database
// behind the round-robin proxy rotate their signing keys on schedule (and
// once on demand) over five days of a shared clock, while a client keeps
// getting tokens from either and verifying them with go-oidc's remote key
// set on the proxy. No verification fails; every token's key is in both
// instances' JWK Sets when it is issued, and was for the pre-publication
// hour before it first signed; both sign with the same key.
func TestKeyRotationTwoInstances(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	clock := runtimetest.NewClock(time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC))
	lb := &balancer{pinned: -1}
	front := httptest.NewServer(lb.proxy())
	defer front.Close()
	issuer := front.URL

	var direct []string
	var admin stores.Store
	for range 2 {
		st, err := stores.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		admin = st
		srv, err := newServer(serverOptions{issuer: issuer, store: st, keyRotation: 24 * time.Hour, keyPrePublish: time.Hour,
			clock: clock, log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv)
		defer hs.Close()
		direct = append(direct, hs.URL)
	}
	lb.serve(strings.TrimPrefix(direct[0], "http://"), strings.TrimPrefix(direct[1], "http://"))

	keys := oidc.NewRemoteKeySet(ctx, issuer+"/oauth2/jwks")
	cc := clientcredentials.Config{ClientID: "demo-service", ClientSecret: demoServiceSecret, TokenURL: issuer + "/oauth2/token"}
	seen := map[string]bool{}
	published := map[string]time.Time{} // when a kid was first in both JWK Sets
	for step := range 5 * 24 * 6 {      // five days in 10-minute steps
		a, b := jwksKids(t, direct[0]+"/oauth2/jwks"), jwksKids(t, direct[1]+"/oauth2/jwks")
		for _, kid := range a {
			if _, ok := published[kid]; !ok && slices.Contains(b, kid) {
				published[kid] = clock.Now()
			}
		}
		if step == 3*24*6 {
			// What `oauthgen keys rotate` does, on the test's clock.
			if added, err := signingkeys.Rotate(ctx, admin, clock.Now); err != nil || len(added) == 0 {
				t.Fatalf("rotate on demand: %v, %v", added, err)
			}
		}
		var kids []string
		for range 2 { // one token from each instance
			tok, err := cc.Token(ctx)
			if err != nil {
				t.Fatalf("step %d: token: %v", step, err)
			}
			if _, err := keys.VerifySignature(ctx, tok.AccessToken); err != nil {
				t.Fatalf("step %d (%v): go-oidc does not verify the token: %v", step, clock.Now(), err)
			}
			kid := tokenKID(t, tok.AccessToken)
			for i, base := range direct {
				if !slices.Contains(jwksKids(t, base+"/oauth2/jwks"), kid) {
					t.Fatalf("step %d: instance %c does not publish %s, which signs", step, 'A'+i, kid)
				}
			}
			if !seen[kid] && step > 0 {
				// A new key signs only after verifiers could learn it
				// from either instance for the pre-publication hour.
				if since := clock.Now().Sub(published[kid]); published[kid].IsZero() || since < 50*time.Minute {
					t.Fatalf("step %d: %s signs %v after both instances published it", step, kid, since)
				}
			}
			kids = append(kids, kid)
			seen[kid] = true
		}
		if kids[0] != kids[1] {
			t.Fatalf("step %d: the instances sign with %v", step, kids)
		}
		clock.Advance(10 * time.Minute)
	}
	if len(seen) < 5 {
		t.Errorf("%d keys signed over five days with a daily rotation and one on demand, want at least 5", len(seen))
	}
}

// tokenKID returns the kid of a JWS's header.
func tokenKID(t *testing.T, token string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.SplitN(token, ".", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	var h struct{ Kid string }
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h.Kid
}
