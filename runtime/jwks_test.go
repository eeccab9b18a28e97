package runtime

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/golang-jwt/jwt/v5"
)

// tkKeySet3 is a set with an ES256 default key and RS256 and EdDSA keys.
func tkKeySet3(t *testing.T) *KeySet {
	t.Helper()
	ks, err := NewKeySet(tkKey(t, oauth.AlgES256), tkKey(t, oauth.AlgRS256), tkKey(t, oauth.AlgEdDSA))
	if err != nil {
		t.Fatalf("NewKeySet: %v", err)
	}
	return ks
}

// TestJWKSPublicMembersOnly: every key has kty, kid, use "sig", alg and its
// public members, and no private member (RFC 7517 §5; RFC 7518 §6).
func TestJWKSPublicMembersOnly(t *testing.T) {
	ks := tkKeySet3(t)
	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(ks.JWKS(), &doc); err != nil {
		t.Fatalf("JWKS is not JSON: %v", err)
	}
	if len(doc.Keys) != 3 {
		t.Fatalf("JWKS has %d keys, want 3", len(doc.Keys))
	}
	want := []struct {
		key     *SigningKey
		members map[string]string // member -> exact value, or "" for "present"
		sizes   map[string]int    // decoded byte length of base64url members
	}{
		{tkKey(t, oauth.AlgES256), map[string]string{"kty": "EC", "crv": "P-256", "x": "", "y": ""}, map[string]int{"x": 32, "y": 32}},
		{tkKey(t, oauth.AlgRS256), map[string]string{"kty": "RSA", "n": "", "e": "AQAB"}, map[string]int{"n": 256}},
		{tkKey(t, oauth.AlgEdDSA), map[string]string{"kty": "OKP", "crv": "Ed25519", "x": ""}, map[string]int{"x": 32}},
	}
	kids := map[string]bool{}
	for i, k := range doc.Keys {
		w := want[i]
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"} {
			if _, ok := k[private]; ok {
				t.Errorf("key %d has private member %q", i, private)
			}
		}
		if k["kid"] != w.key.KID() || k["use"] != "sig" || k["alg"] != w.key.Alg() {
			t.Errorf("key %d: kid %v use %v alg %v, want %s sig %s", i, k["kid"], k["use"], k["alg"], w.key.KID(), w.key.Alg())
		}
		if len(k) != len(w.members)+3 {
			t.Errorf("key %d has members %v, want exactly kid, use, alg and %v", i, k, w.members)
		}
		for m, v := range w.members {
			got, ok := k[m].(string)
			if !ok || (v != "" && got != v) {
				t.Errorf("key %d member %q = %v, want %q", i, m, k[m], v)
			}
		}
		for m, size := range w.sizes {
			b, err := base64.RawURLEncoding.DecodeString(k[m].(string))
			if err != nil || len(b) != size {
				t.Errorf("key %d member %q decodes to %d bytes (%v), want %d", i, m, len(b), err, size)
			}
		}
		kids[k["kid"].(string)] = true
	}
	if len(kids) != 3 {
		t.Errorf("kids are not distinct: %v", kids)
	}
	// The caller cannot corrupt the set's document.
	b := ks.JWKS()
	b[0] = 'X'
	if ks.JWKS()[0] != '{' {
		t.Error("JWKS returned the set's own slice")
	}
}

