package jwkset

import (
	"errors"

	"github.com/golang-jwt/jwt/v5"
)

// KeyFunc is the key function of a JWT signed by the holder of a JWK Set
// (a client's assertion, a trusted issuer's): no crit header (RFC 7515
// §4.1.11); the key chosen by the header's kid and the algorithm among
// the set's keys only, never one the header carries (RFC 8725 §3.10).
// keys returns the set; refresh asks for a fresh copy after an unknown
// kid, since a jwks_uri set may have been rotated.
func KeyFunc(keys func(refresh bool) (*Set, error)) jwt.Keyfunc {
	return func(t *jwt.Token) (any, error) {
		if _, ok := t.Header["crit"]; ok {
			return nil, errors.New("crit header not supported")
		}
		kid, _ := t.Header["kid"].(string)
		alg := t.Method.Alg()
		set, err := keys(false)
		if err != nil {
			return nil, err
		}
		k, err := set.Find(kid, alg)
		if errors.Is(err, ErrUnknownKey) {
			if set, err = keys(true); err != nil {
				return nil, err
			}
			k, err = set.Find(kid, alg)
		}
		return k, err
	}
}
