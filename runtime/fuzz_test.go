package runtime

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/internal/testclock"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The JWT fuzz targets verify with fixed keys, derived from constants, so
// that an input signed in one run (a corpus entry, a crasher kept under
// testdata/fuzz) still verifies in the next and in every fuzzing worker.
// They are test keys and nothing else.

// fuzzKeyRing is the fuzz targets' key set: one key of every algorithm the
// runtime signs with, and a second ES256 key that is only published (a
// retired key whose tokens still verify).
type fuzzKeyRing struct {
	es, es2, rs, ed *SigningKey
	set             *KeySet
}

var fuzzKeys = sync.OnceValues(func() (*fuzzKeyRing, error) {
	seed := func(label string) []byte {
		sum := sha256.Sum256([]byte("oauthgen fuzz key: " + label))
		return sum[:]
	}
	ecKey := func(label string) (*SigningKey, error) {
		priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), seed(label))
		if err != nil {
			return nil, err
		}
		return NewSigningKey(priv, oauth.AlgES256)
	}
	var r fuzzKeyRing
	var err error
	if r.es, err = ecKey("es256 active"); err != nil {
		return nil, err
	}
	if r.es2, err = ecKey("es256 published"); err != nil {
		return nil, err
	}
	rsaPriv, err := fixedRSAKey(seed("rs256"))
	if err != nil {
		return nil, err
	}
	if r.rs, err = NewSigningKey(rsaPriv, oauth.AlgRS256); err != nil {
		return nil, err
	}
	if r.ed, err = NewSigningKey(ed25519.NewKeyFromSeed(seed("eddsa")), oauth.AlgEdDSA); err != nil {
		return nil, err
	}
	r.set, err = NewKeySet(r.es, r.rs, r.ed, r.es2)
	return &r, err
})

// fixedRSAKey derives a 2048-bit RSA key from seed: two 1024-bit primes
// found by counting up from ChaCha8 output. (rsa.GenerateKey ignores its
// reader since Go 1.26.)
func fixedRSAKey(seed []byte) (*rsa.PrivateKey, error) {
	src := rand.NewChaCha8([32]byte(seed))
	prime := func() *big.Int {
		b := make([]byte, 128)
		_, _ = src.Read(b)
		b[0] |= 0xc0 // two top bits: the product has exactly 2048 bits
		b[len(b)-1] |= 1
		p := new(big.Int).SetBytes(b)
		for !p.ProbablyPrime(20) {
			p.Add(p, big.NewInt(2))
		}
		return p
	}
	e := big.NewInt(65537)
	for {
		p, q := prime(), prime()
		one := big.NewInt(1)
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d == nil || p.Cmp(q) == 0 {
			continue
		}
		k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: new(big.Int).Mul(p, q), E: int(e.Int64())}, D: d, Primes: []*big.Int{p, q}}
		if err := k.Validate(); err != nil {
			return nil, err
		}
		k.Precompute()
		return k, nil
	}
}

// signingInput is a compact JWS's header and payload segments, or "" when
// it does not have exactly three segments.
func signingInput(token string) string {
	if strings.Count(token, ".") != 2 {
		return ""
	}
	return token[:strings.LastIndexByte(token, '.')]
}

