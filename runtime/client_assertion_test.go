package runtime

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/oauthgen/oauthgen/runtime/internal/clientauth"
	"github.com/oauthgen/oauthgen/runtime/internal/jose"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The tests of private_key_jwt (prefix pa): clients that authenticate with
// a JWT assertion signed by a key of their registered JWK Set (RFC 7523
// §2.2, §3; OIDC Core §9).

// paKey is a client's key pair: its private half signs assertions, its
// public half is in the client's JWK Set under kid.
type paKey struct {
	alg  string
	kid  string
	priv crypto.Signer
}

var (
	paRSAOnce sync.Once
	paRSA     *rsa.PrivateKey
)

// paNewKey makes a key for alg (one RSA key is shared: they are slow to
// make).
func paNewKey(t testing.TB, alg, kid string) paKey {
	t.Helper()
	var priv crypto.Signer
	var err error
	switch alg {
	case "ES256":
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "EdDSA":
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	case "RS256", "PS256":
		paRSAOnce.Do(func() { paRSA, err = rsa.GenerateKey(rand.Reader, 2048) })
		priv = paRSA
	}
	if err != nil {
		t.Fatal(err)
	}
	return paKey{alg: alg, kid: kid, priv: priv}
}

// jwk is the key's public JWK, with its kid.
func (k paKey) jwk(t testing.TB) map[string]string {
	t.Helper()
	j, err := jose.NewPublicJWK(k.priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{"kty": j.Kty, "kid": k.kid, "use": "sig"}
	for name, v := range map[string]string{"crv": j.Crv, "x": j.X, "y": j.Y, "n": j.N, "e": j.E} {
		if v != "" {
			m[name] = v
		}
	}
	return m
}

// paJWKS is the JWK Set of the keys.
func paJWKS(t testing.TB, keys ...paKey) []byte {
	t.Helper()
	var all []map[string]string
	for _, k := range keys {
		all = append(all, k.jwk(t))
	}
	b, err := json.Marshal(map[string]any{"keys": all})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func paMethod(alg string) jwt.SigningMethod {
	switch alg {
	case "ES256":
		return jwt.SigningMethodES256
	case "EdDSA":
		return jwt.SigningMethodEdDSA
	case "RS256":
		return jwt.SigningMethodRS256
	case "PS256":
		return jwt.SigningMethodPS256
	}
	return nil
}

// sign signs claims with the key, kid in the header unless header says
// otherwise (a nil value deletes a member).
func (k paKey) sign(t testing.TB, claims jwt.MapClaims, header map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(paMethod(k.alg), claims)
	tok.Header["kid"] = k.kid
	for h, v := range header {
		if v == nil {
			delete(tok.Header, h)
		} else {
			tok.Header[h] = v
		}
	}
	s, err := tok.SignedString(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var paJTI atomic.Int64

// paClaims are the claims of a good assertion by client id for the token
// endpoint, at htStart.
func paClaims(id string) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": id, "sub": id, "aud": htIssuer + "/oauth2/token",
		"exp": htStart.Add(time.Minute).Unix(), "iat": htStart.Unix(),
		"jti": fmt.Sprintf("jti-%d", paJTI.Add(1)),
	}
}

// paForm is the form of a client_credentials request with the assertion.
func paForm(assertion string, extra ...string) string {
	return htForm(append([]string{"grant_type", "client_credentials",
		"client_assertion_type", clientauth.AssertionType, "client_assertion", assertion}, extra...)...)
}

// paFixture is a server whose clients include private_key_jwt ones: pk,
// with an ES256, an EdDSA and an RSA key inline; pkps, which registered
// PS256 only; and the secret-based conf.
type paFixture struct {
	es, ed, rs paKey
	// stranger is a key no client registered.
	stranger paKey
}

func paNewFixture(t testing.TB) *paFixture {
	return &paFixture{
		es: paNewKey(t, "ES256", "es-1"), ed: paNewKey(t, "EdDSA", "ed-1"), rs: paNewKey(t, "RS256", "rs-1"),
		stranger: paNewKey(t, "ES256", "es-1"),
	}
}

// clients is the registry: the fixture's key clients, then extra.
func (f *paFixture) clients(t testing.TB, extra ...*Client) *MemoryClients {
	t.Helper()
	pk := &Client{ID: "pk", AuthMethod: oauth.AuthPrivateKeyJWT, GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials},
		Scopes: oauth.ScopeSet{"read"}, DefaultScopes: oauth.ScopeSet{"read"}, Introspection: true, JWKS: paJWKS(t, f.es, f.ed, f.rs)}
	pkps := &Client{ID: "pkps", AuthMethod: oauth.AuthPrivateKeyJWT, GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials},
		Scopes: oauth.ScopeSet{"read"}, DefaultScopes: oauth.ScopeSet{"read"}, JWKS: paJWKS(t, f.rs), TokenEndpointAuthSigningAlg: "PS256"}
	conf := htClient("conf", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantClientCredentials)
	reg, err := NewMemoryClients(append([]*Client{pk, pkps, conf}, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// env is a server with private_key_jwt enabled, the introspection and
// revocation endpoints, the fixture's clients and edit's changes.
func (f *paFixture) env(t testing.TB, edit htConfigOption) *htEnv {
	t.Helper()
	return itNewEnvConfig(t, func(cfg *Config, fl *Flows) {
		cfg.Clients = f.clients(t)
		if edit != nil {
			edit(cfg, fl)
		}
	}, func(s *Settings, _ []Registration[TokenContext, TokenResponse]) {
		s.AuthMethods = append(s.AuthMethods, string(oauth.AuthPrivateKeyJWT))
	})
}

// TestPrivateKeyJWT: every way an assertion is right and wrong at the
// token endpoint, with the answer's status and error.
func TestPrivateKeyJWT(t *testing.T) {
	f := paNewFixture(t)
	with := func(id string, change func(jwt.MapClaims)) jwt.MapClaims {
		c := paClaims(id)
		if change != nil {
			change(c)
		}
		return c
	}
	hmacWithPublicKey := func() string {
		der, err := x509.MarshalPKIXPublicKey(f.rs.priv.Public())
		if err != nil {
			t.Fatal(err)
		}
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, paClaims("pk"))
		tok.Header["kid"] = f.rs.kid
		s, err := tok.SignedString(der)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	algNone := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, paClaims("pk"))
		tok.Header["kid"] = f.es.kid
		s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	embeddedJWK := func() string {
		k := f.stranger
		k.kid = "attacker"
		return k.sign(t, paClaims("pk"), map[string]any{"jwk": k.jwk(t)})
	}
	now := htStart
	for _, tc := range []struct {
		name   string
		body   func() string
		basic  *[2]string
		status int
		code   oauth.ErrorCode // "" means a token
		desc   string          // in the error_description, when set
	}{
		{name: "ES256", body: func() string { return paForm(f.es.sign(t, paClaims("pk"), nil)) }},
		{name: "EdDSA", body: func() string { return paForm(f.ed.sign(t, paClaims("pk"), nil)) }},
		{name: "RS256", body: func() string { return paForm(f.rs.sign(t, paClaims("pk"), nil)) }},
		{name: "PS256", body: func() string { k := f.rs; k.alg = "PS256"; return paForm(k.sign(t, paClaims("pk"), nil)) }},
		{name: "registered alg", body: func() string { k := f.rs; k.alg = "PS256"; return paForm(k.sign(t, paClaims("pkps"), nil)) }},
		{name: "aud is the issuer", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { c["aud"] = htIssuer }), nil))
		}},
		{name: "aud list with the token URL", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { c["aud"] = []string{"https://x.example", htIssuer + "/oauth2/token"} }), nil))
		}},
		{name: "no kid, one key fits", body: func() string { return paForm(f.es.sign(t, paClaims("pk"), map[string]any{"kid": nil})) }},
		{name: "client_id too", body: func() string { return paForm(f.es.sign(t, paClaims("pk"), nil), "client_id", "pk") }},
		{name: "expired within the skew", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { c["exp"] = now.Add(-30 * time.Second).Unix() }), nil))
		}},
		{name: "exp 5 minutes ahead", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { c["exp"] = now.Add(5 * time.Minute).Unix() }), nil))
		}},

		{name: "wrong aud", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { c["aud"] = "https://other.example/oauth2/token" }), nil))
		}, status: 400, code: oauth.ErrInvalidClient, desc: "aud"},
		{name: "aud of another endpoint", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { c["aud"] = htIssuer + "/oauth2/revoke" }), nil))
		}, status: 400, code: oauth.ErrInvalidClient, desc: "aud"},
		{name: "no aud", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { delete(c, "aud") }), nil))
		}, status: 400, code: oauth.ErrInvalidClient, desc: "aud"},
		{name: "expired", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { c["exp"] = now.Add(-2 * time.Minute).Unix() }), nil))
		}, status: 400, code: oauth.ErrInvalidClient, desc: "expired"},
		{name: "no exp", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { delete(c, "exp") }), nil))
		}, status: 400, code: oauth.ErrInvalidClient, desc: "exp is required"},
		{name: "far-future exp", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { c["exp"] = now.Add(time.Hour).Unix() }), nil))
		}, status: 400, code: oauth.ErrInvalidClient, desc: "in the future"},
		{name: "nbf in the future", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { c["nbf"] = now.Add(2 * time.Minute).Unix() }), nil))
		}, status: 400, code: oauth.ErrInvalidClient, desc: "nbf"},
		{name: "iat in the future", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { c["iat"] = now.Add(2 * time.Minute).Unix() }), nil))
		}, status: 400, code: oauth.ErrInvalidClient, desc: "iat"},
		{name: "missing jti", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { delete(c, "jti") }), nil))
		}, status: 400, code: oauth.ErrInvalidClient, desc: "jti"},
		{name: "wrong iss", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { c["iss"] = "pkps" }), nil))
		}, status: 400, code: oauth.ErrInvalidClient, desc: "iss"},
		{name: "no sub", body: func() string {
			return paForm(f.es.sign(t, with("pk", func(c jwt.MapClaims) { delete(c, "sub") }), nil))
		}, status: 400, code: oauth.ErrInvalidClient, desc: "sub"},
		{name: "sub of another key client", body: func() string { return paForm(f.es.sign(t, paClaims("pkps"), nil)) },
			status: 400, code: oauth.ErrInvalidClient, desc: "client authentication failed"},
		{name: "sub of a secret client", body: func() string { return paForm(f.es.sign(t, paClaims("conf"), nil)) },
			status: 400, code: oauth.ErrInvalidClient, desc: "client authentication failed"},
		{name: "unknown client", body: func() string { return paForm(f.es.sign(t, paClaims("nobody"), nil)) },
			status: 400, code: oauth.ErrInvalidClient, desc: "client authentication failed"},
		{name: "unknown kid", body: func() string { return paForm(f.es.sign(t, paClaims("pk"), map[string]any{"kid": "es-2"})) },
			status: 400, code: oauth.ErrInvalidClient, desc: "client authentication failed"},
		{name: "kid of a key of another type", body: func() string { return paForm(f.es.sign(t, paClaims("pk"), map[string]any{"kid": "ed-1"})) },
			status: 400, code: oauth.ErrInvalidClient, desc: "client authentication failed"},
		{name: "bad signature", body: func() string { return paForm(f.stranger.sign(t, paClaims("pk"), nil)) },
			status: 400, code: oauth.ErrInvalidClient, desc: "client authentication failed"},
		{name: "embedded jwk", body: func() string { return paForm(embeddedJWK()) },
			status: 400, code: oauth.ErrInvalidClient, desc: "client authentication failed"},
		{name: "HMAC with the public key", body: func() string { return paForm(hmacWithPublicKey()) },
			status: 400, code: oauth.ErrInvalidClient, desc: "client authentication failed"},
		{name: "alg none", body: func() string { return paForm(algNone()) },
			status: 400, code: oauth.ErrInvalidClient, desc: "client authentication failed"},
		{name: "alg other than the registered one", body: func() string { return paForm(f.rs.sign(t, paClaims("pkps"), nil)) },
			status: 400, code: oauth.ErrInvalidClient, desc: "client authentication failed"},
		{name: "crit header", body: func() string { return paForm(f.es.sign(t, paClaims("pk"), map[string]any{"crit": []string{"exp"}})) },
			status: 400, code: oauth.ErrInvalidClient, desc: "client authentication failed"},
		{name: "malformed", body: func() string { return paForm("not.a.jwt") },
			status: 400, code: oauth.ErrInvalidClient, desc: "malformed"},
		{name: "Basic and an assertion", body: func() string { return paForm(f.es.sign(t, paClaims("pk"), nil)) }, basic: htBasic("conf", htConfSecret),
			status: 400, code: oauth.ErrInvalidRequest, desc: "more than one"},
		{name: "client_secret and an assertion", body: func() string { return paForm(f.es.sign(t, paClaims("pk"), nil), "client_secret", "x") },
			status: 400, code: oauth.ErrInvalidRequest, desc: "more than one"},
		{name: "client_id of another client", body: func() string { return paForm(f.es.sign(t, paClaims("pk"), nil), "client_id", "conf") },
			status: 400, code: oauth.ErrInvalidRequest, desc: "client_id"},
		{name: "wrong assertion type", body: func() string {
			return htForm("grant_type", "client_credentials", "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
				"client_assertion", f.es.sign(t, paClaims("pk"), nil))
		}, status: 400, code: oauth.ErrInvalidClient, desc: "client_assertion_type"},
		{name: "no assertion type", body: func() string {
			return htForm("grant_type", "client_credentials", "client_assertion", f.es.sign(t, paClaims("pk"), nil))
		}, status: 400, code: oauth.ErrInvalidRequest, desc: "together"},
		{name: "too long", body: func() string { return paForm(strings.Repeat("a", clientauth.MaxAssertionBytes+1)) },
			status: 400, code: oauth.ErrInvalidRequest, desc: "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := f.env(t, nil)
			w := env.do(t, htRequest{body: tc.body(), basic: tc.basic})
			if tc.code == "" {
				htWantOK(t, w)
				return
			}
			b := htWantError(t, w, tc.status, tc.code)
			if !strings.Contains(b.ErrorDescription, tc.desc) {
				t.Errorf("error_description %q; want it to mention %q", b.ErrorDescription, tc.desc)
			}
			if w.Header().Get("WWW-Authenticate") != "" && tc.basic == nil {
				t.Errorf("a challenge for a request without the Authorization header: %q", w.Header().Get("WWW-Authenticate"))
			}
		})
	}
}

