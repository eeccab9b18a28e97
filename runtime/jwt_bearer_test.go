package runtime

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The tests of the JWT bearer authorization grant (prefix jb; RFC 7523
// §2.1, §3): a client trades an assertion a trusted issuer signed about an
// end user for that user's tokens.

const jbIdP = "https://idp.example"

var jbGrant = flowkit.GrantPolicy{Clients: flowkit.ConfidentialClients, Credential: flowkit.AssertionCredential,
	Scope: flowkit.ScopeFromRequest, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.EndUserOfCredential}

// jbFlow mirrors the generated flow with the default procedure, keeping
// the context it saw.
type jbFlow struct{ seen **TokenContext }

func (f jbFlow) Prepare(t *TokenContext) (func(context.Context) (*TokenResponse, error), error) {
	if strings.TrimSpace(t.Param("assertion")) == "" {
		return nil, oauth.NewError(oauth.ErrInvalidRequest, "parameter 'assertion' is missing")
	}
	return func(ctx context.Context) (*TokenResponse, error) {
		*f.seen = t
		return t.Default(ctx)
	}, nil
}

// jbEnv is a server with a JWT bearer flow trusting issuers; store, when
// not nil, is shared with another server.
func jbEnv(t *testing.T, seen **TokenContext, store *MemoryStore, hc *http.Client, issuers ...flowkit.TrustedIssuer) *htEnv {
	t.Helper()
	return htNewEnvConfig(t, func(cfg *Config, fl *Flows) {
		bearer := htClient("bearer", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantJWTBearer)
		pub := htClient("bearer-pub", oauth.AuthNone, "", oauth.GrantJWTBearer)
		other := htClient("nobearer", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantClientCredentials)
		clients, err := NewMemoryClients(bearer, pub, other)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Clients = clients
		if store != nil {
			cfg.Store = store
		}
		if hc != nil {
			cfg.HTTPClient = hc
		}
		fl.Token = append(fl.Token, Registration[TokenContext, TokenResponse]{ID: "oauth-token-jwt-bearer",
			Wire: string(oauth.GrantJWTBearer), Policy: htPolicy(), Grant: jbGrant, TrustedIssuers: issuers, Flow: jbFlow{seen}})
	})
}

func jbClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{"iss": jbIdP, "sub": "alice", "aud": htIssuer, "exp": now.Add(5 * time.Minute).Unix(),
		"iat": now.Unix(), "jti": rand.Text(), "tenant": "t1"}
}

var jbSeq int

func randomTestID() string {
	jbSeq++
	return "jti-" + time.Now().Format("150405.000000000") + string(rune('a'+jbSeq%26))
}

