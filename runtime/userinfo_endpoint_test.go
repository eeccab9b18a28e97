package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"golang.org/x/oauth2"
)

// TestUserInfoGoOIDC: go-oidc reads the userinfo of a code's access token:
// sub and the claims of the granted scopes only (OIDC Core §5.3.2, §5.4).
func TestUserInfoGoOIDC(t *testing.T) {
	env, ts := oidcServe(t, oidcConfig{})
	p, verifier, ctx := oidcProvider(t, env, ts.URL, "rp")
	if p.UserInfoEndpoint() != ts.URL+oidcUserInfoPath {
		t.Fatalf("userinfo endpoint %q", p.UserInfoEndpoint())
	}
	b := env.tokens(t, "openid", "email", "profile")
	id, err := verifier.Verify(ctx, idTokenOf(b))
	if err != nil {
		t.Fatal(err)
	}
	ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: b.AccessToken, TokenType: "Bearer"}))
	if err != nil {
		t.Fatalf("UserInfo: %v", err)
	}
	if ui.Subject != id.Subject || ui.Email != "alice@example.com" || !ui.EmailVerified {
		t.Errorf("userinfo = %+v, want alice's sub and email", ui)
	}
	var all map[string]any
	if err := ui.Claims(&all); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"name", "given_name", "family_name", "nickname", "preferred_username", "locale", "updated_at"} {
		if _, ok := all[k]; !ok {
			t.Errorf("profile claim %s missing", k)
		}
	}
	for _, k := range []string{"phone_number", "phone_number_verified", "address", "website"} {
		if _, ok := all[k]; ok {
			t.Errorf("claim %s present without its scope (or value)", k)
		}
	}
}

// TestUserInfoClaimsByScope: each scope releases exactly its claims (OIDC Core §5.4).
func TestUserInfoClaimsByScope(t *testing.T) {
	cases := []struct {
		scope []string
		want  string // sorted member names
	}{
		{[]string{"openid"}, "sub"},
		{[]string{"openid", "email"}, "email email_verified sub"},
		{[]string{"openid", "phone"}, "phone_number phone_number_verified sub"},
		{[]string{"openid", "address"}, "address sub"},
		{[]string{"openid", "profile"}, "family_name given_name locale name nickname preferred_username sub updated_at"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.scope, "+"), func(t *testing.T) {
			env := oidcNewEnv(t, oidcConfig{})
			b := env.tokens(t, tc.scope...)
			w := env.userinfo(t, http.MethodGet, "Bearer "+b.AccessToken, "", "")
			body := uiWant(t, w, http.StatusOK, "")
			if got := uiMemberNames(body); got != tc.want {
				t.Errorf("members = %q, want %q", got, tc.want)
			}
			if body["sub"] != "alice" {
				t.Errorf("sub = %v", body["sub"])
			}
		})
	}
}

// userinfo sends a userinfo request with an Authorization header and a body.
func (env *oidcEnv) userinfo(t testing.TB, method, authz, contentType, body string, extra ...string) *httptest.ResponseRecorder {
	t.Helper()
	h := http.Header{}
	if authz != "" {
		h.Add("Authorization", authz)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		h.Add(extra[i], extra[i+1])
	}
	return env.do(t, htRequest{method: method, path: oidcUserInfoPath, contentType: &contentType, body: body, header: h})
}

// uiWant checks a userinfo response: status, no-store, JSON, the error
// code (when code is not ""), and returns the decoded body.
func uiWant(t testing.TB, w *httptest.ResponseRecorder, status int, code oauth.ErrorCode) map[string]any {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d; body %s", w.Code, status, w.Body.String())
	}
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := w.Header().Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", w.Body.String(), err)
	}
	if got, _ := body["error"].(string); got != string(code) {
		t.Fatalf("error = %v, want %q; body %s", body["error"], code, w.Body.String())
	}
	return body
}

