package runtime

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/coreos/go-oidc/v3/oidc"
)

// oidcProvider discovers the test server with go-oidc and returns a
// verifier of client's ID tokens on the server's clock.
func oidcProvider(t *testing.T, env *oidcEnv, issuer string, client string) (*oidc.Provider, *oidc.IDTokenVerifier, context.Context) {
	t.Helper()
	ctx := context.Background()
	p, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		t.Fatalf("oidc.NewProvider: %v", err)
	}
	return p, p.Verifier(&oidc.Config{ClientID: client, Now: env.clock.Now}), ctx
}

// oidcIDClaims are the ID token claims go-oidc's IDToken does not expose.
type oidcIDClaims struct {
	AuthTime int64    `json:"auth_time"`
	AZP      string   `json:"azp"`
	ACR      string   `json:"acr"`
	AMR      []string `json:"amr"`
	SID      string   `json:"sid"`
	Email    string   `json:"email"`
}

// TestOIDCCodeFlowIDToken: an ID token from a code redemption verifies with
// go-oidc (signature, iss, aud, exp), carries the nonce, auth_time, azp,
// acr, amr and sid of the code, and an at_hash of the access token returned
// with it (OIDC Core §3.1.3.3, §3.1.3.6, §3.1.3.7).
func TestOIDCCodeFlowIDToken(t *testing.T) {
	for _, alg := range []string{oauth.AlgRS256, oauth.AlgES256, oauth.AlgEdDSA} {
		t.Run(alg, func(t *testing.T) {
			env, ts := oidcServe(t, oidcConfig{idAlg: alg})
			_, verifier, ctx := oidcProvider(t, env, ts.URL, "rp")

			b := env.tokens(t, "openid", "email", "offline_access")
			raw := idTokenOf(b)
			if raw == "" {
				t.Fatalf("no id_token in %v", b.Raw)
			}
			tok, err := verifier.Verify(ctx, raw)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if tok.Subject != "alice" || tok.Nonce != oidcNonce || tok.Issuer != ts.URL {
				t.Errorf("sub %q nonce %q iss %q", tok.Subject, tok.Nonce, tok.Issuer)
			}
			if !tok.IssuedAt.Equal(htStart) || !tok.Expiry.Equal(htStart.Add(defaultIDTokenTTL)) {
				t.Errorf("iat %v exp %v, want %v and +10m", tok.IssuedAt, tok.Expiry, htStart)
			}
			if err := tok.VerifyAccessToken(b.AccessToken); err != nil {
				t.Errorf("VerifyAccessToken (at_hash): %v", err)
			}
			if err := tok.VerifyAccessToken(b.AccessToken + "x"); err == nil {
				t.Error("at_hash matches another access token")
			}
			var c oidcIDClaims
			if err := tok.Claims(&c); err != nil {
				t.Fatalf("Claims: %v", err)
			}
			a := oidcAuthn()
			if c.AuthTime != a.AuthTime.Unix() || c.AZP != "rp" || c.ACR != a.ACR || strings.Join(c.AMR, " ") != "pwd otp" || c.SID != "sid-1" {
				t.Errorf("claims = %+v", c)
			}
			if c.Email != "" {
				t.Error("the default ID token carries user claims; they belong to userinfo (OIDC Core §5.4)")
			}
			// A verifier for another client refuses it (aud).
			other := oidc.NewVerifier(ts.URL, oidc.NewRemoteKeySet(ctx, ts.URL+"/oauth2/jwks"),
				&oidc.Config{ClientID: "rp-noref", Now: env.clock.Now, SupportedSigningAlgs: []string{alg}})
			if _, err := other.Verify(ctx, raw); err == nil {
				t.Error("ID token verified for another client")
			}
			// It expires after IDTokenTTL.
			env.clock.Advance(defaultIDTokenTTL + time.Second)
			if _, err := verifier.Verify(ctx, raw); err == nil {
				t.Error("expired ID token verified")
			}
		})
	}
}

