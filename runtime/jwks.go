package runtime

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// publicJWK holds the public members of a JWK (RFC 7517 §4, RFC 7518 §6.2.1,
// §6.3.1, RFC 8037 §2). It has no field for a private member, so none can be
// serialised (security.md S-45).
type publicJWK struct {
	Kty string
	Crv string
	X   string
	Y   string
	N   string
	E   string
}

// newPublicJWK converts a public key into its JWK members.
func newPublicJWK(pub crypto.PublicKey) (publicJWK, error) {
	b64 := base64.RawURLEncoding
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return publicJWK{}, fmt.Errorf("unsupported EC curve %s", k.Curve.Params().Name)
		}
		// Uncompressed point 0x04 || X || Y; each coordinate is the full
		// field size, leading zeros kept (RFC 7518 §6.2.1.2, §6.2.1.3).
		raw, err := k.Bytes()
		if err != nil {
			return publicJWK{}, fmt.Errorf("encode EC public key: %w", err)
		}
		size := (len(raw) - 1) / 2
		return publicJWK{
			Kty: "EC",
			Crv: "P-256",
			X:   b64.EncodeToString(raw[1 : 1+size]),
			Y:   b64.EncodeToString(raw[1+size:]),
		}, nil
	case *rsa.PublicKey:
		// Unsigned big-endian, no leading zeros (RFC 7518 §6.3.1.1, §6.3.1.2).
		return publicJWK{
			Kty: "RSA",
			N:   b64.EncodeToString(k.N.Bytes()),
			E:   b64.EncodeToString(big.NewInt(int64(k.E)).Bytes()),
		}, nil
	case ed25519.PublicKey:
		return publicJWK{Kty: "OKP", Crv: "Ed25519", X: b64.EncodeToString(k)}, nil // RFC 8037 §2
	default:
		return publicJWK{}, fmt.Errorf("unsupported public key type %T", pub)
	}
}