func uiMemberNames(body map[string]any) string {
	var names []string
	for k := range body {
		names = append(names, k)
	}
	for i := range names { // tiny insertion sort: no need for slices here
		for j := i; j > 0 && names[j] < names[j-1]; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
	return strings.Join(names, " ")
}

// TestUserInfoAudience: the access token of an OpenID grant names the
// issuer in its audience beside the client's resources, so the client can
// call userinfo with it (OIDC Core §5.3), and userinfo accepts it.
func TestUserInfoAudience(t *testing.T) {
	env := oidcNewEnv(t, oidcConfig{})
	b := env.redeem(t, "rp-api", env.codeFor(t, "rp-api", "openid", "email"))
	rec, _, _ := env.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
	if got := strings.Join(rec.Claims.Audience, " "); got != "https://api.example "+htIssuer {
		t.Errorf("aud = %q, want the client's audience and the issuer", got)
	}
	uiWant(t, env.userinfo(t, http.MethodGet, "Bearer "+b.AccessToken, "", ""), http.StatusOK, "")
	// Without openid the token is the API's only.
	b = env.redeem(t, "rp-api", env.codeFor(t, "rp-api", "email"))
	rec, _, _ = env.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
	if got := strings.Join(rec.Claims.Audience, " "); got != "https://api.example" {
		t.Errorf("aud without openid = %q", got)
	}
}

// TestClientNamedLikeAUser: a client whose client_id is an end user's
// subject gets no token without an end user, whose sub would pass for the
// user's (RFC 9068 §5).
func TestClientNamedLikeAUser(t *testing.T) {
	env := oidcNewEnv(t, oidcConfig{})
	htWantError(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials", "scope", "read"),
		basic: htBasic("alice", htConfSecret)}), 400, oauth.ErrUnauthorizedClient)
	if !strings.Contains(env.logs.String(), "also an end user's subject") {
		t.Errorf("the refusal is not logged: %s", env.logs.String())
	}
}

// TestUserInfoRequestForms: GET and POST, the header or the form body
// (OIDC Core §5.3.1; RFC 6750 §2.1, §2.2), a JWT or an opaque token.
func TestUserInfoRequestForms(t *testing.T) {
	opaque := htPolicyOf(oauth.GrantAuthorizationCode, func(p *TokenPolicy) { p.AccessFormat = FormatOpaque })
	for _, tc := range []struct {
		name   string
		opts   []htOption
		method string
		header bool // token in the Authorization header, else in the form
		ct     string
	}{
		{name: "GET header", method: http.MethodGet, header: true},
		{name: "POST header, no body", method: http.MethodPost, header: true},
		{name: "POST header, JSON body", method: http.MethodPost, header: true, ct: "application/json"},
		{name: "POST form", method: http.MethodPost, ct: "application/x-www-form-urlencoded"},
		{name: "POST form with charset", method: http.MethodPost, ct: "application/x-www-form-urlencoded; charset=UTF-8"},
		{name: "GET header, opaque token", opts: []htOption{opaque}, method: http.MethodGet, header: true},
		{name: "POST form, opaque token", opts: []htOption{opaque}, method: http.MethodPost, ct: "application/x-www-form-urlencoded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := oidcNewEnv(t, oidcConfig{}, tc.opts...)
			at := env.tokens(t, "openid", "email").AccessToken
			var w *httptest.ResponseRecorder
			switch {
			case tc.header && tc.ct == "application/json":
				w = env.userinfo(t, tc.method, "Bearer "+at, tc.ct, `{"access_token":"ignored"}`)
			case tc.header:
				w = env.userinfo(t, tc.method, "bearer "+at, tc.ct, "") // the scheme is case-insensitive
			default:
				w = env.userinfo(t, tc.method, "", tc.ct, htForm("access_token", at))
			}
			body := uiWant(t, w, http.StatusOK, "")
			if body["sub"] != "alice" || body["email"] != "alice@example.com" {
				t.Errorf("body = %v", body)
			}
			if w.Header().Get("Pragma") != "no-cache" {
				t.Error("no Pragma: no-cache")
			}
		})
	}
}

// uiChallenge parses a Bearer challenge into its parameters.
func uiChallenge(t testing.TB, h string) map[string]string {
	t.Helper()
	rest, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		t.Fatalf("challenge %q is not Bearer", h)
	}
	out := map[string]string{}
	for _, p := range strings.Split(rest, `", `) {
		k, v, ok := strings.Cut(p, `="`)
		if !ok {
			t.Fatalf("challenge %q: malformed parameter %q", h, p)
		}
		out[k] = strings.TrimSuffix(v, `"`)
	}
	return out
}

