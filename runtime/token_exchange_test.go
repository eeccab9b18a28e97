package runtime

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The tests of the token exchange grant (prefix te; RFC 8693): a client
// trades a subject token, and an actor token, of this server for a new
// access token: impersonation, delegation, may_act, scope and audience,
// and every error path.

var teGrant = flowkit.GrantPolicy{Clients: flowkit.ConfidentialClients, Credential: flowkit.SubjectTokenCredential,
	Scope: flowkit.ScopeFromGrant, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.EndUserOfCredential}

// teFlow mirrors the generated token exchange flow; proc, when set,
// replaces the default procedure.
type teFlow struct {
	seen **TokenContext
	proc *func(ctx context.Context, t *TokenContext) (*TokenResponse, error)
}

func (f teFlow) Prepare(t *TokenContext) (func(context.Context) (*TokenResponse, error), error) {
	return func(ctx context.Context) (*TokenResponse, error) {
		*f.seen = t
		if *f.proc != nil {
			return (*f.proc)(ctx, t)
		}
		return t.Default(ctx)
	}, nil
}

// teEnv is a test server with a token exchange flow and its clients:
// svc (exchanges, may get any audience below), agent (another party that
// exchanges), noexch (not registered for it), pub (public).
type teEnv struct {
	*htEnv
	seen *TokenContext
	proc func(ctx context.Context, t *TokenContext) (*TokenResponse, error)
}

func newTEEnv(t *testing.T, edit func(p *TokenPolicy), more ...htConfigOption) *teEnv {
	t.Helper()
	e := &teEnv{}
	e.htEnv = htNewEnvConfig(t, func(cfg *Config, fl *Flows) {
		grants := []oauth.GrantType{oauth.GrantTokenExchange, oauth.GrantClientCredentials, oauth.GrantAuthorizationCode,
			oauth.GrantRefreshToken, htCustomGrant}
		svc := htClient("svc", oauth.AuthClientSecretBasic, htConfSecret, grants...)
		svc.Audiences = []string{"https://api.example", "downstream", "agent"} // its tokens are for agent too
		agent := htClient("agent", oauth.AuthClientSecretBasic, htConfSecret, grants...)
		agent.Audiences = []string{"https://api.example"}
		noexch := htClient("noexch", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantClientCredentials)
		pub := htClient("tepub", oauth.AuthNone, "", oauth.GrantTokenExchange)
		clients, err := NewMemoryClients(svc, agent, noexch, pub)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Clients = clients
		p := htPolicy()
		p.IssueRefresh = false
		if edit != nil {
			edit(&p)
		}
		fl.Token = append(fl.Token, Registration[TokenContext, TokenResponse]{ID: "oauth-token-token-exchange",
			Wire: string(oauth.GrantTokenExchange), Policy: p, Grant: teGrant, Flow: teFlow{seen: &e.seen, proc: &e.proc}})
		for _, m := range more {
			m(cfg, fl)
		}
	})
	// The custom grant mints the subject and actor tokens of the tests:
	// a token of the user named by the parameter user (the client's own
	// without one), with the claims of the parameter extra (JSON).
	e.custom = func(ctx context.Context, tc *TokenContext) (*TokenResponse, error) {
		if user := tc.Param("user"); user != "" {
			a := Authentication{Subject: user, AuthTime: tc.Now.Add(-time.Minute), AMR: []string{"pwd"}}
			tc.Defaults.Grant.Subject, tc.Defaults.Grant.Authentication = user, a
			tc.Defaults.Access.setUser(user, tc.GrantedScope, a)
		}
		if extra := tc.Param("extra"); extra != "" {
			if err := json.Unmarshal([]byte(extra), &tc.Defaults.Access.Extra); err != nil {
				return nil, err
			}
		}
		return tc.IssueDefaults(ctx)
	}
	return e
}

// mint issues a token to client through the custom grant: kv are its
// parameters (user, scope, extra, resource).
func (e *teEnv) mint(t *testing.T, client string, kv ...string) htTokenBody {
	t.Helper()
	return htWantOK(t, e.do(t, htRequest{basic: htBasic(client, htConfSecret),
		body: htForm(append([]string{"grant_type", string(htCustomGrant)}, kv...)...)}))
}

// exchange sends a token exchange request of client svc with kv.
func (e *teEnv) exchange(t *testing.T, kv ...string) *httpResponse {
	t.Helper()
	return e.exchangeAs(t, "svc", kv...)
}

