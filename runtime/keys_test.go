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
	"encoding/pem"
	"io"
	"math/big"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauthgen/oauthgen/runtime/internal/jose"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestThumbprintRFC7638Example checks the kid against the worked example of
// RFC 7638 §3.1.
func TestThumbprintRFC7638Example(t *testing.T) {
	const (
		n    = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
		want = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
	)
	nb, err := base64.RawURLEncoding.DecodeString(n)
	if err != nil {
		t.Fatal(err)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: 65537}
	jwk, err := jose.NewPublicJWK(pub)
	if err != nil {
		t.Fatalf("newPublicJWK: %v", err)
	}
	if jwk.E != "AQAB" || jwk.N != n {
		t.Errorf("JWK members e=%q n=%q..., want AQAB and the RFC's n", jwk.E, jwk.N[:10])
	}
	if got := jwk.Thumbprint(); got != want {
		t.Errorf("thumbprint = %q, want %q (RFC 7638 §3.1)", got, want)
	}
}

func TestGenerateSigningKey(t *testing.T) {
	for _, alg := range []string{oauth.AlgES256, oauth.AlgRS256, oauth.AlgEdDSA} {
		t.Run(alg, func(t *testing.T) {
			k := tkKey(t, alg)
			if k.Alg() != alg {
				t.Errorf("Alg = %q, want %q", k.Alg(), alg)
			}
			jwk, err := jose.NewPublicJWK(k.Public())
			if err != nil {
				t.Fatal(err)
			}
			if k.KID() != jwk.Thumbprint() || len(k.KID()) != 43 {
				t.Errorf("KID = %q, want the 43-character thumbprint %q", k.KID(), jwk.Thumbprint())
			}
		})
	}
	for _, alg := range []string{"", "none", "HS256", "ES384", "PS256", "es256"} {
		if _, err := GenerateSigningKey(alg); err == nil {
			t.Errorf("GenerateSigningKey(%q) succeeded, want an error", alg)
		}
	}
}

func TestNewSigningKeyChecksKeyAgainstAlg(t *testing.T) {
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	es := tkKey(t, oauth.AlgES256).priv
	rs := tkKey(t, oauth.AlgRS256).priv
	ed := tkKey(t, oauth.AlgEdDSA).priv
	tests := []struct {
		name string
		priv crypto.Signer
		alg  string
	}{
		{"nil key", nil, oauth.AlgES256},
		{"ES256 with RSA key", rs, oauth.AlgES256},
		{"ES256 with Ed25519 key", ed, oauth.AlgES256},
		{"ES256 with P-384 key", p384, oauth.AlgES256},
		{"RS256 with EC key", es, oauth.AlgRS256},
		{"RS256 with 1024-bit key", rsa1024, oauth.AlgRS256},
		{"EdDSA with EC key", es, oauth.AlgEdDSA},
		{"EdDSA with short key", ed25519.PrivateKey(make([]byte, 10)), oauth.AlgEdDSA},
		{"HS256", es, "HS256"},
		{"none", es, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewSigningKey(tt.priv, tt.alg); err == nil {
				t.Errorf("NewSigningKey succeeded, want an error")
			}
		})
	}
	edPriv := ed.(ed25519.PrivateKey)
	k, err := NewSigningKey(&edPriv, oauth.AlgEdDSA)
	if err != nil || k.KID() != tkKey(t, oauth.AlgEdDSA).KID() {
		t.Errorf("NewSigningKey(*ed25519.PrivateKey) = %v, %v; want the same key", k, err)
	}
}

