package runtime

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// htRefresh sends a refresh request by "conf" (or basic when given).
func (env *htEnv) refresh(t testing.TB, rt string, extra ...string) *htRequest {
	t.Helper()
	form := append([]string{"grant_type", "refresh_token", "refresh_token", rt}, extra...)
	return &htRequest{body: htForm(form...), basic: htBasic("conf", htConfSecret)}
}

// htTokens redeems a fresh code of "conf" for scope read write.
func (env *htEnv) tokens(t testing.TB) htTokenBody {
	t.Helper()
	return htWantOK(t, env.do(t, htRequest{body: htRedeemForm(env.confCode(t)), basic: htBasic("conf", htConfSecret)}))
}

// TestRefreshRotation: two refreshes yield three distinct refresh tokens,
// each superseded value is refused (RFC 9700 §4.14.2).
func TestRefreshRotation(t *testing.T) {
	env := htNewEnv(t)
	t1 := env.tokens(t)
	t2 := htWantOK(t, env.do(t, *env.refresh(t, t1.RefreshToken)))
	t3 := htWantOK(t, env.do(t, *env.refresh(t, t2.RefreshToken)))
	if t1.RefreshToken == t2.RefreshToken || t2.RefreshToken == t3.RefreshToken || t1.RefreshToken == t3.RefreshToken {
		t.Fatal("refresh tokens are not distinct")
	}
	if t2.Scope != "read write" || t3.ExpiresIn != 600 {
		t.Fatalf("response %+v", t3)
	}
	htWantError(t, env.do(t, *env.refresh(t, t2.RefreshToken)), 400, oauth.ErrInvalidGrant)
	htWantError(t, env.do(t, *env.refresh(t, t1.RefreshToken)), 400, oauth.ErrInvalidGrant)
}

// TestRefreshReuseRevokesGrant: RT1 gives RT2; replaying RT1 is invalid_grant;
// then RT2 is refused and AT2 inactive (RFC 9700 §4.14.2).
func TestRefreshReuseRevokesGrant(t *testing.T) {
	env := htNewEnv(t)
	t1 := env.tokens(t)
	t2 := htWantOK(t, env.do(t, *env.refresh(t, t1.RefreshToken)))
	if !env.active(t, t2.AccessToken) {
		t.Fatal("AT2 not active")
	}
	htWantError(t, env.do(t, *env.refresh(t, t1.RefreshToken)), 400, oauth.ErrInvalidGrant)
	htWantError(t, env.do(t, *env.refresh(t, t2.RefreshToken)), 400, oauth.ErrInvalidGrant)
	if env.active(t, t2.AccessToken) || env.active(t, t1.AccessToken) {
		t.Fatal("access tokens of the family still active")
	}
}

// TestRefreshGrace: inside Policy.RefreshGrace a rotated token may be used
// again without revoking the grant; after it, reuse revokes.
func TestRefreshGrace(t *testing.T) {
	env := htNewEnv(t, htPolicyOf(oauth.GrantRefreshToken, func(p *TokenPolicy) { p.RefreshGrace = 30 * time.Second }))
	t1 := env.tokens(t)
	t2 := htWantOK(t, env.do(t, *env.refresh(t, t1.RefreshToken)))
	env.clock.Advance(10 * time.Second)
	t2b := htWantOK(t, env.do(t, *env.refresh(t, t1.RefreshToken)))
	if t2b.RefreshToken == t2.RefreshToken {
		t.Fatal("grace retry returned the same refresh token")
	}
	if !env.active(t, t2.AccessToken) {
		t.Fatal("grant revoked inside the grace window")
	}
	env.clock.Advance(30 * time.Second)
	htWantError(t, env.do(t, *env.refresh(t, t1.RefreshToken)), 400, oauth.ErrInvalidGrant)
	if env.active(t, t2.AccessToken) {
		t.Fatal("grant not revoked after the grace window")
	}
}

