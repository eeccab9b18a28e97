package generated

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
	"github.com/oauthgen/oauthgen/runtime/runtimetest"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime"
)

// The harness of the tests in this package: the GENERATED server
// (NewServer, Flows, the generated contexts and the procedures in this
// directory) behind a real httptest.Server, a fake clock, captured logs, the
// registered clients below, and helpers that send token requests and check
// the headers every token-endpoint response must carry.

// specIssuer is the issuer of spec/reference/oauthgen.yaml; the tests keep it
// (Config.Issuer is not set), so they also check the generated Settings.
const specIssuer = "http://127.0.0.1:8080"

// basicRealm is the challenge of a failed Basic authentication (RFC 6749 §5.2).
const basicRealm = `Basic realm="` + specIssuer + `"`

// magicGrant is the extension grant of the reference spec (RFC 6749 §4.5).
const magicGrant = "urn:example:params:grant-type:magic-link"

// testStart is the fixed start instant of every test server.
var testStart = time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)

// The registered clients.
const (
	// svcID is a confidential client_secret_basic client registered for the
	// three standard grants; it requires PKCE.
	svcID     = "svc"
	svcSecret = "svc-secret-4f9c1e7a2b8d6053"
	// postID is a confidential client_secret_post client registered for the
	// three standard grants.
	postID     = "poster"
	postSecret = "poster-secret-9a7b5c3d1e0f2468"
	// spaID is a public client (token_endpoint_auth_method none) registered
	// for authorization_code, refresh_token and the magic-link grant.
	spaID = "spa"
	// ccOnlyID is a confidential client registered for client_credentials
	// only, with no default scope.
	ccOnlyID     = "cc-only"
	ccOnlySecret = "cc-only-secret-13579bdf02468ace"
	// legacyID is a confidential client exempt from PKCE (RequirePKCE false)
	// registered for authorization_code but not refresh_token.
	legacyID     = "legacy"
	legacySecret = "legacy-secret-0f1e2d3c4b5a6978"
	// linkID is a confidential client registered for the magic-link grant only.
	linkID     = "linker"
	linkSecret = "linker-secret-8899aabbccddeeff"
	// weirdID's secret has every character RFC 6749 Appendix B encoding
	// matters for.
	weirdID     = "weird:id"
	weirdSecret = "a:b+c%/d"
	// rpID is a confidential OpenID Connect relying party
	// (client_secret_basic) registered for authorization_code and
	// refresh_token with the OIDC scopes; it requires PKCE.
	rpID     = "rp"
	rpSecret = "rp-secret-6e5d4c3b2a190817"
	rpName   = "Example Relying Party"
	// apiID is a resource server: it only introspects tokens.
	apiID     = "api"
	apiSecret = "api-secret-31415926535897932"
	// mobileID is a confidential client registered for the password grant
	// (RFC 6749 §4.3) and refresh_token, with the OIDC scopes.
	mobileID     = "mobile"
	mobileSecret = "mobile-secret-2718281828459045"
	// kioskID is a public client registered for the password grant, which
	// the reference spec keeps for confidential clients.
	kioskID = "kiosk"
	// partnerID is a confidential client registered for the JWT bearer
	// grant, presenting assertions of the spec's trusted issuers.
	partnerID     = "partner"
	partnerSecret = "partner-secret-0123456789abcdef"
	// gatewayID is a confidential client registered for token exchange
	// (RFC 8693), the password and refresh grants (its users' tokens to exchange) and
	// client_credentials (its own token, as an actor), with two audiences.
	gatewayID     = "gateway"
	gatewaySecret = "gateway-secret-1123581321345589"
	// tvID is a public client registered for the device code grant (RFC
	// 8628) and refresh_token, with the OIDC scopes; tvboxID a
	// confidential one.
	tvID        = "tv"
	tvName      = "Living Room TV"
	tvboxID     = "tvbox"
	tvboxSecret = "tvbox-secret-1a2b3c4d5e6f7081"
	// signerID is a client_secret_jwt client (RFC 7523 §2.2; OIDC Core §9):
	// it MACs its assertions with signerSecret, which the server keeps in
	// clear, 43 octets as oauthgen client new mints (HS256 only, RFC 7518
	// §3.2); it may introspect.
	signerID     = "signer"
	signerSecret = "V2hhdCBhIHNlY3JldCBvZiBmb3J0eS10aHJlZSBvY3R"
)

