package runtime

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestAuthorizationCodeSuccess: a code redeemed once gives an access token,
// a refresh token and the code's scope; the tokens carry the code's subject.
func TestAuthorizationCodeSuccess(t *testing.T) {
	env := htNewEnv(t)
	code := env.confCode(t)
	b := htWantOK(t, env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)}))
	if b.Scope != "read write" || b.RefreshToken == "" || b.ExpiresIn != 600 {
		t.Fatalf("response %+v", b)
	}
	if strings.Count(b.AccessToken, ".") != 2 {
		t.Fatalf("want a JWT access token, got %q", b.AccessToken)
	}
	rec, ok, err := env.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
	if err != nil || !ok {
		t.Fatalf("access token not active: %v", err)
	}
	if rec.Claims.Subject != "alice" || rec.ClientID != "conf" || rec.Claims.Scope.String() != "read write" ||
		!rec.Claims.AuthTime.Equal(htStart.Add(-time.Minute)) {
		t.Fatalf("claims %+v", rec.Claims)
	}
	// The refresh token works.
	htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "refresh_token", "refresh_token", b.RefreshToken), basic: htBasic("conf", htConfSecret)}))
}

// TestAuthorizationCodePublicClient: a public client redeems with client_id
// and PKCE; the redirect_uri was not in the authorization request.
func TestAuthorizationCodePublicClient(t *testing.T) {
	env := htNewEnv(t)
	code := env.code(t, AuthorizationCode{
		ClientID: "pub", CodeChallenge: oauth.S256Challenge(htVerifier), CodeChallengeMethod: "S256",
	})
	b := htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "authorization_code", "client_id", "pub",
		"code", code.Reveal(), "code_verifier", htVerifier)}))
	if b.Scope != "read" || b.RefreshToken == "" {
		t.Fatalf("response %+v", b)
	}
}

// TestAuthorizationCodeNoRefresh: no refresh token when the client may not
// refresh, or the policy does not issue them.
func TestAuthorizationCodeNoRefresh(t *testing.T) {
	env := htNewEnv(t)
	code := env.code(t, AuthorizationCode{ClientID: "noref", RedirectURI: htRedirect, RedirectURIProvided: true})
	b := htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "authorization_code", "code", code.Reveal(), "redirect_uri", htRedirect), basic: htBasic("noref", htConfSecret)}))
	if b.RefreshToken != "" {
		t.Fatalf("refresh token issued to a client without the refresh_token grant")
	}
	env = htNewEnv(t, htPolicyOf(oauth.GrantAuthorizationCode, func(p *TokenPolicy) { p.IssueRefresh = false }))
	code = env.confCode(t)
	b = htWantOK(t, env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)}))
	if b.RefreshToken != "" {
		t.Fatalf("refresh token issued although the policy says no")
	}
}

// TestAuthorizationCodeReplay: a second redemption is invalid_grant and
// revokes the tokens of the first (RFC 6749 §4.1.2).
func TestAuthorizationCodeReplay(t *testing.T) {
	env := htNewEnv(t)
	code := env.confCode(t)
	first := htWantOK(t, env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)}))
	if !env.active(t, first.AccessToken) {
		t.Fatal("first access token not active")
	}
	htWantError(t, env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)}), 400, oauth.ErrInvalidGrant)
	if env.active(t, first.AccessToken) {
		t.Error("first access token still active after the replay")
	}
	htWantError(t, env.do(t, htRequest{body: htForm("grant_type", "refresh_token", "refresh_token", first.RefreshToken), basic: htBasic("conf", htConfSecret)}), 400, oauth.ErrInvalidGrant)
	// A replay by another client revokes too.
	code = env.confCode(t)
	first = htWantOK(t, env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)}))
	htWantError(t, env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("other", htOtherSecret)}), 400, oauth.ErrInvalidGrant)
	if env.active(t, first.AccessToken) {
		t.Error("access token still active after a replay by another client")
	}
}

// TestAuthorizationCodeConcurrentRedemption: 32 goroutines redeem one code
// at the same moment; exactly one gets 200 (RFC 6749 §4.1.2).
func TestAuthorizationCodeConcurrentRedemption(t *testing.T) {
	env := htNewEnv(t)
	code := env.confCode(t)
	const n = 32
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		codes [n]int
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			codes[i] = env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)}).Code
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, c := range codes {
		switch c {
		case http.StatusOK:
			ok++
		case http.StatusBadRequest:
		default:
			t.Errorf("unexpected status %d", c)
		}
	}
	if ok != 1 {
		t.Fatalf("%d redemptions succeeded, want exactly 1", ok)
	}
}

