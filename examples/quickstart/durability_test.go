package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime/storetest/pgtest"
)

// TestKillDurability: a quickstart process is killed with SIGKILL while
// refresh rotations, revocations and code redemptions run against it;
// after a restart on the same store, every revocation that was answered
// 200 is in force, no refresh token that was rotated is usable again, and
// no code that was redeemed is redeemable again. On SQLite and on
// PostgreSQL.
func TestKillDurability(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "q.db") }},
		{"postgres", func(t *testing.T) string { return pgtest.DSN(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) { killDurability(t, tc.store(t)) })
	}
}

// durabilityIssuer is the issuer both runs serve as; the test talks to
// each process at its own address.
const durabilityIssuer = "http://127.0.0.1:9"

func killDurability(t *testing.T, location string) {
	ctx := t.Context()
	args := []string{"-issuer", durabilityIssuer, "-store", location}
	p := startProcess(t, args...)
	base := "http://" + p.addr

	// Before the kill: codes from one signed-in session, refresh tokens
	// from half of them, and client_credentials tokens to revoke.
	cfg := demoAppOAuth2Config(durabilityIssuer)
	cfg.Endpoint.AuthURL = base + "/oauth2/authorize"
	verifier := oauth2.GenerateVerifier()
	ua := newUserAgent(t)
	codes := make([]string, 40)
	for i := range codes {
		authURL := cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier))
		var q url.Values
		if i == 0 {
			q = signIn(t, ua, base, authURL, true)
		} else {
			resp, _ := ua.get(authURL)
			loc, _ := url.Parse(resp.Header.Get("Location"))
			q = loc.Query()
		}
		if codes[i] = q.Get("code"); codes[i] == "" {
			t.Fatalf("no code: %v", q)
		}
	}
	cli := &durabilityClient{base: base, verifier: verifier}
	var refresh []string
	for _, code := range codes[:20] {
		status, body := cli.redeem(ctx, code)
		if status != http.StatusOK || body.RefreshToken == "" {
			t.Fatalf("redeem: %d", status)
		}
		refresh = append(refresh, body.RefreshToken)
	}
	codes = codes[20:]
	var revocable []string
	for range 70 {
		status, body := cli.post(ctx, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}}, "demo-service", demoServiceSecret)
		if status != http.StatusOK {
			t.Fatalf("client_credentials: %d", status)
		}
		revocable = append(revocable, body.AccessToken)
	}

	// What the load leaves alone must still work after the restart, which
	// shows that the store kept it (a store that lost everything would
	// pass the checks of what the load used).
	refresh, spareRefresh := refresh[:16], refresh[16:]
	codes, spareCodes := codes[:15], codes[15:]
	revocable, spareTokens := revocable[:60], revocable[60:]

	// The load, and the kill once enough of it was answered.
	var (
		mu        sync.Mutex
		answered  int
		rotated   []string // refresh tokens answered 200 when presented
		revoked   []string // access tokens whose revocation answered 200
		redeemed  []string // codes answered 200
		enough    = make(chan struct{})
		closeOnce sync.Once
	)
	// Enough is 40 answers, of every kind at least 2.
	record := func(list *[]string, v string) {
		mu.Lock()
		defer mu.Unlock()
		*list = append(*list, v)
		answered++
		if answered >= 40 && len(rotated) >= 2 && len(revoked) >= 2 && len(redeemed) >= 2 {
			closeOnce.Do(func() { close(enough) })
		}
	}
	var wg sync.WaitGroup
	for _, rt := range refresh {
		wg.Go(func() {
			for {
				status, body := cli.post(ctx, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, "", "")
				if status != http.StatusOK {
					return // the kill, or a bug the checks below catch
				}
				record(&rotated, rt)
				rt = body.RefreshToken
			}
		})
	}
	for i := range 4 {
		wg.Go(func() {
			for j := i; j < len(revocable); j += 4 {
				status, _ := cli.post(ctx, "/oauth2/revoke", url.Values{"token": {revocable[j]}}, "demo-service", demoServiceSecret)
				if status != http.StatusOK {
					return
				}
				record(&revoked, revocable[j])
			}
		})
	}
	wg.Go(func() {
		for _, code := range codes {
			if status, _ := cli.redeem(ctx, code); status != http.StatusOK {
				return
			}
			record(&redeemed, code)
		}
	})
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-enough:
	case <-finished: // every worker stopped before: the check below says why
	}
	p.kill()
	<-finished
	if len(rotated) < 2 || len(revoked) < 2 || len(redeemed) < 2 {
		t.Fatalf("the load did not run: %d rotations, %d revocations, %d redemptions answered", len(rotated), len(revoked), len(redeemed))
	}

	// After the restart.
	p = startProcess(t, args...)
	cli.base = "http://" + p.addr
	for _, tok := range revoked {
		status, body := cli.post(ctx, "/oauth2/introspect", url.Values{"token": {tok}}, "demo-api", demoAPISecret)
		if status != http.StatusOK || body.Active {
			t.Errorf("a revocation answered 200 was lost: introspection %d, active %v", status, body.Active)
		}
	}
	for _, rt := range rotated {
		if status, body := cli.post(ctx, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, "", ""); body.Error != "invalid_grant" {
			t.Errorf("a rotated refresh token was usable again: %d %q", status, body.Error)
		}
	}
	for _, code := range redeemed {
		if status, body := cli.redeem(ctx, code); body.Error != "invalid_grant" {
			t.Errorf("a redeemed code was redeemable again: %d %q", status, body.Error)
		}
	}
	for _, tok := range spareTokens {
		if status, body := cli.post(ctx, "/oauth2/introspect", url.Values{"token": {tok}}, "demo-api", demoAPISecret); !body.Active {
			t.Errorf("a token issued before the kill is not active after the restart: %d", status)
		}
	}
	for _, rt := range spareRefresh {
		if status, body := cli.post(ctx, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, "", ""); status != http.StatusOK {
			t.Errorf("a refresh token issued before the kill is not usable after the restart: %d %q", status, body.Error)
		}
	}
	for _, code := range spareCodes {
		if status, body := cli.redeem(ctx, code); status != http.StatusOK {
			t.Errorf("a code issued before the kill is not redeemable after the restart: %d %q", status, body.Error)
		}
	}
	t.Logf("checked %d rotations, %d revocations and %d redemptions answered before the kill", len(rotated), len(revoked), len(redeemed))
}

// durabilityClient posts to the token, revocation and introspection
// endpoints of one process.
type durabilityClient struct {
	base     string
	verifier string
}

type durabilityBody struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	Active       bool   `json:"active"`
	Error        string `json:"error"`
}

// post sends form to path, authenticated with Basic when id is set, else
// as demo-app with client_secret_post; a transport error is status 0.
func (c *durabilityClient) post(ctx context.Context, path string, form url.Values, id, secret string) (int, durabilityBody) {
	if id == "" {
		form.Set("client_id", "demo-app")
		form.Set("client_secret", demoAppSecret)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, durabilityBody{}
	}
	defer resp.Body.Close()
	var body durabilityBody
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &body)
	return resp.StatusCode, body
}

func (c *durabilityClient) redeem(ctx context.Context, code string) (int, durabilityBody) {
	return c.post(ctx, "/oauth2/token", url.Values{
		"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {durabilityIssuer + "/demo/callback"}, "code_verifier": {c.verifier},
	}, "", "")
}