// TestPrivateKeyJWTDisabled: a server that does not list private_key_jwt
// refuses a valid assertion of a private_key_jwt client, and advertises
// no signing algorithms.
func TestPrivateKeyJWTDisabled(t *testing.T) {
	f := paNewFixture(t)
	env := itNewEnvConfig(t, func(cfg *Config, _ *Flows) { cfg.Clients = f.clients(t) })
	htWantError(t, env.do(t, htRequest{body: paForm(f.es.sign(t, paClaims("pk"), nil))}), http.StatusBadRequest, oauth.ErrInvalidClient)
	md := env.srv.Metadata()
	if md.TokenEndpointAuthSigningAlgValuesSupported != nil || md.IntrospectionEndpointAuthSigningAlgValuesSupported != nil ||
		md.RevocationEndpointAuthSigningAlgValuesSupported != nil {
		t.Errorf("signing algs advertised without private_key_jwt: %+v", md)
	}
}

// TestPrivateKeyJWTMetadata: with private_key_jwt enabled, every endpoint
// that authenticates clients lists it and the algorithms of assertions.
func TestPrivateKeyJWTMetadata(t *testing.T) {
	f := paNewFixture(t)
	md := f.env(t, nil).srv.Metadata()
	algs := []string{"RS256", "PS256", "ES256", "EdDSA"}
	for name, got := range map[string][]string{
		"token_endpoint_auth_signing_alg_values_supported":         md.TokenEndpointAuthSigningAlgValuesSupported,
		"introspection_endpoint_auth_signing_alg_values_supported": md.IntrospectionEndpointAuthSigningAlgValuesSupported,
		"revocation_endpoint_auth_signing_alg_values_supported":    md.RevocationEndpointAuthSigningAlgValuesSupported,
	} {
		if !slices.Equal(got, algs) {
			t.Errorf("%s = %v, want %v", name, got, algs)
		}
	}
	for name, got := range map[string][]oauth.ClientAuthMethod{
		"token": md.TokenEndpointAuthMethodsSupported, "introspection": md.IntrospectionEndpointAuthMethodsSupported,
		"revocation": md.RevocationEndpointAuthMethodsSupported,
	} {
		if !slices.Contains(got, oauth.AuthPrivateKeyJWT) {
			t.Errorf("%s_endpoint_auth_methods_supported = %v, without private_key_jwt", name, got)
		}
	}
}

