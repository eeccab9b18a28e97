package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// signature signs the JWS signing input. Keys of the standard library are
// golang-jwt's to sign (RFC 7518 §3.3, §3.4; RFC 8037 §3.1); any other
// crypto.Signer (a KMS or HSM client) is asked through crypto.Signer.Sign,
// and its ASN.1 ECDSA signature is converted to the JWS form, R and S of
// 32 bytes each (RFC 7518 §3.4).
func signature(method jwt.SigningMethod, priv crypto.Signer, input string) ([]byte, error) {
	switch priv.(type) {
	case *ecdsa.PrivateKey, *rsa.PrivateKey, ed25519.PrivateKey:
		return method.Sign(input, priv)
	}
	switch method.Alg() {
	case jwt.SigningMethodES256.Alg():
		digest := sha256.Sum256([]byte(input))
		der, err := priv.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			return nil, err
		}
		return ecdsaJWS(der, 32)
	case jwt.SigningMethodRS256.Alg():
		digest := sha256.Sum256([]byte(input))
		return priv.Sign(rand.Reader, digest[:], crypto.SHA256)
	case jwt.SigningMethodEdDSA.Alg():
		return priv.Sign(rand.Reader, []byte(input), crypto.Hash(0))
	}
	return nil, fmt.Errorf("no signer for %s", method.Alg())
}

// ecdsaJWS converts an ASN.1 ECDSA-Sig-Value (RFC 3279 §2.2.3) to R || S,
// each left-padded to size bytes.
func ecdsaJWS(der []byte, size int) ([]byte, error) {
	var r, s []byte
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, asn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1Integer(&r) || !seq.ReadASN1Integer(&s) || !seq.Empty() {
		return nil, errors.New("signer returned a malformed ECDSA signature")
	}
	out := make([]byte, 2*size)
	for i, v := range [][]byte{r, s} {
		for len(v) > 0 && v[0] == 0 {
			v = v[1:]
		}
		if len(v) > size {
			return nil, errors.New("signer returned an ECDSA signature of the wrong size")
		}
		copy(out[(i+1)*size-len(v):], v)
	}
	return out, nil
}