// TestUserInfoErrors: every error path of the endpoint (RFC 6750 §3.1;
// OIDC Core §5.3.3; RFC 8725 §3.11).
func TestUserInfoErrors(t *testing.T) {
	type setup struct {
		env *oidcEnv
		at  string // an active access token with openid email
		rt  string // its refresh token
		id  string // its ID token
	}
	form := "application/x-www-form-urlencoded"
	cases := []struct {
		name   string
		before func(s *setup)
		send   func(t *testing.T, s *setup) *httptest.ResponseRecorder
		status int
		code   oauth.ErrorCode // "" for a bare challenge
		// challenge says whether WWW-Authenticate is expected.
		challenge bool
		// desc, when set, is the expected error_description.
		desc string
	}{
		{name: "PUT", status: http.StatusMethodNotAllowed, code: oauth.ErrInvalidRequest, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodPut, "Bearer "+s.at, "", "")
		}},
		{name: "no token", status: http.StatusUnauthorized, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodGet, "", "", "")
		}},
		{name: "another scheme", status: http.StatusUnauthorized, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodGet, htBasicHeader("rp", htConfSecret), "", "")
		}},
		{name: "POST form without access_token", status: http.StatusUnauthorized, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodPost, "", form, "x=1")
		}},
		{name: "form token in a GET", status: http.StatusUnauthorized, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodGet, "", form, htForm("access_token", s.at))
		}},
		{name: "form token without form content type", status: http.StatusUnauthorized, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodPost, "", "text/plain", htForm("access_token", s.at))
		}},
		{name: "empty bearer", status: http.StatusBadRequest, code: oauth.ErrInvalidRequest, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodGet, "Bearer ", "", "")
		}},
		{name: "malformed bearer", status: http.StatusBadRequest, code: oauth.ErrInvalidRequest, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodGet, "Bearer a b", "", "")
		}},
		{name: "two Authorization headers", status: http.StatusBadRequest, code: oauth.ErrInvalidRequest, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodGet, "Bearer "+s.at, "", "", "Authorization", "Bearer "+s.at)
		}},
		{name: "header and form", status: http.StatusBadRequest, code: oauth.ErrInvalidRequest, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodPost, "Bearer "+s.at, form, htForm("access_token", s.at))
		}},
		{name: "repeated form parameter", status: http.StatusBadRequest, code: oauth.ErrInvalidRequest, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodPost, "", form, htForm("access_token", s.at, "access_token", s.at))
		}},
		{name: "query parameter", status: http.StatusBadRequest, code: oauth.ErrInvalidRequest, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.do(t, htRequest{method: http.MethodGet, path: oidcUserInfoPath + "?access_token=" + s.at})
		}},
		{name: "query parameter with a header", status: http.StatusBadRequest, code: oauth.ErrInvalidRequest, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.do(t, htRequest{method: http.MethodGet, path: oidcUserInfoPath + "?x=1;Access_Token=%zz",
				header: http.Header{"Authorization": {"Bearer " + s.at}}})
		}},
		{name: "unknown token", status: http.StatusUnauthorized, code: oauth.ErrInvalidToken, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodGet, "Bearer unknown-token", "", "")
		}},
		{name: "forged JWT", status: http.StatusUnauthorized, code: oauth.ErrInvalidToken, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			parts := strings.Split(s.at, ".")
			return s.env.userinfo(t, http.MethodGet, "Bearer "+parts[0]+"."+parts[1]+".AAAA", "", "")
		}},
		{name: "expired token", status: http.StatusUnauthorized, code: oauth.ErrInvalidToken, challenge: true,
			before: func(s *setup) { s.env.clock.Advance(10*time.Minute + time.Second) },
			send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
				return s.env.userinfo(t, http.MethodGet, "Bearer "+s.at, "", "")
			}},
		{name: "revoked token", status: http.StatusUnauthorized, code: oauth.ErrInvalidToken, challenge: true,
			before: func(s *setup) {
				rec, _, _ := s.env.srv.AccessTokenActive(context.Background(), Secret(s.at))
				if err := s.env.store.RevokeGrant(context.Background(), rec.GrantID); err != nil {
					panic(err)
				}
			},
			send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
				return s.env.userinfo(t, http.MethodGet, "Bearer "+s.at, "", "")
			}},
		{name: "ID token as bearer", status: http.StatusUnauthorized, code: oauth.ErrInvalidToken, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodGet, "Bearer "+s.id, "", "")
		}},
		{name: "refresh token as bearer", status: http.StatusUnauthorized, code: oauth.ErrInvalidToken, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodGet, "Bearer "+s.rt, "", "")
		}},
		{name: "token without openid", status: http.StatusForbidden, code: oauth.ErrInsufficientScope, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			at := s.env.tokens(t, "read", "email").AccessToken
			return s.env.userinfo(t, http.MethodGet, "Bearer "+at, "", "")
		}},
		// A token whose sub is a user's but whose grant has no signed-in end
		// user (what a client named like a user would get from a grant
		// without one) reaches no claims (RFC 9068 §5).
		{name: "grant without an end user", status: http.StatusUnauthorized, code: oauth.ErrInvalidToken, challenge: true,
			desc: "the access token was not issued to an end user", send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
				at := s.env.customToken(t, func(tc *TokenContext) {
					tc.Defaults.Grant.Subject, tc.Defaults.Access.Subject = "alice", "alice"
				})
				return s.env.userinfo(t, http.MethodGet, "Bearer "+at, "", "")
			}},
		// A token for another resource is not for userinfo (RFC 8707 §2).
		{name: "token for another audience", status: http.StatusUnauthorized, code: oauth.ErrInvalidToken, challenge: true,
			desc: "the access token is not meant for the userinfo endpoint", send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
				at := s.env.customToken(t, func(tc *TokenContext) {
					tc.Defaults.Grant.Subject, tc.Defaults.Access.Subject = "alice", "alice"
					tc.Defaults.Grant.Authentication = oidcAuthn()
					tc.Defaults.Access.Audience = Audience{"https://api.example"}
				})
				return s.env.userinfo(t, http.MethodGet, "Bearer "+at, "", "")
			}},
		{name: "user deleted", status: http.StatusUnauthorized, code: oauth.ErrInvalidToken, challenge: true,
			before: func(s *setup) { s.env.users.delete("alice") },
			send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
				return s.env.userinfo(t, http.MethodGet, "Bearer "+s.at, "", "")
			}},
		{name: "user store fails", status: http.StatusInternalServerError, code: oauth.ErrServerError,
			before: func(s *setup) { s.env.users.err = errors.New("db down") },
			send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
				return s.env.userinfo(t, http.MethodGet, "Bearer "+s.at, "", "")
			}},
		{name: "body too large", status: http.StatusBadRequest, code: oauth.ErrInvalidRequest, challenge: true, send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
			return s.env.userinfo(t, http.MethodPost, "", form, htForm("access_token", s.at, "pad", strings.Repeat("x", 70<<10)))
		}},
	}
	procErr := func(name string, status int, code oauth.ErrorCode, challenge bool, p oidcProc) {
		cases = append(cases, struct {
			name      string
			before    func(s *setup)
			send      func(t *testing.T, s *setup) *httptest.ResponseRecorder
			status    int
			code      oauth.ErrorCode
			challenge bool
			desc      string
		}{name: "procedure: " + name, status: status, code: code, challenge: challenge,
			before: func(s *setup) { s.env.proc = p },
			send: func(t *testing.T, s *setup) *httptest.ResponseRecorder {
				return s.env.userinfo(t, http.MethodGet, "Bearer "+s.at, "", "")
			}})
	}
	procErr("invalid_token", http.StatusUnauthorized, oauth.ErrInvalidToken, true, func(context.Context, *UserInfoContext) (*UserInfoResponse, error) {
		return nil, oauth.NewError(oauth.ErrInvalidToken, "user disabled")
	})
	procErr("insufficient_scope", http.StatusForbidden, oauth.ErrInsufficientScope, true, func(context.Context, *UserInfoContext) (*UserInfoResponse, error) {
		return nil, oauth.NewError(oauth.ErrInsufficientScope, "needs profile")
	})
	procErr("a token-endpoint code", http.StatusInternalServerError, oauth.ErrServerError, false, func(context.Context, *UserInfoContext) (*UserInfoResponse, error) {
		return nil, oauth.NewError(oauth.ErrInvalidGrant, "wrong endpoint")
	})
	procErr("plain error", http.StatusInternalServerError, oauth.ErrServerError, false, func(context.Context, *UserInfoContext) (*UserInfoResponse, error) {
		return nil, errors.New("boom")
	})
	procErr("panic", http.StatusInternalServerError, oauth.ErrServerError, false, func(context.Context, *UserInfoContext) (*UserInfoResponse, error) {
		panic("procedure bug")
	})
	procErr("nil response", http.StatusInternalServerError, oauth.ErrServerError, false, func(context.Context, *UserInfoContext) (*UserInfoResponse, error) {
		return nil, nil
	})
	procErr("another sub", http.StatusInternalServerError, oauth.ErrServerError, false, func(_ context.Context, u *UserInfoContext) (*UserInfoResponse, error) {
		r := u.Defaults
		r.Subject = "bob"
		return &r, nil
	})
	procErr("Extra shadows email", http.StatusInternalServerError, oauth.ErrServerError, false, func(_ context.Context, u *UserInfoContext) (*UserInfoResponse, error) {
		u.Defaults.Extra = map[string]any{"email": "mallory@example.com"}
		return &u.Defaults, nil
	})
	procErr("Extra shadows sub", http.StatusInternalServerError, oauth.ErrServerError, false, func(_ context.Context, u *UserInfoContext) (*UserInfoResponse, error) {
		u.Defaults.Extra = map[string]any{"sub": "bob"}
		return &u.Defaults, nil
	})
	procErr("Extra not encodable", http.StatusInternalServerError, oauth.ErrServerError, false, func(_ context.Context, u *UserInfoContext) (*UserInfoResponse, error) {
		u.Defaults.Extra = map[string]any{"ch": make(chan int)}
		return &u.Defaults, nil
	})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := oidcNewEnv(t, oidcConfig{})
			b := env.tokens(t, "openid", "email", "offline_access")
			s := &setup{env: env, at: b.AccessToken, rt: b.RefreshToken, id: idTokenOf(b)}
			if s.rt == "" || s.id == "" {
				t.Fatal("setup: no refresh or ID token")
			}
			if tc.before != nil {
				tc.before(s)
			}
			w := tc.send(t, s)
			ch := w.Header().Get("WWW-Authenticate")
			if tc.code == "" { // a bare challenge: no error code, no body (RFC 6750 §3.1)
				if w.Code != tc.status || w.Body.Len() != 0 {
					t.Fatalf("got %d %q, want %d and no body", w.Code, w.Body.String(), tc.status)
				}
				if ch != `Bearer realm="`+htIssuer+`"` {
					t.Errorf("WWW-Authenticate = %q", ch)
				}
				if w.Header().Get("Cache-Control") != "no-store" {
					t.Error("no Cache-Control: no-store")
				}
				return
			}
			body := uiWant(t, w, tc.status, tc.code)
			if tc.desc != "" && body["error_description"] != tc.desc {
				t.Errorf("error_description = %v, want %q", body["error_description"], tc.desc)
			}
			if tc.status == http.StatusInternalServerError && body["error_description"] != nil {
				t.Errorf("server_error leaks a description: %v", body)
			}
			if !tc.challenge {
				if ch != "" {
					t.Errorf("unexpected WWW-Authenticate %q", ch)
				}
				return
			}
			p := uiChallenge(t, ch)
			if p["realm"] != htIssuer || p["error"] != string(tc.code) || p["error_description"] != body["error_description"] {
				t.Errorf("challenge %q does not match the body %v", ch, body)
			}
			if tc.code == oauth.ErrInsufficientScope && p["scope"] != "openid" {
				t.Errorf("insufficient_scope challenge without scope=\"openid\": %q", ch)
			}
		})
	}
}