// deviceGrant is the device code grant type (RFC 8628 §3.4).
const deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

// Redirect URIs of the clients that use the authorization code grant.
const (
	svcRedirect    = "https://app.example/cb"
	svcRedirect2   = "https://app.example/other"
	spaRedirect    = "http://127.0.0.1:9000/cb"
	postRedirect   = "https://poster.example/cb"
	legacyRedirect = "https://legacy.example/cb"
	rpRedirect     = "https://rp.example/cb"
	// rpLogoutRedirect is rp's post_logout_redirect_uri (OpenID Connect
	// RP-Initiated Logout 1.0 §3.1).
	rpLogoutRedirect = "https://rp.example/signed-out?from=op"
)

// The end users of the authorization endpoint (runtime.MemoryUsers).
const (
	aliceUser     = "alice"
	alicePassword = "alice-password-3c9e1b"
	aliceSub      = "user-alice"
	bobUser       = "bob"
	bobPassword   = "bob-password-5a7d2f"
	bobSub        = "user-bob"
)

// testUsers builds the user store once: runtime.HashPassword hashes at
// bcrypt's default cost, and NewMemoryUsers computes a dummy hash as costly,
// so one store per test server would cost a bcrypt hash each. The store is
// immutable after construction and safe for concurrent use, so every test
// server shares it.
var testUsers = sync.OnceValues(func() (*runtime.MemoryUsers, error) {
	hash := func(pw string) string {
		h, err := runtime.HashPassword(runtime.Secret(pw))
		if err != nil {
			panic(err)
		}
		return h
	}
	verified := true
	return runtime.NewMemoryUsers(
		runtime.User{Subject: aliceSub, Username: aliceUser, PasswordHash: hash(alicePassword), Claims: runtime.UserClaims{
			Name: "Alice Example", GivenName: "Alice", FamilyName: "Example", PreferredUsername: "alice",
			Email: "alice@example.com", EmailVerified: &verified, PhoneNumber: "+1 555 0100",
		}},
		runtime.User{Subject: bobSub, Username: bobUser, PasswordHash: hash(bobPassword), Claims: runtime.UserClaims{Name: "Bob"}},
	)
})

// verifier is a valid PKCE code verifier: 48 unreserved characters
// (RFC 7636 §4.1).
const verifier = "0123456789abcdefghijklmnopqrstuvwxyz-._~ABCDEFGH"

// lockedBuffer is the log sink, safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// fakeTenants is the tenant directory of the client_credentials procedure:
// "blocked" is refused, "dbdown" fails like a database would (with a
// secret-looking detail that must not reach the client), "boom" panics.
type fakeTenants struct{}

const dbDownDetail = "dial tcp 10.0.0.7:5432: password=hunter2: connection refused"

func (fakeTenants) Allowed(_ context.Context, _, tenant string) (bool, error) {
	switch tenant {
	case "blocked":
		return false, nil
	case "dbdown":
		return false, errors.New(dbDownDetail)
	case "boom":
		panic("tenant directory exploded")
	}
	return true, nil
}

