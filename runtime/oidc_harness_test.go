package runtime

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The harness of the OpenID Connect tests (prefix oidc): the HTTP harness
// (htNewEnvConfig) with the openid scopes declared, OpenID clients, a
// fake user store, a userinfo flow whose procedure a test may replace, and
// key sets with an RS256 key.

// oidcUserStore is a fake UserStore: claims by subject, or err for every call.
type oidcUserStore struct {
	mu     sync.Mutex
	claims map[string]UserClaims
	err    error
}

func (u *oidcUserStore) Authenticate(context.Context, string, Secret) (string, bool, error) {
	return "", false, errors.New("not used by these tests")
}

func (u *oidcUserStore) Claims(_ context.Context, sub string) (UserClaims, bool, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.err != nil {
		return UserClaims{}, false, u.err
	}
	c, ok := u.claims[sub]
	return c, ok, nil
}

func (u *oidcUserStore) delete(sub string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.claims, sub)
}

var oidcTrue, oidcFalse = true, false

// oidcAlice are the claims of the test user "alice" (htEnv.code's subject).
func oidcAlice() UserClaims {
	return UserClaims{
		Name: "Alice Liddell", GivenName: "Alice", FamilyName: "Liddell", Nickname: "al",
		PreferredUsername: "alice", Locale: "en-GB", UpdatedAt: 1700000000,
		Email: "alice@example.com", EmailVerified: &oidcTrue,
		PhoneNumber: "+44 20 7946 0000", PhoneNumberVerified: &oidcFalse,
		Address: &Address{Locality: "Oxford", Country: "GB"},
	}
}

// oidcScopes are the scopes of the OpenID test servers.
func oidcScopes() []ScopeInfo {
	var out []ScopeInfo
	for _, n := range []string{"openid", "profile", "email", "address", "phone", "offline_access", "read"} {
		out = append(out, ScopeInfo{Name: n, Description: n})
	}
	return out
}

// oidcClients are the clients of the OpenID test servers: "rp" may use
// every grant and scope; "rp-noref" may not refresh.
func oidcClients(t testing.TB) *MemoryClients {
	t.Helper()
	scopes := oauth.ScopeSet{"openid", "profile", "email", "address", "phone", "offline_access", "read"}
	rp := htClient("rp", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantAuthorizationCode, oauth.GrantRefreshToken, oauth.GrantClientCredentials, htCustomGrant)
	rp.Scopes = scopes
	noref := htClient("rp-noref", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantAuthorizationCode)
	noref.Scopes = scopes
	api := htClient("rp-api", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantAuthorizationCode, htCustomGrant)
	api.Scopes, api.Audiences = scopes, []string{"https://api.example"}
	pub := htClient("pubrp", oauth.AuthNone, "", htCustomGrant)
	pub.Scopes, pub.RedirectURIs = scopes, []string{"http://127.0.0.1/cb"}
	// "alice" is also the test user's subject (RFC 9068 §5).
	alice := htClient("alice", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantClientCredentials)
	reg, err := NewMemoryClients(rp, noref, api, alice, pub)
	if err != nil {
		t.Fatalf("NewMemoryClients: %v", err)
	}
	return reg
}

// oidcKeySets caches key sets by algorithms: RSA generation is slow.
var oidcKeySets = struct {
	sync.Mutex
	m map[string]*KeySet
}{m: map[string]*KeySet{}}

// oidcKeys returns a key set with an ES256 key (access tokens) and keys of
// the other algorithms.
func oidcKeys(t testing.TB, algs ...string) *KeySet {
	t.Helper()
	name := "ES256"
	for _, a := range algs {
		name += "," + a
	}
	oidcKeySets.Lock()
	defer oidcKeySets.Unlock()
	if ks := oidcKeySets.m[name]; ks != nil {
		return ks
	}
	var extra []*SigningKey
	for _, a := range algs {
		k, err := GenerateSigningKey(a)
		if err != nil {
			t.Fatalf("GenerateSigningKey(%s): %v", a, err)
		}
		extra = append(extra, k)
	}
	ks, err := NewKeySet(htKeys(t).Active(), extra...)
	if err != nil {
		t.Fatalf("NewKeySet: %v", err)
	}
	oidcKeySets.m[name] = ks
	return ks
}

// oidcProc is the userinfo procedure of a test server; nil means the default.
type oidcProc func(ctx context.Context, u *UserInfoContext) (*UserInfoResponse, error)

// oidcUserInfoFlow mirrors the generated userinfo flow.
type oidcUserInfoFlow struct{ proc *oidcProc }

func (f oidcUserInfoFlow) Prepare(u *UserInfoContext) (func(context.Context) (*UserInfoResponse, error), error) {
	return func(ctx context.Context) (*UserInfoResponse, error) {
		if *f.proc != nil {
			return (*f.proc)(ctx, u)
		}
		return u.Default(ctx)
	}, nil
}

// oidcEnv is an OpenID test server.
type oidcEnv struct {
	*htEnv
	users *oidcUserStore
	// proc replaces the userinfo procedure when set.
	proc oidcProc
}

// oidcConfig tunes an OpenID test server.
type oidcConfig struct {
	issuer string      // Config.Issuer; the harness's when empty
	idAlg  string      // Settings.IDTokenSigningAlg
	scopes []ScopeInfo // oidcScopes() when nil
	keys   *KeySet     // ES256 + RS256 (+ idAlg) when nil
	// noUserInfo leaves the userinfo flow unregistered.
	noUserInfo bool
	// authorize registers an authorization flow (discovery tests only).
	authorize bool
}

