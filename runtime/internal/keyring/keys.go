package keyring

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/jose"
)

// MinRSABits is the smallest RSA modulus generated or accepted (RFC 7518
// §3.3: "A key of size 2048 bits or larger MUST be used").
const MinRSABits = 2048

// Supported reports whether Generate makes keys for alg.
func Supported(alg string) bool { return alg == "ES256" || alg == "RS256" || alg == "EdDSA" }

// Generate makes a private key for alg: P-256 for ES256, 2048-bit RSA for
// RS256, Ed25519 for EdDSA, from crypto/rand.
func Generate(alg string) (crypto.Signer, error) {
	var (
		priv crypto.Signer
		err  error
	)
	switch alg {
	case "ES256":
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "RS256":
		priv, err = rsa.GenerateKey(rand.Reader, MinRSABits)
	case "EdDSA":
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	default:
		return nil, fmt.Errorf("generate signing key: unsupported algorithm %q", alg)
	}
	if err != nil {
		return nil, fmt.Errorf("generate %s signing key: %w", alg, err)
	}
	return priv, nil
}

// newKey generates a key of alg, published at now, signing from active.
func newKey(alg string, now, active time.Time) (Key, error) {
	priv, err := Generate(alg)
	if err != nil {
		return Key{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return Key{}, fmt.Errorf("encode %s key: %w", alg, err)
	}
	jwk, err := jose.NewPublicJWK(priv.Public())
	if err != nil {
		return Key{}, fmt.Errorf("encode %s key: %w", alg, err)
	}
	return Key{KID: jwk.Thumbprint(), Alg: alg, PKCS8: der, Published: now, ActiveFrom: active}, nil
}

// Private decodes the key's PKCS #8 private key.
func (k Key) Private() (crypto.Signer, error) {
	p, err := x509.ParsePKCS8PrivateKey(k.PKCS8)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", k.KID, err)
	}
	s, ok := p.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("key %s: %T cannot sign", k.KID, p)
	}
	return s, nil
}