// testClients registers the clients above.
func testClients(t testing.TB) *runtime.MemoryClients {
	t.Helper()
	conf := func(id, secret string, m oauth.ClientAuthMethod, grants ...oauth.GrantType) *runtime.Client {
		c := &runtime.Client{
			ID: id, AuthMethod: m, GrantTypes: grants,
			Scopes: oauth.ScopeSet{"read", "write"}, DefaultScopes: oauth.ScopeSet{"read"},
		}
		if secret != "" {
			c.SetSecretHash(runtime.HashClientSecret(runtime.Secret(secret)))
		}
		return c
	}
	std := []oauth.GrantType{oauth.GrantClientCredentials, oauth.GrantAuthorizationCode, oauth.GrantRefreshToken}

	svc := conf(svcID, svcSecret, oauth.AuthClientSecretBasic, std...)
	svc.RedirectURIs = []string{svcRedirect, svcRedirect2}
	svc.RequirePKCE = true
	svc.Audiences = []string{"https://api.example"}

	post := conf(postID, postSecret, oauth.AuthClientSecretPost, std...)
	post.RedirectURIs = []string{postRedirect}
	post.RequirePKCE = true

	spa := conf(spaID, "", oauth.AuthNone, oauth.GrantAuthorizationCode, oauth.GrantRefreshToken, magicGrant)
	spa.RedirectURIs = []string{spaRedirect}

	ccOnly := conf(ccOnlyID, ccOnlySecret, oauth.AuthClientSecretBasic, oauth.GrantClientCredentials)
	ccOnly.DefaultScopes = nil

	legacy := conf(legacyID, legacySecret, oauth.AuthClientSecretBasic, oauth.GrantAuthorizationCode)
	legacy.RedirectURIs = []string{legacyRedirect}

	link := conf(linkID, linkSecret, oauth.AuthClientSecretBasic, magicGrant)

	weird := conf(weirdID, weirdSecret, oauth.AuthClientSecretBasic, oauth.GrantClientCredentials)

	rp := conf(rpID, rpSecret, oauth.AuthClientSecretBasic, oauth.GrantAuthorizationCode, oauth.GrantRefreshToken)
	rp.Name = rpName
	rp.RedirectURIs = []string{rpRedirect}
	rp.RequirePKCE = true
	rp.Scopes = oauth.ScopeSet{"openid", "profile", "email", "read", "offline_access"}
	rp.DefaultScopes = oauth.ScopeSet{"openid"}
	rp.PostLogoutRedirectURIs = []string{rpLogoutRedirect}

	api := conf(apiID, apiSecret, oauth.AuthClientSecretBasic)
	api.Introspection = true

	mobile := conf(mobileID, mobileSecret, oauth.AuthClientSecretBasic, oauth.GrantPassword, oauth.GrantRefreshToken)
	mobile.Scopes = oauth.ScopeSet{"openid", "profile", "email", "read", "write", "offline_access"}
	mobile.Audiences = []string{"https://api.example"}

	kiosk := conf(kioskID, "", oauth.AuthNone, oauth.GrantPassword)

	partner := conf(partnerID, partnerSecret, oauth.AuthClientSecretBasic, oauth.GrantJWTBearer)
	partner.Scopes = oauth.ScopeSet{"openid", "read", "write"}
	partner.Audiences = []string{"https://api.example"}

	gateway := conf(gatewayID, gatewaySecret, oauth.AuthClientSecretBasic, oauth.GrantTokenExchange, oauth.GrantPassword, oauth.GrantRefreshToken,
		oauth.GrantClientCredentials)
	gateway.Audiences = []string{"https://api.example", "https://orders.example"}

	tv := conf(tvID, "", oauth.AuthNone, oauth.GrantDeviceCode, oauth.GrantRefreshToken)
	tv.Name = tvName
	tv.Scopes = oauth.ScopeSet{"openid", "profile", "read", "offline_access"}
	tvbox := conf(tvboxID, tvboxSecret, oauth.AuthClientSecretBasic, oauth.GrantDeviceCode)

	signer := conf(signerID, "", oauth.AuthClientSecretJWT, oauth.GrantClientCredentials)
	signer.SigningSecret = runtime.Secret(signerSecret)
	signer.Introspection = true

	reg, err := runtime.NewMemoryClients(svc, post, spa, ccOnly, legacy, link, weird, rp, api, mobile, kiosk, partner, gateway, tv, tvbox, signer)
	if err != nil {
		t.Fatalf("NewMemoryClients: %v", err)
	}
	return reg
}

// env is one generated server under test.
type env struct {
	srv   *runtime.Server
	ts    *httptest.Server
	clock *runtimetest.Clock
	procs *Procedures
	logs  *lockedBuffer
}