// TestUserInfoProcedure: the procedure sees the validated token and the
// defaults, and may add claims of its own.
func TestUserInfoProcedure(t *testing.T) {
	env := oidcNewEnv(t, oidcConfig{})
	var seen UserInfoContext
	env.proc = func(ctx context.Context, u *UserInfoContext) (*UserInfoResponse, error) {
		seen = *u
		resp, err := u.Default(ctx)
		if err != nil {
			return nil, err
		}
		resp.Extra = map[string]any{"groups": []string{"admins"}}
		resp.Nickname = "" // a procedure may withhold a claim
		return resp, nil
	}
	b := env.tokens(t, "openid", "profile")
	body := uiWant(t, env.userinfo(t, http.MethodGet, "Bearer "+b.AccessToken, "", ""), http.StatusOK, "")
	if got := uiMemberNames(body); got != "family_name given_name groups locale name preferred_username sub updated_at" {
		t.Errorf("members = %q", got)
	}
	if seen.Flow != "openid-userinfo" || seen.Subject != "alice" || seen.Client == nil || seen.Client.ID != "rp" ||
		!seen.Now.Equal(htStart) || seen.Issuer != htIssuer || seen.AccessToken.Reveal() != b.AccessToken ||
		seen.Token.ClientID != "rp" || seen.Scope.String() != "openid profile" || seen.Log == nil || seen.Request == nil {
		t.Errorf("context = %+v", seen)
	}
	if seen.Defaults.Subject != "alice" || seen.Defaults.Name != "Alice Liddell" || seen.Defaults.Email != "" {
		t.Errorf("defaults = %+v", seen.Defaults)
	}
}

// TestUserInfoNotServed: without a userinfo flow the path is not found.
func TestUserInfoNotServed(t *testing.T) {
	env := oidcNewEnv(t, oidcConfig{noUserInfo: true})
	if w := env.userinfo(t, http.MethodGet, "Bearer x", "", ""); w.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", w.Code)
	}
}
