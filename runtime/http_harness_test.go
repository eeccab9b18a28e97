package runtime

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/internal/testclock"
	"github.com/oauthgen/oauthgen/runtime/oauth"

	"golang.org/x/crypto/bcrypt"
)

// The harness of the HTTP tests (prefix ht): a server with every token flow
// registered through fake flows that do what generated code does, a fake
// clock, captured logs, and request helpers.

const htIssuer = "https://as.example"

// htStart is the fixed start instant of the HTTP tests.
var htStart = time.Date(2032, 1, 2, 3, 4, 5, 0, time.UTC)

// Secrets of the test clients.
const (
	htConfSecret  = "conf-secret-0123456789"
	htPostSecret  = "post-secret-0123456789"
	htWeirdSecret = "a:b+c%/d" // form-urlencoded inside Basic (RFC 6749 §2.3.1)
	htOtherSecret = "other-secret-0123456789"
	htBcryptPass  = "correct horse"
)

// htRedirect is the redirect URI of the confidential test client.
const htRedirect = "https://app.example/cb"

// htLockedSyncBuffer is a bytes.Buffer safe for concurrent writes: the log sink.
type htLockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *htLockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *htLockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// htEnv is one test server with its dependencies.
type htEnv struct {
	srv   *Server
	clock *testclock.Clock
	store *MemoryStore
	logs  *htLockedBuffer
	// custom is called by the grant type htCustomGrant.
	custom func(ctx context.Context, t *TokenContext) (*TokenResponse, error)
}

const (
	htCustomGrant    oauth.GrantType = "urn:test:custom"
	htExtensionGrant oauth.GrantType = "urn:example:params:grant-type:magic-link"
)

var htBcryptHash = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(htBcryptPass), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

func htClient(id string, m oauth.ClientAuthMethod, secret string, grants ...oauth.GrantType) *Client {
	c := &Client{
		ID:            id,
		AuthMethod:    m,
		GrantTypes:    grants,
		Scopes:        oauth.ScopeSet{"read", "write"},
		DefaultScopes: oauth.ScopeSet{"read"},
		RedirectURIs:  []string{htRedirect, "https://app.example/other"},
	}
	if secret != "" {
		c.SetSecretHash(HashClientSecret(Secret(secret)))
	}
	return c
}

// htClients are the registered clients of every test server.
func htClients(t testing.TB) *MemoryClients {
	t.Helper()
	all := []oauth.GrantType{oauth.GrantClientCredentials, oauth.GrantAuthorizationCode, oauth.GrantRefreshToken, htCustomGrant, htExtensionGrant}
	pub := htClient("pub", oauth.AuthNone, "", oauth.GrantAuthorizationCode, oauth.GrantRefreshToken, htCustomGrant)
	pub.RedirectURIs = []string{"http://127.0.0.1/cb"}
	nodef := htClient("nodefault", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantClientCredentials)
	nodef.DefaultScopes = nil
	aud := htClient("aud", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantClientCredentials)
	aud.Audiences = []string{"https://api.example"}
	pkce := htClient("pkce", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantAuthorizationCode, oauth.GrantRefreshToken)
	pkce.RequirePKCE = true
	audcode := htClient("audcode", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantAuthorizationCode)
	audcode.Audiences = []string{"https://api-a.example", "https://api-b.example"}
	bc := htClient("bcrypt", oauth.AuthClientSecretBasic, "", oauth.GrantClientCredentials)
	bc.SetSecretHash(htBcryptHash)
	// rs is a resource server: it only introspects.
	rs := htClient("rs", oauth.AuthClientSecretBasic, htConfSecret)
	rs.RedirectURIs, rs.Introspection = nil, true
	reg, err := NewMemoryClients(
		htClient("conf", oauth.AuthClientSecretBasic, htConfSecret, all...),
		htClient("post", oauth.AuthClientSecretPost, htPostSecret, oauth.GrantClientCredentials, oauth.GrantAuthorizationCode, oauth.GrantRefreshToken),
		htClient("weird", oauth.AuthClientSecretBasic, htWeirdSecret, oauth.GrantClientCredentials),
		htClient("other", oauth.AuthClientSecretBasic, htOtherSecret, oauth.GrantAuthorizationCode, oauth.GrantRefreshToken),
		htClient("noref", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantClientCredentials, oauth.GrantAuthorizationCode),
		pub, nodef, aud, pkce, bc, audcode, rs,
	)
	if err != nil {
		t.Fatalf("NewMemoryClients: %v", err)
	}
	return reg
}

