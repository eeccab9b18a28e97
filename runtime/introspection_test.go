package runtime

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestIntrospectActiveTokens: a JWT access token, an opaque access token
// and a refresh token are answered with the standard members (RFC 7662
// §2.2), whatever the hint says: it only orders the lookup (§2.1).
func TestIntrospectActiveTokens(t *testing.T) {
	env := itNewEnv(t, nil)
	code := env.tokens(t) // JWT access token and refresh token of alice, by conf
	cc := htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials", "scope", "read"), basic: htBasic("conf", htConfSecret)}))
	now := htStart.Unix()
	for _, tc := range []struct {
		name, token string
		hints       []string
		want        map[string]any
	}{
		{"jwt access token", code.AccessToken, []string{"", "access_token", "refresh_token", "something"}, map[string]any{
			"active": true, "scope": "read write", "client_id": "conf", "username": "alice.a", "token_type": "Bearer",
			"exp": float64(now + 600), "iat": float64(now), "nbf": float64(now), "sub": "alice", "aud": htIssuer, "iss": htIssuer,
		}},
		{"opaque access token", cc.AccessToken, []string{"", "refresh_token"}, map[string]any{
			"active": true, "scope": "read", "client_id": "conf", "token_type": "Bearer",
			"exp": float64(now + 600), "iat": float64(now), "nbf": float64(now), "sub": "conf", "aud": htIssuer, "iss": htIssuer,
		}},
		{"refresh token", code.RefreshToken, []string{"", "refresh_token", "access_token"}, map[string]any{
			"active": true, "scope": "read write", "client_id": "conf", "username": "alice.a",
			"iat": float64(now), "nbf": float64(now), "sub": "alice", "aud": htIssuer, "iss": htIssuer,
		}},
	} {
		for _, hint := range tc.hints {
			t.Run(tc.name+"/"+hint, func(t *testing.T) {
				var extra []string
				if hint != "" {
					extra = []string{"token_type_hint", hint}
				}
				got := itMembers(t, env.introspect(t, tc.token, extra...))
				for k, v := range tc.want {
					if got[k] != v {
						t.Errorf("%s = %v, want %v", k, got[k], v)
					}
				}
				if jti, _ := got["jti"].(string); len(jti) < 16 {
					t.Errorf("jti = %v", got["jti"])
				}
				if tc.name == "refresh token" {
					if _, ok := got["token_type"]; ok {
						t.Errorf("a refresh token has token_type %v", got["token_type"])
					}
					if exp, ok := got["exp"].(float64); !ok || exp <= float64(now) {
						t.Errorf("refresh exp = %v", got["exp"])
					}
				}
			})
		}
	}
}

// TestIntrospectInactive: unknown, malformed, forged, expired, revoked and
// rotated tokens all get exactly {"active":false}: the caller cannot tell
// them apart (RFC 7662 §2.2).
func TestIntrospectInactive(t *testing.T) {
	env := itNewEnv(t, nil)
	first := env.tokens(t)
	rotated := htWantOK(t, env.do(t, *env.refresh(t, first.RefreshToken)))
	forged := func() string {
		k, err := GenerateSigningKey(oauth.AlgES256)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := k.Sign(accessTokenTyp, jwt.MapClaims{"iss": htIssuer, "jti": "x", "exp": htStart.Add(time.Hour).Unix()})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}()
	for name, token := range map[string]string{
		"unknown":         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"malformed jwt":   "a.b.c",
		"forged jwt":      forged,
		"rotated refresh": first.RefreshToken,
		"empty looking":   " ",
	} {
		t.Run(name, func(t *testing.T) { itWantInactive(t, env.introspect(t, token)) })
	}
	if !env.itActive(t, rotated.AccessToken) || !env.itActive(t, rotated.RefreshToken) {
		t.Fatal("the rotated tokens are not active")
	}
	// Expired: the access token after 10 minutes; the refresh token is
	// still active.
	env.clock.Advance(10*time.Minute + time.Second)
	itWantInactive(t, env.introspect(t, rotated.AccessToken))
	if !env.itActive(t, rotated.RefreshToken) {
		t.Fatal("the refresh token expired with the access token")
	}
	// Revoked: replaying the first refresh token revokes the grant.
	htWantError(t, env.do(t, *env.refresh(t, first.RefreshToken)), http.StatusBadRequest, oauth.ErrInvalidGrant)
	itWantInactive(t, env.introspect(t, rotated.RefreshToken))
}