// TestPrivateKeyJWTReplay: a jti is used once, on one server and across
// two servers sharing a store; another client's equal jti is its own.
func TestPrivateKeyJWTReplay(t *testing.T) {
	f := paNewFixture(t)
	shared := NewMemoryStore()
	onShared := func(cfg *Config, _ *Flows) { cfg.Store = shared }
	a, b := f.env(t, onShared), f.env(t, onShared)
	assertion := f.es.sign(t, paClaims("pk"), nil)
	htWantOK(t, a.do(t, htRequest{body: paForm(assertion)}))
	e := htWantError(t, a.do(t, htRequest{body: paForm(assertion)}), http.StatusBadRequest, oauth.ErrInvalidClient)
	if !strings.Contains(e.ErrorDescription, "already used") {
		t.Errorf("replay on one server: %q", e.ErrorDescription)
	}
	htWantError(t, b.do(t, htRequest{body: paForm(assertion)}), http.StatusBadRequest, oauth.ErrInvalidClient)

	// The same jti from another client is that client's.
	c := paClaims("pkps")
	c["jti"] = paClaims("pk")["jti"]
	first := paClaims("pk")
	first["jti"] = c["jti"]
	htWantOK(t, a.do(t, htRequest{body: paForm(f.es.sign(t, first, nil))}))
	ps := f.rs
	ps.alg = "PS256"
	htWantOK(t, b.do(t, htRequest{body: paForm(ps.sign(t, c, nil))}))

	// A new server on another store knows nothing of it: the store keeps it.
	other := f.env(t, nil)
	htWantOK(t, other.do(t, htRequest{body: paForm(assertion)}))
}

