package clientauth

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

const bcryptPass = "correct horse"

var (
	start      = time.Date(2032, 1, 2, 3, 4, 5, 0, time.UTC)
	bcryptHash = func() string {
		h, err := bcrypt.GenerateFromPassword([]byte(bcryptPass), bcrypt.MinCost)
		if err != nil {
			panic(err)
		}
		return string(h)
	}()
)

func TestHash(t *testing.T) {
	h := Hash("s1")
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(h, "sha256:"))
	if err != nil || len(raw) != 32 || !strings.HasPrefix(h, "sha256:") {
		t.Fatalf("hash %q", h)
	}
	if err := CheckHash(h); err != nil {
		t.Fatal(err)
	}
	v := NewVerifier()
	if !v.Verify("c", h, "s1", start) || v.Verify("c", h, "s2", start) || v.Verify("c", h, "", start) {
		t.Fatal("sha256 verification is wrong")
	}
}

func TestCheckSecretHash(t *testing.T) {
	for _, tc := range []struct {
		h  string
		ok bool
	}{
		{Hash("x"), true},
		{bcryptHash, true},
		{"sha256:abc", false},
		{"sha256:" + strings.Repeat("A", 43) + "=", false},
		{"$2b$04$short", false},
		{"plain-secret", false},
		{"", false},
	} {
		if err := CheckHash(tc.h); (err == nil) != tc.ok {
			t.Errorf("CheckHash(%q) = %v", tc.h, err)
		}
	}
	v := NewVerifier()
	if v.Verify("c", "plain-secret", "plain-secret", start) || v.Verify("c", "sha256:abc", "x", start) {
		t.Fatal("unverifiable hash accepted")
	}
}

// TestBcryptCache: successful bcrypt checks are cached for a short time,
// keyed so that no secret is kept and a changed hash or secret misses.
func TestBcryptCache(t *testing.T) {
	v := NewVerifier()
	if v.Verify("c", bcryptHash, "wrong", start) {
		t.Fatal("wrong password accepted")
	}
	if len(v.ok) != 0 {
		t.Fatal("a failure was cached")
	}
	if !v.Verify("c", bcryptHash, bcryptPass, start) || len(v.ok) != 1 {
		t.Fatalf("success not cached: %d", len(v.ok))
	}
	for k := range v.ok {
		if strings.Contains(string(k[:]), bcryptPass) {
			t.Fatal("cache key holds the secret")
		}
	}
	// A cache hit: still true, no new entry.
	if !v.Verify("c", bcryptHash, bcryptPass, start.Add(time.Minute)) || len(v.ok) != 1 {
		t.Fatal("cache miss on a repeat")
	}
	// Another client id, or a changed hash, does not hit the entry.
	other, _ := bcrypt.GenerateFromPassword([]byte("other"), bcrypt.MinCost)
	if v.Verify("c", string(other), bcryptPass, start) {
		t.Fatal("a cached success leaked to another hash")
	}
	if !v.Verify("d", bcryptHash, bcryptPass, start) || len(v.ok) != 2 {
		t.Fatal("client id is not part of the key")
	}
	// Expired entries are replaced after the TTL; the size stays bounded.
	v.maxSize = 2
	if !v.Verify("e", bcryptHash, bcryptPass, start.Add(10*time.Minute)) || len(v.ok) > 2 {
		t.Fatalf("cache grew past its bound: %d", len(v.ok))
	}
	for range 5 {
		v.Verify("f", bcryptHash, bcryptPass, start)
	}
	if len(v.ok) > 2 {
		t.Fatalf("cache grew past its bound: %d", len(v.ok))
	}
}