// htSettings are the settings of every test server.
func htSettings() Settings {
	return Settings{
		Issuer:      htIssuer,
		Paths:       map[string]string{"oauth-token": "/oauth2/token", "oauth-jwks": "/oauth2/jwks"},
		AuthMethods: []string{"client_secret_basic", "client_secret_post", "none"},
		Scopes:      []ScopeInfo{{Name: "read", Description: "Read"}, {Name: "write", Description: "Write"}},
		SigningAlg:  oauth.AlgES256,
	}
}

// htPolicy is the default token policy of the test flows.
func htPolicy() TokenPolicy {
	return TokenPolicy{
		AccessFormat:   FormatJWT,
		AccessTTL:      10 * time.Minute,
		IssueRefresh:   true,
		RotateRefresh:  true,
		RefreshTTL:     720 * time.Hour,
		RefreshIdleTTL: 72 * time.Hour,
		CodeTTL:        60 * time.Second,
	}
}

var htKeySet = struct {
	sync.Mutex
	ks *KeySet
}{}

// htKeys shares one ES256 key set between tests.
func htKeys(t testing.TB) *KeySet {
	htKeySet.Lock()
	defer htKeySet.Unlock()
	if htKeySet.ks == nil {
		k, err := GenerateSigningKey(oauth.AlgES256)
		if err != nil {
			t.Fatalf("GenerateSigningKey: %v", err)
		}
		if htKeySet.ks, err = NewKeySet(k); err != nil {
			t.Fatalf("NewKeySet: %v", err)
		}
	}
	return htKeySet.ks
}

// htOption adjusts the settings or flow registrations of a test server.
type htOption func(s *Settings, regs []Registration[TokenContext, TokenResponse])

// htNewEnv builds a test server.
func htNewEnv(t testing.TB, opts ...htOption) *htEnv {
	t.Helper()
	return htNewEnvConfig(t, nil, opts...)
}

// htConfigOption adjusts the Config and Flows of a test server after the
// harness has filled them (users, keys, issuer, the userinfo flow).
type htConfigOption func(cfg *Config, fl *Flows)