// TestIntrospectErrors: each way a request fails is an OAuth error with its
// status and no-store; failed client authentication, by any method, is
// 401 with a Basic challenge (RFC 7662 §2.3: invalid credentials are 401;
// RFC 7235 §3.1: a 401 carries a challenge).
func TestIntrospectErrors(t *testing.T) {
	env := itNewEnv(t, nil)
	tok := env.tokens(t).AccessToken
	form := htForm("token", tok)
	for _, tc := range []struct {
		name      string
		rq        htRequest
		status    int
		code      oauth.ErrorCode
		challenge bool
	}{
		{"get", htRequest{method: http.MethodGet, basic: htBasic("rs", htConfSecret)}, http.StatusMethodNotAllowed, oauth.ErrInvalidRequest, false},
		{"json body", htRequest{body: `{"token":"x"}`, contentType: htStr("application/json"), basic: htBasic("rs", htConfSecret)}, http.StatusBadRequest, oauth.ErrInvalidRequest, false},
		{"no token", htRequest{body: "", basic: htBasic("rs", htConfSecret)}, http.StatusBadRequest, oauth.ErrInvalidRequest, false},
		{"repeated token", htRequest{body: form + "&token=x", basic: htBasic("rs", htConfSecret)}, http.StatusBadRequest, oauth.ErrInvalidRequest, false},
		{"no client", htRequest{body: form}, http.StatusUnauthorized, oauth.ErrInvalidClient, true},
		{"wrong secret", htRequest{body: form, basic: htBasic("rs", "wrong")}, http.StatusUnauthorized, oauth.ErrInvalidClient, true},
		{"unknown client", htRequest{body: form, basic: htBasic("nobody", "x")}, http.StatusUnauthorized, oauth.ErrInvalidClient, true},
		{"public client", htRequest{body: form + "&client_id=pub"}, http.StatusUnauthorized, oauth.ErrInvalidClient, true},
		{"wrong secret in the form", htRequest{body: form + "&client_id=post&client_secret=wrong"}, http.StatusUnauthorized, oauth.ErrInvalidClient, true},
		{"secret in the query", htRequest{path: "/oauth2/introspect?client_secret=x", body: form, basic: htBasic("rs", htConfSecret)}, http.StatusBadRequest, oauth.ErrInvalidRequest, false},
		{"client that may not introspect", htRequest{body: form, basic: htBasic("conf", htConfSecret)}, http.StatusBadRequest, oauth.ErrUnauthorizedClient, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.rq.path == "" {
				tc.rq.path = "/oauth2/introspect"
			}
			w := env.do(t, tc.rq)
			htWantError(t, w, tc.status, tc.code)
			if got := w.Header().Get("WWW-Authenticate"); (got != "") != tc.challenge || tc.challenge && !strings.HasPrefix(got, "Basic realm=") {
				t.Errorf("WWW-Authenticate = %q, want a challenge: %v", got, tc.challenge)
			}
		})
	}
}

// TestIntrospectJWT: a caller that asks for application/token-
// introspection+jwt gets the answer signed by the server: typ
// token-introspection+jwt, iss, aud (the caller), iat and
// token_introspection (RFC 9701 §4, §5); q=0 means JSON.
func TestIntrospectJWT(t *testing.T) {
	env := itNewEnv(t, nil)
	tok := env.tokens(t).AccessToken
	for _, tc := range []struct {
		accept string
		jwt    bool
		token  string
		active bool
	}{
		{"application/token-introspection+jwt", true, tok, true},
		{"application/json;q=0.5, application/token-introspection+jwt", true, tok, true},
		{"application/token-introspection+jwt", true, "unknown", false},
		{"application/token-introspection+jwt;q=0", false, tok, true},
		{"application/json", false, tok, true},
	} {
		t.Run(tc.accept, func(t *testing.T) {
			w := env.do(t, htRequest{path: "/oauth2/introspect", body: htForm("token", tc.token), basic: htBasic("rs", htConfSecret),
				header: http.Header{"Accept": {tc.accept}}})
			if !tc.jwt {
				if itMembers(t, w)["active"] != tc.active {
					t.Errorf("JSON answer %s", w.Body)
				}
				return
			}
			if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/token-introspection+jwt" || w.Header().Get("Cache-Control") != "no-store" {
				t.Fatalf("%d %q %q", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Cache-Control"))
			}
			claims := jwt.MapClaims{}
			key := tkKeysOf(t, env.srv).ForAlg(oauth.AlgES256)
			tok, err := jwt.ParseWithClaims(w.Body.String(), claims, func(*jwt.Token) (any, error) { return key.Public(), nil },
				jwt.WithValidMethods([]string{oauth.AlgES256}), jwt.WithTimeFunc(env.clock.Now))
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if tok.Header["typ"] != "token-introspection+jwt" || tok.Header["kid"] != key.KID() {
				t.Errorf("header %v", tok.Header)
			}
			ti, _ := claims["token_introspection"].(map[string]any)
			if claims["iss"] != htIssuer || claims["aud"] != "rs" || claims["iat"] != float64(htStart.Unix()) || ti["active"] != tc.active {
				t.Errorf("claims %v", claims)
			}
			if !tc.active && len(ti) != 1 {
				t.Errorf("inactive token_introspection %v", ti)
			}
		})
	}
}