// highS returns the ES256 token with its signature (r, s) replaced by
// (r, n−s): ECDSA's other valid signature of the same message (ECDSA
// signatures are malleable; RFC 7518 §3.4 does not require low S).
func highS(t testing.TB, token string) string {
	t.Helper()
	i := strings.LastIndexByte(token, '.')
	sig, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	if err != nil || len(sig) != 64 {
		t.Fatalf("not an ES256 signature: %q", token[i+1:])
	}
	s := new(big.Int).SetBytes(sig[32:])
	s.Sub(elliptic.P256().Params().N, s)
	s.FillBytes(sig[32:])
	return token[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
}

// respell returns the token with the unused low bits of its signature
// segment's last character set: another spelling of the same bytes, which
// a lenient base64url decoder reads as the same signature.
func respell(t testing.TB, token string) string {
	t.Helper()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	sig := token[strings.LastIndexByte(token, '.')+1:]
	if len(sig)%4 == 0 || len(sig)%4 == 1 {
		t.Fatalf("signature segment of %d characters has no unused bits", len(sig))
	}
	v := strings.IndexByte(alphabet, sig[len(sig)-1])
	return token[:len(token)-1] + string(alphabet[v^1])
}

// jwtSeed is what the test knows of a token signed by a key of the set:
// the typ values it verifies as (none when it must be refused whatever its
// signature: a crit header, a past exp, another issuer...) and its jti.
type jwtSeed struct {
	accept []string
	jti    string
}

// jwtOracle knows every token the fuzz target signed with the set's keys.
type jwtOracle struct {
	// signed is keyed by the signing input (header.payload).
	signed map[string]jwtSeed
	// exact holds the tokens as signed whose signing input verifies: these
	// exact strings must verify.
	exact map[string]bool
	seeds []string
}

// FuzzKeySetVerify: KeySet.Verify, which checks every JWT access token a
// client or resource server presents (userinfo, introspection, revocation:
// access_token_active.go), never panics, and accepts a token only when its
// header and payload segments are byte for byte those of a token this test
// signed with a key of the set, with a typ, issuer and exp it must accept
// (RFC 8725 §3.1, §3.10, §3.11): nothing forged, whatever its alg, kid,
// jwk, jku, x5u, x5c or crit header, verifies. The seeds are tokens of
// every algorithm (ES256, RS256, EdDSA, a published-only key) and the
// forgeries of TestKeySetVerify. It verifies each input as an access token
// ("at+jwt"), through verifyAccessJWT, which is all that stands between a
// client's own JWT (stored nowhere) and its acceptance, and as an ID token
// ("JWT") through KeySet.Verify: the server verifies no ID token today (it
// does not read id_token_hint), but an id_token_hint would be checked this
// way.
//
// ECDSA malleability: (r, n−s) is a second valid signature of every ES256
// token, and golang-jwt (crypto/ecdsa) accepts it; base64url's unused
// trailing bits give a signature segment more spellings still. That is
// harmless and allowed here: the signed content is unchanged, and the
// runtime never identifies a JWT by its signature or its full text, only
// by its jti (TestHighSAccessTokenIsTheSameToken), so a second spelling is
// the same token, revoked with it. What is checked is that the signing
// input is one the test signed.
func FuzzKeySetVerify(f *testing.F) {
	ring, err := fuzzKeys()
	if err != nil {
		f.Fatal(err)
	}
	o := buildJWTOracle(f, ring)
	for _, s := range o.seeds {
		f.Add(s)
	}
	s := &Server{settings: Settings{Issuer: tkIssuer}, keys: staticKeys{ring.set}}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, token string) {
		for _, typ := range []string{accessTokenTyp, idTokenTyp} {
			var jti string
			var err error
			if typ == accessTokenTyp {
				// The runtime's own path: verifyAccessJWT (accessTokenActiveAt).
				c, ok, kerr := s.verifyAccessJWT(ctx, token, tkNow)
				if kerr != nil {
					t.Fatal(kerr)
				}
				if !ok {
					err = errors.New("not verified")
				}
				jti = c.JTI
			} else {
				m := jwt.MapClaims{}
				err = ring.set.Verify(token, typ, m, jwt.WithTimeFunc(func() time.Time { return tkNow }), jwt.WithIssuer(tkIssuer))
				jti, _ = m["jti"].(string)
			}
			seed, ours := o.signed[signingInput(token)]
			switch {
			case err == nil && !ours:
				t.Fatalf("Verify(%q, %q) accepted a token the test did not sign", token, typ)
			case err == nil && !slices.Contains(seed.accept, typ):
				t.Fatalf("Verify(%q, %q) accepted a token it must refuse as %q (accepted as %q only)", token, typ, typ, seed.accept)
			case err == nil && jti != seed.jti:
				t.Fatalf("Verify(%q, %q) decoded jti %q, want %q", token, typ, jti, seed.jti)
			case err != nil && o.exact[token] && slices.Contains(seed.accept, typ):
				t.Fatalf("Verify(%q, %q) refused a token the set signed: %v", token, typ, err)
			}
		}
	})
}