// TestOIDCRefreshIDToken: a refresh of an openid grant returns a new ID
// token with the original sub, aud, azp and auth_time, a new iat, no nonce
// and the at_hash of the new access token (OIDC Core §12.2).
func TestOIDCRefreshIDToken(t *testing.T) {
	env, ts := oidcServe(t, oidcConfig{})
	_, verifier, ctx := oidcProvider(t, env, ts.URL, "rp")
	first := env.tokens(t, "openid", "offline_access")
	if first.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	env.clock.Advance(5 * time.Minute)
	b := env.refresh(t, first.RefreshToken)
	tok, err := verifier.Verify(ctx, idTokenOf(b))
	if err != nil {
		t.Fatalf("Verify refreshed ID token: %v", err)
	}
	if tok.Subject != "alice" || tok.Nonce != "" || !tok.IssuedAt.Equal(htStart.Add(5*time.Minute)) {
		t.Errorf("sub %q nonce %q iat %v", tok.Subject, tok.Nonce, tok.IssuedAt)
	}
	if len(tok.Audience) != 1 || tok.Audience[0] != "rp" {
		t.Errorf("aud = %v", tok.Audience)
	}
	var c oidcIDClaims
	if err := tok.Claims(&c); err != nil {
		t.Fatal(err)
	}
	if c.AuthTime != oidcAuthn().AuthTime.Unix() || c.AZP != "rp" {
		t.Errorf("auth_time %d azp %q, want the original", c.AuthTime, c.AZP)
	}
	if err := tok.VerifyAccessToken(b.AccessToken); err != nil {
		t.Errorf("at_hash of the new access token: %v", err)
	}
	// A narrowed refresh keeps getting one: openid is in the grant's scope.
	b = env.refresh(t, b.RefreshToken)
	if idTokenOf(b) == "" {
		t.Error("no ID token on the second refresh")
	}
}

// TestOIDCNoIDToken: no ID token without openid, none for client_credentials
// (which refuses openid),
// or when the server does not speak OpenID Connect.
func TestOIDCNoIDToken(t *testing.T) {
	env := oidcNewEnv(t, oidcConfig{})
	if b := env.tokens(t, "read"); idTokenOf(b) != "" {
		t.Error("ID token without the openid scope")
	}
	b := env.tokens(t, "read") // and its refresh
	if b2 := env.refresh(t, b.RefreshToken); idTokenOf(b2) != "" {
		t.Error("ID token on the refresh of a grant without openid")
	}
	// client_credentials has no end user: openid is refused outright
	// (OIDC Core §3.1.2.1; RFC 9068 §5), so no ID token can follow.
	htWantError(t, env.do(t, htRequest{
		body: htForm("grant_type", "client_credentials", "scope", "openid read"), basic: htBasic("rp", htConfSecret),
	}), 400, oauth.ErrInvalidScope)

	// A server without the openid scope issues none, though the client was
	// granted a scope named "openid".
	plain := oidcNewEnv(t, oidcConfig{scopes: []ScopeInfo{{Name: "read"}}, noUserInfo: true})
	if b := plain.tokens(t, "openid", "read"); idTokenOf(b) != "" {
		t.Error("ID token from a server that does not speak OpenID Connect")
	}
}

