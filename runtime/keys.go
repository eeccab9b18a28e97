package runtime

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/internal/jose"
	"github.com/oauthgen/oauthgen/runtime/internal/keyring"
)

// minRSABits is the smallest RSA modulus accepted (RFC 7518 §3.3: "A key of
// size 2048 bits or larger MUST be used").
const minRSABits = keyring.MinRSABits

// SigningKey is a private key bound to one JWS algorithm. Its kid is the
// RFC 7638 thumbprint of its public key, so kids are unique and stable
// (RFC 7638). A SigningKey never serialises its private part: the JWKS
// is built from Public() only.
type SigningKey struct {
	alg    string
	kid    string
	priv   crypto.Signer
	pub    crypto.PublicKey
	method jwt.SigningMethod
	jwk    jose.PublicJWK
}

// GenerateSigningKey creates a fresh key for alg: a P-256 key for ES256, a
// 2048-bit RSA key for RS256, an Ed25519 key for EdDSA. The randomness comes
// from crypto/rand.
func GenerateSigningKey(alg string) (*SigningKey, error) {
	priv, err := keyring.Generate(alg)
	if err != nil {
		return nil, err
	}
	return NewSigningKey(priv, alg)
}

// NewSigningKey binds priv to alg. The key must suit the algorithm: a
// P-256 key for ES256, an RSA key of at least 2048 bits for RS256, an
// Ed25519 key for EdDSA (RFC 8725 §3.1: a key is used with exactly one
// algorithm). priv may be a private key of the standard library or any
// other crypto.Signer, such as a KMS or HSM client that keeps the private
// key elsewhere: it is asked to sign SHA-256 digests (ES256: an ASN.1
// ECDSA signature; RS256: PKCS #1 v1.5) or, for EdDSA, whole messages.
func NewSigningKey(priv crypto.Signer, alg string) (*SigningKey, error) {
	if priv == nil {
		return nil, errors.New("new signing key: nil private key")
	}
	if k, ok := priv.(*ed25519.PrivateKey); ok {
		if k == nil {
			return nil, errors.New("new signing key: nil private key")
		}
		priv = *k
	}
	if k, ok := priv.(ed25519.PrivateKey); ok && len(k) != ed25519.PrivateKeySize {
		return nil, errors.New("new signing key: malformed Ed25519 key")
	}
	var method jwt.SigningMethod
	switch alg {
	case oauth.AlgES256:
		k, ok := priv.Public().(*ecdsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("new signing key: ES256 needs an ECDSA key, got %T", priv.Public())
		}
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("new signing key: ES256 needs a P-256 key, got %s", k.Curve.Params().Name)
		}
		method = jwt.SigningMethodES256
	case oauth.AlgRS256:
		k, ok := priv.Public().(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("new signing key: RS256 needs an RSA key, got %T", priv.Public())
		}
		if k.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("new signing key: RS256 needs at least %d bits, got %d", minRSABits, k.N.BitLen())
		}
		method = jwt.SigningMethodRS256
	case oauth.AlgEdDSA:
		if _, ok := priv.Public().(ed25519.PublicKey); !ok {
			return nil, fmt.Errorf("new signing key: EdDSA needs an Ed25519 key, got %T", priv.Public())
		}
		method = jwt.SigningMethodEdDSA
	default:
		return nil, fmt.Errorf("new signing key: unsupported algorithm %q", alg)
	}
	pub := priv.Public()
	jwk, err := jose.NewPublicJWK(pub)
	if err != nil {
		return nil, fmt.Errorf("new signing key: %w", err)
	}
	return &SigningKey{
		alg:    alg,
		kid:    jwk.Thumbprint(),
		priv:   priv,
		pub:    pub,
		method: method,
		jwk:    jwk,
	}, nil
}

// ParseSigningKeyPEM reads the first PEM block of data: a PKCS#8
// "PRIVATE KEY", a SEC 1 "EC PRIVATE KEY" or a PKCS#1 "RSA PRIVATE KEY", and
// binds it to alg with NewSigningKey.
func ParseSigningKeyPEM(data []byte, alg string) (*SigningKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("parse signing key: no PEM block found")
	}
	var (
		key any
		err error
	)
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("parse signing key: unsupported PEM block %q", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("parse signing key: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("parse signing key: %T cannot sign", key)
	}
	return NewSigningKey(signer, alg)
}

// Alg returns the key's JWS algorithm.
func (k *SigningKey) Alg() string { return k.alg }

// KID returns the key id: the RFC 7638 SHA-256 thumbprint of the public key.
func (k *SigningKey) KID() string { return k.kid }

// Public returns the public key.
func (k *SigningKey) Public() crypto.PublicKey { return k.pub }

// Sign returns a compact JWS (RFC 7515 §7.1) of claims with the header
// {"alg", "kid", "typ"}. typ is the explicit type of RFC 8725 §3.11, such as
// "at+jwt" (RFC 9068 §2.1); it must be printable ASCII without quotes or
// backslashes.
func (k *SigningKey) Sign(typ string, claims jwt.Claims) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("sign jwt: encode claims: %w", err)
	}
	return k.signPayload(typ, payload)
}

// signPayload signs an already encoded JSON claims set. It is the one
// signing path; access and ID tokens reach it without reflection.
func (k *SigningKey) signPayload(typ string, payload []byte) (string, error) {
	return jose.Sign(k.method, k.priv, k.alg, k.kid, typ, payload)
}