// newEnv starts generated.NewServer with the test clients and users, a fake clock,
// a debug logger into env.logs, and Procedures with the fake tenant
// directory and an empty magic-link set. edit may change the Procedures
// before the server is built (nil for none).
func newEnv(t testing.TB, edit func(p *Procedures)) *env {
	t.Helper()
	e := &env{
		clock: runtimetest.NewClock(testStart),
		procs: &Procedures{Tenants: fakeTenants{}, MagicLinks: NewMagicLinks()},
		logs:  &lockedBuffer{},
	}
	if edit != nil {
		edit(e.procs)
	}
	users, err := testUsers()
	if err != nil {
		t.Fatalf("NewMemoryUsers: %v", err)
	}
	srv, err := NewServer(runtime.Config{
		Clients: testClients(t),
		Users:   users,
		Clock:   e.clock,
		Logger:  slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}, e.procs)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	e.srv = srv
	e.ts = httptest.NewServer(srv)
	t.Cleanup(e.ts.Close)
	return e
}

// call is one HTTP request to the server.
type call struct {
	method string // POST when empty
	path   string // the spec's token path when empty
	query  string // raw query, without '?'
	ctype  string // application/x-www-form-urlencoded when empty; "-" sends none
	body   string
	// basic sends client_secret_basic credentials encoded as RFC 6749
	// §2.3.1 says: each part form-urlencoded, then base64.
	basic []string
	// header is added to the request.
	header http.Header
	// chunked hides the body length, so the server sees no Content-Length.
	chunked bool
}

// result is a response, its body read.
type result struct {
	status int
	header http.Header
	raw    []byte
}

// form encodes name, value pairs as an application/x-www-form-urlencoded body.
func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}

