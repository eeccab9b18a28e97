package runtime

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/internal/clientauth"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The tests of client_secret_jwt (prefix cs): clients that authenticate
// with a JWT assertion MACed with their shared secret (RFC 7523 §2.2, §3;
// OIDC Core §9), next to private_key_jwt clients, with no algorithm
// crossing from one method to the other (RFC 8725 §3.1).

// The secrets of the fixture's client_secret_jwt clients: cs has one of
// 43 octets, as `oauthgen client new` makes (HS256 only, RFC 7518 §3.2);
// cslong and cspin have 64 (HS256 to HS512; cspin registered HS256 only).
var (
	csSecret     = Secret(strings.Repeat("k", 43))
	csLongSecret = Secret(strings.Repeat("L", 64))
)

// csClient is a client_secret_jwt client with the secret.
func csClient(id string, secret Secret, alg string) *Client {
	return &Client{ID: id, AuthMethod: oauth.AuthClientSecretJWT, GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials},
		Scopes: oauth.ScopeSet{"read"}, DefaultScopes: oauth.ScopeSet{"read"}, Introspection: true,
		SigningSecret: secret, TokenEndpointAuthSigningAlg: alg}
}

// csSign MACs claims with key by alg ("none" makes an unsecured JWT).
func csSign(t testing.TB, alg string, key Secret, claims jwt.MapClaims) string {
	t.Helper()
	if alg == "none" {
		s, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s, err := jwt.NewWithClaims(jwt.GetSigningMethod(alg), claims).SignedString([]byte(key.Reveal()))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// csEnv is a server with both JWT methods enabled (or those methods say),
// the introspection and revocation endpoints, the private_key_jwt
// fixture's clients and cs, cslong, cspin.
func csEnv(t testing.TB, f *paFixture, edit htConfigOption, methods ...oauth.ClientAuthMethod) *htEnv {
	t.Helper()
	if methods == nil {
		methods = []oauth.ClientAuthMethod{oauth.AuthPrivateKeyJWT, oauth.AuthClientSecretJWT}
	}
	return itNewEnvConfig(t, func(cfg *Config, fl *Flows) {
		cfg.Clients = f.clients(t, csClient("cs", csSecret, ""), csClient("cslong", csLongSecret, ""), csClient("cspin", csLongSecret, "HS256"))
		if edit != nil {
			edit(cfg, fl)
		}
	}, func(s *Settings, _ []Registration[TokenContext, TokenResponse]) {
		for _, m := range methods {
			s.AuthMethods = append(s.AuthMethods, string(m))
		}
	})
}

// csAssertionForm is the form of a request to the endpoint at path with the
// assertion: a client_credentials grant at the token endpoint, a token
// otherwise.
func csAssertionForm(path, assertion string, extra ...string) string {
	if path == "/oauth2/token" {
		return paForm(assertion, extra...)
	}
	return htForm(append([]string{"token", "x", "client_assertion_type", clientauth.AssertionType, "client_assertion", assertion}, extra...)...)
}

// TestClientSecretJWT: every way a client_secret_jwt assertion is right
// and wrong, at the token, introspection and revocation endpoints, with
// the answer's status and error; the algorithms of one JWT method never
// authenticate a client of the other.
func TestClientSecretJWT(t *testing.T) {
	f := paNewFixture(t)
	claims := func(id, path string, change func(jwt.MapClaims)) jwt.MapClaims {
		c := paClaims(id)
		c["aud"] = htIssuer + path
		if change != nil {
			change(c)
		}
		return c
	}
	now := htStart
	for _, tc := range []struct {
		name string
		// assertion makes the assertion for the endpoint at path.
		assertion func(path string) string
		basic     *[2]string
		extra     []string
		fail      bool   // invalid_client, 401 at introspection and with Basic, 400 otherwise
		desc      string // in the error_description of a failure, when set
	}{
		{name: "HS256", assertion: func(p string) string { return csSign(t, "HS256", csSecret, claims("cs", p, nil)) }},
		{name: "HS384 with a 64-octet secret", assertion: func(p string) string { return csSign(t, "HS384", csLongSecret, claims("cslong", p, nil)) }},
		{name: "HS512 with a 64-octet secret", assertion: func(p string) string { return csSign(t, "HS512", csLongSecret, claims("cslong", p, nil)) }},
		{name: "registered alg", assertion: func(p string) string { return csSign(t, "HS256", csLongSecret, claims("cspin", p, nil)) }},
		{name: "aud is the issuer", assertion: func(string) string {
			return csSign(t, "HS256", csSecret, claims("cs", "", nil))
		}},
		{name: "aud is the token endpoint", assertion: func(string) string {
			return csSign(t, "HS256", csSecret, claims("cs", "/oauth2/token", nil))
		}},
		{name: "client_id too", assertion: func(p string) string { return csSign(t, "HS256", csSecret, claims("cs", p, nil)) }, extra: []string{"client_id", "cs"}},

		{name: "wrong secret", assertion: func(p string) string { return csSign(t, "HS256", csLongSecret[:43], claims("cs", p, nil)) },
			fail: true, desc: "client authentication failed"},
		{name: "another client's secret", assertion: func(p string) string { return csSign(t, "HS256", csLongSecret, claims("cs", p, nil)) },
			fail: true, desc: "client authentication failed"},
		{name: "HS384 with a secret too short for it", assertion: func(p string) string { return csSign(t, "HS384", csSecret, claims("cs", p, nil)) },
			fail: true, desc: "client authentication failed"},
		{name: "alg other than the registered one", assertion: func(p string) string { return csSign(t, "HS512", csLongSecret, claims("cspin", p, nil)) },
			fail: true, desc: "client authentication failed"},
		{name: "ES256 for a client_secret_jwt client", assertion: func(p string) string {
			return f.es.sign(t, claims("cs", p, nil), nil)
		}, fail: true, desc: "client authentication failed"},
		{name: "RS256 for a client_secret_jwt client", assertion: func(p string) string {
			return f.rs.sign(t, claims("cs", p, nil), nil)
		}, fail: true, desc: "client authentication failed"},
		{name: "HS256 for a private_key_jwt client", assertion: func(p string) string {
			// Keyed with a client_secret_jwt client's secret: no HMAC
			// key exists for a private_key_jwt client.
			return csSign(t, "HS256", csSecret, claims("pk", p, nil))
		}, fail: true, desc: "client authentication failed"},
		{name: "alg none", assertion: func(p string) string { return csSign(t, "none", "", claims("cs", p, nil)) },
			fail: true, desc: "client authentication failed"},
		{name: "crit header", assertion: func(p string) string {
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims("cs", p, nil))
			tok.Header["crit"] = []string{"exp"}
			s, err := tok.SignedString([]byte(csSecret.Reveal()))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}, fail: true, desc: "client authentication failed"},
		{name: "bad aud", assertion: func(p string) string {
			return csSign(t, "HS256", csSecret, claims("cs", p, func(c jwt.MapClaims) { c["aud"] = "https://other.example/oauth2/token" }))
		}, fail: true, desc: "aud"},
		{name: "expired", assertion: func(p string) string {
			return csSign(t, "HS256", csSecret, claims("cs", p, func(c jwt.MapClaims) { c["exp"] = now.Add(-2 * time.Minute).Unix() }))
		}, fail: true, desc: "expired"},
		{name: "far-future exp", assertion: func(p string) string {
			return csSign(t, "HS256", csSecret, claims("cs", p, func(c jwt.MapClaims) { c["exp"] = now.Add(time.Hour).Unix() }))
		}, fail: true, desc: "in the future"},
		{name: "missing jti", assertion: func(p string) string {
			return csSign(t, "HS256", csSecret, claims("cs", p, func(c jwt.MapClaims) { delete(c, "jti") }))
		}, fail: true, desc: "jti"},
		{name: "wrong iss", assertion: func(p string) string {
			return csSign(t, "HS256", csSecret, claims("cs", p, func(c jwt.MapClaims) { c["iss"] = "cslong" }))
		}, fail: true, desc: "iss"},
		{name: "its secret by client_secret_post", extra: []string{"client_id", "cs", "client_secret", csSecret.Reveal()},
			fail: true, desc: "client authentication failed"},
		{name: "its secret by client_secret_basic", basic: htBasic("cs", csSecret.Reveal()),
			fail: true, desc: "client authentication failed"},
	} {
		for _, path := range []string{"/oauth2/token", "/oauth2/introspect", "/oauth2/revoke"} {
			t.Run(tc.name+path, func(t *testing.T) {
				env := csEnv(t, f, nil)
				var body string
				if tc.assertion != nil {
					body = csAssertionForm(path, tc.assertion(path), tc.extra...)
				} else if path == "/oauth2/token" {
					body = htForm(append([]string{"grant_type", "client_credentials"}, tc.extra...)...)
				} else {
					body = htForm(append([]string{"token", "x"}, tc.extra...)...)
				}
				w := env.do(t, htRequest{path: path, body: body, basic: tc.basic})
				if !tc.fail {
					if w.Code != http.StatusOK {
						t.Fatalf("%d %s", w.Code, w.Body)
					}
					if path == "/oauth2/token" {
						htWantOK(t, w)
					}
					return
				}
				status := http.StatusBadRequest
				if path == "/oauth2/introspect" || tc.basic != nil {
					status = http.StatusUnauthorized
				}
				b := htWantError(t, w, status, oauth.ErrInvalidClient)
				if !strings.Contains(b.ErrorDescription, tc.desc) {
					t.Errorf("error_description %q; want it to mention %q", b.ErrorDescription, tc.desc)
				}
				if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
					t.Errorf("Cache-Control %q", cc)
				}
				if strings.Contains(env.logs.String(), csSecret.Reveal()) {
					t.Error("the client's secret is in the log")
				}
			})
		}
	}
}