// thumbprint returns the RFC 7638 §3 JWK thumbprint with SHA-256: the hash of
// the required members only, in lexicographic order, without whitespace.
// Every value is base64url or a fixed name, so no JSON escaping is needed.
func (j publicJWK) thumbprint() string {
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

// jwkJSON is one key of the JWKS document, in the member order of flows.md §13.
type jwkJSON struct {
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

// KeySet is the server's signing keys: for each algorithm one active key that
// signs, plus keys that are only published, so that tokens they signed still
// verify (retired keys) or so that caches learn them before they sign
// (flows.md §13 rule 4). A KeySet is immutable and safe for concurrent use.
type KeySet struct {
	active *SigningKey
	byAlg  map[string]*SigningKey
	byKID  map[string]*SigningKey
	algs   []string
	jwks   []byte
}

// NewKeySet builds a set whose default signing key is active. Each published
// key whose algorithm has no active key yet becomes that algorithm's active
// key (an RS256 key for ID tokens beside an ES256 access-token key, say);
// further keys of an algorithm are published for verification only. Kids
// must be distinct (security.md S-46).
func NewKeySet(active *SigningKey, published ...*SigningKey) (*KeySet, error) {
	if active == nil {
		return nil, errors.New("new key set: no active key")
	}
	ks := &KeySet{
		active: active,
		byAlg:  make(map[string]*SigningKey, 1+len(published)),
		byKID:  make(map[string]*SigningKey, 1+len(published)),
	}
	all := append([]*SigningKey{active}, published...)
	keys := make([]jwkJSON, 0, len(all))
	for i, k := range all {
		if k == nil {
			return nil, fmt.Errorf("new key set: key %d is nil", i)
		}
		if _, dup := ks.byKID[k.kid]; dup {
			return nil, fmt.Errorf("new key set: duplicate kid %q", k.kid)
		}
		ks.byKID[k.kid] = k
		if _, ok := ks.byAlg[k.alg]; !ok {
			ks.byAlg[k.alg] = k
			ks.algs = append(ks.algs, k.alg)
		}
		keys = append(keys, jwkJSON{
			Kty: k.jwk.Kty, Kid: k.kid, Use: "sig", Alg: k.alg,
			Crv: k.jwk.Crv, X: k.jwk.X, Y: k.jwk.Y, N: k.jwk.N, E: k.jwk.E,
		})
	}
	doc, err := json.Marshal(struct {
		Keys []jwkJSON `json:"keys"`
	}{keys})
	if err != nil {
		return nil, fmt.Errorf("new key set: encode JWKS: %w", err)
	}
	ks.jwks = doc
	return ks, nil
}

// Active returns the default signing key: the one that signs access tokens.
func (ks *KeySet) Active() *SigningKey { return ks.active }

// ForAlg returns the active key of alg, or nil when the set has none.
func (ks *KeySet) ForAlg(alg string) *SigningKey { return ks.byAlg[alg] }

// Algorithms returns the algorithms the set can sign with, the default
// signing key's first. The caller may modify the slice.
func (ks *KeySet) Algorithms() []string { return append([]string(nil), ks.algs...) }

// JWKS returns the RFC 7517 §5 JWK Set document: every key, active and
// published, with kty, kid, use "sig", alg and its public members only
// (flows.md §13; security.md S-45). The caller may modify the slice.
func (ks *KeySet) JWKS() []byte { return append([]byte(nil), ks.jwks...) }

// Sign signs claims with the default signing key (see SigningKey.Sign).
func (ks *KeySet) Sign(typ string, claims jwt.Claims) (string, error) {
	return ks.active.Sign(typ, claims)
}

// Verify checks a JWT this server signed and decodes its claims into claims.
//
// The algorithm must be one of the set's (an allow-list, so never "none" and
// never HS256: an RSA or EC public key is never used as an HMAC secret); the
// key is picked by the header's kid among the set's keys only, and its
// algorithm must equal the header's alg; jwk, jku, x5u and x5c are ignored;
// a crit header is refused; the typ header must equal typ (compared without
// case, an "application/" prefix allowed, RFC 8725 §3.11); exp is required
// (security.md S-42, S-43, S-44). Callers add checks with opts; runtime
// callers pass jwt.WithTimeFunc with the server's Clock, and jwt.WithIssuer
// or jwt.WithAudience as the token kind requires.
func (ks *KeySet) Verify(token string, typ string, claims jwt.Claims, opts ...jwt.ParserOption) error {
	// The allow-list and the exp requirement come last, so opts cannot undo them.
	all := make([]jwt.ParserOption, 0, len(opts)+2)
	all = append(all, opts...)
	all = append(all, jwt.WithValidMethods(ks.algs), jwt.WithExpirationRequired())
	_, err := jwt.NewParser(all...).ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		return ks.verificationKey(t, typ)
	})
	if err != nil {
		return fmt.Errorf("verify jwt: %w", err)
	}
	return nil
}

// verificationKey is Verify's key function: it never takes key material from
// the token, only a kid that selects one of the set's keys (RFC 8725 §3.10).
func (ks *KeySet) verificationKey(t *jwt.Token, typ string) (any, error) {
	if _, ok := t.Header["crit"]; ok {
		return nil, errors.New("crit header not supported") // RFC 7515 §4.1.11
	}
	got, _ := t.Header["typ"].(string)
	if !typMatches(got, typ) {
		return nil, fmt.Errorf("typ %q, want %q", got, typ)
	}
	kid, _ := t.Header["kid"].(string)
	k, ok := ks.byKID[kid]
	if !ok {
		return nil, fmt.Errorf("unknown kid %q", kid)
	}
	if t.Method == nil || t.Method.Alg() != k.alg {
		return nil, fmt.Errorf("key %q is not a %v key", kid, t.Header["alg"])
	}
	return k.pub, nil
}

// typMatches compares JWT typ values as RFC 7515 §4.1.9 and RFC 8725 §3.11
// say: media types without case, "application/" optional.
func typMatches(got, want string) bool {
	if len(got) > len("application/") && strings.EqualFold(got[:len("application/")], "application/") {
		got = got[len("application/"):]
	}
	return strings.EqualFold(got, want)
}