// TestPrivateKeyJWTThrottled: failed assertions count like wrong secrets,
// until the pair of client and source gets 429.
func TestPrivateKeyJWTThrottled(t *testing.T) {
	f := paNewFixture(t)
	env := f.env(t, nil)
	for i := range 100 {
		w := env.do(t, htRequest{body: paForm(f.stranger.sign(t, paClaims("pk"), nil))})
		if w.Code == http.StatusTooManyRequests {
			// Even a good assertion waits now.
			htWantError(t, env.do(t, htRequest{body: paForm(f.es.sign(t, paClaims("pk"), nil))}), http.StatusTooManyRequests, oauth.ErrInvalidClient)
			return
		}
		if w.Code != http.StatusBadRequest {
			t.Fatalf("attempt %d: %d %s", i, w.Code, w.Body)
		}
	}
	t.Fatal("100 bad assertions and no 429")
}

// TestPrivateKeyJWTIntrospectionAndRevocation: the introspection and
// revocation endpoints accept assertions whose aud is the issuer, the
// token endpoint or themselves; the introspection endpoint answers a bad
// one with 401 (RFC 7662 §2.3).
func TestPrivateKeyJWTIntrospectionAndRevocation(t *testing.T) {
	f := paNewFixture(t)
	env := f.env(t, nil)
	tok := htWantOK(t, env.do(t, htRequest{body: paForm(f.es.sign(t, paClaims("pk"), nil))})).AccessToken
	for _, ep := range []string{"/oauth2/introspect", "/oauth2/revoke"} {
		for _, aud := range []string{htIssuer, htIssuer + "/oauth2/token", htIssuer + ep} {
			c := paClaims("pk")
			c["aud"] = aud
			w := env.do(t, htRequest{path: ep, body: htForm("token", "x", "client_assertion_type", clientauth.AssertionType, "client_assertion", f.es.sign(t, c, nil))})
			if w.Code != http.StatusOK {
				t.Errorf("%s with aud %s: %d %s", ep, aud, w.Code, w.Body)
			}
		}
		c := paClaims("pk")
		c["aud"] = htIssuer + "/oauth2/elsewhere"
		w := env.do(t, htRequest{path: ep, body: htForm("token", tok, "client_assertion_type", clientauth.AssertionType, "client_assertion", f.es.sign(t, c, nil))})
		want := http.StatusBadRequest
		if ep == "/oauth2/introspect" {
			want = http.StatusUnauthorized
		}
		htWantError(t, w, want, oauth.ErrInvalidClient)
	}
}