// TestClientSecretJWTReplay: a jti is used once, on one server and across
// two servers sharing a store, whichever endpoint it was presented to.
func TestClientSecretJWTReplay(t *testing.T) {
	f := paNewFixture(t)
	shared := NewMemoryStore()
	onShared := func(cfg *Config, _ *Flows) { cfg.Store = shared }
	a, b := csEnv(t, f, onShared), csEnv(t, f, onShared)
	c := paClaims("cs")
	c["aud"] = htIssuer
	assertion := csSign(t, "HS256", csSecret, c)
	htWantOK(t, a.do(t, htRequest{body: paForm(assertion)}))
	e := htWantError(t, a.do(t, htRequest{body: paForm(assertion)}), http.StatusBadRequest, oauth.ErrInvalidClient)
	if !strings.Contains(e.ErrorDescription, "already used") {
		t.Errorf("replay on one server: %q", e.ErrorDescription)
	}
	htWantError(t, b.do(t, htRequest{body: paForm(assertion)}), http.StatusBadRequest, oauth.ErrInvalidClient)
	htWantError(t, b.do(t, htRequest{path: "/oauth2/revoke", body: csAssertionForm("/oauth2/revoke", assertion)}), http.StatusBadRequest, oauth.ErrInvalidClient)
	htWantError(t, b.do(t, htRequest{path: "/oauth2/introspect", body: csAssertionForm("/oauth2/introspect", assertion)}), http.StatusUnauthorized, oauth.ErrInvalidClient)
}

