package jwtbearer

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/internal/jwkset"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

const (
	iss = "https://idp.example"
	aud = "https://as.example"
)

var now = time.Unix(1_800_000_000, 0)

func newKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sign(t testing.TB, k any, alg jwt.SigningMethod, kid string, c jwt.MapClaims) string {
	tok := jwt.NewWithClaims(alg, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func good() jwt.MapClaims {
	return jwt.MapClaims{"iss": iss, "sub": "alice", "aud": aud, "exp": now.Add(5 * time.Minute).Unix(),
		"iat": now.Unix(), "jti": "j1", "tenant": "t1"}
}

func with(k string, v any) jwt.MapClaims {
	c := good()
	if v == nil {
		delete(c, k)
	} else {
		c[k] = v
	}
	return c
}

func TestVerify(t *testing.T) {
	key, other := newKey(t), newKey(t)
	set := &jwkset.Set{Keys: []jwkset.Key{{Kid: "k1", Pub: &key.PublicKey}}}
	chk := Check{Issuer: iss, Audiences: []string{aud, aud + "/token"}, Now: now,
		Keys: func(bool) (*jwkset.Set, error) { return set, nil }}

	c, e := Verify(sign(t, key, jwt.SigningMethodES256, "k1", good()), chk)
	if e != nil {
		t.Fatal(e)
	}
	if c.Subject != "alice" || c.JTI != "j1" || c.Issuer != iss || c.Extra["tenant"] != "t1" || len(c.Extra) != 1 ||
		!c.IssuedAt.Equal(now) || c.Audience[0] != aud {
		t.Fatalf("claims = %+v", c)
	}

	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, good())
	hs.Header["kid"] = "k1"
	hsTok, _ := hs.SignedString([]byte("0123456789abcdef0123456789abcdef"))
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, good()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	crit := jwt.NewWithClaims(jwt.SigningMethodES256, good())
	crit.Header["kid"], crit.Header["crit"] = "k1", []string{"x"}
	critTok, _ := crit.SignedString(key)

	for _, tc := range []struct {
		name, assertion, want string
	}{
		{"other key", sign(t, other, jwt.SigningMethodES256, "k1", good()), "the assertion is not valid"},
		{"unknown kid", sign(t, key, jwt.SigningMethodES256, "k9", good()), "the assertion is not valid"},
		{"hmac", hsTok, "the assertion is not valid"},
		{"none", none, "the assertion is not valid"},
		{"crit", critTok, "the assertion is not valid"},
		{"garbage", "a.b.c", "the assertion is not valid"},
		{"too long", strings.Repeat("a", MaxBytes+1), "the assertion is not valid"},
		{"wrong iss", sign(t, key, jwt.SigningMethodES256, "k1", with("iss", "https://evil.example")), "iss is not the trusted issuer"},
		{"no sub", sign(t, key, jwt.SigningMethodES256, "k1", with("sub", nil)), "sub is required"},
		{"sub not string", sign(t, key, jwt.SigningMethodES256, "k1", with("sub", 5)), "sub must be a string"},
		{"long sub", sign(t, key, jwt.SigningMethodES256, "k1", with("sub", strings.Repeat("s", MaxIDBytes+1))), "sub is too long"},
		{"wrong aud", sign(t, key, jwt.SigningMethodES256, "k1", with("aud", "https://other.example")), "aud must be"},
		{"no aud", sign(t, key, jwt.SigningMethodES256, "k1", with("aud", nil)), "aud must be"},
		{"no exp", sign(t, key, jwt.SigningMethodES256, "k1", with("exp", nil)), "exp is required"},
		{"expired", sign(t, key, jwt.SigningMethodES256, "k1", with("exp", now.Add(-2*Skew).Unix())), "expired"},
		{"too long lived", sign(t, key, jwt.SigningMethodES256, "k1", with("exp", now.Add(2*MaxLifetime).Unix())), "in the future"},
		{"nbf future", sign(t, key, jwt.SigningMethodES256, "k1", with("nbf", now.Add(2*Skew).Unix())), "not valid yet"},
		{"iat future", sign(t, key, jwt.SigningMethodES256, "k1", with("iat", now.Add(2*Skew).Unix())), "issued in the future"},
		{"no jti", sign(t, key, jwt.SigningMethodES256, "k1", with("jti", nil)), "jti is required"},
		{"jti not string", sign(t, key, jwt.SigningMethodES256, "k1", with("jti", 7)), "jti must be a string"},
		{"long jti", sign(t, key, jwt.SigningMethodES256, "k1", with("jti", strings.Repeat("j", MaxIDBytes+1))), "jti is too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, e := Verify(tc.assertion, chk)
			if e == nil || e.Code != oauth.ErrInvalidGrant || !strings.Contains(e.Description, tc.want) {
				t.Fatalf("Verify = %v, want invalid_grant %q", e, tc.want)
			}
		})
	}

	// Skew: just expired and slightly early are accepted.
	if _, e := Verify(sign(t, key, jwt.SigningMethodES256, "k1", with("exp", now.Add(-Skew/2).Unix())), chk); e != nil {
		t.Errorf("within skew: %v", e)
	}
}