// TestRefreshConcurrent: 16 concurrent refreshes with one token, grace 0:
// exactly one 200.
func TestRefreshConcurrent(t *testing.T) {
	env := htNewEnv(t)
	t1 := env.tokens(t)
	const n = 16
	var (
		wg     sync.WaitGroup
		start  = make(chan struct{})
		status [n]int
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status[i] = env.do(t, *env.refresh(t, t1.RefreshToken)).Code
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, c := range status {
		switch c {
		case http.StatusOK:
			ok++
		case http.StatusBadRequest:
		default:
			t.Errorf("unexpected status %d", c)
		}
	}
	if ok != 1 {
		t.Fatalf("%d refreshes succeeded, want exactly 1", ok)
	}
}

// TestRefreshOtherClient: client B presenting A's token gets invalid_grant
// and A's token still works (RFC 6749 §6, §10.4).
func TestRefreshOtherClient(t *testing.T) {
	env := htNewEnv(t)
	t1 := env.tokens(t)
	rq := env.refresh(t, t1.RefreshToken)
	rq.basic = htBasic("other", htOtherSecret)
	htWantError(t, env.do(t, *rq), 400, oauth.ErrInvalidGrant)
	htWantOK(t, env.do(t, *env.refresh(t, t1.RefreshToken)))
	if !env.active(t, t1.AccessToken) {
		t.Fatal("A's grant was revoked by B's attempt")
	}
}

// TestRefreshScope: a wider scope is invalid_scope; a subset works and the
// new refresh token keeps the original scope (RFC 6749 §6).
func TestRefreshScope(t *testing.T) {
	env := htNewEnv(t)
	code := env.code(t, AuthorizationCode{ClientID: "conf", RedirectURI: htRedirect, RedirectURIProvided: true,
		Scope: oauth.ScopeSet{"read"}, CodeChallenge: oauth.S256Challenge(htVerifier), CodeChallengeMethod: "S256"})
	narrow := htWantOK(t, env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)}))
	htWantError(t, env.do(t, *env.refresh(t, narrow.RefreshToken, "scope", "read write")), 400, oauth.ErrInvalidScope)
	// The refused request did not consume the token.
	htWantOK(t, env.do(t, *env.refresh(t, narrow.RefreshToken)))

	wide := env.tokens(t)
	sub := htWantOK(t, env.do(t, *env.refresh(t, wide.RefreshToken, "scope", "write")))
	if sub.Scope != "write" {
		t.Fatalf("scope = %q, want write", sub.Scope)
	}
	rec, _, _ := env.srv.AccessTokenActive(context.Background(), Secret(sub.AccessToken))
	if rec.Claims.Scope.String() != "write" {
		t.Fatalf("access token scope = %q", rec.Claims.Scope)
	}
	again := htWantOK(t, env.do(t, *env.refresh(t, sub.RefreshToken)))
	if again.Scope != "read write" {
		t.Fatalf("the rotated refresh token lost the original scope: %q", again.Scope)
	}
}

// TestRefreshExpiry: idle and absolute expiry are invalid_grant
// (RFC 9700 §4.14.2); rotation keeps the absolute deadline.
func TestRefreshExpiry(t *testing.T) {
	env := htNewEnv(t, htPolicyOf(oauth.GrantAuthorizationCode, func(p *TokenPolicy) {
		p.RefreshIdleTTL = time.Hour
		p.RefreshTTL = 3 * time.Hour
	}), htPolicyOf(oauth.GrantRefreshToken, func(p *TokenPolicy) { p.RefreshIdleTTL = time.Hour }))
	t1 := env.tokens(t)
	env.clock.Advance(61 * time.Minute)
	htWantError(t, env.do(t, *env.refresh(t, t1.RefreshToken)), 400, oauth.ErrInvalidGrant)

	t1 = env.tokens(t)
	rt := t1.RefreshToken
	for range 3 { // 50 min steps keep it from idling out...
		env.clock.Advance(50 * time.Minute)
		rt = htWantOK(t, env.do(t, *env.refresh(t, rt))).RefreshToken
	}
	env.clock.Advance(50 * time.Minute) // ...but 200 min is past the 3 h absolute deadline
	htWantError(t, env.do(t, *env.refresh(t, rt)), 400, oauth.ErrInvalidGrant)
}

// TestRefreshWithoutRotation: rotation off returns the presented token
// unchanged, and it keeps working.
func TestRefreshWithoutRotation(t *testing.T) {
	env := htNewEnv(t, htPolicyOf(oauth.GrantRefreshToken, func(p *TokenPolicy) { p.RotateRefresh = false }))
	t1 := env.tokens(t)
	for range 3 {
		b := htWantOK(t, env.do(t, *env.refresh(t, t1.RefreshToken)))
		if b.RefreshToken != t1.RefreshToken {
			t.Fatal("rotation is off but the refresh token changed")
		}
	}
	rec, found, err := env.store.RefreshToken(context.Background(), hashSecret(Secret(t1.RefreshToken)))
	if err != nil || !found || !rec.RotatedAt.IsZero() {
		t.Fatalf("token marked rotated: %+v %v", rec, err)
	}
}

// TestRefreshRefused covers the remaining invalid_grant paths.
func TestRefreshRefused(t *testing.T) {
	env := htNewEnv(t)
	htWantError(t, env.do(t, *env.refresh(t, "no-such-token")), 400, oauth.ErrInvalidGrant)

	// A revoked grant.
	t1 := env.tokens(t)
	rec, _, _ := env.store.RefreshToken(context.Background(), hashSecret(Secret(t1.RefreshToken)))
	if err := env.store.RevokeGrant(context.Background(), rec.GrantID); err != nil {
		t.Fatal(err)
	}
	htWantError(t, env.do(t, *env.refresh(t, t1.RefreshToken)), 400, oauth.ErrInvalidGrant)

	// Public client: refresh with client_id only.
	code := env.code(t, AuthorizationCode{ClientID: "pub", CodeChallenge: oauth.S256Challenge(htVerifier), CodeChallengeMethod: "S256"})
	b := htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "authorization_code", "client_id", "pub", "code", code.Reveal(), "code_verifier", htVerifier)}))
	htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "refresh_token", "client_id", "pub", "refresh_token", b.RefreshToken)}))
}