func TestParseSigningKeyPEM(t *testing.T) {
	pkcs8 := func(k crypto.Signer) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}
	es, rs, ed := tkKey(t, oauth.AlgES256), tkKey(t, oauth.AlgRS256), tkKey(t, oauth.AlgEdDSA)
	sec1, err := x509.MarshalECPrivateKey(es.priv.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	good := []struct {
		name string
		pem  []byte
		key  *SigningKey
	}{
		{"PKCS#8 ES256", pkcs8(es.priv), es},
		{"PKCS#8 RS256", pkcs8(rs.priv), rs},
		{"PKCS#8 EdDSA", pkcs8(ed.priv), ed},
		{"SEC 1 ES256", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}), es},
		{"PKCS#1 RS256", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rs.priv.(*rsa.PrivateKey))}), rs},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseSigningKeyPEM(tt.pem, tt.key.Alg())
			if err != nil {
				t.Fatalf("ParseSigningKeyPEM: %v", err)
			}
			if k.KID() != tt.key.KID() || k.Alg() != tt.key.Alg() {
				t.Errorf("parsed key kid %q alg %q, want %q %q", k.KID(), k.Alg(), tt.key.KID(), tt.key.Alg())
			}
		})
	}
	pub, err := x509.MarshalPKIXPublicKey(es.Public())
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name string
		pem  []byte
		alg  string
	}{
		{"not PEM", []byte("hello"), oauth.AlgES256},
		{"public key block", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), oauth.AlgES256},
		{"corrupt PKCS#8", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}), oauth.AlgES256},
		{"corrupt SEC 1", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{1, 2, 3}}), oauth.AlgES256},
		{"EC key for RS256", pkcs8(es.priv), oauth.AlgRS256},
		{"RSA key for EdDSA", pkcs8(rs.priv), oauth.AlgEdDSA},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseSigningKeyPEM(tt.pem, tt.alg); err == nil {
				t.Error("ParseSigningKeyPEM succeeded, want an error")
			}
		})
	}
}

func TestSignRefusesUnsafeTyp(t *testing.T) {
	k := tkKey(t, oauth.AlgES256)
	for _, typ := range []string{"", `at"jwt`, `at\jwt`, "at\njwt", "tÿp"} {
		if _, err := k.signPayload(typ, []byte(`{}`)); err == nil {
			t.Errorf("signPayload(typ %q) succeeded, want an error", typ)
		}
	}
}

// opaqueSigner is a crypto.Signer that hides its key, as a KMS or HSM
// client does: the runtime sees only Public and Sign.
type opaqueSigner struct{ inner crypto.Signer }

func (o opaqueSigner) Public() crypto.PublicKey { return o.inner.Public() }
func (o opaqueSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return o.inner.Sign(r, digest, opts)
}

// TestSigningKeyOpaqueSigner: a key behind any crypto.Signer signs tokens
// that verify with its public key through jwt, for every algorithm; its
// kid is the key's.
func TestSigningKeyOpaqueSigner(t *testing.T) {
	for _, alg := range []string{oauth.AlgES256, oauth.AlgRS256, oauth.AlgEdDSA} {
		t.Run(alg, func(t *testing.T) {
			plain := tkKey(t, alg)
			k, err := NewSigningKey(opaqueSigner{plain.priv}, alg)
			if err != nil {
				t.Fatal(err)
			}
			if k.KID() != plain.KID() {
				t.Errorf("kid %q, want %q", k.KID(), plain.KID())
			}
			ks, err := NewKeySet(plain)
			if err != nil {
				t.Fatal(err)
			}
			for range 20 { // ECDSA signatures vary in length before conversion
				tok, err := k.Sign("at+jwt", jwt.MapClaims{"exp": tkNow.Add(time.Minute).Unix()})
				if err != nil {
					t.Fatal(err)
				}
				if err := ks.Verify(tok, "at+jwt", jwt.MapClaims{}, jwt.WithTimeFunc(func() time.Time { return tkNow })); err != nil {
					t.Fatalf("%s token does not verify: %v", alg, err)
				}
			}
		})
	}
	// The algorithm is checked against the public key.
	if _, err := NewSigningKey(opaqueSigner{tkKey(t, oauth.AlgES256).priv}, oauth.AlgRS256); err == nil {
		t.Error("an EC signer was accepted for RS256")
	}
}
