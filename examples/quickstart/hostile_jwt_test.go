package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime"
)

// Forged JWTs (RFC 8725 §2, §3): tokens built here, by hand where a
// library would refuse to, from a real access token of alice's (openid,
// so that userinfo would answer if the forgery passed), each presented as
// a bearer token to userinfo (invalid_token, RFC 6750 §3.1), as the token
// of an introspection request ({"active":false}, RFC 7662 §2.2), and some
// as id_token_hint, which the server does not use.

// hostileKeySet is the KeySet of the servers of cases with keys set, and
// its private keys, so that a case can sign as the server would.
type hostileKeySet struct {
	set   *runtime.KeySet
	es    *ecdsa.PrivateKey
	rs    *rsa.PrivateKey
	rsKID string
}

// hostileKeys are made once: an RSA key is slow to generate.
var hostileKeys = func() func(t *testing.T) *hostileKeySet {
	once := sync.OnceValues(func() (*hostileKeySet, error) {
		es, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		rs, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		esKey, err := runtime.NewSigningKey(es, "ES256")
		if err != nil {
			return nil, err
		}
		rsKey, err := runtime.NewSigningKey(rs, "RS256")
		if err != nil {
			return nil, err
		}
		set, err := runtime.NewKeySet(esKey, rsKey)
		if err != nil {
			return nil, err
		}
		return &hostileKeySet{set: set, es: es, rs: rs, rsKID: rsKey.KID()}, nil
	})
	return func(t *testing.T) *hostileKeySet {
		t.Helper()
		k, err := once()
		if err != nil {
			t.Fatalf("test keys: %v", err)
		}
		return k
	}
}()

// attackerKey is the attacker's own ES256 key.
var attackerKey = sync.OnceValue(func() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
})

// jws is a compact JWS under construction: header and claims as maps, so
// that any member can be changed, added or removed.
type jws struct {
	header map[string]any
	claims map[string]any
}

// parseJWS splits a real token into its header and claims.
func parseJWS(t *testing.T, token string) jws {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %q", token)
	}
	var j jws
	for i, dst := range []*map[string]any{&j.header, &j.claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		d := json.NewDecoder(strings.NewReader(string(raw)))
		d.UseNumber() // exp and iat stay integers
		if err := d.Decode(dst); err != nil {
			t.Fatal(err)
		}
	}
	return j
}

// input is the JWS signing input of j: base64url(header).base64url(claims).
func (j jws) input(t *testing.T) string {
	t.Helper()
	h, err := json.Marshal(j.header)
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(j.claims)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
}