// htNewEnvConfig builds a test server whose Config and Flows cfg adjusts
// when it is not nil.
func htNewEnvConfig(t testing.TB, cfg htConfigOption, opts ...htOption) *htEnv {
	t.Helper()
	env := &htEnv{clock: testclock.New(htStart), store: NewMemoryStore(), logs: &htLockedBuffer{}}
	ccPolicy := htPolicy()
	ccPolicy.IssueRefresh = false
	ccPolicy.AccessFormat = FormatOpaque
	regs := []Registration[TokenContext, TokenResponse]{
		{ID: "oauth-token-client-credentials", Wire: string(oauth.GrantClientCredentials), Policy: ccPolicy, Grant: htCCGrant, Flow: htCCFlow{}},
		{ID: "oauth-token-authorization-code", Wire: string(oauth.GrantAuthorizationCode), Policy: htPolicy(), Grant: htCodeGrant, Flow: htDefaultFlow{}},
		{ID: "oauth-token-refresh", Wire: string(oauth.GrantRefreshToken), Policy: htPolicy(), Grant: htRefreshGrant, Flow: htDefaultFlow{}},
		{ID: "test-custom", Wire: string(htCustomGrant), Policy: htPolicy(), Grant: htCustomGrantPolicy, Flow: htFuncFlow{env}},
		{ID: "magic_link", Wire: string(htExtensionGrant), Policy: htPolicy(), Grant: htExtensionGrantPolicy, Flow: htExtensionFlow{}},
	}
	s := htSettings()
	for _, o := range opts {
		o(&s, regs)
	}
	logger := slog.New(slog.NewJSONHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := Config{
		Clients: htClients(t),
		Store:   env.store,
		Keys:    htKeys(t),
		Clock:   env.clock,
		Logger:  logger,
	}
	fl := Flows{Token: regs}
	if cfg != nil {
		cfg(&c, &fl)
	}
	srv, err := NewServer(c, s, fl)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	env.srv = srv
	return env
}

// htPolicyOf changes the policy of the flow of grant type g.
func htPolicyOf(g oauth.GrantType, f func(p *TokenPolicy)) htOption {
	return func(_ *Settings, regs []Registration[TokenContext, TokenResponse]) {
		for i := range regs {
			if regs[i].Wire == string(g) {
				f(&regs[i].Policy)
			}
		}
	}
}

// The grant policies of the test flows, as generated registrations spell
// them out.
var (
	htCCGrant = flowkit.GrantPolicy{Clients: flowkit.ConfidentialClients, Credential: flowkit.ClientCredential,
		Scope: flowkit.ScopeFromRequest, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.NoEndUser}
	htCodeGrant = flowkit.GrantPolicy{Clients: flowkit.AnyClients, Credential: flowkit.CodeCredential,
		Scope: flowkit.ScopeFromGrant, Resources: flowkit.ResourcesFromGrant, EndUser: flowkit.EndUserOfGrant}
	htRefreshGrant = flowkit.GrantPolicy{Clients: flowkit.AnyClients, Credential: flowkit.RefreshCredential,
		Scope: flowkit.ScopeFromGrant, Resources: flowkit.ResourcesFromGrant, EndUser: flowkit.EndUserOfGrant}
	// htCustomGrantPolicy is a grant whose procedure may sign an end user in.
	htCustomGrantPolicy = flowkit.GrantPolicy{Clients: flowkit.AnyClients, Credential: flowkit.ProcedureCredential,
		Scope: flowkit.ScopeFromRequest, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.EndUserByProcedure}
	htExtensionGrantPolicy = flowkit.GrantPolicy{Clients: flowkit.ConfidentialClients, Credential: flowkit.ProcedureCredential,
		Scope: flowkit.ScopeFromRequest, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.NoEndUser}
	// htPasswordGrant is the password flow's (RFC 6749 §4.3).
	htPasswordGrant = flowkit.GrantPolicy{Clients: flowkit.ConfidentialClients, Credential: flowkit.PasswordCredential,
		Scope: flowkit.ScopeFromRequest, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.EndUserOfCredential}
)

// htCCContext mirrors the generated ClientCredentialsContext.
type htCCContext struct {
	*TokenContext `validate:"-"`
	Tenant        string `form:"tenant" validate:"omitempty,alphanum,max=32"`
}

// htCCFlow mirrors the generated client credentials flow with the default procedure.
type htCCFlow struct{}

func (htCCFlow) Prepare(t *TokenContext) (func(context.Context) (*TokenResponse, error), error) {
	c := &htCCContext{TokenContext: t}
	c.Tenant = t.Param("tenant")
	if err := flowkit.Validate(c); err != nil {
		return nil, err
	}
	return c.Default, nil
}

// htDefaultFlow mirrors a generated flow without properties whose
// procedure is a fresh stub.
type htDefaultFlow struct{}

func (htDefaultFlow) Prepare(t *TokenContext) (func(context.Context) (*TokenResponse, error), error) {
	return t.Default, nil
}

// htExtensionFlow mirrors a scaffolded extension grant: it fails closed.
type htExtensionFlow struct{}

type htExtensionContext struct {
	*TokenContext `validate:"-"`
	LinkToken     Secret `form:"link_token" validate:"required"`
}

func (htExtensionFlow) Prepare(t *TokenContext) (func(context.Context) (*TokenResponse, error), error) {
	c := &htExtensionContext{TokenContext: t}
	c.LinkToken = Secret(t.Param("link_token"))
	if err := flowkit.Validate(c); err != nil {
		return nil, err
	}
	return c.Default, nil
}

// htFuncFlow runs env.custom: procedures written inside a test.
type htFuncFlow struct{ env *htEnv }

func (f htFuncFlow) Prepare(t *TokenContext) (func(context.Context) (*TokenResponse, error), error) {
	return func(ctx context.Context) (*TokenResponse, error) { return f.env.custom(ctx, t) }, nil
}

// htRequest describes one HTTP request.
type htRequest struct {
	method      string // POST when empty
	path        string // the token path when empty
	contentType *string
	body        string
	basic       *[2]string // id, secret: encoded as RFC 6749 §2.3.1 says
	header      http.Header
	remote      string // RemoteAddr; httptest's default when empty
}

func htForm(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}

func htBasic(id, secret string) *[2]string { return &[2]string{id, secret} }

func htBasicHeader(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

func htStr(s string) *string { return &s }

// do sends a request to the server and returns the recorded response.
func (env *htEnv) do(t testing.TB, rq htRequest) *httptest.ResponseRecorder {
	t.Helper()
	method := rq.method
	if method == "" {
		method = http.MethodPost
	}
	path := rq.path
	if path == "" {
		path = "/oauth2/token"
	}
	r := httptest.NewRequest(method, path, strings.NewReader(rq.body))
	ct := "application/x-www-form-urlencoded"
	if rq.contentType != nil {
		ct = *rq.contentType
	}
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	if rq.basic != nil {
		r.Header.Set("Authorization", htBasicHeader(rq.basic[0], rq.basic[1]))
	}
	for k, vs := range rq.header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	if rq.remote != "" {
		r.RemoteAddr = rq.remote
	}
	w := httptest.NewRecorder()
	env.srv.ServeHTTP(w, r)
	return w
}

// htTokenBody is a decoded token-endpoint response body.
type htTokenBody struct {
	AccessToken      string         `json:"access_token"`
	TokenType        string         `json:"token_type"`
	ExpiresIn        int64          `json:"expires_in"`
	RefreshToken     string         `json:"refresh_token"`
	Scope            string         `json:"scope"`
	Error            string         `json:"error"`
	ErrorDescription string         `json:"error_description"`
	Raw              map[string]any `json:"-"`
}

// htDecode checks the headers every token-endpoint response carries
// (RFC 6749 §5.1) and decodes the JSON body.
func htDecode(t testing.TB, w *httptest.ResponseRecorder) htTokenBody {
	t.Helper()
	if got := w.Header().Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := w.Header().Get("Pragma"); got != "no-cache" {
		t.Errorf("Pragma = %q, want no-cache", got)
	}
	var b htTokenBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("body %q is not JSON: %v", w.Body.String(), err)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &b.Raw); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", w.Body.String(), err)
	}
	return b
}

