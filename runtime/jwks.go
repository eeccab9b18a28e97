package runtime

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/internal/jose"
)

// KeySet is the server's signing keys: for each algorithm one active key that
// signs, plus keys that are only published, so that tokens they signed still
// verify (retired keys) or so that caches learn them before they sign
// (RFC 7517 §5). A KeySet is immutable and safe for concurrent use.
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
// must be distinct.
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
	keys := make([]jose.KeyJSON, 0, len(all))
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
		keys = append(keys, jose.KeyJSON{
			Kty: k.jwk.Kty, Kid: k.kid, Use: "sig", Alg: k.alg,
			Crv: k.jwk.Crv, X: k.jwk.X, Y: k.jwk.Y, N: k.jwk.N, E: k.jwk.E,
		})
	}
	doc, err := json.Marshal(struct {
		Keys []jose.KeyJSON `json:"keys"`
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
// published, with kty, kid, use "sig", alg and its public members only. The caller may modify the slice.
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
// (RFC 8725 §3.1, §3.11). Callers add checks with opts; runtime
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
	if !jose.TypMatches(got, typ) {
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