func jbForm(assertion string, extra ...string) string {
	v := url.Values{"grant_type": {string(oauth.GrantJWTBearer)}, "assertion": {assertion}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v.Encode()
}

// TestJWTBearer: the user's tokens for a valid assertion, the claims in
// the context, and every error path.
func TestJWTBearer(t *testing.T) {
	key, other := paNewKey(t, "ES256", "k1"), paNewKey(t, "ES256", "k1")
	var seen *TokenContext
	env := jbEnv(t, &seen, nil, nil, flowkit.TrustedIssuer{Issuer: jbIdP, JWKS: paJWKS(t, key), Audience: []string{"https://as.example/bearer"}})
	now := env.clock.Now()
	basic := htBasic("bearer", htConfSecret)

	b := htWantOK(t, env.do(t, htRequest{basic: basic, body: jbForm(key.sign(t, jbClaims(now), nil), "scope", "write")}))
	if b.Scope != "write" {
		t.Errorf("scope %q refresh %q", b.Scope, b.RefreshToken)
	}
	a := seen.Assertion
	if a == nil || a.Issuer != jbIdP || a.Subject != "alice" || a.Extra["tenant"] != "t1" || seen.Authentication.Subject != "alice" ||
		seen.Defaults.Grant.Subject != "alice" || seen.Defaults.Access.Subject != "alice" {
		t.Fatalf("context: assertion %+v, authentication %+v", a, seen.Authentication)
	}
	// The token endpoint URL and the issuer's extra audience are accepted.
	for _, aud := range []string{htIssuer + "/oauth2/token", "https://as.example/bearer"} {
		c := jbClaims(now)
		c["aud"] = []string{"https://x.example", aud}
		htWantOK(t, env.do(t, htRequest{basic: basic, body: jbForm(key.sign(t, c, nil))}))
	}

	with := func(k string, v any) string {
		c := jbClaims(now)
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return key.sign(t, c, nil)
	}
	used := key.sign(t, jbClaims(now), nil)
	htWantOK(t, env.do(t, htRequest{basic: basic, body: jbForm(used)}))
	for _, tc := range []struct {
		name   string
		basic  *[2]string
		body   string
		status int
		code   oauth.ErrorCode
		desc   string
	}{
		{"no assertion", basic, jbForm(""), 400, oauth.ErrInvalidRequest, "assertion"},
		{"too long", basic, jbForm(strings.Repeat("a", 17<<10)), 400, oauth.ErrInvalidRequest, "too long"},
		{"not a JWT", basic, jbForm("nope"), 400, oauth.ErrInvalidGrant, "the assertion is not valid"},
		{"untrusted issuer", basic, jbForm(with("iss", "https://evil.example")), 400, oauth.ErrInvalidGrant, "the assertion is not valid"},
		{"other key", basic, jbForm(other.sign(t, jbClaims(now), nil)), 400, oauth.ErrInvalidGrant, "the assertion is not valid"},
		{"hmac", basic, jbForm(func() string {
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jbClaims(now))
			s, _ := tok.SignedString(paJWKS(t, key))
			return s
		}()), 400, oauth.ErrInvalidGrant, "the assertion is not valid"},
		{"embedded jwk", basic, jbForm(other.sign(t, jbClaims(now), map[string]any{"jwk": other.jwk(t)})), 400, oauth.ErrInvalidGrant, "the assertion is not valid"},
		{"no sub", basic, jbForm(with("sub", nil)), 400, oauth.ErrInvalidGrant, "sub is required"},
		{"wrong aud", basic, jbForm(with("aud", "https://other.example")), 400, oauth.ErrInvalidGrant, "aud must be"},
		{"no exp", basic, jbForm(with("exp", nil)), 400, oauth.ErrInvalidGrant, "exp is required"},
		{"expired", basic, jbForm(with("exp", now.Add(-5*time.Minute).Unix())), 400, oauth.ErrInvalidGrant, "expired"},
		{"too long lived", basic, jbForm(with("exp", now.Add(3*time.Hour).Unix())), 400, oauth.ErrInvalidGrant, "in the future"},
		{"nbf", basic, jbForm(with("nbf", now.Add(5*time.Minute).Unix())), 400, oauth.ErrInvalidGrant, "not valid yet"},
		{"iat", basic, jbForm(with("iat", now.Add(5*time.Minute).Unix())), 400, oauth.ErrInvalidGrant, "issued in the future"},
		{"no jti", basic, jbForm(with("jti", nil)), 400, oauth.ErrInvalidGrant, "jti is required"},
		{"replayed", basic, jbForm(used), 400, oauth.ErrInvalidGrant, "already used"},
		{"scope not allowed", basic, jbForm(key.sign(t, jbClaims(now), nil), "scope", "admin"), 400, oauth.ErrInvalidScope, ""},
		{"no client auth", nil, jbForm(key.sign(t, jbClaims(now), nil), "client_id", "bearer"), 401, oauth.ErrInvalidClient, ""},
		{"public client", nil, jbForm(key.sign(t, jbClaims(now), nil), "client_id", "bearer-pub"), 401, oauth.ErrInvalidClient, "public clients"},
		{"client not registered for it", htBasic("nobearer", htConfSecret), jbForm(key.sign(t, jbClaims(now), nil)), 400, oauth.ErrUnauthorizedClient, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := env.do(t, htRequest{basic: tc.basic, body: tc.body})
			got := htDecode(t, w)
			if got.Error != string(tc.code) || !strings.Contains(got.ErrorDescription, tc.desc) {
				t.Fatalf("got %d %s (%s), want %s %q", w.Code, got.Error, got.ErrorDescription, tc.code, tc.desc)
			}
			if tc.status != 401 && w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
		})
	}
}

