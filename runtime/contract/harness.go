package contract

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// redirectURI is the redirect URI of the suite's clients. Nothing listens
// there: the user agent stops at the redirect and reads the code from it.
const redirectURI = "https://client.example.test/cb"

// client is a client the suite registers, with its secret, or for
// private_key_jwt its key.
type client struct {
	id     string
	secret string
	key    *ecdsa.PrivateKey
	method oauth.ClientAuthMethod
	// scopes are the scopes it may have.
	scopes oauth.ScopeSet
}

// harness is the server under test and what the checks share.
type harness struct {
	suite  Suite
	srv    *runtime.Server
	ts     *httptest.Server
	issuer string

	// confidential are a client per authentication method by a credential
	// the token endpoint accepts (a secret, or private_key_jwt's key); other is one more, for the checks that a
	// credential of one client does not work for another.
	confidential []*client
	other        *client
	// public is a client authenticating with none, when the endpoint
	// accepts none and the authorization endpoint is enabled.
	public *client
	// allowed are the scopes the suite's clients may have: the spec's
	// scopes without withheld; withheld is one scope none of them may
	// have, empty when the spec declares fewer than two non-OpenID scopes.
	allowed  oauth.ScopeSet
	withheld string

	username, password, subject string
	// issuerKey signs the assertions of the issuer the suite trusts in
	// place of a JWT bearer flow's; nil without such a flow.
	issuerKey *ecdsa.PrivateKey
	// ua is the HTTP client of the checks' requests: it stops at every
	// redirect, since a redirect is the answer a check reads.
	ua *http.Client
}

// newHarness starts the server of s with the suite's clients and user.
func newHarness(t *testing.T, s Suite) *harness {
	t.Helper()
	h := &harness{suite: s, username: s.Options.Username, password: s.Options.Password}
	for _, sc := range s.Settings.Scopes {
		h.allowed = append(h.allowed, sc.Name)
	}
	var plain []string // the scopes a client credentials token may carry
	for _, sc := range h.allowed {
		if !userOnlyScope(sc) {
			plain = append(plain, sc)
		}
	}
	if len(plain) >= 2 {
		h.withheld = plain[len(plain)-1]
		h.allowed = slices.DeleteFunc(h.allowed, func(sc string) bool { return sc == h.withheld })
	}

	methods := s.Settings.AuthMethods
	if len(methods) == 0 {
		methods = []string{string(oauth.AuthClientSecretBasic)}
	}
	var grants []oauth.GrantType
	for _, reg := range s.Flows.Token {
		grants = append(grants, oauth.GrantType(reg.Wire))
	}
	var registered []*runtime.Client
	register := func(id string, m oauth.ClientAuthMethod) *client {
		c := &client{id: id, method: m, scopes: h.allowed}
		rc := &runtime.Client{ID: id, Name: "Contract " + id, AuthMethod: m, RedirectURIs: []string{redirectURI},
			GrantTypes: grants, Scopes: h.allowed, Introspection: m != oauth.AuthNone, PostLogoutRedirectURIs: []string{postLogoutURI}}
		switch m {
		case oauth.AuthNone:
			rc.GrantTypes = slices.DeleteFunc(slices.Clone(grants), func(g oauth.GrantType) bool {
				return g == oauth.GrantClientCredentials || !publicGrant(s.Flows, g)
			})
		case oauth.AuthPrivateKeyJWT:
			c.key = newKey(t)
			rc.JWKS = publicJWKS(t, c.key)
		case oauth.AuthClientSecretJWT:
			c.secret = randomString() // 43 octets: HS256 (RFC 7518 §3.2)
			rc.SigningSecret = runtime.Secret(c.secret)
		default:
			c.secret = randomString()
			rc.SetSecretHash(runtime.HashClientSecret(runtime.Secret(c.secret)))
		}
		registered = append(registered, rc)
		return c
	}
	for _, m := range methods {
		switch oauth.ClientAuthMethod(m) {
		case oauth.AuthNone:
			if s.Flows.Authorize != nil {
				h.public = register("contract-public", oauth.AuthNone)
			}
		default:
			h.confidential = append(h.confidential, register("contract-"+strings.ReplaceAll(m, "_", "-"), oauth.ClientAuthMethod(m)))
		}
	}
	if len(h.confidential) > 0 {
		h.other = register("contract-other", h.confidential[0].method)
	}
	clients, err := runtime.NewMemoryClients(registered...)
	if err != nil {
		t.Fatalf("contract: clients: %v", err)
	}

	users := s.Options.Users
	_, password := (&harness{suite: s}).flow(flowkit.PasswordCredential)
	if users == nil && (s.Flows.Authorize != nil || s.Flows.UserInfo != nil || s.Flows.DeviceAuthorization != nil || password) {
		h.username, h.password = "contract-user", randomString()
		hash, err := runtime.HashPassword(runtime.Secret(h.password))
		if err != nil {
			t.Fatalf("contract: %v", err)
		}
		users, err = runtime.NewMemoryUsers(runtime.User{Subject: "contract-subject", Username: h.username, PasswordHash: hash,
			Claims: runtime.UserClaims{Name: "Contract User", Email: "contract@example.test"}})
		if err != nil {
			t.Fatalf("contract: %v", err)
		}
	}
	if users != nil && h.username != "" {
		sub, ok, err := users.Authenticate(context.Background(), h.username, runtime.Secret(h.password))
		if err != nil || !ok {
			t.Fatalf("contract: Options: user %q does not sign in with the password given (ok=%v, err=%v)", h.username, ok, err)
		}
		h.subject = sub
	}

	h.issuerKey = trustOwnIssuer(t, &s.Flows)
	h.suite.Flows = s.Flows
	h.ts = httptest.NewUnstartedServer(nil)
	h.issuer = "http://" + h.ts.Listener.Addr().String()
	h.srv, err = runtime.NewServer(runtime.Config{
		Clients: clients,
		Users:   users,
		Issuer:  h.issuer,
		Logger:  slog.New(slog.DiscardHandler),
	}, s.Settings, s.Flows)
	if err != nil {
		t.Fatalf("contract: the spec's server does not start: %v", err)
	}
	h.ua = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	h.ts.Config.Handler = h.srv
	h.ts.Start()
	t.Cleanup(h.ts.Close)
	return h
}

