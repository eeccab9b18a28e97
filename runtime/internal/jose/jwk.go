// Package jose holds the JOSE mechanics of the server's keys: the public
// members of a JWK and its thumbprint (RFC 7517, RFC 7638), and the
// compact JWS of a claims set the runtime encoded itself (RFC 7515).
package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/big"
)

// PublicJWK holds the public members of a JWK (RFC 7517 §4, RFC 7518 §6.2.1,
// §6.3.1, RFC 8037 §2). It has no field for a private member, so none can be
// serialised.
type PublicJWK struct {
	Kty string
	Crv string
	X   string
	Y   string
	N   string
	E   string
}

// NewPublicJWK converts a public key into its JWK members.
func NewPublicJWK(pub crypto.PublicKey) (PublicJWK, error) {
	b64 := base64.RawURLEncoding
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return PublicJWK{}, fmt.Errorf("unsupported EC curve %s", k.Curve.Params().Name)
		}
		// Uncompressed point 0x04 || X || Y; each coordinate is the full
		// field size, leading zeros kept (RFC 7518 §6.2.1.2, §6.2.1.3).
		raw, err := k.Bytes()
		if err != nil {
			return PublicJWK{}, fmt.Errorf("encode EC public key: %w", err)
		}
		size := (len(raw) - 1) / 2
		return PublicJWK{
			Kty: "EC",
			Crv: "P-256",
			X:   b64.EncodeToString(raw[1 : 1+size]),
			Y:   b64.EncodeToString(raw[1+size:]),
		}, nil
	case *rsa.PublicKey:
		// Unsigned big-endian, no leading zeros (RFC 7518 §6.3.1.1, §6.3.1.2).
		return PublicJWK{
			Kty: "RSA",
			N:   b64.EncodeToString(k.N.Bytes()),
			E:   b64.EncodeToString(big.NewInt(int64(k.E)).Bytes()),
		}, nil
	case ed25519.PublicKey:
		return PublicJWK{Kty: "OKP", Crv: "Ed25519", X: b64.EncodeToString(k)}, nil // RFC 8037 §2
	default:
		return PublicJWK{}, fmt.Errorf("unsupported public key type %T", pub)
	}
}

// Thumbprint returns the RFC 7638 §3 JWK thumbprint with SHA-256: the hash of
// the required members only, in lexicographic order, without whitespace.
// Every value is base64url or a fixed name, so no JSON escaping is needed.
func (j PublicJWK) Thumbprint() string {
	var s string
	switch j.Kty {
	case "EC": // RFC 7638 §3.2: crv, kty, x, y
		s = `{"crv":"` + j.Crv + `","kty":"EC","x":"` + j.X + `","y":"` + j.Y + `"}`
	case "RSA": // RFC 7638 §3.2: e, kty, n
		s = `{"e":"` + j.E + `","kty":"RSA","n":"` + j.N + `"}`
	case "OKP": // RFC 8037 §2: crv, kty, x
		s = `{"crv":"` + j.Crv + `","kty":"OKP","x":"` + j.X + `"}`
	}
	sum := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// KeyJSON is one key of a JWK Set document (RFC 7517 §4, §5).
type KeyJSON struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
}