type httpResponse = struct {
	Code int
	Body htTokenBody
}

func (e *teEnv) exchangeAs(t *testing.T, client string, kv ...string) *httpResponse {
	t.Helper()
	w := e.do(t, htRequest{basic: htBasic(client, htConfSecret),
		body: htForm(append([]string{"grant_type", string(oauth.GrantTokenExchange)}, kv...)...)})
	return &httpResponse{Code: w.Code, Body: htDecode(t, w)}
}

const teAT, teRT, teIDT, teJWT = string(oauth.TokenTypeAccessToken), string(oauth.TokenTypeRefreshToken),
	string(oauth.TokenTypeIDToken), string(oauth.TokenTypeJWT)

// teClaims decodes a JWT's claims, unverified.
func teClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	var m map[string]any
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(b, &m) != nil {
		t.Fatalf("JWT payload %q: %v", parts[1], err)
	}
	return m
}

// teAct is the act claim of a JWT.
func teAct(t *testing.T, tok string) string {
	t.Helper()
	b, _ := json.Marshal(teClaims(t, tok)["act"])
	var a *ActorClaim
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(a)
	return string(out)
}

// teIDToken signs an ID token with keys for sub, issued to aud.
func teIDToken(t *testing.T, ks *KeySet, iss, sub, aud string, exp time.Time, extra map[string]any) string {
	t.Helper()
	m := map[string]any{"iss": iss, "sub": sub, "aud": aud, "azp": aud, "exp": exp.Unix(), "iat": htStart.Unix(),
		"auth_time": htStart.Add(-time.Minute).Unix()}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	tok, err := ks.Active().signPayload(idTokenTyp, b)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func wantExchangeOK(t *testing.T, r *httpResponse) htTokenBody {
	t.Helper()
	if r.Code != http.StatusOK || r.Body.AccessToken == "" {
		t.Fatalf("got %d %s (%s), want 200", r.Code, r.Body.Error, r.Body.ErrorDescription)
	}
	return r.Body
}

func wantExchangeError(t *testing.T, r *httpResponse, status int, code oauth.ErrorCode) {
	t.Helper()
	if r.Code != status || r.Body.Error != string(code) {
		t.Fatalf("got %d %s (%s), want %d %s", r.Code, r.Body.Error, r.Body.ErrorDescription, status, code)
	}
}

// TestTokenExchangeErrors: every refusal, with its status and code.
func TestTokenExchangeErrors(t *testing.T) {
	e := newTEEnv(t, nil)
	alice := e.mint(t, "svc", "user", "alice", "scope", "read")
	agentTok := e.mint(t, "agent", "user", "alice", "scope", "read") // aud https://api.example, client agent
	mayAct := e.mint(t, "svc", "user", "alice", "scope", "read", "extra", `{"may_act":{"sub":"bob"}}`)
	carol := e.mint(t, "svc", "user", "carol", "scope", "read")
	foreign, err := GenerateSigningKey(oauth.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	foreignKeys, _ := NewKeySet(foreign)
	foreignID := teIDToken(t, foreignKeys, htIssuer, "alice", "svc", htStart.Add(time.Hour), nil)
	otherIssID := teIDToken(t, htKeys(t), "https://other.example", "alice", "svc", htStart.Add(time.Hour), nil)
	expiredID := teIDToken(t, htKeys(t), htIssuer, "alice", "svc", htStart.Add(-time.Second), nil)
	validID := teIDToken(t, htKeys(t), htIssuer, "alice", "svc", htStart.Add(time.Hour), nil)
	badMayAct := e.mint(t, "svc", "user", "alice", "scope", "read", "extra", `{"may_act":"bob"}`)

	sub := []string{"subject_token", alice.AccessToken, "subject_token_type", teAT}
	with := func(kv ...string) []string { return append(slices.Clone(sub), kv...) }
	for _, tc := range []struct {
		name   string
		client string
		kv     []string
		status int
		code   oauth.ErrorCode
	}{
		{"no subject_token", "svc", []string{"subject_token_type", teAT}, 400, oauth.ErrInvalidRequest},
		{"no subject_token_type", "svc", []string{"subject_token", alice.AccessToken}, 400, oauth.ErrInvalidRequest},
		{"subject_token_type not a URI", "svc", []string{"subject_token", alice.AccessToken, "subject_token_type", "access_token"}, 400, oauth.ErrInvalidRequest},
		{"subject_token_type with a fragment", "svc", []string{"subject_token", alice.AccessToken, "subject_token_type", teAT + "#x"}, 400, oauth.ErrInvalidRequest},
		{"subject_token repeated", "svc", with("subject_token", alice.AccessToken), 400, oauth.ErrInvalidRequest},
		{"subject_token_type repeated", "svc", with("subject_token_type", teAT), 400, oauth.ErrInvalidRequest},
		{"actor_token repeated", "svc", with("actor_token", alice.AccessToken, "actor_token", alice.AccessToken, "actor_token_type", teAT), 400, oauth.ErrInvalidRequest},
		{"actor_token without actor_token_type", "svc", with("actor_token", alice.AccessToken), 400, oauth.ErrInvalidRequest},
		{"actor_token_type without actor_token", "svc", with("actor_token_type", teAT), 400, oauth.ErrInvalidRequest},
		{"actor_token_type not a URI", "svc", with("actor_token", alice.AccessToken, "actor_token_type", "jwt"), 400, oauth.ErrInvalidRequest},
		{"requested_token_type not a URI", "svc", with("requested_token_type", "access token"), 400, oauth.ErrInvalidRequest},
		{"requested_token_type unsupported", "svc", with("requested_token_type", teRT), 400, oauth.ErrInvalidRequest},
		{"requested_token_type id_token", "svc", with("requested_token_type", teIDT), 400, oauth.ErrInvalidRequest},
		{"unsupported subject type (saml2)", "svc", []string{"subject_token", "PHNhbWw+", "subject_token_type", "urn:ietf:params:oauth:token-type:saml2"}, 400, oauth.ErrInvalidRequest},
		{"a team's type URI", "svc", []string{"subject_token", alice.AccessToken, "subject_token_type", "urn:example:token-type:legacy"}, 400, oauth.ErrInvalidRequest},
		{"garbage access token", "svc", []string{"subject_token", "not-a-token", "subject_token_type", teAT}, 400, oauth.ErrInvalidRequest},
		{"forged JWT access token", "svc", []string{"subject_token", alice.AccessToken[:len(alice.AccessToken)-4] + "AAAA", "subject_token_type", teAT}, 400, oauth.ErrInvalidRequest},
		{"access token declared as refresh token", "svc", []string{"subject_token", alice.AccessToken, "subject_token_type", teRT}, 400, oauth.ErrInvalidRequest},
		{"access token declared as ID token", "svc", []string{"subject_token", alice.AccessToken, "subject_token_type", teIDT}, 400, oauth.ErrInvalidRequest},
		{"ID token declared as access token", "svc", []string{"subject_token", validID, "subject_token_type", teAT}, 400, oauth.ErrInvalidRequest},
		{"ID token of another key", "svc", []string{"subject_token", foreignID, "subject_token_type", teIDT}, 400, oauth.ErrInvalidRequest},
		{"ID token of another issuer", "svc", []string{"subject_token", otherIssID, "subject_token_type", teIDT}, 400, oauth.ErrInvalidRequest},
		{"expired ID token", "svc", []string{"subject_token", expiredID, "subject_token_type", teIDT}, 400, oauth.ErrInvalidRequest},
		{"ID token of another key as jwt", "svc", []string{"subject_token", foreignID, "subject_token_type", teJWT}, 400, oauth.ErrInvalidRequest},
		{"refresh token garbage", "svc", []string{"subject_token", "nope", "subject_token_type", teRT}, 400, oauth.ErrInvalidRequest},
		{"subject token of another client, not for this one", "svc", []string{"subject_token", agentTok.AccessToken, "subject_token_type", teAT}, 400, oauth.ErrInvalidRequest},
		{"invalid actor token", "svc", with("actor_token", "nope", "actor_token_type", teAT), 400, oauth.ErrInvalidRequest},
		{"actor token of another client", "svc", with("actor_token", agentTok.AccessToken, "actor_token_type", teAT), 400, oauth.ErrInvalidRequest},
		{"may_act names another actor", "svc", []string{"subject_token", mayAct.AccessToken, "subject_token_type", teAT,
			"actor_token", carol.AccessToken, "actor_token_type", teAT}, 400, oauth.ErrInvalidRequest},
		{"malformed may_act", "svc", []string{"subject_token", badMayAct.AccessToken, "subject_token_type", teAT}, 400, oauth.ErrInvalidRequest},
		{"scope beyond the subject token's", "svc", with("scope", "read write"), 400, oauth.ErrInvalidScope},
		{"scope beyond the client's", "svc", with("scope", "admin"), 400, oauth.ErrInvalidScope},
		{"ID token subject, any scope", "svc", []string{"subject_token", validID, "subject_token_type", teIDT, "scope", "read"}, 400, oauth.ErrInvalidScope},
		{"audience not allowed", "svc", with("audience", "https://elsewhere.example"), 400, oauth.ErrInvalidTarget},
		{"one of two audiences not allowed", "svc", with("audience", "downstream", "audience", "nope"), 400, oauth.ErrInvalidTarget},
		{"resource not allowed", "svc", with("resource", "https://elsewhere.example"), 400, oauth.ErrInvalidTarget},
		{"resource not a URI", "svc", with("resource", "downstream"), 400, oauth.ErrInvalidTarget},
		{"client not registered for the grant", "noexch", sub, 400, oauth.ErrUnauthorizedClient},
		{"wrong secret", "svc-wrong", sub, 401, oauth.ErrInvalidClient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, secret := tc.client, htConfSecret
			if client == "svc-wrong" {
				client, secret = "svc", "wrong"
			}
			w := e.do(t, htRequest{basic: htBasic(client, secret),
				body: htForm(append([]string{"grant_type", string(oauth.GrantTokenExchange)}, tc.kv...)...)})
			htWantError(t, w, tc.status, tc.code)
		})
	}

	t.Run("public client", func(t *testing.T) {
		w := e.do(t, htRequest{body: htForm(append([]string{"grant_type", string(oauth.GrantTokenExchange), "client_id", "tepub"}, sub...)...)})
		htWantError(t, w, 400, oauth.ErrInvalidClient)
	})
	t.Run("revoked subject grant", func(t *testing.T) {
		tok := e.mint(t, "svc", "user", "alice", "scope", "read")
		rec, ok, _ := e.srv.AccessTokenActive(context.Background(), Secret(tok.AccessToken))
		if !ok {
			t.Fatal("minted token inactive")
		}
		if err := e.store.RevokeGrant(context.Background(), rec.GrantID); err != nil {
			t.Fatal(err)
		}
		wantExchangeError(t, e.exchange(t, "subject_token", tok.AccessToken, "subject_token_type", teAT), 400, oauth.ErrInvalidRequest)
	})
	t.Run("expired subject token", func(t *testing.T) {
		e2 := newTEEnv(t, nil)
		tok := e2.mint(t, "svc", "user", "alice", "scope", "read")
		e2.clock.Advance(11 * time.Minute)
		wantExchangeError(t, e2.exchange(t, "subject_token", tok.AccessToken, "subject_token_type", teAT), 400, oauth.ErrInvalidRequest)
	})
	t.Run("jwt requested of opaque access tokens", func(t *testing.T) {
		e2 := newTEEnv(t, func(p *TokenPolicy) { p.AccessFormat = FormatOpaque })
		tok := e2.mint(t, "svc", "user", "alice", "scope", "read")
		wantExchangeError(t, e2.exchange(t, "subject_token", tok.AccessToken, "subject_token_type", teAT, "requested_token_type", teJWT),
			400, oauth.ErrInvalidRequest)
	})
	t.Run("no secret in the logs", func(t *testing.T) {
		if strings.Contains(e.logs.String(), alice.AccessToken) {
			t.Error("a subject token was logged")
		}
	})
}

// TestTokenExchangeImpersonation: no actor: the new token is the
// subject's, within its scope, for the requested audience, tied to its
// grant, with the typed view in the context.
func TestTokenExchangeImpersonation(t *testing.T) {
	e := newTEEnv(t, nil)
	alice := e.mint(t, "svc", "user", "alice", "scope", "read write")
	b := wantExchangeOK(t, e.exchange(t, "subject_token", alice.AccessToken, "subject_token_type", teAT))
	if b.Raw["issued_token_type"] != teAT || b.TokenType != "Bearer" || b.RefreshToken != "" || b.Scope != "read write" ||
		b.ExpiresIn != 600 {
		t.Errorf("response %v", b.Raw)
	}
	c := teClaims(t, b.AccessToken)
	if c["sub"] != "alice" || c["client_id"] != "svc" || c["act"] != nil || c["scope"] != "read write" {
		t.Errorf("claims %v", c)
	}
	s := e.seen.Subject
	if s == nil || s.Type != oauth.TokenTypeAccessToken || s.Subject != "alice" || s.ClientID != "svc" || s.Grant == nil ||
		s.Issuer != htIssuer || !s.Scope.Equal(oauth.ScopeSet{"read", "write"}) || s.ExpiresAt.IsZero() || e.seen.Actor != nil ||
		e.seen.Authentication.Subject != "alice" || len(s.Authentication.AMR) != 1 {
		t.Fatalf("subject %+v", s)
	}

	t.Run("scope narrowed", func(t *testing.T) {
		b := wantExchangeOK(t, e.exchange(t, "subject_token", alice.AccessToken, "subject_token_type", teAT, "scope", "write"))
		if b.Scope != "write" || teClaims(t, b.AccessToken)["scope"] != "write" {
			t.Errorf("scope %q", b.Scope)
		}
	})
	t.Run("audience and resource", func(t *testing.T) {
		b := wantExchangeOK(t, e.exchange(t, "subject_token", alice.AccessToken, "subject_token_type", teAT, "audience", "downstream",
			"audience", "downstream"))
		if aud := teClaims(t, b.AccessToken)["aud"]; aud != "downstream" {
			t.Errorf("aud %v", aud)
		}
		b = wantExchangeOK(t, e.exchange(t, "subject_token", alice.AccessToken, "subject_token_type", teAT, "audience", "downstream",
			"resource", "https://api.example"))
		aud, _ := json.Marshal(teClaims(t, b.AccessToken)["aud"])
		if string(aud) != `["https://api.example","downstream"]` {
			t.Errorf("aud %s", aud)
		}
	})
	t.Run("requested jwt", func(t *testing.T) {
		b := wantExchangeOK(t, e.exchange(t, "subject_token", alice.AccessToken, "subject_token_type", teJWT, "requested_token_type", teJWT))
		if b.Raw["issued_token_type"] != teJWT || b.TokenType != "Bearer" {
			t.Errorf("response %v", b.Raw)
		}
	})
	t.Run("revoking the subject's grant revokes the exchanged token", func(t *testing.T) {
		b := wantExchangeOK(t, e.exchange(t, "subject_token", alice.AccessToken, "subject_token_type", teAT))
		if !e.active(t, b.AccessToken) {
			t.Fatal("exchanged token inactive")
		}
		if err := e.store.RevokeGrant(context.Background(), e.seen.Subject.Grant.ID); err != nil {
			t.Fatal(err)
		}
		if e.active(t, b.AccessToken) {
			t.Error("exchanged token still active after its subject's grant was revoked")
		}
	})
	t.Run("subject types", func(t *testing.T) {
		e := newTEEnv(t, func(p *TokenPolicy) { p.IssueRefresh = true })
		// A code's tokens: an access token and a refresh token of alice's grant, for svc.
		code := e.code(t, AuthorizationCode{ClientID: "svc", RedirectURI: htRedirect, RedirectURIProvided: true,
			Scope: oauth.ScopeSet{"read"}, CodeChallenge: oauth.S256Challenge(htVerifier), CodeChallengeMethod: "S256"})
		w := e.do(t, htRequest{basic: htBasic("svc", htConfSecret), body: htRedeemForm(code)})
		toks := htWantOK(t, w)
		if toks.RefreshToken == "" {
			t.Fatal("no refresh token")
		}
		id := teIDToken(t, htKeys(t), htIssuer, "alice", "svc", htStart.Add(time.Hour), nil)
		for _, tc := range []struct{ name, tok, typ string }{
			{"refresh token", toks.RefreshToken, teRT},
			{"ID token", id, teIDT},
			{"ID token as jwt", id, teJWT},
			{"access token as jwt", toks.AccessToken, teJWT},
		} {
			t.Run(tc.name, func(t *testing.T) {
				b := wantExchangeOK(t, e.exchange(t, "subject_token", tc.tok, "subject_token_type", tc.typ))
				if c := teClaims(t, b.AccessToken); c["sub"] != "alice" || b.RefreshToken == "" {
					t.Errorf("claims %v refresh %q", c, b.RefreshToken)
				}
				if s := e.seen.Subject; s == nil || string(s.Type) != tc.typ || s.Subject != "alice" || s.ClientID != "svc" {
					t.Errorf("subject %+v", s)
				}
			})
		}
		if e.seen.Subject.Grant == nil { // the last one: an access token of alice's grant
			t.Error("no grant in the typed view of an access token")
		}
	})
	t.Run("opaque tokens", func(t *testing.T) {
		e := newTEEnv(t, func(p *TokenPolicy) { p.AccessFormat = FormatOpaque })
		tok := e.mint(t, "svc", "user", "alice", "scope", "read")
		b := wantExchangeOK(t, e.exchange(t, "subject_token", tok.AccessToken, "subject_token_type", teAT))
		rec, ok, err := e.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
		if err != nil || !ok || rec.Claims.Subject != "alice" || rec.GrantID != e.seen.Subject.Grant.ID || rec.ClientID != "svc" {
			t.Errorf("record %+v ok %v err %v", rec, ok, err)
		}
	})
}

// TestTokenExchangeOtherClient: a client exchanges a token issued to
// another client for it (its client_id in the aud); the exchanged token
// is tied to that client's grant, and its holder revokes it alone, even
// through a revocation procedure that asks for the grant.
func TestTokenExchangeOtherClient(t *testing.T) {
	e := newTEEnv(t, nil, func(_ *Config, fl *Flows) {
		fl.Revocation = &Registration[RevocationContext, RevocationResponse]{ID: "oauth-revoke", Flow: rvGrantFlow{}}
	})
	alice := e.mint(t, "svc", "user", "alice", "scope", "read")
	b := wantExchangeOK(t, e.exchangeAs(t, "agent", "subject_token", alice.AccessToken, "subject_token_type", teAT))
	if c := teClaims(t, b.AccessToken); c["sub"] != "alice" || c["client_id"] != "agent" || c["aud"] != "https://api.example" {
		t.Errorf("claims %v", c)
	}
	if s := e.seen.Subject; s == nil || s.ClientID != "svc" || s.Grant == nil || s.Grant.ClientID != "svc" {
		t.Fatalf("subject %+v", s)
	}
	rvWantOK(t, e.do(t, htRequest{path: "/oauth2/revoke", body: htForm("token", b.AccessToken), basic: htBasic("agent", htConfSecret)}))
	if e.active(t, b.AccessToken) {
		t.Error("the exchanged token is active after its revocation")
	}
	if !e.active(t, alice.AccessToken) {
		t.Error("agent revoked svc's grant through the token it got by exchange")
	}
}

// TestTokenExchangeDelegation: an actor: the new token carries act, its
// prior actors nested, may_act honoured, and introspection shows act.
func TestTokenExchangeDelegation(t *testing.T) {
	e := newTEEnv(t, func(p *TokenPolicy) { p.IssueRefresh = true })
	alice := e.mint(t, "svc", "user", "alice", "scope", "read write")
	svcOwn := e.mint(t, "svc", "scope", "read") // svc's own token: sub svc
	bob := e.mint(t, "svc", "user", "bob", "scope", "read")

	b := wantExchangeOK(t, e.exchange(t, "subject_token", alice.AccessToken, "subject_token_type", teAT,
		"actor_token", svcOwn.AccessToken, "actor_token_type", teAT, "scope", "read"))
	c := teClaims(t, b.AccessToken)
	act := teAct(t, b.AccessToken)
	if c["sub"] != "alice" || act != `{"sub":"svc","iss":"https://as.example"}` || b.RefreshToken != "" || b.Scope != "read" {
		t.Fatalf("claims %v act %s refresh %q", c, act, b.RefreshToken)
	}
	if a := e.seen.Actor; a == nil || a.Subject != "svc" || a.ClientID != "svc" {
		t.Fatalf("actor %+v", a)
	}

	// The delegated token exchanged again, bob acting: the chain nests.
	b2 := wantExchangeOK(t, e.exchange(t, "subject_token", b.AccessToken, "subject_token_type", teAT,
		"actor_token", bob.AccessToken, "actor_token_type", teAT))
	if act := teAct(t, b2.AccessToken); act != `{"sub":"bob","iss":"https://as.example","client_id":"svc","act":{"sub":"svc","iss":"https://as.example"}}` {
		t.Errorf("nested act %s", act)
	}
	if e.seen.Subject.Act == nil || e.seen.Subject.Act.Subject != "svc" {
		t.Errorf("subject's act %+v", e.seen.Subject.Act)
	}
	// Impersonation of a delegated token keeps its chain, and no refresh token.
	b3 := wantExchangeOK(t, e.exchange(t, "subject_token", b.AccessToken, "subject_token_type", teAT))
	if act := teAct(t, b3.AccessToken); act != `{"sub":"svc","iss":"https://as.example"}` || b3.RefreshToken != "" {
		t.Errorf("impersonation of a delegated token: act %s refresh %q", act, b3.RefreshToken)
	}

	// Introspection shows act.
	found, err := e.srv.findToken(context.Background(), Secret(b2.AccessToken), "", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.srv.introspectionDefaults(context.Background(), found)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := d.members()
	if a, ok := m["act"].(*ActorClaim); !ok || a.Subject != "bob" || a.Act == nil || a.Act.Subject != "svc" || m["sub"] != "alice" {
		t.Errorf("introspection members %v", m)
	}

	t.Run("may_act", func(t *testing.T) {
		sub := e.mint(t, "svc", "user", "alice", "scope", "read", "extra", `{"may_act":{"sub":"bob","iss":"`+htIssuer+`"}}`)
		b := wantExchangeOK(t, e.exchange(t, "subject_token", sub.AccessToken, "subject_token_type", teAT,
			"actor_token", bob.AccessToken, "actor_token_type", teAT))
		if a := teClaims(t, b.AccessToken)["act"].(map[string]any); a["sub"] != "bob" {
			t.Errorf("act %v", a)
		}
		if m := e.seen.Subject.MayAct; m == nil || m.Subject != "bob" {
			t.Errorf("may_act %+v", m)
		}
		wantExchangeError(t, e.exchange(t, "subject_token", sub.AccessToken, "subject_token_type", teAT,
			"actor_token", svcOwn.AccessToken, "actor_token_type", teAT), 400, oauth.ErrInvalidRequest)
		// may_act by client_id.
		sub = e.mint(t, "svc", "user", "alice", "scope", "read", "extra", `{"may_act":{"client_id":"agent"}}`)
		wantExchangeError(t, e.exchange(t, "subject_token", sub.AccessToken, "subject_token_type", teAT,
			"actor_token", bob.AccessToken, "actor_token_type", teAT), 400, oauth.ErrInvalidRequest)
	})
	t.Run("opaque tokens keep act", func(t *testing.T) {
		e := newTEEnv(t, func(p *TokenPolicy) { p.AccessFormat = FormatOpaque })
		alice, own := e.mint(t, "svc", "user", "alice", "scope", "read"), e.mint(t, "svc", "scope", "read")
		b := wantExchangeOK(t, e.exchange(t, "subject_token", alice.AccessToken, "subject_token_type", teAT,
			"actor_token", own.AccessToken, "actor_token_type", teAT))
		rec, ok, err := e.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
		if err != nil || !ok || rec.Claims.Act == nil || rec.Claims.Act.Subject != "svc" {
			t.Errorf("record %+v ok %v err %v", rec.Claims, ok, err)
		}
		// and a second exchange reads it back as the subject's act.
		wantExchangeOK(t, e.exchange(t, "subject_token", b.AccessToken, "subject_token_type", teAT))
		if a := e.seen.Subject.Act; a == nil || a.Subject != "svc" {
			t.Errorf("subject act %+v", a)
		}
	})
}

// TestTokenExchangeProcedure: a team's procedure sees the tokens the
// runtime could not validate, and the response members it may set.
func TestTokenExchangeProcedure(t *testing.T) {
	e := newTEEnv(t, nil)
	e.proc = func(ctx context.Context, tc *TokenContext) (*TokenResponse, error) {
		if tc.Subject != nil || tc.Param("subject_token") != "saml-assertion" {
			return nil, oauth.NewError(oauth.ErrInvalidRequest, "unexpected")
		}
		tc.Defaults.Access.Subject = "from-saml"
		resp, err := tc.IssueDefaults(ctx)
		if err != nil {
			return nil, err
		}
		if tc.Param("want") == "id" {
			resp.IssuedTokenType = oauth.TokenTypeIDToken
		}
		return resp, nil
	}
	b := wantExchangeOK(t, e.exchange(t, "subject_token", "saml-assertion", "subject_token_type", "urn:ietf:params:oauth:token-type:saml2"))
	if b.TokenType != "Bearer" || b.Raw["issued_token_type"] != teAT || teClaims(t, b.AccessToken)["sub"] != "from-saml" {
		t.Errorf("response %v", b.Raw)
	}
	b = wantExchangeOK(t, e.exchange(t, "subject_token", "saml-assertion", "subject_token_type", "urn:ietf:params:oauth:token-type:saml2", "want", "id"))
	if b.TokenType != "N_A" || b.Raw["issued_token_type"] != teIDT {
		t.Errorf("response %v", b.Raw)
	}

	// issued_token_type in another flow's response is a procedure bug.
	e.custom = func(ctx context.Context, tc *TokenContext) (*TokenResponse, error) {
		resp, err := tc.IssueDefaults(ctx)
		if resp != nil {
			resp.IssuedTokenType = oauth.TokenTypeAccessToken
		}
		return resp, err
	}
	htWantError(t, e.do(t, htRequest{basic: htBasic("svc", htConfSecret), body: htForm("grant_type", string(htCustomGrant))}),
		500, oauth.ErrServerError)
}

// TestTokenExchangeMetadata: grant_types_supported lists the grant
// exactly when a flow serves it.
func TestTokenExchangeMetadata(t *testing.T) {
	md := newTEEnv(t, nil).srv.Metadata()
	if !slices.Contains(md.GrantTypesSupported, oauth.GrantTokenExchange) {
		t.Errorf("grant_types_supported %v", md.GrantTypesSupported)
	}
	if md := htNewEnv(t).srv.Metadata(); slices.Contains(md.GrantTypesSupported, oauth.GrantTokenExchange) {
		t.Errorf("grant_types_supported %v without the flow", md.GrantTypesSupported)
	}
}

// TestSubjectTokenPolicy: the policy's checks of a subject token credential.
func TestSubjectTokenPolicy(t *testing.T) {
	if err := teGrant.Check(); err != nil {
		t.Fatalf("the token exchange policy: %v", err)
	}
	any := teGrant
	any.Clients = flowkit.AnyClients
	if err := any.Check(); err != nil {
		t.Errorf("open to public clients: %v", err)
	}
	for name, edit := range map[string]func(p *flowkit.GrantPolicy){
		"scope from request":    func(p *flowkit.GrantPolicy) { p.Scope = flowkit.ScopeFromRequest },
		"resources from grant":  func(p *flowkit.GrantPolicy) { p.Resources = flowkit.ResourcesFromGrant },
		"resources refused":     func(p *flowkit.GrantPolicy) { p.Resources = flowkit.ResourcesRefused },
		"no end user":           func(p *flowkit.GrantPolicy) { p.EndUser = flowkit.NoEndUser },
		"end user by procedure": func(p *flowkit.GrantPolicy) { p.EndUser = flowkit.EndUserByProcedure },
	} {
		p := teGrant
		edit(&p)
		if p.Check() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	p := htPasswordGrant
	p.Scope = flowkit.ScopeFromGrant
	if p.Check() == nil {
		t.Error("a password grant's scope from the grant: accepted")
	}
}

// TestActorClaimOf: the act and may_act claims read from JSON.
func TestActorClaimOf(t *testing.T) {
	for _, tc := range []struct {
		in     string
		nested bool
		ok     bool
	}{
		{`null`, true, true},
		{`{"sub":"a"}`, true, true},
		{`{"client_id":"c"}`, false, true},
		{`{"sub":"a","act":{"sub":"b","act":{"sub":"c"}}}`, true, true},
		{`{"sub":"a","act":{"sub":"b"}}`, false, false},
		{`{"iss":"x"}`, true, false},
		{`{"sub":1}`, true, false},
		{`"a"`, true, false},
		{`{"sub":"a","act":"b"}`, true, false},
		{strings.Repeat(`{"sub":"a","act":`, 20) + `{"sub":"z"}` + strings.Repeat(`}`, 20), true, false},
	} {
		var v any
		if err := json.Unmarshal([]byte(tc.in), &v); err != nil {
			t.Fatal(err)
		}
		_, err := actorClaimOf(v, tc.nested)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err %v, want ok %v", tc.in, err, tc.ok)
		}
	}
}

// FuzzActorClaimOf: no input panics the act claim's reader, and what it
// accepts names a party and chains at most maxActDepth of them.
func FuzzActorClaimOf(f *testing.F) {
	for _, s := range []string{`{"sub":"a"}`, `{"client_id":"c","iss":"i"}`, `{"sub":"a","act":{"sub":"b"}}`, `{"sub":1}`, `[]`, `null`} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, nested bool) {
		var v any
		if json.Unmarshal([]byte(in), &v) != nil {
			return
		}
		a, err := actorClaimOf(v, nested)
		if err != nil || a == nil {
			return
		}
		if a.Subject == "" && a.ClientID == "" || a.depth() > maxActDepth || !nested && a.Act != nil {
			t.Errorf("accepted %s as %+v", in, a)
		}
	})
}