// buildJWTOracle signs the seeds: tokens that must verify, tokens signed
// by the set that must not, and forgeries.
func buildJWTOracle(t testing.TB, ring *fuzzKeyRing) *jwtOracle {
	t.Helper()
	o := &jwtOracle{signed: map[string]jwtSeed{}, exact: map[string]bool{}}
	n := 0
	claims := func() jwt.MapClaims {
		n++
		return jwt.MapClaims{"iss": tkIssuer, "sub": "alice", "aud": "https://api.example", "exp": tkNow.Add(time.Hour).Unix(), "jti": "jti-" + strconv.Itoa(n)}
	}
	// ours records a token signed by a key of the set.
	ours := func(token string, jti any, accept ...string) string {
		id, _ := jti.(string)
		o.signed[signingInput(token)] = jwtSeed{accept: accept, jti: id}
		if len(accept) > 0 {
			o.exact[token] = true
		}
		o.seeds = append(o.seeds, token)
		return token
	}
	forged := func(token string) { o.seeds = append(o.seeds, token) }
	// sign signs with the runtime's own path (SigningKey.Sign).
	sign := func(k *SigningKey, typ string, c jwt.MapClaims) string {
		tok, err := k.Sign(typ, c)
		if err != nil {
			t.Fatalf("Sign: %v", err)
		}
		return tok
	}
	// signHeader signs with golang-jwt and exactly the header given.
	signHeader := func(method jwt.SigningMethod, key any, header map[string]any, c jwt.MapClaims) string {
		tok := jwt.NewWithClaims(method, c)
		tok.Header = header
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatalf("SignedString: %v", err)
		}
		return s
	}
	es, rs, ed := ring.es, ring.rs, ring.ed

	// Every key of the set, as an access token and as an ID token.
	var good []string
	for _, k := range []*SigningKey{ring.es, ring.rs, ring.ed, ring.es2} {
		for _, typ := range []string{accessTokenTyp, idTokenTyp} {
			c := claims()
			good = append(good, ours(sign(k, typ, c), c["jti"], typ))
		}
	}
	// typ compared without case, "application/" optional (RFC 8725 §3.11).
	for _, typ := range [][2]string{{"application/AT+JWT", accessTokenTyp}, {"jwt", idTokenTyp}, {"application/jwt", idTokenTyp}} {
		c := claims()
		ours(sign(es, typ[0], c), c["jti"], typ[1])
	}
	// Headers that name key material elsewhere are ignored: the kid picks
	// the set's key, which signed these.
	for _, name := range []string{"jku", "x5u", "jwk", "x5c"} {
		c := claims()
		h := map[string]any{"alg": "ES256", "kid": es.KID(), "typ": accessTokenTyp, name: "https://attacker.example/keys"}
		if name == "jwk" {
			h[name] = map[string]string{"kty": "EC", "crv": "P-256", "x": es.jwk.X, "y": es.jwk.Y}
		}
		ours(signHeader(jwt.SigningMethodES256, es.priv, h, c), c["jti"], accessTokenTyp)
	}
	// Signed by the set, refused all the same.
	refuse := func(token string, c jwt.MapClaims) { ours(token, c["jti"]) }
	for _, h := range []map[string]any{
		{"alg": "ES256", "kid": es.KID(), "typ": accessTokenTyp, "crit": []string{"exp"}}, // RFC 7515 §4.1.11
		{"alg": "ES256", "kid": es.KID(), "typ": accessTokenTyp, "crit": []string{}},
		{"alg": "ES256", "kid": es.KID()},                              // no typ
		{"alg": "ES256", "kid": es.KID(), "typ": 1},                    // typ not a string
		{"alg": "ES256", "typ": accessTokenTyp},                        // no kid
		{"alg": "ES256", "kid": []string{es.KID()}, "typ": "at+jwt"},   // kid not a string
		{"alg": "ES256", "kid": ring.es2.KID() + "x", "typ": "at+jwt"}, // unknown kid
		{"alg": "ES256", "kid": es.KID(), "typ": "at+jwt+x"},           // another typ
	} {
		c := claims()
		refuse(signHeader(jwt.SigningMethodES256, es.priv, h, c), c)
	}
	c := claims()
	refuse(signHeader(jwt.SigningMethodRS256, rs.priv, map[string]any{"alg": "RS256", "kid": es.KID(), "typ": "at+jwt"}, c), c) // alg not the kid's
	c = claims()
	refuse(signHeader(jwt.SigningMethodEdDSA, ed.priv, map[string]any{"alg": "EdDSA", "kid": rs.KID(), "typ": "at+jwt"}, c), c)
	for _, change := range []func(jwt.MapClaims){
		func(c jwt.MapClaims) { c["exp"] = tkNow.Add(-time.Second).Unix() },
		func(c jwt.MapClaims) { delete(c, "exp") },
		func(c jwt.MapClaims) { c["iss"] = "https://other.example" },
		func(c jwt.MapClaims) { delete(c, "iss") },
		func(c jwt.MapClaims) { c["nbf"] = tkNow.Add(time.Minute).Unix() },
	} {
		c := claims()
		change(c)
		refuse(sign(es, accessTokenTyp, c), c)
	}
	c = claims()
	c["nbf"] = tkNow.Add(-time.Minute).Unix()
	ours(sign(rs, accessTokenTyp, c), c["jti"], accessTokenTyp)
	// A NumericDate must be a number (RFC 7519 §2), not a string holding one
	// (which golang-jwt would read into a RegisteredClaims; the runtime
	// decodes into a map, where it is refused); a jti must be a string.
	for _, change := range []func(jwt.MapClaims){
		func(c jwt.MapClaims) { c["exp"] = "4102444800" },
		func(c jwt.MapClaims) { c["jti"] = 7 },
	} {
		c := claims()
		change(c)
		refuse(sign(es, accessTokenTyp, c), c)
	}

	// Another spelling of the same signed content: allowed, not required.
	forged(highS(t, good[0]))
	forged(good[2] + "=")
	forged(respell(t, good[0]))

	// Forgeries: nothing here may verify.
	c = claims()
	payload := strings.SplitN(sign(es, accessTokenTyp, c), ".", 3)[1]
	for _, alg := range []string{"none", "None", "NONE", ""} {
		hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"` + alg + `","kid":"` + es.KID() + `","typ":"at+jwt"}`))
		forged(hdr + "." + payload + ".")
		forged(hdr + "." + payload + "." + strings.SplitN(good[0], ".", 3)[2])
	}
	der, err := x509.MarshalPKIXPublicKey(rs.Public())
	if err != nil {
		t.Fatal(err)
	}
	esDER, err := x509.MarshalPKIXPublicKey(es.Public())
	if err != nil {
		t.Fatal(err)
	}
	// HMAC keyed with what an attacker knows of the set: algorithm confusion.
	for _, hs := range []struct {
		kid    string
		secret []byte
	}{
		{rs.KID(), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})},
		{rs.KID(), der},
		{es.KID(), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: esDER})},
		{ed.KID(), ed.Public().(ed25519.PublicKey)},
		{ring.es2.KID(), []byte(ring.es2.KID())},
		{es.KID(), ring.set.JWKS()},
	} {
		for _, alg := range []jwt.SigningMethod{jwt.SigningMethodHS256, jwt.SigningMethodHS512} {
			forged(signHeader(alg, hs.secret, map[string]any{"alg": alg.Alg(), "kid": hs.kid, "typ": "at+jwt"}, claims()))
		}
	}
	stranger, err := GenerateSigningKey(oauth.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	edStranger, err := GenerateSigningKey(oauth.AlgEdDSA)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []map[string]any{
		{"alg": "ES256", "kid": stranger.KID(), "typ": "at+jwt"},
		{"alg": "ES256", "kid": es.KID(), "typ": "at+jwt"},
		{"alg": "ES256", "kid": es.KID(), "typ": "at+jwt", "jwk": map[string]string{"kty": "EC", "crv": "P-256", "x": stranger.jwk.X, "y": stranger.jwk.Y}},
		{"alg": "ES256", "kid": es.KID(), "typ": "at+jwt", "jku": "https://attacker.example/jwks"},
		{"alg": "ES256", "kid": es.KID(), "typ": "at+jwt", "x5u": "https://attacker.example/cert.pem"},
	} {
		forged(signHeader(jwt.SigningMethodES256, stranger.priv, h, claims()))
	}
	forged(signHeader(jwt.SigningMethodEdDSA, edStranger.priv, map[string]any{"alg": "EdDSA", "kid": ed.KID(), "typ": "at+jwt"}, claims()))
	// Splices: one token's signature on another's header and payload.
	for i := range good {
		j := (i + 1) % len(good)
		forged(signingInput(good[i]) + good[j][strings.LastIndexByte(good[j], '.'):])
	}
	tampered := strings.SplitN(good[0], ".", 3)
	tampered[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"` + tkIssuer + `","sub":"mallory","exp":4102444800,"jti":"j"}`))
	forged(strings.Join(tampered, "."))
	for _, s := range []string{"", ".", "..", "a.b.c", "a.b.c.d", good[0] + ".", " " + good[0], good[0] + "\n", signingInput(good[0])} {
		forged(s)
	}

	return o
}