// oidcAuthorizeFlow is an authorization flow that fails closed; the
// discovery tests only need one registered.
type oidcAuthorizeFlow struct{}

func (oidcAuthorizeFlow) Prepare(*AuthorizeContext) (func(context.Context) (*AuthorizeResponse, error), error) {
	return func(context.Context) (*AuthorizeResponse, error) {
		return nil, oauth.NewError(oauth.ErrAccessDenied, "not in these tests")
	}, nil
}

const oidcUserInfoPath = "/oauth2/userinfo"

// oidcNewEnv builds an OpenID test server.
func oidcNewEnv(t testing.TB, c oidcConfig, opts ...htOption) *oidcEnv {
	t.Helper()
	env := &oidcEnv{users: &oidcUserStore{claims: map[string]UserClaims{"alice": oidcAlice()}}}
	keys := c.keys
	if keys == nil {
		algs := []string{oauth.AlgRS256}
		if c.idAlg != "" && c.idAlg != oauth.AlgRS256 && c.idAlg != oauth.AlgES256 {
			algs = append(algs, c.idAlg)
		}
		keys = oidcKeys(t, algs...)
	}
	scopes := c.scopes
	if scopes == nil {
		scopes = oidcScopes()
	}
	settings := func(s *Settings, _ []Registration[TokenContext, TokenResponse]) {
		s.Scopes = scopes
		if !c.noUserInfo {
			s.Paths["oauth-userinfo"] = oidcUserInfoPath
		}
		s.IDTokenSigningAlg = c.idAlg
	}
	env.htEnv = htNewEnvConfig(t, func(cfg *Config, fl *Flows) {
		cfg.Clients = oidcClients(t)
		cfg.Users = env.users
		cfg.Keys = keys
		cfg.Issuer = c.issuer
		if c.authorize {
			fl.Authorize = &Registration[AuthorizeContext, AuthorizeResponse]{ID: "oauth-authorize-authorization-code", Wire: "code", Flow: oidcAuthorizeFlow{}}
		}
		if !c.noUserInfo {
			fl.UserInfo = &Registration[UserInfoContext, UserInfoResponse]{ID: "openid-userinfo", Flow: oidcUserInfoFlow{proc: &env.proc}}
		}
	}, append([]htOption{settings}, opts...)...)
	return env
}

// oidcServe starts an OpenID test server on a loopback listener whose URL
// is the issuer, for go-oidc.
func oidcServe(t testing.TB, c oidcConfig, opts ...htOption) (*oidcEnv, *httptest.Server) {
	t.Helper()
	var env *oidcEnv
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env.srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	c.issuer = ts.URL + c.issuer // c.issuer, when set, is a path under the listener
	env = oidcNewEnv(t, c, opts...)
	return env, ts
}

// oidcNonce is the nonce of the test authorization requests.
const oidcNonce = "n-0S6_WzA2Mj"

// oidcAuthn is alice's authentication at the authorization endpoint.
func oidcAuthn() Authentication {
	return Authentication{
		Subject: "alice", AuthTime: htStart.Add(-2 * time.Minute), ACR: "urn:example:acr:pwd",
		AMR: []string{"pwd", "otp"}, SessionID: "sid-1",
	}
}

// code issues a code to client with scope, nonce and PKCE.
func (env *oidcEnv) codeFor(t testing.TB, client string, scope ...string) Secret {
	t.Helper()
	return env.code(t, AuthorizationCode{
		ClientID: client, RedirectURI: htRedirect, RedirectURIProvided: true, Scope: scope,
		Nonce: oidcNonce, Authentication: oidcAuthn(),
		CodeChallenge: oauth.S256Challenge(htVerifier), CodeChallengeMethod: "S256",
	})
}

// redeem redeems a code of "rp" and returns the token response.
func (env *oidcEnv) redeem(t testing.TB, client string, code Secret) htTokenBody {
	t.Helper()
	return htWantOK(t, env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic(client, htConfSecret)}))
}

// tokens redeems a fresh code of "rp" for scope.
func (env *oidcEnv) tokens(t testing.TB, scope ...string) htTokenBody {
	t.Helper()
	return env.redeem(t, "rp", env.codeFor(t, "rp", scope...))
}

// refresh redeems a refresh token of "rp".
func (env *oidcEnv) refresh(t testing.TB, rt string) htTokenBody {
	t.Helper()
	return htWantOK(t, env.do(t, htRequest{
		body: htForm("grant_type", "refresh_token", "refresh_token", rt), basic: htBasic("rp", htConfSecret),
	}))
}

// idToken returns the id_token member of a token response, "" when absent.
func idTokenOf(b htTokenBody) string {
	s, _ := b.Raw["id_token"].(string)
	return s
}

// customToken issues an access token with openid through the custom grant,
// after edit has changed the default data, and returns it.
func (e *oidcEnv) customToken(t *testing.T, edit func(tc *TokenContext)) string {
	t.Helper()
	inner := e.custom
	defer func() { e.custom = inner }()
	e.custom = func(ctx context.Context, tc *TokenContext) (*TokenResponse, error) {
		edit(tc)
		return tc.IssueDefaults(ctx)
	}
	return htWantOK(t, e.do(t, htRequest{body: htForm("grant_type", string(htCustomGrant), "scope", "openid"), basic: htBasic("rp", htConfSecret)})).AccessToken
}