// run runs one check, or skips it as the Options say.
func (h *harness) run(t *testing.T, name string, check func(*testing.T, *harness)) {
	t.Helper()
	if why, ok := h.suite.Options.Skip[name]; ok {
		t.Skipf("skipped by Options.Skip: %s", why)
	}
	check(t, h)
}

// userOnlyScope reports whether a scope only makes sense with an end user
// (OpenID Connect's scopes, RFC 6749 has none): a client credentials
// request for it is refused or meaningless.
func userOnlyScope(sc string) bool {
	switch sc {
	case "openid", "profile", "email", "address", "phone", "offline_access":
		return true
	}
	return false
}

// publicGrant reports whether a public client may use the token flow of
// grant type g.
func publicGrant(fl runtime.Flows, g oauth.GrantType) bool {
	for _, reg := range fl.Token {
		if reg.Wire == string(g) {
			return reg.Grant.Clients != flowkit.ConfidentialClients
		}
	}
	return false
}

// randomString is 256 random bits, base64url.
func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// path is the URL of the endpoint with the id ("oauth-token", ...).
func (h *harness) url(id string) string {
	return h.issuer + h.srv.Settings().Paths[id]
}

// reply is an HTTP response, read.
type reply struct {
	req    string // "POST /oauth2/token", for messages
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v; a body that is not JSON fails the test.
func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%s answered %d with a body that is not JSON (%v): %.300s", r.req, r.status, err, r.body)
	}
}

// auth is how a request authenticates its client.
type auth struct {
	c *client
	// secret replaces the client's secret when set.
	secret string
	// method replaces the client's method when set.
	method oauth.ClientAuthMethod
}

// as is the authentication of c by its registered method.
func as(c *client) auth { return auth{c: c} }