// TestIntrospectProcedure: the procedure may add members and may refuse;
// a member that shadows a registered one, or an error that is not an OAuth
// error, is server_error with the cause only in the log.
func TestIntrospectProcedure(t *testing.T) {
	for _, tc := range []struct {
		name   string
		proc   func(context.Context, *IntrospectionContext) (*IntrospectionResponse, error)
		status int
		check  func(t *testing.T, m map[string]any)
	}{
		{"extra member", func(ctx context.Context, c *IntrospectionContext) (*IntrospectionResponse, error) {
			c.Defaults.Extra = map[string]any{"tenant": "acme"}
			return c.Default(ctx)
		}, http.StatusOK, func(t *testing.T, m map[string]any) {
			if m["tenant"] != "acme" || m["active"] != true {
				t.Errorf("members %v", m)
			}
		}},
		{"inactive for this caller", func(ctx context.Context, c *IntrospectionContext) (*IntrospectionResponse, error) {
			return &IntrospectionResponse{}, nil
		}, http.StatusOK, func(t *testing.T, m map[string]any) {
			if len(m) != 1 || m["active"] != false {
				t.Errorf("members %v", m)
			}
		}},
		{"shadowing member", func(ctx context.Context, c *IntrospectionContext) (*IntrospectionResponse, error) {
			c.Defaults.Extra = map[string]any{"sub": "mallory"}
			return c.Default(ctx)
		}, http.StatusInternalServerError, nil},
		{"store failure", func(ctx context.Context, c *IntrospectionContext) (*IntrospectionResponse, error) {
			return nil, errors.New("audit store: password=hunter2")
		}, http.StatusInternalServerError, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := itNewEnv(t, func(fl *Flows) { fl.Introspection.Flow = itFuncFlow{tc.proc} })
			w := env.introspect(t, env.tokens(t).AccessToken)
			if tc.check != nil {
				tc.check(t, itMembers(t, w))
				return
			}
			htWantError(t, w, tc.status, oauth.ErrServerError)
			if strings.Contains(w.Body.String(), "hunter2") || strings.Contains(w.Body.String(), "mallory") {
				t.Errorf("the cause reached the caller: %s", w.Body)
			}
		})
	}
}

// TestIntrospectUserStoreFailure: a user store that fails is a
// server_error, never an answer without the username.
func TestIntrospectUserStoreFailure(t *testing.T) {
	users := itUsers()
	env := htNewEnvConfig(t, func(cfg *Config, fl *Flows) {
		cfg.Users = users
		fl.Introspection = &Registration[IntrospectionContext, IntrospectionResponse]{ID: "oauth-introspect", Flow: itFlow{}}
	})
	tok := env.tokens(t).AccessToken
	users.mu.Lock()
	users.err = errors.New("user store down")
	users.mu.Unlock()
	htWantError(t, env.introspect(t, tok), http.StatusInternalServerError, oauth.ErrServerError)
}

// TestIntrospectionMetadataAndConfig: the endpoint is advertised with the
// methods that carry a credential and the JWT algorithm (RFC 8414 §2; RFC
// 9701 §7); NewServer refuses a registration without a Flow, with a Wire,
// or on a server whose clients can only authenticate with none.
func TestIntrospectionMetadataAndConfig(t *testing.T) {
	md := itNewEnv(t, nil).srv.Metadata()
	if md.IntrospectionEndpoint != htIssuer+"/oauth2/introspect" ||
		strings.Join(toStrings(md.IntrospectionEndpointAuthMethodsSupported), ",") != "client_secret_basic,client_secret_post" ||
		strings.Join(md.IntrospectionSigningAlgValuesSupported, ",") != oauth.AlgES256 ||
		md.RevocationEndpoint != htIssuer+"/oauth2/revoke" ||
		strings.Join(toStrings(md.RevocationEndpointAuthMethodsSupported), ",") != "client_secret_basic,client_secret_post,none" {
		t.Errorf("metadata %+v", md)
	}
	if plain := htNewEnv(t).srv.Metadata(); plain.IntrospectionEndpoint != "" || plain.RevocationEndpoint != "" {
		t.Errorf("metadata without the endpoints %+v", plain)
	}
	for name, tc := range map[string]struct {
		edit func(*Settings, *Flows)
		want string
	}{
		"nil flow":     {func(_ *Settings, f *Flows) { f.Introspection.Flow = nil }, "introspection flow: Flow is nil"},
		"wire":         {func(_ *Settings, f *Flows) { f.Revocation.Wire = "x" }, "revocation flow: Wire"},
		"only none":    {func(s *Settings, _ *Flows) { s.AuthMethods = []string{"none"} }, "only none"},
		"path clashes": {func(s *Settings, _ *Flows) { s.Paths["oauth-revoke"] = "/oauth2/introspect" }, "also oauth-introspect's"},
	} {
		t.Run(name, func(t *testing.T) {
			s := htSettings()
			fl := Flows{
				Token:         []Registration[TokenContext, TokenResponse]{{ID: "cc", Wire: string(oauth.GrantClientCredentials), Grant: htCCGrant, Flow: htCCFlow{}}},
				Introspection: &Registration[IntrospectionContext, IntrospectionResponse]{ID: "i", Flow: itFlow{}},
				Revocation:    &Registration[RevocationContext, RevocationResponse]{ID: "r", Flow: rvFlow{}},
			}
			tc.edit(&s, &fl)
			if _, err := NewServer(Config{Clients: htClients(t), Keys: htKeys(t)}, s, fl); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewServer = %v, want %q", err, tc.want)
			}
		})
	}
}

func toStrings[S ~string](in []S) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = string(s)
	}
	return out
}