// TestJWTBearerReplayAcrossServers: a jti used at one instance is refused
// at another on the same store.
func TestJWTBearerReplayAcrossServers(t *testing.T) {
	key := paNewKey(t, "ES256", "k1")
	store := NewMemoryStore()
	var seen *TokenContext
	ti := flowkit.TrustedIssuer{Issuer: jbIdP, JWKS: paJWKS(t, key)}
	a, b := jbEnv(t, &seen, store, nil, ti), jbEnv(t, &seen, store, nil, ti)
	assertion := key.sign(t, jbClaims(a.clock.Now()), nil)
	basic := htBasic("bearer", htConfSecret)
	htWantOK(t, a.do(t, htRequest{basic: basic, body: jbForm(assertion)}))
	got := htWantError(t, b.do(t, htRequest{basic: basic, body: jbForm(assertion)}), 400, oauth.ErrInvalidGrant)
	if !strings.Contains(got.ErrorDescription, "already used") {
		t.Fatalf("description %q", got.ErrorDescription)
	}
}

// TestJWTBearerJWKSURI: the issuer's keys at its jwks_uri are fetched
// over TLS, cached, and refetched when it signs with a new key.
func TestJWTBearerJWKSURI(t *testing.T) {
	key := paNewKey(t, "ES256", "k1")
	jwks := paNewJWKSServer(t, paJWKS(t, key))
	var seen *TokenContext
	env := jbEnv(t, &seen, nil, jwks.ts.Client(), flowkit.TrustedIssuer{Issuer: jbIdP, JWKSURI: jwks.ts.URL + "/jwks.json"})
	basic := htBasic("bearer", htConfSecret)
	ok := func(k paKey) {
		t.Helper()
		htWantOK(t, env.do(t, htRequest{basic: basic, body: jbForm(k.sign(t, jbClaims(env.clock.Now()), nil))}))
	}
	ok(key)
	ok(key)
	if n := jwks.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
	next := paNewKey(t, "ES256", "k2")
	jwks.set(paJWKS(t, key, next))
	env.clock.Advance(time.Minute)
	ok(next)
	if n := jwks.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
}

// TestJWTBearerNewServer: NewServer's refusals of trusted issuers.
func TestJWTBearerNewServer(t *testing.T) {
	key := paNewKey(t, "ES256", "k1")
	for _, tc := range []struct {
		name    string
		grant   flowkit.GrantPolicy
		issuers []flowkit.TrustedIssuer
		want    string
	}{
		{"none", jbGrant, nil, "at least one trusted issuer"},
		{"elsewhere", htCCGrant, []flowkit.TrustedIssuer{{Issuer: jbIdP, JWKS: paJWKS(t, key)}}, "credential is an assertion"},
		{"no iss", jbGrant, []flowkit.TrustedIssuer{{JWKS: paJWKS(t, key)}}, "Issuer is empty"},
		{"twice", jbGrant, []flowkit.TrustedIssuer{{Issuer: jbIdP, JWKS: paJWKS(t, key)}, {Issuer: jbIdP, JWKS: paJWKS(t, key)}}, "twice"},
		{"no keys", jbGrant, []flowkit.TrustedIssuer{{Issuer: jbIdP}}, "exactly one of"},
		{"both", jbGrant, []flowkit.TrustedIssuer{{Issuer: jbIdP, JWKS: paJWKS(t, key), JWKSURI: "https://idp.example/jwks"}}, "exactly one of"},
		{"http uri", jbGrant, []flowkit.TrustedIssuer{{Issuer: jbIdP, JWKSURI: "http://idp.example/jwks"}}, "https"},
		{"bad jwks", jbGrant, []flowkit.TrustedIssuer{{Issuer: jbIdP, JWKS: []byte(`{"keys":[{"kty":"oct","k":"AAAA"}]}`)}}, "JWKS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := Registration[TokenContext, TokenResponse]{ID: "jb", Wire: string(oauth.GrantJWTBearer), Policy: htPolicy(),
				Grant: tc.grant, TrustedIssuers: tc.issuers, Flow: htNopFlow{}}
			if tc.grant == htCCGrant {
				reg.Wire = string(oauth.GrantClientCredentials)
			}
			_, err := NewServer(Config{Clients: htClients(t), Keys: htKeys(t)}, htSettings(), Flows{Token: []Registration[TokenContext, TokenResponse]{reg}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewServer = %v, want %q", err, tc.want)
			}
		})
	}
}