// htWantError checks status and error code of an error response.
func htWantError(t testing.TB, w *httptest.ResponseRecorder, status int, code oauth.ErrorCode) htTokenBody {
	t.Helper()
	b := htDecode(t, w)
	if w.Code != status || b.Error != string(code) {
		t.Fatalf("got %d %s (%s), want %d %s; body %s", w.Code, b.Error, b.ErrorDescription, status, code, w.Body.String())
	}
	return b
}

// htWantOK checks a successful token response.
func htWantOK(t testing.TB, w *httptest.ResponseRecorder) htTokenBody {
	t.Helper()
	b := htDecode(t, w)
	if w.Code != http.StatusOK {
		t.Fatalf("got %d %s (%s), want 200", w.Code, b.Error, b.ErrorDescription)
	}
	if b.AccessToken == "" || b.TokenType != "Bearer" {
		t.Fatalf("access_token %q token_type %q", b.AccessToken, b.TokenType)
	}
	return b
}

// htCode issues an authorization code through the server (R-TOKENS' API).
func (env *htEnv) code(t testing.TB, req AuthorizationCode) Secret {
	t.Helper()
	if req.Authentication.Subject == "" {
		req.Authentication = Authentication{Subject: "alice", AuthTime: htStart.Add(-time.Minute), AMR: []string{"pwd"}}
	}
	c, err := env.srv.IssueAuthorizationCode(context.Background(), req)
	if err != nil {
		t.Fatalf("IssueAuthorizationCode: %v", err)
	}
	return c
}

// htVerifier is a valid PKCE verifier: 48 unreserved characters (RFC 7636 §4.1).
const htVerifier = "0123456789abcdefghijklmnopqrstuvwxyz-._~ABCDEFGH"

// confCode issues a code to "conf" with PKCE and redirect_uri provided.
func (env *htEnv) confCode(t testing.TB) Secret {
	return env.code(t, AuthorizationCode{
		ClientID: "conf", RedirectURI: htRedirect, RedirectURIProvided: true,
		Scope: oauth.ScopeSet{"read", "write"}, CodeChallenge: oauth.S256Challenge(htVerifier), CodeChallengeMethod: "S256",
	})
}

// redeemForm is the token request of a code issued by confCode.
func htRedeemForm(code Secret) string {
	return htForm("grant_type", "authorization_code", "code", code.Reveal(), "redirect_uri", htRedirect, "code_verifier", htVerifier)
}

// active reports whether an access token is active.
func (env *htEnv) active(t testing.TB, tok string) bool {
	t.Helper()
	_, ok, err := env.srv.AccessTokenActive(context.Background(), Secret(tok))
	if err != nil {
		t.Fatalf("AccessTokenActive: %v", err)
	}
	return ok
}