// TestClientSecretJWTMethodNotEnabled: an endpoint that does not list
// client_secret_jwt refuses a good assertion of such a client; one that
// lists only client_secret_jwt refuses a private_key_jwt client.
func TestClientSecretJWTMethodNotEnabled(t *testing.T) {
	f := paNewFixture(t)
	pkOnly := csEnv(t, f, nil, oauth.AuthPrivateKeyJWT)
	htWantError(t, pkOnly.do(t, htRequest{body: paForm(csSign(t, "HS256", csSecret, paClaims("cs")))}), http.StatusBadRequest, oauth.ErrInvalidClient)
	csOnly := csEnv(t, f, nil, oauth.AuthClientSecretJWT)
	htWantError(t, csOnly.do(t, htRequest{body: paForm(f.es.sign(t, paClaims("pk"), nil))}), http.StatusBadRequest, oauth.ErrInvalidClient)
	htWantOK(t, csOnly.do(t, htRequest{body: paForm(csSign(t, "HS256", csSecret, paClaims("cs")))}))
}

// TestClientSecretJWTMetadata: client_secret_jwt and the HMAC algorithms
// are advertised at every endpoint that authenticates clients exactly
// when it is enabled, with the asymmetric ones when private_key_jwt is
// too; the secrets never are.
func TestClientSecretJWTMetadata(t *testing.T) {
	f := paNewFixture(t)
	asym, hmac := []string{"RS256", "PS256", "ES256", "EdDSA"}, []string{"HS256", "HS384", "HS512"}
	for _, tc := range []struct {
		name    string
		methods []oauth.ClientAuthMethod
		algs    []string
	}{
		{"both", []oauth.ClientAuthMethod{oauth.AuthPrivateKeyJWT, oauth.AuthClientSecretJWT}, append(slices.Clone(asym), hmac...)},
		{"client_secret_jwt", []oauth.ClientAuthMethod{oauth.AuthClientSecretJWT}, hmac},
		{"private_key_jwt", []oauth.ClientAuthMethod{oauth.AuthPrivateKeyJWT}, asym},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := csEnv(t, f, nil, tc.methods...)
			md := env.srv.Metadata()
			for name, got := range map[string][]string{
				"token":         md.TokenEndpointAuthSigningAlgValuesSupported,
				"introspection": md.IntrospectionEndpointAuthSigningAlgValuesSupported,
				"revocation":    md.RevocationEndpointAuthSigningAlgValuesSupported,
			} {
				if !slices.Equal(got, tc.algs) {
					t.Errorf("%s_endpoint_auth_signing_alg_values_supported = %v, want %v", name, got, tc.algs)
				}
			}
			enabled := slices.Contains(tc.methods, oauth.AuthClientSecretJWT)
			for name, got := range map[string][]oauth.ClientAuthMethod{
				"token": md.TokenEndpointAuthMethodsSupported, "introspection": md.IntrospectionEndpointAuthMethodsSupported,
				"revocation": md.RevocationEndpointAuthMethodsSupported,
			} {
				if slices.Contains(got, oauth.AuthClientSecretJWT) != enabled {
					t.Errorf("%s_endpoint_auth_methods_supported = %v", name, got)
				}
			}
			w := env.do(t, htRequest{method: http.MethodGet, path: "/.well-known/oauth-authorization-server"})
			if strings.Contains(w.Body.String(), csSecret.Reveal()) || strings.Contains(w.Body.String(), csLongSecret.Reveal()) {
				t.Error("a client's secret is in the metadata")
			}
		})
	}
}