// basicAuth is the Authorization value of client_secret_basic (RFC 6749 §2.3.1).
func basicAuth(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

// do sends c and returns the response; a transport failure ends the test.
func (e *env) do(t testing.TB, c call) result {
	t.Helper()
	r, err := e.send(c)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// send sends c and returns the response. It does not touch a testing.TB, so
// goroutines other than the test's may call it.
func (e *env) send(c call) (result, error) {
	method := c.method
	if method == "" {
		method = http.MethodPost
	}
	path := c.path
	if path == "" {
		path = "/oauth2/token"
	}
	u := e.ts.URL + path
	if c.query != "" {
		u += "?" + c.query
	}
	var body io.Reader = strings.NewReader(c.body)
	if c.chunked {
		body = io.MultiReader(strings.NewReader(c.body)) // not a *strings.Reader: no length
	}
	r, err := http.NewRequest(method, u, body)
	if err != nil {
		return result{}, fmt.Errorf("new request: %w", err)
	}
	switch c.ctype {
	case "":
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case "-":
	default:
		r.Header.Set("Content-Type", c.ctype)
	}
	if c.basic != nil {
		r.Header.Set("Authorization", basicAuth(c.basic[0], c.basic[1]))
	}
	for k, vs := range c.header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	resp, err := e.ts.Client().Do(r)
	if err != nil {
		return result{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	return result{status: resp.StatusCode, header: resp.Header, raw: raw}, nil
}

// token sends a token request with the body kv and the given Basic
// credentials (nil for none).
func (e *env) token(t testing.TB, basic []string, kv ...string) result {
	t.Helper()
	return e.do(t, call{basic: basic, body: form(kv...)})
}

// creds is a Basic credential pair.
func creds(id, secret string) []string { return []string{id, secret} }

// wantNoStore checks the headers every token-endpoint response carries,
// errors included (RFC 6749 §5.1), and returns the body decoded with numbers
// kept as json.Number.
func wantNoStore(t testing.TB, r result) map[string]any {
	t.Helper()
	if got := r.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	if got := r.header.Values("Cache-Control"); len(got) != 1 || got[0] != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := r.header.Values("Pragma"); len(got) != 1 || got[0] != "no-cache" {
		t.Errorf("Pragma = %q, want no-cache", got)
	}
	dec := json.NewDecoder(bytes.NewReader(r.raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("status %d: body %q is not a JSON object: %v", r.status, r.raw, err)
	}
	return m
}

// wantError checks an error response (RFC 6749 §5.2): status, error code,
// that error_description contains desc, the no-store headers, and that
// WWW-Authenticate is the Basic challenge exactly when the status is 401
// (RFC 6749 §5.2).
func wantError(t testing.TB, r result, status int, code oauth.ErrorCode, desc string) map[string]any {
	t.Helper()
	m := wantNoStore(t, r)
	got, _ := m["error"].(string)
	d, _ := m["error_description"].(string)
	if r.status != status || got != string(code) {
		t.Fatalf("got %d %q (%q), want %d %q; body %s", r.status, got, d, status, code, r.raw)
	}
	if !strings.Contains(d, desc) {
		t.Errorf("error_description %q does not contain %q", d, desc)
	}
	wa := r.header.Values("WWW-Authenticate")
	if status == http.StatusUnauthorized {
		if len(wa) != 1 || wa[0] != basicRealm {
			t.Errorf("WWW-Authenticate = %q, want %q", wa, basicRealm)
		}
	} else if len(wa) != 0 {
		t.Errorf("WWW-Authenticate = %q on a %d response", wa, status)
	}
	for name := range m {
		switch name {
		case "error", "error_description", "error_uri":
		default:
			t.Errorf("error response has member %q", name)
		}
	}
	return m
}

// tokenResp is a decoded successful token response (RFC 6749 §5.1).
type tokenResp struct {
	AccessToken  string
	RefreshToken string
	Scope        string
	ExpiresIn    int64
	Raw          map[string]any
}

// wantToken checks a 200 token response: no-store headers, access_token,
// token_type Bearer, and returns it.
func wantToken(t testing.TB, r result) tokenResp {
	t.Helper()
	m := wantNoStore(t, r)
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", r.status, r.raw)
	}
	tr := tokenResp{Raw: m}
	tr.AccessToken, _ = m["access_token"].(string)
	tr.RefreshToken, _ = m["refresh_token"].(string)
	tr.Scope, _ = m["scope"].(string)
	if n, ok := m["expires_in"].(json.Number); ok {
		tr.ExpiresIn, _ = n.Int64()
	}
	if tr.AccessToken == "" || m["token_type"] != "Bearer" {
		t.Fatalf("access_token %q, token_type %v; body %s", tr.AccessToken, m["token_type"], r.raw)
	}
	if _, ok := m["refresh_token"]; ok && tr.RefreshToken == "" {
		t.Errorf("refresh_token member is not a non-empty string: %s", r.raw)
	}
	return tr
}

// active reports whether the server still considers an access token active.
func (e *env) active(t testing.TB, tok string) bool {
	t.Helper()
	_, ok, err := e.srv.AccessTokenActive(context.Background(), runtime.Secret(tok))
	if err != nil {
		t.Fatalf("AccessTokenActive: %v", err)
	}
	return ok
}

// code issues an authorization code through the server; an empty subject
// becomes "alice".
func (e *env) code(t testing.TB, req runtime.AuthorizationCode) string {
	t.Helper()
	if req.Authentication.Subject == "" {
		req.Authentication = runtime.Authentication{Subject: "alice", AuthTime: testStart.Add(-time.Minute), AMR: []string{"pwd"}}
	}
	c, err := e.srv.IssueAuthorizationCode(context.Background(), req)
	if err != nil {
		t.Fatalf("IssueAuthorizationCode: %v", err)
	}
	return c.Reveal()
}

// svcCode issues svc a code for scope with the PKCE challenge of verifier
// and redirect_uri svcRedirect.
func (e *env) svcCode(t testing.TB, scope ...string) string {
	t.Helper()
	return e.code(t, runtime.AuthorizationCode{
		ClientID: svcID, RedirectURI: svcRedirect, RedirectURIProvided: true, Scope: scope,
		CodeChallenge: oauth.S256Challenge(verifier), CodeChallengeMethod: oauth.PKCEMethodS256,
	})
}

// redeemSvc redeems a code of svcCode.
func (e *env) redeemSvc(t testing.TB, code string) result {
	t.Helper()
	return e.do(t, redeemSvcCall(code))
}

// redeemSvcCall is the request redeemSvc sends.
func redeemSvcCall(code string) call {
	return call{basic: creds(svcID, svcSecret), body: form("grant_type", "authorization_code", "code", code,
		"redirect_uri", svcRedirect, "code_verifier", verifier)}
}

// svcTokens redeems a fresh svc code for scope and returns the tokens.
func (e *env) svcTokens(t testing.TB, scope ...string) tokenResp {
	t.Helper()
	return wantToken(t, e.redeemSvc(t, e.svcCode(t, scope...)))
}

// refresh sends grant_type=refresh_token for svc, with scope when non-empty.
func (e *env) refresh(t testing.TB, rt, scope string) result {
	t.Helper()
	kv := []string{"grant_type", "refresh_token", "refresh_token", rt}
	if scope != "" {
		kv = append(kv, "scope", scope)
	}
	return e.token(t, creds(svcID, svcSecret), kv...)
}

// jwks fetches the server's JWK Set and returns its keys by kid.
func (e *env) jwks(t testing.TB) map[string]map[string]any {
	t.Helper()
	r := e.do(t, call{method: http.MethodGet, path: "/oauth2/jwks", ctype: "-"})
	if r.status != http.StatusOK {
		t.Fatalf("GET jwks: %d %s", r.status, r.raw)
	}
	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(r.raw, &doc); err != nil {
		t.Fatalf("jwks %s: %v", r.raw, err)
	}
	out := map[string]map[string]any{}
	for _, k := range doc.Keys {
		kid, _ := k["kid"].(string)
		out[kid] = k
	}
	return out
}

// verifyAccessJWT verifies an access token with the key the server publishes
// in its JWKS (ES256 only, typ at+jwt, iss, exp at the fake clock's time:
// RFC 9068 §2.1, §4; RFC 8725 §3.1) and returns its header and claims,
// numbers kept as json.Number.
func (e *env) verifyAccessJWT(t testing.TB, tok string) (map[string]any, jwt.MapClaims) {
	t.Helper()
	keys := e.jwks(t)
	claims := jwt.MapClaims{}
	parsed, err := jwt.NewParser(
		jwt.WithValidMethods([]string{"ES256"}),
		jwt.WithIssuer(specIssuer),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(e.clock.Now),
		jwt.WithJSONNumber(),
	).ParseWithClaims(tok, claims, func(tk *jwt.Token) (any, error) {
		kid, _ := tk.Header["kid"].(string)
		k, ok := keys[kid]
		if !ok {
			return nil, errors.New("kid not in the JWKS")
		}
		return ecPublicKey(k)
	})
	if err != nil {
		t.Fatalf("access token does not verify with the JWKS: %v", err)
	}
	if typ := parsed.Header["typ"]; typ != "at+jwt" {
		t.Errorf("JOSE typ = %v, want at+jwt (RFC 9068 §2.1)", typ)
	}
	return parsed.Header, claims
}

// ecPublicKey converts a P-256 JWK (RFC 7518 §6.2.1) to a public key; the
// point is checked to be on the curve.
func ecPublicKey(k map[string]any) (*ecdsa.PublicKey, error) {
	if k["kty"] != "EC" || k["crv"] != "P-256" {
		return nil, errors.New("not a P-256 key")
	}
	point := []byte{4}
	for _, name := range []string{"x", "y"} {
		s, _ := k[name].(string)
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) != 32 {
			return nil, errors.New("bad coordinate " + name)
		}
		point = append(point, b...)
	}
	return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
}

// numClaim returns a json.Number claim as its text, "" when absent.
func numClaim(c jwt.MapClaims, name string) string {
	n, _ := c[name].(json.Number)
	return string(n)
}

// noUsers is a user store without users, for the benchmarks, which sign no
// one in: the reference spec enables the authorization and userinfo
// endpoints, which need one (Config.Users).
type noUsers struct{}

func (noUsers) Authenticate(context.Context, string, runtime.Secret) (string, bool, error) {
	return "", false, nil
}

func (noUsers) Claims(context.Context, string) (runtime.UserClaims, bool, error) {
	return runtime.UserClaims{}, false, nil
}