// TestOIDCOfflineAccess: when the spec declares offline_access, an OpenID
// request gets a refresh token only with offline_access granted; otherwise
// the policy alone decides (OIDC Core §11).
func TestOIDCOfflineAccess(t *testing.T) {
	withOffline := oidcScopes()
	var withoutOffline []ScopeInfo
	for _, s := range withOffline {
		if s.Name != "offline_access" {
			withoutOffline = append(withoutOffline, s)
		}
	}
	cases := []struct {
		name        string
		scopes      []ScopeInfo
		client      string
		scope       []string
		wantRefresh bool
	}{
		{"declared, openid and offline_access", withOffline, "rp", []string{"openid", "offline_access"}, true},
		{"declared, openid alone", withOffline, "rp", []string{"openid", "profile"}, false},
		{"declared, no openid", withOffline, "rp", []string{"read"}, true},
		{"declared, offline_access without openid", withOffline, "rp", []string{"read", "offline_access"}, true},
		{"not declared, openid", withoutOffline, "rp", []string{"openid"}, true},
		{"declared, client may not refresh", withOffline, "rp-noref", []string{"openid", "offline_access"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := oidcNewEnv(t, oidcConfig{scopes: tc.scopes})
			b := env.redeem(t, tc.client, env.codeFor(t, tc.client, tc.scope...))
			if got := b.RefreshToken != ""; got != tc.wantRefresh {
				t.Fatalf("refresh token issued = %v, want %v", got, tc.wantRefresh)
			}
			if !tc.wantRefresh {
				// The grant lives as long as its access token, no longer.
				if !env.active(t, b.AccessToken) {
					t.Fatal("access token inactive at once")
				}
				env.clock.Advance(10*time.Minute + time.Second)
				if env.active(t, b.AccessToken) {
					t.Error("access token active after its expiry")
				}
			}
		})
	}
}

// TestOIDCKeys: an OpenID server has a key for the ID token algorithm and
// an RS256 key, generated when Config.Keys is nil and required otherwise
// (OIDC Discovery §3).
func TestOIDCKeys(t *testing.T) {
	rs := oidcKeys(t, oauth.AlgRS256)
	esOnly := htKeys(t)
	cases := []struct {
		name     string
		keys     *KeySet
		idAlg    string
		openID   bool
		wantAlgs []string // JWKS algorithms, in order; nil means NewServer fails
		wantErr  string
	}{
		{name: "generated, OpenID", openID: true, wantAlgs: []string{oauth.AlgES256, oauth.AlgRS256}},
		{name: "generated, OpenID, EdDSA ID tokens", openID: true, idAlg: oauth.AlgEdDSA, wantAlgs: []string{oauth.AlgES256, oauth.AlgEdDSA, oauth.AlgRS256}},
		{name: "generated, OpenID, ES256 ID tokens", openID: true, idAlg: oauth.AlgES256, wantAlgs: []string{oauth.AlgES256, oauth.AlgRS256}},
		{name: "generated, not OpenID", wantAlgs: []string{oauth.AlgES256}},
		{name: "given with RS256", keys: rs, openID: true, wantAlgs: []string{oauth.AlgES256, oauth.AlgRS256}},
		{name: "given without RS256", keys: esOnly, openID: true, idAlg: oauth.AlgES256, wantErr: "no RS256 key"},
		{name: "given without the ID alg", keys: rs, openID: true, idAlg: oauth.AlgEdDSA, wantErr: "no EdDSA key"},
		{name: "given, not OpenID", keys: esOnly, wantAlgs: []string{oauth.AlgES256}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := htSettings()
			if tc.openID {
				s.Scopes = append(s.Scopes, ScopeInfo{Name: "openid"})
			}
			s.IDTokenSigningAlg = tc.idAlg
			srv, err := NewServer(Config{Clients: htClients(t), Keys: tc.keys}, s, Flows{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("NewServer error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewServer: %v", err)
			}
			var doc struct {
				Keys []struct{ Kid, Alg string }
			}
			if err := json.Unmarshal(tkKeysOf(t, srv).JWKS(), &doc); err != nil {
				t.Fatal(err)
			}
			var algs []string
			kids := map[string]bool{}
			for _, k := range doc.Keys {
				algs = append(algs, k.Alg)
				if kids[k.Kid] {
					t.Errorf("kid %q twice", k.Kid)
				}
				kids[k.Kid] = true
			}
			if strings.Join(algs, ",") != strings.Join(tc.wantAlgs, ",") {
				t.Errorf("JWKS algorithms = %v, want %v", algs, tc.wantAlgs)
			}
			if tkKeysOf(t, srv).Active().Alg() != oauth.AlgES256 {
				t.Errorf("access tokens signed with %s, want ES256", tkKeysOf(t, srv).Active().Alg())
			}
			if tc.openID {
				want := tc.idAlg
				if want == "" {
					want = oauth.AlgRS256
				}
				if got := srv.Settings().IDTokenSigningAlg; got != want {
					t.Errorf("IDTokenSigningAlg = %q, want %q", got, want)
				}
				if got := srv.Settings().IDTokenTTL; got != defaultIDTokenTTL {
					t.Errorf("IDTokenTTL = %v, want the default", got)
				}
			}
		})
	}
}