// TestClientSecretJWTPAR: the pushed authorization request endpoint
// authenticates a client_secret_jwt client through the same path.
func TestClientSecretJWTPAR(t *testing.T) {
	env := azNewEnv(t, azPAR, func(s *Settings, cfg *Config) {
		s.AuthMethods = append(s.AuthMethods, string(oauth.AuthClientSecretJWT))
		web := *cfg.Clients.(azClients)["web"]
		web.AuthMethod, web.SigningSecret = oauth.AuthClientSecretJWT, csSecret
		web.SetSecretHash("")
		cfg.Clients.(azClients)["web"] = &web
	})
	for _, tc := range []struct {
		key    Secret
		status int
	}{{csSecret, http.StatusCreated}, {csLongSecret[:43], http.StatusBadRequest}} {
		c := paClaims("web")
		c["aud"] = htIssuer + azPARPath
		q := azQuery()
		q.Set("client_assertion_type", clientauth.AssertionType)
		q.Set("client_assertion", csSign(t, "HS256", tc.key, c))
		w := env.push(t, parPush{form: q})
		if w.Code != tc.status {
			t.Errorf("push with key %d: %d %s", len(tc.key), w.Code, w.Body)
		}
	}
}

// TestClientSecretJWTRegistration: what NewMemoryClients refuses of a
// client_secret_jwt client, and of the secret on any other client.
func TestClientSecretJWTRegistration(t *testing.T) {
	f := paNewFixture(t)
	for _, tc := range []struct {
		name string
		c    func() *Client
		want string // "" means valid
	}{
		{"valid", func() *Client { return csClient("c", csSecret, "") }, ""},
		{"valid HS512", func() *Client { return csClient("c", csLongSecret, "HS512") }, ""},
		{"no secret", func() *Client { return csClient("c", "", "") }, "needs client_secret"},
		{"short secret", func() *Client { return csClient("c", csSecret[:31], "") }, "at least 32"},
		{"secret too short for HS384", func() *Client { return csClient("c", csSecret, "HS384") }, "too short for HS384"},
		{"asymmetric alg", func() *Client { return csClient("c", csSecret, "RS256") }, "not one of HS256"},
		{"alg none", func() *Client { return csClient("c", csSecret, "none") }, "not one of HS256"},
		{"with a hash", func() *Client {
			c := csClient("c", csSecret, "")
			c.SetSecretHash(HashClientSecret(csSecret))
			return c
		}, "not a secret hash"},
		{"with jwks", func() *Client {
			c := csClient("c", csSecret, "")
			c.JWKS = paJWKS(t, f.es)
			return c
		}, "private_key_jwt clients only"},
		{"with jwks_uri", func() *Client {
			c := csClient("c", csSecret, "")
			c.JWKSURI = "https://c.example/jwks"
			return c
		}, "private_key_jwt clients only"},
		{"secret on a basic client", func() *Client {
			c := htClient("c", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantClientCredentials)
			c.SigningSecret = csSecret
			return c
		}, "client_secret_jwt clients only"},
		{"secret on a private_key_jwt client", func() *Client {
			c := csClient("c", csSecret, "")
			c.AuthMethod, c.JWKS = oauth.AuthPrivateKeyJWT, paJWKS(t, f.es)
			return c
		}, "client_secret_jwt clients only"},
		{"HMAC alg on a private_key_jwt client", func() *Client {
			c := csClient("c", "", "HS256")
			c.AuthMethod, c.JWKS = oauth.AuthPrivateKeyJWT, paJWKS(t, f.es)
			return c
		}, "not one of RS256"},
		{"signing alg on a basic client", func() *Client {
			c := htClient("c", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantClientCredentials)
			c.TokenEndpointAuthSigningAlg = "HS256"
			return c
		}, "private_key_jwt and client_secret_jwt clients only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewMemoryClients(tc.c())
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want it to mention %q", err, tc.want)
			case err != nil && strings.Contains(err.Error(), csSecret.Reveal()[:31]):
				t.Errorf("the secret is in the error: %v", err)
			}
		})
	}
}