// TestHighSAccessTokenIsTheSameToken documents FuzzKeySetVerify's choice
// on ECDSA malleability: the (r, n−s) spelling of an ES256 access token
// verifies, and it is the same token: the same record, revoked with it.
func TestHighSAccessTokenIsTheSameToken(t *testing.T) {
	ctx := context.Background()
	s, clk, store := tkServer(t, oauth.AlgES256)
	tc := tkContext(s, clk, tkPolicy(FormatJWT))
	it, err := tc.Issuers.Access(ctx, tkClaims(), tkGrant(t, tc))
	if err != nil {
		t.Fatal(err)
	}
	variant := Secret(highS(t, it.Value.Reveal()))
	if variant == it.Value {
		t.Fatal("the variant is the token")
	}
	rec, active, err := s.AccessTokenActive(ctx, it.Value)
	if err != nil || !active {
		t.Fatalf("the token: active %v, %v", active, err)
	}
	if vrec, active, err := s.AccessTokenActive(ctx, variant); err == nil && active && string(vrec.Key) != string(rec.Key) {
		t.Fatalf("the high-S variant found another record: %x, want %x", vrec.Key, rec.Key)
	}
	if err := store.RevokeAccessToken(ctx, rec.Key); err != nil {
		t.Fatal(err)
	}
	if _, active, _ := s.AccessTokenActive(ctx, variant); active {
		t.Error("the high-S variant of a revoked token is active")
	}

	// A client's own JWT is stored nowhere: its signature is all there is,
	// and revoking it puts its jti on the deny-list, which the variant
	// shares.
	own, err := tc.Issuers.access(ctx, &AccessTokenClaims{Subject: "client-a", Audience: Audience{"https://api.example"}},
		Grant{ClientID: "client-a", Subject: "client-a"})
	if err != nil {
		t.Fatal(err)
	}
	variant = Secret(highS(t, own.Value.Reveal()))
	rec, active, err = s.AccessTokenActive(ctx, own.Value)
	if err != nil || !active || !rec.unstored {
		t.Fatalf("the client's own token: active %v, unstored %v, %v", active, rec.unstored, err)
	}
	if err := s.revokeAccessToken(ctx, &rec, tkNow); err != nil {
		t.Fatal(err)
	}
	if _, active, _ := s.AccessTokenActive(ctx, variant); active {
		t.Error("the high-S variant of a revoked own token is active")
	}
}