// TestOIDCSettingsErrors: NewServer refuses OpenID settings it cannot serve.
func TestOIDCSettingsErrors(t *testing.T) {
	flow := &Registration[UserInfoContext, UserInfoResponse]{ID: "openid-userinfo", Flow: oidcUserInfoFlow{proc: new(oidcProc)}}
	openid := []ScopeInfo{{Name: "openid"}}
	cases := []struct {
		name string
		edit func(s *Settings, fl *Flows, cfg *Config)
		want string
	}{
		{"unknown ID token alg", func(s *Settings, _ *Flows, _ *Config) { s.IDTokenSigningAlg = "HS256" }, "unsupported IDTokenSigningAlg"},
		{"negative ID token TTL", func(s *Settings, _ *Flows, _ *Config) { s.IDTokenTTL = -time.Second }, "IDTokenTTL is negative"},
		{"userinfo without openid", func(s *Settings, fl *Flows, _ *Config) {
			s.Scopes = nil
			fl.UserInfo = flow
		}, "needs the openid scope"},
		{"userinfo relative path", func(s *Settings, fl *Flows, _ *Config) { s.Paths["oauth-userinfo"] = "userinfo" }, "absolute path"},
		{"userinfo well-known path", func(s *Settings, fl *Flows, _ *Config) { s.Paths["oauth-userinfo"] = "/.well-known/userinfo" }, "well-known"},
		{"userinfo at the token path", func(s *Settings, fl *Flows, _ *Config) { s.Paths["oauth-userinfo"] = s.Paths["oauth-token"] }, "also oauth-token's"},
		{"userinfo path without userinfo", func(s *Settings, fl *Flows, _ *Config) { fl.UserInfo = nil }, `Paths has "oauth-userinfo", which is not an enabled endpoint`},
		{"userinfo nil flow", func(s *Settings, fl *Flows, _ *Config) {
			fl.UserInfo = &Registration[UserInfoContext, UserInfoResponse]{ID: "openid-userinfo"}
		}, "Flow is nil"},
		{"userinfo without users", func(s *Settings, fl *Flows, cfg *Config) { cfg.Users = nil }, "Users is required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := htSettings()
			s.Scopes = openid
			s.Paths["oauth-userinfo"] = oidcUserInfoPath
			fl := Flows{UserInfo: flow}
			cfg := Config{Clients: htClients(t), Keys: oidcKeys(t, oauth.AlgRS256), Users: &oidcUserStore{}}
			tc.edit(&s, &fl, &cfg)
			_, err := NewServer(cfg, s, fl)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewServer error = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestOIDCProcedureIDToken: a procedure edits c.Defaults.ID before the
// default issuance; a shadowed claim, an ID token for client_credentials
// and an at_hash of another access token are server_error.
func TestOIDCProcedureIDToken(t *testing.T) {
	var edit func(t *TokenContext)
	env := oidcNewEnv(t, oidcConfig{})
	env.custom = func(ctx context.Context, t *TokenContext) (*TokenResponse, error) {
		// A custom grant signing in alice (as an extension grant might).
		t.Defaults.Grant.Subject = "alice"
		t.Defaults.Grant.Authentication = oidcAuthn()
		t.Defaults.Access.Subject = "alice"
		t.Defaults.ID = &IDTokenClaims{}
		edit(t)
		return t.IssueDefaults(ctx)
	}
	req := htRequest{body: htForm("grant_type", string(htCustomGrant), "scope", "openid"), basic: htBasic("rp", htConfSecret)}

	edit = func(t *TokenContext) { t.Defaults.ID.Extra = map[string]any{"tenant": "acme"} }
	b := htWantOK(t, env.do(t, req))
	_, c := tkDecodeJWT(t, idTokenOf(b))
	if c["tenant"] != "acme" || c["sub"] != "alice" {
		t.Errorf("claims = %v", c)
	}

	for name, e := range map[string]func(t *TokenContext){
		"Extra shadows email": func(t *TokenContext) { t.Defaults.ID.Extra = map[string]any{"email": "x@example.com"} },
		"another subject":     func(t *TokenContext) { t.Defaults.ID.Subject = "bob" },
	} {
		t.Run(name, func(t *testing.T) {
			edit = e
			htWantError(t, env.do(t, req), http.StatusInternalServerError, oauth.ErrServerError)
		})
	}

	t.Run("at_hash of another access token", func(t *testing.T) {
		edit = func(*TokenContext) {}
		inner := env.custom
		defer func() { env.custom = inner }()
		env.custom = func(ctx context.Context, tc *TokenContext) (*TokenResponse, error) {
			resp, err := inner(ctx, tc)
			if err != nil {
				return nil, err
			}
			other, err := inner(ctx, tc) // a second token: the ID token's at_hash is its own
			if err != nil {
				return nil, err
			}
			resp.IDToken = other.IDToken
			return resp, nil
		}
		htWantError(t, env.do(t, req), http.StatusInternalServerError, oauth.ErrServerError)
	})

	// An ID token the issuer did not sign in this request (here, one from
	// the first request above) is read to check its at_hash.
	t.Run("ID token of an earlier request", func(t *testing.T) {
		edit = func(*TokenContext) {}
		earlier := idTokenOf(b)
		inner := env.custom
		defer func() { env.custom = inner }()
		env.custom = func(ctx context.Context, tc *TokenContext) (*TokenResponse, error) {
			resp, err := inner(ctx, tc)
			if err != nil {
				return nil, err
			}
			resp.IDToken = earlier
			return resp, nil
		}
		htWantError(t, env.do(t, req), http.StatusInternalServerError, oauth.ErrServerError)
	})
}

// TestOIDCClientCredentialsNeverIDToken: a procedure of a grant without an
// end user (client_credentials) that returns an id_token gets server_error.
func TestOIDCClientCredentialsNeverIDToken(t *testing.T) {
	env := oidcNewEnv(t, oidcConfig{}, func(_ *Settings, regs []Registration[TokenContext, TokenResponse]) {
		var custom Flow[TokenContext, TokenResponse]
		for _, r := range regs {
			if r.Wire == string(htCustomGrant) {
				custom = r.Flow
			}
		}
		for i := range regs {
			if regs[i].Wire == string(oauth.GrantClientCredentials) {
				regs[i].Flow = custom
			}
		}
	})
	env.custom = func(ctx context.Context, t *TokenContext) (*TokenResponse, error) {
		resp, err := t.IssueDefaults(ctx)
		if err != nil {
			return nil, err
		}
		resp.IDToken = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"
		return resp, nil
	}
	htWantError(t, env.do(t, htRequest{
		body: htForm("grant_type", "client_credentials", "scope", "read"), basic: htBasic("rp", htConfSecret),
	}), http.StatusInternalServerError, oauth.ErrServerError)
	if !strings.Contains(env.logs.String(), "a grant without an end user returned an id_token") {
		t.Errorf("the cause is not logged: %s", env.logs.String())
	}
}