func TestNewKeySet(t *testing.T) {
	es, rs, ed := tkKey(t, oauth.AlgES256), tkKey(t, oauth.AlgRS256), tkKey(t, oauth.AlgEdDSA)
	retired, err := GenerateSigningKey(oauth.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	ks, err := NewKeySet(es, retired, rs)
	if err != nil {
		t.Fatalf("NewKeySet: %v", err)
	}
	if ks.Active() != es || ks.ForAlg(oauth.AlgES256) != es || ks.ForAlg(oauth.AlgRS256) != rs || ks.ForAlg(oauth.AlgEdDSA) != nil {
		t.Error("active keys per algorithm are wrong: the first key of each algorithm must be active")
	}
	if got := strings.Join(ks.Algorithms(), ","); got != "ES256,RS256" {
		t.Errorf("Algorithms = %s, want ES256,RS256", got)
	}
	if !strings.Contains(string(ks.JWKS()), retired.KID()) {
		t.Error("the retired key is not published")
	}
	// A token the retired key signed still verifies.
	tok, err := retired.Sign("at+jwt", jwt.MapClaims{"exp": tkNow.Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	if err := ks.Verify(tok, "at+jwt", jwt.MapClaims{}, jwt.WithTimeFunc(func() time.Time { return tkNow })); err != nil {
		t.Errorf("token of the retired key: %v", err)
	}

	bad := []struct {
		name      string
		active    *SigningKey
		published []*SigningKey
	}{
		{"no active key", nil, nil},
		{"nil published key", es, []*SigningKey{rs, nil}},
		{"duplicate kid", es, []*SigningKey{ed, es}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewKeySet(tt.active, tt.published...); err == nil {
				t.Error("NewKeySet succeeded, want an error")
			}
		})
	}
}

// tkSegment base64url-encodes a JSON value.
func tkSegment(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// TestKeySetVerify checks, for every algorithm of the set, the refusals of
// RFC 8725 §3: alg none, algorithm confusion, a key from outside the set or
// from the token's header, a wrong typ, and a missing or past exp.
func TestKeySetVerify(t *testing.T) {
	ks := tkKeySet3(t)
	es, rs := tkKey(t, oauth.AlgES256), tkKey(t, oauth.AlgRS256)
	at := func() time.Time { return tkNow }
	claims := jwt.MapClaims{"iss": tkIssuer, "sub": "alice", "exp": tkNow.Add(time.Hour).Unix(), "jti": "j1"}

	for _, alg := range ks.Algorithms() {
		tok, err := ks.ForAlg(alg).Sign("at+jwt", claims)
		if err != nil {
			t.Fatalf("Sign %s: %v", alg, err)
		}
		got := jwt.MapClaims{}
		if err := ks.Verify(tok, "at+jwt", got, jwt.WithTimeFunc(at)); err != nil || got["jti"] != "j1" {
			t.Errorf("%s: Verify = %v, claims %v; want success", alg, err, got)
		}
	}
	appTyp, err := es.Sign("application/AT+JWT", claims)
	if err != nil {
		t.Fatal(err)
	}
	if err := ks.Verify(appTyp, "at+jwt", jwt.MapClaims{}, jwt.WithTimeFunc(at)); err != nil {
		t.Errorf(`typ "application/AT+JWT": %v, want accepted (RFC 8725 §3.11)`, err)
	}

	payload := tkSegment(t, claims)
	// alg none, with a known kid and an empty signature.
	none := tkSegment(t, map[string]any{"alg": "none", "typ": "at+jwt", "kid": es.KID()}) + "." + payload + "."
	// HS256 MAC'd with the RSA public key's PEM bytes: algorithm confusion.
	der, err := x509.MarshalPKIXPublicKey(rs.Public())
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	hs.Header["kid"], hs.Header["typ"] = rs.KID(), "at+jwt"
	hsTok, err := hs.SignedString(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	hsDER := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	hsDER.Header["kid"], hsDER.Header["typ"] = rs.KID(), "at+jwt"
	hsDERTok, err := hsDER.SignedString(der)
	if err != nil {
		t.Fatal(err)
	}
	// A key outside the set, with its own kid and with a known kid.
	stranger, err := GenerateSigningKey(oauth.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	unknownKID, err := stranger.Sign("at+jwt", claims)
	if err != nil {
		t.Fatal(err)
	}
	stolenKID := &SigningKey{alg: oauth.AlgES256, kid: es.KID(), priv: stranger.priv, pub: stranger.pub, method: stranger.method}
	stolen, err := stolenKID.Sign("at+jwt", claims)
	if err != nil {
		t.Fatal(err)
	}
	// An RS256 token whose kid names the ES256 key.
	mismatch := &SigningKey{alg: oauth.AlgRS256, kid: es.KID(), priv: rs.priv, pub: rs.pub, method: rs.method}
	mismatchTok, err := mismatch.Sign("at+jwt", claims)
	if err != nil {
		t.Fatal(err)
	}
	noKID := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
	noKID.Header["typ"] = "at+jwt"
	noKIDTok, err := noKID.SignedString(es.priv)
	if err != nil {
		t.Fatal(err)
	}
	// A header with an embedded attacker jwk and a matching signature: the
	// jwk must be ignored and the kid (unknown) decides.
	embedded := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
	embedded.Header["typ"], embedded.Header["kid"] = "at+jwt", stranger.KID()
	embedded.Header["jwk"] = map[string]string{"kty": "EC", "crv": "P-256", "x": stranger.jwk.X, "y": stranger.jwk.Y}
	embeddedTok, err := embedded.SignedString(stranger.priv)
	if err != nil {
		t.Fatal(err)
	}
	crit := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
	crit.Header["typ"], crit.Header["kid"], crit.Header["crit"] = "at+jwt", es.KID(), []string{"exp"}
	critTok, err := crit.SignedString(es.priv)
	if err != nil {
		t.Fatal(err)
	}
	wrongTyp, err := es.Sign("JWT", claims)
	if err != nil {
		t.Fatal(err)
	}
	expired, err := es.Sign("at+jwt", jwt.MapClaims{"exp": tkNow.Add(-time.Second).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	noExp, err := es.Sign("at+jwt", jwt.MapClaims{"sub": "alice"})
	if err != nil {
		t.Fatal(err)
	}
	good, err := es.Sign("at+jwt", claims)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + tkSegment(t, jwt.MapClaims{"sub": "mallory", "exp": tkNow.Add(time.Hour).Unix()}) + "." + parts[2]

	tests := []struct {
		name, token, typ string
		opts             []jwt.ParserOption
	}{
		{"alg none", none, "at+jwt", nil},
		{"HS256 keyed with the public key PEM", hsTok, "at+jwt", nil},
		{"HS256 keyed with the public key DER", hsDERTok, "at+jwt", nil},
		{"unknown kid", unknownKID, "at+jwt", nil},
		{"known kid, foreign key", stolen, "at+jwt", nil},
		{"alg does not match the kid's key", mismatchTok, "at+jwt", nil},
		{"no kid", noKIDTok, "at+jwt", nil},
		{"embedded jwk", embeddedTok, "at+jwt", nil},
		{"crit header", critTok, "at+jwt", nil},
		{"wrong typ", wrongTyp, "at+jwt", nil},
		{"typ expected differs", good, "id_token+jwt", nil},
		{"expired", expired, "at+jwt", nil},
		{"no exp", noExp, "at+jwt", nil},
		{"tampered payload", tampered, "at+jwt", nil},
		{"wrong issuer", good, "at+jwt", []jwt.ParserOption{jwt.WithIssuer("https://other.example")}},
		{"garbage", "a.b.c", "at+jwt", nil},
		{"two segments", parts[0] + "." + parts[1], "at+jwt", nil},
		// Callers cannot widen the allow-list.
		{"HS256 with widened methods", hsTok, "at+jwt", []jwt.ParserOption{jwt.WithValidMethods([]string{"HS256"})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := append([]jwt.ParserOption{jwt.WithTimeFunc(at)}, tt.opts...)
			if err := ks.Verify(tt.token, tt.typ, jwt.MapClaims{}, opts...); err == nil {
				t.Error("Verify succeeded, want an error")
			}
		})
	}
}