// paJWKSServer is a client's jwks_uri over TLS: it serves doc, and counts
// the fetches.
type paJWKSServer struct {
	ts      *httptest.Server
	mu      sync.Mutex
	doc     []byte
	fetches atomic.Int64
}

func paNewJWKSServer(t testing.TB, doc []byte) *paJWKSServer {
	s := &paJWKSServer{doc: doc}
	s.ts = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_, _ = w.Write(s.doc)
	}))
	t.Cleanup(s.ts.Close)
	return s
}

func (s *paJWKSServer) set(doc []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.doc = doc
}

// TestPrivateKeyJWTJWKSURI: a client's keys at its jwks_uri are fetched
// once and cached; an assertion by a new key refetches them, but unknown
// kids refetch at most once a minute; a set too large is refused.
func TestPrivateKeyJWTJWKSURI(t *testing.T) {
	f := paNewFixture(t)
	jwks := paNewJWKSServer(t, paJWKS(t, f.es))
	uriClient := &Client{ID: "pkuri", AuthMethod: oauth.AuthPrivateKeyJWT, GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials},
		Scopes: oauth.ScopeSet{"read"}, DefaultScopes: oauth.ScopeSet{"read"}, JWKSURI: jwks.ts.URL + "/jwks.json"}
	env := itNewEnvConfig(t, func(cfg *Config, _ *Flows) {
		cfg.Clients = f.clients(t, uriClient)
		cfg.HTTPClient = jwks.ts.Client()
	}, func(s *Settings, _ []Registration[TokenContext, TokenResponse]) {
		s.AuthMethods = append(s.AuthMethods, string(oauth.AuthPrivateKeyJWT))
	})
	claims := func() jwt.MapClaims {
		c := paClaims("pkuri")
		now := env.clock.Now()
		c["iat"], c["exp"] = now.Unix(), now.Add(time.Minute).Unix()
		return c
	}
	ok := func(k paKey) {
		t.Helper()
		htWantOK(t, env.do(t, htRequest{body: paForm(k.sign(t, claims(), nil))}))
	}
	fails := func(k paKey) {
		t.Helper()
		htWantError(t, env.do(t, htRequest{body: paForm(k.sign(t, claims(), nil))}), http.StatusBadRequest, oauth.ErrInvalidClient)
	}
	fetches := func(want int64) {
		t.Helper()
		if got := jwks.fetches.Load(); got != want {
			t.Fatalf("%d fetches of the jwks_uri, want %d", got, want)
		}
	}

	ok(f.es)
	ok(f.es)
	fetches(1) // cached

	// The client rotates: publishes a new key and signs with it. Within a
	// minute of the last fetch the new kid waits for the next minute.
	next := paNewKey(t, "ES256", "es-2")
	jwks.set(paJWKS(t, f.es, next))
	fails(next)
	fetches(1)
	env.clock.Advance(time.Minute)
	ok(next)
	fetches(2)

	// Unknown kids refetch at most once a minute.
	bogus := paNewKey(t, "ES256", "es-bogus")
	fails(bogus)
	fails(bogus)
	fetches(2)
	env.clock.Advance(61 * time.Second)
	fails(bogus)
	fetches(3)

	// The cache expires.
	env.clock.Advance(11 * time.Minute)
	ok(next)
	fetches(4)

	// A document larger than the bound is refused; the old set is
	// still used while it may be stale.
	huge := fmt.Appendf(nil, `{"keys":[],"pad":"%s"}`, strings.Repeat("x", 70<<10))
	jwks.set(huge)
	env.clock.Advance(11 * time.Minute)
	ok(next)
	fetches(5)
	if !strings.Contains(env.logs.String(), "larger than") {
		t.Errorf("the log does not say why the set was not refreshed: %s", env.logs)
	}
}

