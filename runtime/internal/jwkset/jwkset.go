// Package jwkset reads the JWK Sets of others (RFC 7517 §5): the public
// keys a client registers, inline or at a jwks_uri, to verify what it
// signs. It keeps only what the runtime verifies with: RSA keys of 2048 to
// 8192 bits, P-256 keys and Ed25519 keys, for RS256, PS256, ES256 and
// EdDSA (RFC 7518 §3.3, §3.4, §3.5; RFC 8037 §3.1). A set that carries a
// private or symmetric key is refused whole: such a set was never meant to
// be published.
package jwkset

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// Algs are the JWS algorithms a key of a set can verify: no "none", and
// no HMAC, whose key would be a public key used as a secret (RFC 8725
// §3.1, §3.2).
var Algs = []string{"RS256", "PS256", "ES256", "EdDSA"}

// Bounds of a set: MaxBytes of JSON (a set of a few RSA keys is 2 KiB),
// at most MaxKeys keys, RSA moduli of MinRSABits to MaxRSABits (larger
// ones would make each verification cost a request's worth of CPU).
const (
	MaxBytes   = 64 << 10
	MaxKeys    = 32
	MinRSABits = 2048
	MaxRSABits = 8192
)

// ErrUnknownKey is Find's error when no key of the set has the kid (or,
// without a kid, none fits the algorithm): the set may be stale, and a
// fresh copy may have it.
var ErrUnknownKey = errors.New("no key of the client's JWK Set matches")

// Key is one public key of a set.
type Key struct {
	// Kid is the key's kid, "" when it has none.
	Kid string
	// Alg is the algorithm the JWK names, "" when it names none.
	Alg string
	// Pub is *rsa.PublicKey, *ecdsa.PublicKey (P-256) or ed25519.PublicKey.
	Pub crypto.PublicKey
}

// fits reports whether the key can verify a signature of alg.
func (k Key) fits(alg string) bool {
	if k.Alg != "" && k.Alg != alg {
		return false
	}
	switch k.Pub.(type) {
	case *rsa.PublicKey:
		return alg == "RS256" || alg == "PS256"
	case *ecdsa.PublicKey:
		return alg == "ES256"
	case ed25519.PublicKey:
		return alg == "EdDSA"
	}
	return false
}

// Set is the usable keys of a JWK Set. It is immutable.
type Set struct{ Keys []Key }

// Find returns the key that verifies a signature of alg whose header names
// kid: the key with that kid, or, without a kid, the one key of the set
// that fits alg. ErrUnknownKey when the set has no such key.
func (s *Set) Find(kid, alg string) (crypto.PublicKey, error) {
	var found []Key
	kidSeen := false
	for _, k := range s.Keys {
		if kid != "" && k.Kid != kid {
			continue
		}
		kidSeen = true
		if k.fits(alg) {
			found = append(found, k)
		}
	}
	switch {
	case len(found) == 1:
		return found[0].Pub, nil
	case len(found) > 1 && kid == "":
		return nil, fmt.Errorf("%d keys of the client's JWK Set fit %s and the header names no kid", len(found), alg)
	case len(found) > 1:
		return nil, fmt.Errorf("kid %q names %d keys for %s", kid, len(found), alg)
	case kid != "" && kidSeen:
		return nil, fmt.Errorf("key %q cannot verify %s", kid, alg)
	}
	return nil, ErrUnknownKey
}

// jwk is the members of a JWK the package reads (RFC 7517 §4; RFC 7518
// §6.2.1, §6.3.1; RFC 8037 §2), and the private ones it refuses.
type jwk struct {
	Kty    string   `json:"kty"`
	Kid    string   `json:"kid"`
	Use    string   `json:"use"`
	Alg    string   `json:"alg"`
	KeyOps []string `json:"key_ops"`
	Crv    string   `json:"crv"`
	X      string   `json:"x"`
	Y      string   `json:"y"`
	N      string   `json:"n"`
	E      string   `json:"e"`

	// Private members (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
	D   *json.RawMessage `json:"d"`
	P   *json.RawMessage `json:"p"`
	Q   *json.RawMessage `json:"q"`
	DP  *json.RawMessage `json:"dp"`
	DQ  *json.RawMessage `json:"dq"`
	QI  *json.RawMessage `json:"qi"`
	Oth *json.RawMessage `json:"oth"`
	K   *json.RawMessage `json:"k"`
}