// The tokens FuzzFindToken's server knows. Their values are fixed so that
// every fuzzing worker, and every run, knows the same ones.
const (
	fuzzOpaqueAccess = "opaque-access-token-value-0123456789abcdefg"
	fuzzRefresh      = "refresh-token-value-0123456789abcdefghijklm"
	fuzzRotated      = "rotated-refresh-token-0123456789abcdefghijk"
	fuzzDeadAccess   = "revoked-grant-access-token-0123456789abcdef"
	fuzzDeadRefresh  = "revoked-grant-refresh-token-0123456789abcde"
)

// fuzzTokenServer is a server with the fuzz key set and a store that holds
// one live grant with a JWT access token, an opaque access token and a
// refresh token; a client's own JWT, stored nowhere; and dead tokens: a
// rotated refresh token, a revoked JWT, a revoked own JWT, and the tokens
// of a revoked grant.
type fuzzTokenServer struct {
	s     *Server
	grant string
	// jwts are the live JWT access tokens by signing input: their record
	// key (the SHA-256 of the jti) and the id of their grant ("" for the
	// client's own).
	jwts               map[string]fuzzLiveJWT
	opaqueKey          []byte // the record key of the live opaque access token
	liveExact, deadAll []string
}

type fuzzLiveJWT struct {
	key   []byte
	grant string
}