// TestAuthorizationCodeRefused covers the invalid_grant and invalid_target
// paths of the authorization code grant (RFC 6749 §4.1.3; RFC 7636 §4.6);
// after each the code is dead.
func TestAuthorizationCodeRefused(t *testing.T) {
	long := strings.Repeat("a", 129)
	short := strings.Repeat("a", 42)
	plus := strings.Repeat("a", 42) + "+"
	pkce := func(v string) AuthorizationCode {
		return AuthorizationCode{ClientID: "conf", RedirectURI: htRedirect, RedirectURIProvided: true,
			CodeChallenge: oauth.S256Challenge((v)), CodeChallengeMethod: "S256"}
	}
	tests := []struct {
		name    string
		req     AuthorizationCode
		form    []string // after grant_type and code
		basic   *[2]string
		advance time.Duration
		code    oauth.ErrorCode
	}{
		{"wrong verifier", pkce(htVerifier), []string{"redirect_uri", htRedirect, "code_verifier", htVerifier + "x"}, nil, 0, oauth.ErrInvalidGrant},
		{"missing verifier", pkce(htVerifier), []string{"redirect_uri", htRedirect}, nil, 0, oauth.ErrInvalidGrant},
		{"verifier of 42 characters", pkce(short), []string{"redirect_uri", htRedirect, "code_verifier", short}, nil, 0, oauth.ErrInvalidGrant},
		{"verifier of 129 characters", pkce(long), []string{"redirect_uri", htRedirect, "code_verifier", long}, nil, 0, oauth.ErrInvalidGrant},
		{"verifier with +", pkce(plus), []string{"redirect_uri", htRedirect, "code_verifier", plus}, nil, 0, oauth.ErrInvalidGrant},
		{"PKCE downgrade", AuthorizationCode{ClientID: "conf", RedirectURI: htRedirect, RedirectURIProvided: true},
			[]string{"redirect_uri", htRedirect, "code_verifier", htVerifier}, nil, 0, oauth.ErrInvalidGrant},
		{"other client", pkce(htVerifier), []string{"redirect_uri", htRedirect, "code_verifier", htVerifier}, htBasic("other", htOtherSecret), 0, oauth.ErrInvalidGrant},
		{"other registered redirect_uri", pkce(htVerifier), []string{"redirect_uri", "https://app.example/other", "code_verifier", htVerifier}, nil, 0, oauth.ErrInvalidGrant},
		{"redirect_uri missing", pkce(htVerifier), []string{"code_verifier", htVerifier}, nil, 0, oauth.ErrInvalidGrant},
		{"redirect_uri differs by a slash", pkce(htVerifier), []string{"redirect_uri", htRedirect + "/", "code_verifier", htVerifier}, nil, 0, oauth.ErrInvalidGrant},
		{"redirect_uri sent though not provided at authorize, differs", AuthorizationCode{ClientID: "pub",
			CodeChallenge: oauth.S256Challenge(htVerifier), CodeChallengeMethod: "S256"},
			[]string{"client_id", "pub", "redirect_uri", "http://127.0.0.1/other", "code_verifier", htVerifier}, &[2]string{}, 0, oauth.ErrInvalidGrant},
		{"expired after 61 s", pkce(htVerifier), []string{"redirect_uri", htRedirect, "code_verifier", htVerifier}, nil, 61 * time.Second, oauth.ErrInvalidGrant},
		{"resource not in the authorization request", func() AuthorizationCode {
			r := pkce(htVerifier)
			r.Resources = []string{"https://api.example"}
			return r
		}(), []string{"redirect_uri", htRedirect, "code_verifier", htVerifier, "resource", "https://evil.example"}, nil, 0, oauth.ErrInvalidTarget},
		// RFC 8707 §2.2: a code whose authorization request named no
		// resource authorizes the client's registered audiences only, as
		// the authorization endpoint would have (it has none here).
		{"resource the authorization request did not name", pkce(htVerifier),
			[]string{"redirect_uri", htRedirect, "code_verifier", htVerifier, "resource", "https://evil.example"}, nil, 0, oauth.ErrInvalidTarget},
		{"resource not absolute", pkce(htVerifier), []string{"redirect_uri", htRedirect, "code_verifier", htVerifier, "resource", "api"}, nil, 0, oauth.ErrInvalidTarget},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := htNewEnv(t)
			code := env.code(t, tc.req)
			env.clock.Advance(tc.advance)
			form := append([]string{"grant_type", "authorization_code", "code", code.Reveal()}, tc.form...)
			basic := tc.basic
			if basic == nil {
				basic = htBasic("conf", htConfSecret)
			} else if basic[0] == "" {
				basic = nil
			}
			htWantError(t, env.do(t, htRequest{body: htForm(form...), basic: basic}), 400, tc.code)
			// The code is dead: the correct request now fails too.
			good := htForm("grant_type", "authorization_code", "code", code.Reveal(), "redirect_uri", tc.req.RedirectURI, "code_verifier", htVerifier)
			htWantError(t, env.do(t, htRequest{body: good, basic: htBasic("conf", htConfSecret)}), 400, oauth.ErrInvalidGrant)
		})
	}
}

// TestAuthorizationCodeUnknown: an unknown code is invalid_grant.
func TestAuthorizationCodeUnknown(t *testing.T) {
	env := htNewEnv(t)
	htWantError(t, env.do(t, htRequest{body: htRedeemForm("no-such-code"), basic: htBasic("conf", htConfSecret)}), 400, oauth.ErrInvalidGrant)
}