// TestVerifyRotation: an unknown kid asks for a fresh set once.
func TestVerifyRotation(t *testing.T) {
	oldKey, newK := newKey(t), newKey(t)
	sets := map[bool]*jwkset.Set{
		false: {Keys: []jwkset.Key{{Kid: "old", Pub: &oldKey.PublicKey}}},
		true:  {Keys: []jwkset.Key{{Kid: "new", Pub: &newK.PublicKey}}},
	}
	var refreshes int
	chk := Check{Issuer: iss, Audiences: []string{aud}, Now: now, Keys: func(refresh bool) (*jwkset.Set, error) {
		if refresh {
			refreshes++
		}
		return sets[refresh], nil
	}}
	if _, e := Verify(sign(t, newK, jwt.SigningMethodES256, "new", good()), chk); e != nil || refreshes != 1 {
		t.Fatalf("Verify = %v, refreshes %d", e, refreshes)
	}
	chk.Keys = func(bool) (*jwkset.Set, error) { return nil, errors.New("down") }
	if _, e := Verify(sign(t, newK, jwt.SigningMethodES256, "new", good()), chk); e == nil || e.Description != "the assertion is not valid" {
		t.Fatalf("keys unavailable: %v", e)
	}
}

func TestPeek(t *testing.T) {
	key := newKey(t)
	if got, err := Peek(sign(t, key, jwt.SigningMethodES256, "", good())); err != nil || got != iss {
		t.Fatalf("Peek = %q, %v", got, err)
	}
	for _, a := range []string{"", "a.b", "a.!.c", "a.bnVsbA.c", "a.e30.c", "a.eyJpc3MiOjF9.c",
		sign(t, key, jwt.SigningMethodES256, "", with("iss", strings.Repeat("i", MaxIDBytes+1)))} {
		if _, err := Peek(a); err == nil {
			t.Errorf("Peek(%q) accepted", a)
		}
	}
}

func FuzzPeek(f *testing.F) {
	for _, s := range []string{"", "a.b", "a.!.c", "a.bnVsbA.c", "a.e30.c", "a.eyJpc3MiOjF9.c", "a.eyJpc3MiOiJ4In0.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, a string) {
		iss, err := Peek(a)
		if err == nil && (iss == "" || len(iss) > MaxIDBytes) {
			t.Fatalf("Peek(%q) = %q", a, iss)
		}
		_, e := Verify(a, Check{Issuer: iss, Audiences: []string{aud}, Now: now,
			Keys: func(bool) (*jwkset.Set, error) { return &jwkset.Set{}, nil }})
		if e == nil || e.Code != oauth.ErrInvalidGrant {
			t.Fatalf("Verify(%q) = %v", a, e)
		}
	})
}