// signed is j signed by method with key; an empty signature without one.
func (j jws) signed(t *testing.T, method jwt.SigningMethod, key any) string {
	t.Helper()
	in := j.input(t)
	if method == nil {
		return in + "."
	}
	sig, err := method.Sign(in, key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// rawJWS is a compact JWS of the given header and claims segments, taken
// as they are (any JSON, or none), signed by method with key.
func rawJWS(t *testing.T, header, claims string, method jwt.SigningMethod, key any) string {
	t.Helper()
	in := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(claims))
	sig, err := method.Sign(in, key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// with returns a copy of j with header members changed: a nil value
// removes the member.
func (j jws) with(header map[string]any) jws {
	h := make(map[string]any, len(j.header))
	for k, v := range j.header {
		h[k] = v
	}
	for k, v := range header {
		if v == nil {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	c := make(map[string]any, len(j.claims))
	for k, v := range j.claims {
		c[k] = v
	}
	return jws{header: h, claims: c}
}

// claim returns a copy of j with a claim changed (nil removes it).
func (j jws) claim(name string, v any) jws {
	out := j.with(nil)
	if v == nil {
		delete(out.claims, name)
	} else {
		out.claims[name] = v
	}
	return out
}

// publicJWK is the server's published key kid, from its JWK Set (RFC 7517).
func (e *hostileEnv) publicJWK(kid string) map[string]any {
	e.t.Helper()
	r := e.send(hostileRequest{method: "GET", target: hJWKS})
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &set) != nil {
		e.t.Fatalf("jwks: %d %s", r.status, r.body)
	}
	for _, k := range set.Keys {
		if k["kid"] == kid {
			return k
		}
	}
	e.t.Fatalf("no key %q in the JWK Set %s", kid, r.body)
	return nil
}

// publicPEM is the PEM of a JWK's public key: what an HS256-with-the-
// public-key forgery uses as the HMAC secret.
func publicPEM(t *testing.T, jwk map[string]any) []byte {
	t.Helper()
	dec := func(name string) []byte {
		s, _ := jwk[name].(string)
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("jwk %s: %v", name, err)
		}
		return b
	}
	var pub any
	switch jwk["kty"] {
	case "EC":
		pub = &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(dec("x")), Y: new(big.Int).SetBytes(dec("y"))}
	case "RSA":
		pub = &rsa.PublicKey{N: new(big.Int).SetBytes(dec("n")), E: int(new(big.Int).SetBytes(dec("e")).Int64())}
	default:
		t.Fatalf("jwk kty %v", jwk["kty"])
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// attackerJWK is the attacker key's public JWK.
func attackerJWK() map[string]any {
	k := attackerKey()
	return map[string]any{"kty": "EC", "crv": "P-256",
		"x": base64.RawURLEncoding.EncodeToString(k.X.FillBytes(make([]byte, 32))),
		"y": base64.RawURLEncoding.EncodeToString(k.Y.FillBytes(make([]byte, 32)))}
}

// attackerCert is a self-signed certificate of the attacker key, for x5c.
func attackerCert(t *testing.T) string {
	t.Helper()
	k := attackerKey()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "attacker"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

// attackerServer serves the attacker's JWK Set and counts the requests it
// gets: the server must never fetch a key a token points to (jku, x5u).
func (e *hostileEnv) attackerServer() string {
	e.t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		jwk := attackerJWK()
		jwk["kid"] = "attacker"
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []any{jwk}})
	}))
	e.t.Cleanup(func() {
		srv.Close()
		if n := hits.Load(); n != 0 {
			e.t.Errorf("the server fetched the key a token pointed to %d times (RFC 8725 §3.10)", n)
		}
	})
	return srv.URL
}

// forgery makes a forged token from alice's real access token (and, for
// some, her ID token): the name of a case and how to build it.
type forgery struct {
	name string
	// keys: the server signs with hostileKeys, so the forgery can carry a
	// signature the server's own key made.
	keys  bool
	forge func(e *hostileEnv, access jws, raw hostileTokens) string
}