func newFuzzTokenServer(t testing.TB) *fuzzTokenServer {
	t.Helper()
	ring, err := fuzzKeys()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	clk := testclock.New(tkNow)
	store := NewMemoryStore()
	s := &Server{
		settings: Settings{Issuer: tkIssuer, SigningAlg: oauth.AlgES256},
		store:    store,
		keys:     staticKeys{ring.set},
		clock:    clk,
		log:      slog.New(slog.DiscardHandler),
		clients:  tkClients{"client-a": {ID: "client-a", AuthMethod: oauth.AuthClientSecretBasic}},
	}
	tc := tkContext(s, clk, tkPolicy(FormatJWT))
	live, dead := tkGrant(t, tc), tkGrant(t, tc)
	access := func(g Grant, jti string) string {
		c := tkClaims()
		c.JTI = jti
		it, err := tc.Issuers.Access(ctx, c, g)
		if err != nil {
			t.Fatal(err)
		}
		return it.Value.Reveal()
	}
	own := func(jti string) string {
		it, err := tc.Issuers.access(ctx, &AccessTokenClaims{Subject: "client-a", Audience: Audience{"https://api.example"},
			Scope: oauth.ScopeSet{"read"}, JTI: jti}, Grant{ClientID: "client-a", Subject: "client-a"})
		if err != nil {
			t.Fatal(err)
		}
		return it.Value.Reveal()
	}
	jtiKey := func(jti string) []byte { sum := sha256.Sum256([]byte(jti)); return sum[:] }
	fs := &fuzzTokenServer{s: s, grant: live.ID, opaqueKey: hashSecret(fuzzOpaqueAccess)}
	liveJWT, ownJWT := access(live, "live-jti"), own("own-jti")
	fs.jwts = map[string]fuzzLiveJWT{
		signingInput(liveJWT): {jtiKey("live-jti"), live.ID},
		signingInput(ownJWT):  {jtiKey("own-jti"), ""},
	}
	deadJWT, revokedGrantJWT, revokedOwn := access(live, "revoked-jti"), access(dead, "revoked-grant-jti"), own("own-revoked-jti")
	if err := s.revokeAccessToken(ctx, &AccessTokenRecord{Key: jtiKey("own-revoked-jti"), ExpiresAt: tkNow.Add(time.Hour), unstored: true}, tkNow); err != nil {
		t.Fatal(err)
	}
	exp := tkNow.Add(time.Hour)
	for _, r := range []AccessTokenRecord{
		{Key: fs.opaqueKey, GrantID: live.ID, ClientID: "client-a", ExpiresAt: exp},
		{Key: hashSecret(fuzzDeadAccess), GrantID: dead.ID, ClientID: "client-a", ExpiresAt: exp},
	} {
		if err := store.SaveAccessToken(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []RefreshTokenRecord{
		{Hash: hashSecret(fuzzRefresh), ID: "r1", GrantID: live.ID, FamilyID: "f1", ClientID: "client-a", IssuedAt: tkNow, ExpiresAt: exp},
		{Hash: hashSecret(fuzzRotated), ID: "r0", GrantID: live.ID, FamilyID: "f1", ClientID: "client-a", IssuedAt: tkNow, ExpiresAt: exp, RotatedAt: tkNow},
		{Hash: hashSecret(fuzzDeadRefresh), ID: "r2", GrantID: dead.ID, FamilyID: "f2", ClientID: "client-a", IssuedAt: tkNow, ExpiresAt: exp},
	} {
		if err := store.SaveRefreshToken(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.RevokeAccessToken(ctx, jtiKey("revoked-jti")); err != nil {
		t.Fatal(err)
	}
	if err := tc.Issuers.RevokeGrant(ctx, dead.ID); err != nil {
		t.Fatal(err)
	}
	fs.liveExact = []string{liveJWT, ownJWT, fuzzOpaqueAccess, fuzzRefresh}
	fs.deadAll = []string{deadJWT, revokedGrantJWT, revokedOwn, fuzzRotated, fuzzDeadAccess, fuzzDeadRefresh}
	return fs
}

// FuzzFindToken: the lookup behind introspection and revocation (and, for
// access tokens, userinfo) never panics, never fails on a memory store, and
// finds only a live token of this server: the opaque values it holds,
// byte for byte, or a JWT whose header and payload are those of a live JWT
// it issued (signed anew or spelled otherwise, it is still that token):
// one of a grant, or a client's own, which is stored nowhere; and it finds
// that token's own record and grant, whatever the hint (RFC 7662 §2.1,
// RFC 7009 §2.1). The live tokens themselves are found.
func FuzzFindToken(f *testing.F) {
	fs := newFuzzTokenServer(f)
	hints := []oauth.TokenTypeHint{"", oauth.HintAccessToken, oauth.HintRefreshToken, "id_token"}
	for _, tok := range append(slices.Clone(fs.liveExact), fs.deadAll...) {
		for h := range hints {
			f.Add(tok, uint8(h))
		}
	}
	for _, tok := range fs.liveExact[:2] {
		f.Add(highS(f, tok), uint8(0))
		f.Add(respell(f, tok), uint8(1))
	}
	f.Add(fuzzRefresh+"=", uint8(2))
	f.Add(fuzzOpaqueAccess[1:], uint8(1))
	f.Add("a.b.c", uint8(0))
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, token string, hint uint8) {
		p, err := fs.s.findToken(ctx, Secret(token), hints[int(hint)%len(hints)], tkNow)
		if err != nil {
			t.Fatalf("findToken(%q): %v", token, err)
		}
		found := p.grant != nil
		wantGrant := fs.grant
		switch {
		case p.access != nil && token == fuzzOpaqueAccess:
			if string(p.access.Key) != string(fs.opaqueKey) {
				t.Fatalf("the opaque token found record %x", p.access.Key)
			}
		case p.access != nil:
			live, ok := fs.jwts[signingInput(token)]
			if !ok || string(p.access.Key) != string(live.key) {
				t.Fatalf("findToken(%q) found access token %x, which this server did not issue as such", token, p.access.Key)
			}
			wantGrant = live.grant
		case p.refresh != nil:
			if token != fuzzRefresh {
				t.Fatalf("findToken(%q) found a refresh token", token)
			}
		case found:
			t.Fatalf("findToken(%q) found a grant and no token", token)
		}
		if found && (p.grant.ID != wantGrant || p.grant.ClientID != "client-a") {
			t.Fatalf("findToken(%q) found grant %q of %q, want %q of client-a", token, p.grant.ID, p.grant.ClientID, wantGrant)
		}
		if !found && slices.Contains(fs.liveExact, token) {
			t.Fatalf("findToken(%q) did not find a live token", token)
		}
		if p.access != nil && p.refresh != nil {
			t.Fatalf("findToken(%q) found two tokens", token)
		}
	})
}