// TestAuthorizationCodeResources: requested resources within the code's
// become the audience; without any, the code's resources are used.
func TestAuthorizationCodeResources(t *testing.T) {
	env := htNewEnv(t)
	req := AuthorizationCode{ClientID: "conf", RedirectURI: htRedirect, RedirectURIProvided: true,
		CodeChallenge: oauth.S256Challenge(htVerifier), CodeChallengeMethod: "S256",
		Resources: []string{"https://a.example", "https://b.example"}}
	for _, tc := range []struct {
		extra []string
		want  string
	}{
		{[]string{"resource", "https://b.example"}, "https://b.example"},
		{nil, "https://a.example https://b.example"},
	} {
		code := env.code(t, req)
		form := append([]string{"grant_type", "authorization_code", "code", code.Reveal(), "redirect_uri", htRedirect, "code_verifier", htVerifier}, tc.extra...)
		b := htWantOK(t, env.do(t, htRequest{body: htForm(form...), basic: htBasic("conf", htConfSecret)}))
		rec, _, _ := env.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
		if got := strings.Join(rec.Claims.Audience, " "); got != tc.want {
			t.Errorf("aud = %q, want %q", got, tc.want)
		}
	}
}

// TestAuthorizationCodeResourceOfClient: when the authorization request
// named no resource, a resource the client is registered for may be
// requested at the token endpoint and becomes the audience; another is
// invalid_target (RFC 8707 §2.2).
func TestAuthorizationCodeResourceOfClient(t *testing.T) {
	env := htNewEnv(t)
	req := AuthorizationCode{ClientID: "audcode", RedirectURI: htRedirect, RedirectURIProvided: true,
		CodeChallenge: oauth.S256Challenge(htVerifier), CodeChallengeMethod: "S256"}
	redeem := func(resource string) *httptest.ResponseRecorder {
		form := []string{"grant_type", "authorization_code", "code", env.code(t, req).Reveal(), "redirect_uri", htRedirect,
			"code_verifier", htVerifier, "resource", resource}
		return env.do(t, htRequest{body: htForm(form...), basic: htBasic("audcode", htConfSecret)})
	}
	b := htWantOK(t, redeem("https://api-b.example"))
	rec, _, _ := env.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
	if got := strings.Join(rec.Claims.Audience, " "); got != "https://api-b.example" {
		t.Errorf("aud = %q, want the requested resource", got)
	}
	htWantError(t, redeem("https://evil.example"), 400, oauth.ErrInvalidTarget)
}

// htReplayingCodeFlow redeems like a fresh stub, but lets the test replay
// the code after the endpoint has consumed it and before the grant is
// issued.
type htReplayingCodeFlow struct{ replay func() }

func (f htReplayingCodeFlow) Prepare(t *TokenContext) (func(context.Context) (*TokenResponse, error), error) {
	return func(ctx context.Context) (*TokenResponse, error) {
		f.replay()
		return t.Default(ctx)
	}, nil
}

// TestAuthorizationCodeReplayDuringIssuance: a replay that arrives after the
// first redemption consumed the code but before its grant was recorded still
// leaves no usable grant behind: the replay is refused, and the first
// redemption completes (it consumed the code) with tokens that are already
// revoked, as after any replay (RFC 6749 §4.1.2).
func TestAuthorizationCodeReplayDuringIssuance(t *testing.T) {
	var (
		env    *htEnv
		code   Secret
		replay *httptest.ResponseRecorder
	)
	env = htNewEnv(t, func(_ *Settings, regs []Registration[TokenContext, TokenResponse]) {
		for i := range regs {
			if regs[i].Wire == string(oauth.GrantAuthorizationCode) {
				regs[i].Flow = htReplayingCodeFlow{replay: func() {
					replay = env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)})
				}}
			}
		}
	})
	code = env.confCode(t)
	first := htWantOK(t, env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)}))
	if replay == nil {
		t.Fatal("the replay did not run")
	}
	htWantError(t, replay, 400, oauth.ErrInvalidGrant)
	if env.active(t, first.AccessToken) {
		t.Error("the first redemption's access token is active after a replay during its issuance")
	}
	htWantError(t, env.do(t, htRequest{body: htForm("grant_type", "refresh_token", "refresh_token", first.RefreshToken), basic: htBasic("conf", htConfSecret)}), 400, oauth.ErrInvalidGrant)
	env.store.mu.Lock()
	defer env.store.mu.Unlock()
	if len(env.store.grants) == 0 {
		t.Fatal("no grant was issued")
	}
	for _, e := range env.store.grants {
		g, err := decodeGrant(env.store.slab.Get(e.ref))
		if err != nil {
			t.Fatal(err)
		}
		if !e.revoked {
			t.Errorf("grant %s is not revoked after a replay during issuance", g.ID)
		}
	}
}