// TestClientSecretJWTUnvalidatedRegistry: a registry that does not
// validate its clients (any ClientRegistry) cannot make a
// client_secret_jwt client without a secret, or with one too short for
// HMAC (RFC 7518 §3.2), accept an assertion: verification fails closed.
func TestClientSecretJWTUnvalidatedRegistry(t *testing.T) {
	bare := func(id string, secret Secret) *Client {
		return &Client{ID: id, AuthMethod: oauth.AuthClientSecretJWT, GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials},
			Scopes: oauth.ScopeSet{"read"}, DefaultScopes: oauth.ScopeSet{"read"}, SigningSecret: secret}
	}
	env := itNewEnvConfig(t, func(cfg *Config, _ *Flows) {
		cfg.Clients = azClients{"empty": bare("empty", ""), "short": bare("short", "0123456789abcdef"), "good": bare("good", csSecret)}
	}, func(s *Settings, _ []Registration[TokenContext, TokenResponse]) {
		s.AuthMethods = append(s.AuthMethods, string(oauth.AuthClientSecretJWT))
	})
	for id, key := range map[string]Secret{"empty": "x", "short": "0123456789abcdef"} {
		htWantError(t, env.do(t, htRequest{body: paForm(csSign(t, "HS256", key, paClaims(id)))}), http.StatusBadRequest, oauth.ErrInvalidClient)
	}
	htWantOK(t, env.do(t, htRequest{body: paForm(csSign(t, "HS256", csSecret, paClaims("good")))}))
}