// TestPrivateKeyJWTJWKSURITooLarge: a client whose jwks_uri serves more
// than the bound cannot authenticate, and the operator reads why.
func TestPrivateKeyJWTJWKSURITooLarge(t *testing.T) {
	f := paNewFixture(t)
	jwks := paNewJWKSServer(t, fmt.Appendf(nil, `{"keys":[],"pad":"%s"}`, strings.Repeat("x", 70<<10)))
	uriClient := &Client{ID: "pkuri", AuthMethod: oauth.AuthPrivateKeyJWT, GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials},
		JWKSURI: jwks.ts.URL}
	env := itNewEnvConfig(t, func(cfg *Config, _ *Flows) {
		cfg.Clients = f.clients(t, uriClient)
		cfg.HTTPClient = jwks.ts.Client()
	}, func(s *Settings, _ []Registration[TokenContext, TokenResponse]) {
		s.AuthMethods = append(s.AuthMethods, string(oauth.AuthPrivateKeyJWT))
	})
	htWantError(t, env.do(t, htRequest{body: paForm(f.es.sign(t, paClaims("pkuri"), nil))}), http.StatusBadRequest, oauth.ErrInvalidClient)
	if !strings.Contains(env.logs.String(), "larger than") {
		t.Errorf("the log does not say why: %s", env.logs)
	}
}

