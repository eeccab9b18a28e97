package runtime

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestNewClientSecret(t *testing.T) {
	s1, h1 := NewClientSecret()
	s2, _ := NewClientSecret()
	raw, err := base64.RawURLEncoding.DecodeString(s1.Reveal())
	if err != nil || len(raw) != 32 {
		t.Fatalf("secret is not 256 bits of base64url: %v", err)
	}
	if s1 == s2 {
		t.Fatal("two secrets are equal")
	}
	if h1 != HashClientSecret(s1) || !strings.HasPrefix(h1, "sha256:") || strings.Contains(h1, s1.Reveal()) {
		t.Fatalf("hash %q", h1)
	}
	if err := checkSecretHash(h1); err != nil {
		t.Fatal(err)
	}
	v := newSecretVerifier()
	if !v.verify("c", h1, s1, htStart) || v.verify("c", h1, s2, htStart) || v.verify("c", h1, "", htStart) {
		t.Fatal("sha256 verification is wrong")
	}
}

func TestCheckSecretHash(t *testing.T) {
	for _, tc := range []struct {
		h  string
		ok bool
	}{
		{HashClientSecret("x"), true},
		{htBcryptHash, true},
		{"sha256:abc", false},
		{"sha256:" + strings.Repeat("A", 43) + "=", false},
		{"$2b$04$short", false},
		{"plain-secret", false},
		{"", false},
	} {
		if err := checkSecretHash(tc.h); (err == nil) != tc.ok {
			t.Errorf("checkSecretHash(%q) = %v", tc.h, err)
		}
	}
	v := newSecretVerifier()
	if v.verify("c", "plain-secret", "plain-secret", htStart) || v.verify("c", "sha256:abc", "x", htStart) {
		t.Fatal("unverifiable hash accepted")
	}
}

// TestBcryptCache: successful bcrypt checks are cached for a short time,
// keyed so that no secret is kept and a changed hash or secret misses.
func TestBcryptCache(t *testing.T) {
	v := newSecretVerifier()
	if v.verify("c", htBcryptHash, "wrong", htStart) {
		t.Fatal("wrong password accepted")
	}
	if len(v.ok) != 0 {
		t.Fatal("a failure was cached")
	}
	if !v.verify("c", htBcryptHash, htBcryptPass, htStart) || len(v.ok) != 1 {
		t.Fatalf("success not cached: %d", len(v.ok))
	}
	for k := range v.ok {
		if strings.Contains(string(k[:]), htBcryptPass) {
			t.Fatal("cache key holds the secret")
		}
	}
	// A cache hit: still true, no new entry.
	if !v.verify("c", htBcryptHash, htBcryptPass, htStart.Add(time.Minute)) || len(v.ok) != 1 {
		t.Fatal("cache miss on a repeat")
	}
	// Another client id, or a changed hash, does not hit the entry.
	other, _ := bcrypt.GenerateFromPassword([]byte("other"), bcrypt.MinCost)
	if v.verify("c", string(other), htBcryptPass, htStart) {
		t.Fatal("a cached success leaked to another hash")
	}
	if !v.verify("d", htBcryptHash, htBcryptPass, htStart) || len(v.ok) != 2 {
		t.Fatal("client id is not part of the key")
	}
	// Expired entries are replaced after the TTL; the size stays bounded.
	v.maxSize = 2
	if !v.verify("e", htBcryptHash, htBcryptPass, htStart.Add(10*time.Minute)) || len(v.ok) > 2 {
		t.Fatalf("cache grew past its bound: %d", len(v.ok))
	}
	for range 5 {
		v.verify("f", htBcryptHash, htBcryptPass, htStart)
	}
	if len(v.ok) > 2 {
		t.Fatalf("cache grew past its bound: %d", len(v.ok))
	}
}