// post sends a form to the endpoint with the id, authenticated as a says.
func (h *harness) post(t *testing.T, id string, form url.Values, a auth, header ...string) reply {
	t.Helper()
	form = cloneValues(form)
	var user, pass string
	if a.c != nil {
		secret, method := a.c.secret, a.c.method
		if a.secret != "" {
			secret = a.secret
		}
		if a.method != "" {
			method = a.method
		}
		switch method {
		case oauth.AuthClientSecretBasic:
			user, pass = url.QueryEscape(a.c.id), url.QueryEscape(secret)
		case oauth.AuthClientSecretPost:
			form.Set("client_id", a.c.id)
			form.Set("client_secret", secret)
		case oauth.AuthPrivateKeyJWT:
			key := a.c.key
			if a.secret != "" || key == nil {
				key = newKey(t) // a wrong credential: a key the client did not register
			}
			form.Set("client_assertion_type", assertionType)
			form.Set("client_assertion", h.assertion(t, a.c.id, jwt.SigningMethodES256, key, h.url(id)))
		case oauth.AuthClientSecretJWT:
			// A wrong credential is a wrong secret.
			form.Set("client_assertion_type", assertionType)
			form.Set("client_assertion", h.assertion(t, a.c.id, jwt.SigningMethodHS256, []byte(secret), h.url(id)))
		default:
			form.Set("client_id", a.c.id)
		}
	}
	req, err := http.NewRequest(http.MethodPost, h.url(id), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	return h.do(t, h.ua, req)
}

// get sends a GET, with a bearer token when one is given.
func (h *harness) get(t *testing.T, u, bearer string) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return h.do(t, h.ua, req)
}

func (h *harness) do(t *testing.T, hc *http.Client, req *http.Request) reply {
	t.Helper()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return reply{req: req.Method + " " + req.URL.Path, status: resp.StatusCode, header: resp.Header, body: body}
}

// browser is a user agent with cookies that stops at every redirect.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = slices.Clone(vs)
	}
	return c
}

// oauthError is an error response's body (RFC 6749 §5.2).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// wantError checks that r is the OAuth error code with the status, as JSON
// that no cache keeps (RFC 6749 §5.2; §5.1 for Cache-Control), and returns
// it. rule names what the request broke, for the message.
func wantError(t *testing.T, rule string, r reply, status int, code string) oauthError {
	t.Helper()
	var e oauthError
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s: %s answered %d with Content-Type %q, want the %s error as application/json (RFC 6749 §5.2): %.300s", rule, r.req, r.status, ct, code, r.body)
	}
	r.json(t, &e)
	if r.status != status || e.Error != code {
		t.Fatalf("%s: %s answered %d %q (%s), want %d %q", rule, r.req, r.status, e.Error, e.Description, status, code)
	}
	if !strings.Contains(r.header.Get("Cache-Control"), "no-store") {
		t.Errorf("%s: %s: the %s error has Cache-Control %q, want no-store (RFC 6749 §5.1)", rule, r.req, code, r.header.Get("Cache-Control"))
	}
	return e
}

// assertionType is the client_assertion_type of private_key_jwt (RFC 7523
// §2.2).
const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// newKey is a fresh P-256 key: a private_key_jwt client's, or one no
// client registered.
func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	return k
}

// publicJWKS is the JWK Set of key's public half (RFC 7517 §5; RFC 7518
// §6.2.1), under the kid "contract".
func publicJWKS(t *testing.T, key *ecdsa.PrivateKey) json.RawMessage {
	t.Helper()
	raw, err := key.PublicKey.Bytes() // 0x04 || X || Y
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	b64 := base64.RawURLEncoding
	doc, err := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "EC", "crv": "P-256", "kid": "contract", "use": "sig", "alg": "ES256",
		"x": b64.EncodeToString(raw[1:33]), "y": b64.EncodeToString(raw[33:]),
	}}})
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	return doc
}

// assertion is a client assertion of the client id for the endpoint at
// aud, signed (or MACed, for client_secret_jwt) with key by method, good
// for a minute, with a fresh jti (RFC 7523 §3).
func (h *harness) assertion(t *testing.T, id string, method jwt.SigningMethod, key any, aud string) string {
	t.Helper()
	now := time.Now()
	tok := jwt.NewWithClaims(method, jwt.MapClaims{
		"iss": id, "sub": id, "aud": aud, "jti": randomString(),
		"iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
	})
	tok.Header["kid"] = "contract"
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("contract: sign an assertion: %v", err)
	}
	return s
}