// hostileForgeries are the forged tokens.
func hostileForgeries() []forgery {
	es := jwt.SigningMethodES256
	own := func(e *hostileEnv) *hostileKeySet { return hostileKeys(e.t) }
	return []forgery{
		{name: "alg none", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"alg": "none"}).signed(e.t, nil, nil)
		}},
		{name: "alg None", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"alg": "None"}).signed(e.t, nil, nil)
		}},
		{name: "alg none keeping the signature", forge: func(e *hostileEnv, a jws, raw hostileTokens) string {
			return a.with(map[string]any{"alg": "none"}).input(e.t) + "." + raw.AccessToken[strings.LastIndexByte(raw.AccessToken, '.')+1:]
		}},
		{name: "alg missing", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"alg": nil}).signed(e.t, es, attackerKey())
		}},
		{name: "HS256 with the EC public key as secret", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			kid := a.header["kid"].(string)
			return a.with(map[string]any{"alg": "HS256"}).signed(e.t, jwt.SigningMethodHS256, publicPEM(e.t, e.publicJWK(kid)))
		}},
		{name: "HS256 with the RSA public key as secret", forge: func(e *hostileEnv, a jws, raw hostileTokens) string {
			rsKID := parseJWS(e.t, raw.IDToken).header["kid"].(string) // the ID tokens' RS256 key
			return a.with(map[string]any{"alg": "HS256", "kid": rsKID}).signed(e.t, jwt.SigningMethodHS256, publicPEM(e.t, e.publicJWK(rsKID)))
		}},
		{name: "HS256 with the public JWK as secret", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			kid := a.header["kid"].(string)
			secret, _ := json.Marshal(e.publicJWK(kid))
			return a.with(map[string]any{"alg": "HS256"}).signed(e.t, jwt.SigningMethodHS256, secret)
		}},
		{name: "HS256 with an empty secret", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			in := a.with(map[string]any{"alg": "HS256"}).input(e.t)
			mac := hmac.New(sha256.New, nil)
			mac.Write([]byte(in))
			return in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
		}},
		{name: "unknown kid", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"kid": "attacker"}).signed(e.t, es, attackerKey())
		}},
		{name: "no kid", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"kid": nil}).signed(e.t, es, attackerKey())
		}},
		{name: "kid path traversal", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"kid": "../../../../dev/null"}).signed(e.t, es, attackerKey())
		}},
		{name: "real kid, attacker signature", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.signed(e.t, es, attackerKey())
		}},
		{name: "embedded jwk", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"kid": nil, "jwk": attackerJWK()}).signed(e.t, es, attackerKey())
		}},
		{name: "embedded jwk with the real kid", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"jwk": attackerJWK()}).signed(e.t, es, attackerKey())
		}},
		{name: "jku to the attacker's JWK Set", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"kid": "attacker", "jku": e.attackerServer()}).signed(e.t, es, attackerKey())
		}},
		{name: "x5u to the attacker's certificate", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"kid": "attacker", "x5u": e.attackerServer()}).signed(e.t, es, attackerKey())
		}},
		{name: "embedded x5c", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"kid": nil, "x5c": []string{attackerCert(e.t)}}).signed(e.t, es, attackerKey())
		}},
		{name: "header null", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return rawJWS(e.t, "null", a.input(e.t)[strings.IndexByte(a.input(e.t), '.')+1:], es, attackerKey())
		}},
		{name: "header an array", forge: func(e *hostileEnv, _ jws, _ hostileTokens) string {
			return rawJWS(e.t, `["ES256"]`, `{}`, es, attackerKey())
		}},
		{name: "header not JSON", forge: func(e *hostileEnv, _ jws, _ hostileTokens) string {
			return rawJWS(e.t, `{"alg":"ES256"`, `{}`, es, attackerKey())
		}},
		{name: "header truncated base64", forge: func(_ *hostileEnv, _ jws, raw hostileTokens) string {
			return "eyJ" + raw.AccessToken[strings.IndexByte(raw.AccessToken, '.'):]
		}},
		{name: "header nested past the JSON decoder's depth", forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			h := `{"alg":"ES256","typ":"at+jwt","kid":"` + a.header["kid"].(string) + `","x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "}"
			return rawJWS(e.t, h, `{}`, es, attackerKey())
		}},
		{name: "payload changed under the real signature", forge: func(e *hostileEnv, a jws, raw hostileTokens) string {
			return a.claim("sub", "user-bob").input(e.t) + "." + raw.AccessToken[strings.LastIndexByte(raw.AccessToken, '.')+1:]
		}},
		{name: "signature removed", forge: func(_ *hostileEnv, _ jws, raw hostileTokens) string {
			return raw.AccessToken[:strings.LastIndexByte(raw.AccessToken, '.')+1]
		}},
		{name: "signature truncated", forge: func(_ *hostileEnv, _ jws, raw hostileTokens) string {
			return raw.AccessToken[:len(raw.AccessToken)-4]
		}},
		{name: "ID token", forge: func(_ *hostileEnv, _ jws, raw hostileTokens) string { return raw.IDToken }},
		{name: "introspection response", forge: func(e *hostileEnv, _ jws, raw hostileTokens) string {
			r := e.send(hostileRequest{target: hIntrospect, body: form("token", raw.AccessToken),
				header: hdr("Authorization", basic("demo-api", demoAPISecret), "Accept", "application/token-introspection+jwt")})
			if r.status != http.StatusOK || strings.Count(string(r.body), ".") != 2 {
				e.t.Fatalf("introspection JWT: %d %s", r.status, r.body)
			}
			return string(r.body) // signed by the server, typ token-introspection+jwt
		}},

		// Signed by the server's own key, with something else wrong.
		{name: "crit with a registered name", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"crit": []string{"exp"}}).signed(e.t, es, own(e).es)
		}},
		{name: "crit with an unknown extension", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"crit": []string{"urn:example:ext"}, "urn:example:ext": true}).signed(e.t, es, own(e).es)
		}},
		{name: "typ JWT", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"typ": "JWT"}).signed(e.t, es, own(e).es)
		}},
		{name: "typ missing", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"typ": nil}).signed(e.t, es, own(e).es)
		}},
		{name: "kid of the RSA key on an ES256 signature", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"kid": own(e).rsKID}).signed(e.t, es, own(e).es)
		}},
		{name: "RS256 signature under the EC key's kid", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.with(map[string]any{"alg": "RS256"}).signed(e.t, jwt.SigningMethodRS256, own(e).rs)
		}},
		{name: "ES256 signature in ASN.1 form", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			in := a.input(e.t)
			digest := sha256.Sum256([]byte(in))
			der, err := ecdsa.SignASN1(rand.Reader, own(e).es, digest[:])
			if err != nil {
				e.t.Fatal(err)
			}
			return in + "." + base64.RawURLEncoding.EncodeToString(der)
		}},
		{name: "claims null", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			h, _ := json.Marshal(a.header)
			return rawJWS(e.t, string(h), "null", es, own(e).es)
		}},
		{name: "claims an array", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			h, _ := json.Marshal(a.header)
			return rawJWS(e.t, string(h), `[{"exp":9999999999}]`, es, own(e).es)
		}},
		{name: "expired", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.claim("exp", time.Now().Add(-time.Minute).Unix()).signed(e.t, es, own(e).es)
		}},
		{name: "exp missing", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.claim("exp", nil).signed(e.t, es, own(e).es)
		}},
		{name: "issued in the future", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.claim("nbf", time.Now().Add(time.Hour).Unix()).signed(e.t, es, own(e).es)
		}},
		{name: "another issuer", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.claim("iss", "https://evil.example").signed(e.t, es, own(e).es)
		}},
		{name: "issuer missing", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.claim("iss", nil).signed(e.t, es, own(e).es)
		}},
		{name: "jti never issued", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.claim("jti", "forged-jti").signed(e.t, es, own(e).es)
		}},
		{name: "jti missing", keys: true, forge: func(e *hostileEnv, a jws, _ hostileTokens) string {
			return a.claim("jti", nil).signed(e.t, es, own(e).es)
		}},
	}
}

// hostileForgedJWTCases presents every forgery to userinfo and to
// introspection, and some as id_token_hint.
func hostileForgedJWTCases() []hostileCase {
	var cases []hostileCase
	setup := func(f forgery) func(e *hostileEnv) {
		return func(e *hostileEnv) {
			tok := e.tokens("", "demo-app", "openid", "profile", "read")
			e.vars["forged"] = f.forge(e, parseJWS(e.t, tok.AccessToken), tok)
		}
	}
	for _, f := range hostileForgeries() {
		cases = append(cases,
			hostileCase{name: f.name + " at userinfo", keys: f.keys, setup: setup(f),
				req:  hostileRequest{method: "GET", target: hUserInfo, header: hdr("Authorization", "Bearer {forged}")},
				want: bearerErr(http.StatusUnauthorized, "invalid_token")},
			hostileCase{name: f.name + " at introspection", keys: f.keys, setup: setup(f),
				req:  hostileRequest{target: hIntrospect, body: form("token", "{forged}"), header: hdr("Authorization", basic("demo-api", demoAPISecret))},
				want: ok(200).with(inactive)},
		)
	}
	// Controls: the real token, signed by either kind of key, passes; so
	// does a typ with the media type prefix (RFC 8725 §3.11).
	for _, keys := range []bool{false, true} {
		name := "control: the real token at userinfo"
		if keys {
			name += ", known keys"
		}
		cases = append(cases, hostileCase{name: name, keys: keys, setup: func(e *hostileEnv) { e.tokens("", "demo-app", "openid", "profile", "read") },
			req: hostileRequest{method: "GET", target: hUserInfo, header: hdr("Authorization", "Bearer {access}")}, want: ok(200)})
	}
	cases = append(cases, hostileCase{name: "control: typ application/at+jwt at userinfo", keys: true, setup: func(e *hostileEnv) {
		tok := e.tokens("", "demo-app", "openid", "profile", "read")
		e.vars["resigned"] = parseJWS(e.t, tok.AccessToken).with(map[string]any{"typ": "application/at+jwt"}).signed(e.t, jwt.SigningMethodES256, hostileKeys(e.t).es)
	}, req: hostileRequest{method: "GET", target: hUserInfo, header: hdr("Authorization", "Bearer {resigned}")}, want: ok(200)})
	// id_token_hint is not used: a forged one neither signs anyone in nor
	// changes an answer (OIDC Core §3.1.2.1).
	none := hostileForgeries()[0]
	cases = append(cases,
		hostileCase{name: "alg none id_token_hint with prompt none", setup: setup(none),
			req: hostileRequest{method: "GET", target: authz("prompt", "none", "id_token_hint", "{forged}")}, want: redirectErr("login_required")},
		hostileCase{name: "alg none id_token_hint", setup: setup(none),
			req: hostileRequest{method: "GET", target: authz("id_token_hint", "{forged}")}, want: page(200)},
		hostileCase{name: "ID token of another client as id_token_hint with prompt none", setup: func(e *hostileEnv) { e.tokens("", "demo-spa", "openid", "read") },
			req: hostileRequest{method: "GET", target: authz("prompt", "none", "id_token_hint", "{id_token}")}, want: redirectErr("login_required")},
	)
	return cases
}

// hostileDocumentCases are hostile requests to the public documents: the
// JWK Set (RFC 7517) and the metadata (RFC 8414; OIDC Discovery), GET and
// HEAD only, and paths matched exactly.
func hostileDocumentCases() []hostileCase {
	getHead := hostileWant{kind: aPlain, status: 405, allow: "GET, HEAD"}
	doc := func(name, method, target string, want hostileWant) hostileCase {
		return hostileCase{name: name, req: hostileRequest{method: method, target: target, contentType: "-"}, want: want}
	}
	return []hostileCase{
		doc("JWK Set POST", "POST", hJWKS, getHead),
		doc("JWK Set PUT", "PUT", hJWKS, getHead),
		doc("JWK Set DELETE", "DELETE", hJWKS, getHead),
		doc("JWK Set OPTIONS", "OPTIONS", hJWKS, getHead),
		doc("JWK Set HEAD", "HEAD", hJWKS, plain(200)),
		doc("JWK Set with a query", "GET", hJWKS+"?kid=../../x", plain(200)),
		doc("JWK Set with a trailing slash", "GET", hJWKS+"/", plain(404)),
		doc("JWK Set in another case", "GET", "/oauth2/JWKS", plain(404)),
		doc("metadata POST", "POST", hMetadata, getHead),
		doc("metadata PATCH", "PATCH", hMetadata, getHead),
		doc("metadata DELETE", "DELETE", hMetadata, getHead),
		doc("metadata HEAD", "HEAD", hMetadata, plain(200)),
		doc("metadata with a trailing slash", "GET", hMetadata+"/", plain(404)),
		doc("OpenID configuration POST", "POST", hOIDConfig, getHead),
		doc("OpenID configuration PUT", "PUT", hOIDConfig, getHead),
		doc("OpenID configuration GET", "GET", hOIDConfig, plain(200)),
		doc("unknown well-known document", "GET", "/.well-known/openid-federation", plain(404)),
		doc("unknown endpoint", "POST", "/oauth2/device_authorization", plain(404)),
	}
}
