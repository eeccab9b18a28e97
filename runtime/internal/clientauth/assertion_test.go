package clientauth

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestSecretAlgsFor: an HMAC algorithm needs a key at least as long as
// its hash output (RFC 7518 §3.2).
func TestSecretAlgsFor(t *testing.T) {
	for n, want := range map[int][]string{
		0: nil, 31: nil, 32: {"HS256"}, 47: {"HS256"}, 48: {"HS256", "HS384"}, 64: {"HS256", "HS384", "HS512"}, 200: SecretAlgs,
	} {
		if got := SecretAlgsFor(n); !slices.Equal(got, want) {
			t.Errorf("SecretAlgsFor(%d) = %v, want %v", n, got, want)
		}
	}
}

// TestVerifyAssertionSecret: a secret too short for every HMAC algorithm
// verifies nothing, whatever the assertion's algorithm (an empty list of
// valid methods would let the parser take any); a registered algorithm
// the secret is too short for verifies nothing either.
func TestVerifyAssertionSecret(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	sign := func(alg string, key []byte) string {
		s, err := jwt.NewWithClaims(jwt.GetSigningMethod(alg), jwt.MapClaims{
			"iss": "c", "sub": "c", "aud": "https://as.example", "exp": now.Add(time.Minute).Unix(), "jti": "j",
		}).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	long := []byte(strings.Repeat("s", 64))
	for _, tc := range []struct {
		name, alg, pinned string
		key               []byte
		ok                bool
	}{
		{"HS256", "HS256", "", long[:32], true},
		{"HS512", "HS512", "", long, true},
		{"short secret", "HS256", "", long[:31], false},
		{"HS512 with 32 octets", "HS512", "", long[:32], false},
		{"pinned HS512 with 32 octets", "HS512", "HS512", long[:32], false},
		{"pinned other", "HS384", "HS256", long, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, e := VerifyAssertion(sign(tc.alg, tc.key), AssertionCheck{
				ClientID: "c", Audiences: []string{"https://as.example"}, Alg: tc.pinned, Now: now, Secret: tc.key,
			})
			if (e == nil) != tc.ok {
				t.Fatalf("error %v, want ok %v", e, tc.ok)
			}
		})
	}
}