// TestPrivateKeyJWTRegistration: what NewMemoryClients refuses of a
// private_key_jwt client, and of the others.
func TestPrivateKeyJWTRegistration(t *testing.T) {
	f := paNewFixture(t)
	good := func() *Client {
		return &Client{ID: "pk", AuthMethod: oauth.AuthPrivateKeyJWT, GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials}, JWKS: paJWKS(t, f.es)}
	}
	private := func() []byte {
		j := f.es.jwk(t)
		j["d"] = base64.RawURLEncoding.EncodeToString(make([]byte, 32))
		b, _ := json.Marshal(map[string]any{"keys": []any{j}})
		return b
	}
	for _, tc := range []struct {
		name string
		mod  func(c *Client)
		want string
	}{
		{"inline", func(*Client) {}, ""},
		{"uri", func(c *Client) { c.JWKS, c.JWKSURI = nil, "https://client.example/jwks.json" }, ""},
		{"alg", func(c *Client) { c.TokenEndpointAuthSigningAlg = "ES256" }, ""},
		{"neither", func(c *Client) { c.JWKS = nil }, "needs jwks or jwks_uri"},
		{"both", func(c *Client) { c.JWKSURI = "https://client.example/jwks.json" }, "not both"},
		{"http uri", func(c *Client) { c.JWKS, c.JWKSURI = nil, "http://client.example/jwks.json" }, "https"},
		{"secret", func(c *Client) { c.SetSecretHash(HashClientSecret("s")) }, "must not have a secret"},
		{"private key", func(c *Client) { c.JWKS = private() }, "private key"},
		{"symmetric key", func(c *Client) { c.JWKS = []byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`) }, "symmetric"},
		{"not a set", func(c *Client) { c.JWKS = []byte(`[]`) }, "jwks"},
		{"HMAC alg", func(c *Client) { c.TokenEndpointAuthSigningAlg = "HS256" }, "token_endpoint_auth_signing_alg"},
		{"jwks on a secret client", func(c *Client) { c.AuthMethod = oauth.AuthClientSecretBasic; c.SetSecretHash(HashClientSecret("s")) }, "private_key_jwt clients only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.mod(c)
			_, err := NewMemoryClients(c)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// TestPrivateKeyJWTWithOAuth2: golang.org/x/oauth2's client credentials
// flow authenticates by an assertion sent as endpoint parameters, with
// its client_id in the body (RFC 7523 §2.2), one assertion per token.
func TestPrivateKeyJWTWithOAuth2(t *testing.T) {
	f := paNewFixture(t)
	env := f.env(t, nil)
	ts := httptest.NewServer(env.srv)
	defer ts.Close()
	for range 2 {
		c := paClaims("pk")
		c["aud"] = htIssuer // the issuer: the same wherever the server listens
		cfg := clientcredentials.Config{
			ClientID:  "pk",
			TokenURL:  ts.URL + "/oauth2/token",
			AuthStyle: oauth2.AuthStyleInParams,
			EndpointParams: url.Values{
				"client_assertion_type": {clientauth.AssertionType},
				"client_assertion":      {f.ed.sign(t, c, nil)},
			},
		}
		tok, err := cfg.Token(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if tok.AccessToken == "" || tok.TokenType != "Bearer" {
			t.Fatalf("token %+v", tok)
		}
		// The same assertion again is refused.
		_, err = cfg.TokenSource(t.Context()).Token()
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.ErrorCode != "invalid_client" {
			t.Fatalf("replayed assertion: %v", err)
		}
	}
}