// Parse reads a JWK Set document. Keys this package cannot use are
// skipped: those for encryption (use "enc", or key_ops without
// "verify"), of another key type or curve, or that name an algorithm not
// in Algs. A key of a usable type with malformed members, a private or
// symmetric key, more than MaxBytes or MaxKeys, or a set with no usable
// key, is an error.
func Parse(data []byte) (*Set, error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("JWK Set is larger than %d bytes", MaxBytes)
	}
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("JWK Set: %w", err)
	}
	if dec.More() {
		return nil, errors.New("JWK Set: data after the JSON object")
	}
	if doc.Keys == nil {
		return nil, errors.New(`JWK Set: no "keys" member (RFC 7517 §5)`)
	}
	if len(doc.Keys) > MaxKeys {
		return nil, fmt.Errorf("JWK Set: more than %d keys", MaxKeys)
	}
	s := &Set{}
	for i, raw := range doc.Keys {
		var j jwk
		if err := json.Unmarshal(raw, &j); err != nil {
			return nil, fmt.Errorf("JWK Set: key %d: %w", i, err)
		}
		k, ok, err := j.key()
		if err != nil {
			name := fmt.Sprint(i)
			if j.Kid != "" {
				name = fmt.Sprintf("%d (kid %q)", i, j.Kid)
			}
			return nil, fmt.Errorf("JWK Set: key %s: %w", name, err)
		}
		if ok {
			s.Keys = append(s.Keys, k)
		}
	}
	if len(s.Keys) == 0 {
		return nil, fmt.Errorf("JWK Set: no key that verifies %s", strings.Join(Algs, ", "))
	}
	return s, nil
}

// key converts one JWK; ok is false for a key the set skips.
func (j jwk) key() (k Key, ok bool, err error) {
	if j.Kty == "oct" || j.K != nil {
		return k, false, errors.New("a symmetric key must not be published")
	}
	for _, m := range []*json.RawMessage{j.D, j.P, j.Q, j.DP, j.DQ, j.QI, j.Oth} {
		if m != nil {
			return k, false, errors.New("a private key must not be published; give the public key only")
		}
	}
	if j.Use != "" && j.Use != "sig" || j.KeyOps != nil && !slices.Contains(j.KeyOps, "verify") {
		return k, false, nil
	}
	if j.Alg != "" && !slices.Contains(Algs, j.Alg) {
		return k, false, nil
	}
	k = Key{Kid: j.Kid, Alg: j.Alg}
	switch {
	case j.Kty == "RSA":
		k.Pub, err = rsaKey(j.N, j.E)
	case j.Kty == "EC" && j.Crv == "P-256":
		k.Pub, err = ecKey(j.X, j.Y)
	case j.Kty == "OKP" && j.Crv == "Ed25519":
		var x []byte
		if x, err = b64(j.X); err == nil && len(x) != ed25519.PublicKeySize {
			err = errors.New("x is not an Ed25519 public key")
		}
		k.Pub = ed25519.PublicKey(x)
	default:
		return k, false, nil // another type or curve: not ours to use
	}
	if err != nil {
		return k, false, err
	}
	if !k.fits(j.Alg) && j.Alg != "" {
		return k, false, fmt.Errorf("a %s key cannot be used with alg %s", j.Kty, j.Alg)
	}
	return k, true, nil
}

func b64(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, errors.New("malformed base64url member")
	}
	return b, nil
}

// rsaKey decodes n and e (RFC 7518 §6.3.1).
func rsaKey(n64, e64 string) (*rsa.PublicKey, error) {
	n, err := b64(n64)
	if err != nil {
		return nil, fmt.Errorf("n: %w", err)
	}
	e, err := b64(e64)
	if err != nil {
		return nil, fmt.Errorf("e: %w", err)
	}
	if len(e) > 4 {
		return nil, errors.New("e is too large")
	}
	var ev int
	for _, b := range e {
		ev = ev<<8 | int(b)
	}
	if ev < 3 || ev%2 == 0 {
		return nil, errors.New("e is not an odd number of at least 3")
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: ev}
	if bits := pub.N.BitLen(); bits < MinRSABits || bits > MaxRSABits {
		return nil, fmt.Errorf("an RSA key of %d bits; want %d to %d (RFC 7518 §3.3)", bits, MinRSABits, MaxRSABits)
	}
	return pub, nil
}

// ecKey decodes a P-256 point and checks that it is on the curve.
func ecKey(x64, y64 string) (*ecdsa.PublicKey, error) {
	x, err := b64(x64)
	if err != nil {
		return nil, fmt.Errorf("x: %w", err)
	}
	y, err := b64(y64)
	if err != nil {
		return nil, fmt.Errorf("y: %w", err)
	}
	if len(x) != 32 || len(y) != 32 { // RFC 7518 §6.2.1.2: the full coordinate size
		return nil, errors.New("x and y must be 32 bytes each for P-256")
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
	if err != nil {
		return nil, errors.New("the point is not on P-256")
	}
	return pub, nil
}
