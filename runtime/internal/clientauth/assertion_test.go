package clientauth

import (
	"bytes"
	"encoding/base64"
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

// FuzzVerifyAssertionSecret: whatever a client_secret_jwt client is sent,
// VerifyAssertion never panics, and accepts only an assertion whose header
// names an HMAC algorithm the secret is long enough for and whose MAC the
// secret makes (never none, never an asymmetric algorithm).
func FuzzVerifyAssertionSecret(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	secret := []byte(strings.Repeat("s", 43))
	claims := jwt.MapClaims{"iss": "c", "sub": "c", "aud": "https://as.example", "exp": now.Add(time.Minute).Unix(), "jti": "j"}
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		s, err := jwt.NewWithClaims(jwt.GetSigningMethod(alg), claims).SignedString(secret)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
	}
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	f.Add(none)
	f.Add(jwtOf(`{"iss":"c","sub":"c"}`))
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, a string) {
		_, e := VerifyAssertion(a, AssertionCheck{ClientID: "c", Audiences: []string{"https://as.example"}, Now: now, Secret: secret})
		if e != nil {
			return
		}
		tok, _, err := jwt.NewParser().ParseUnverified(a, jwt.MapClaims{})
		if err != nil || !slices.Contains(SecretAlgsFor(len(secret)), tok.Method.Alg()) {
			t.Fatalf("accepted %q (alg %v, %v)", a, tok, err)
		}
		parts := strings.Split(a, ".")
		sig, err := tok.Method.Sign(parts[0]+"."+parts[1], secret)
		got, _ := base64.RawURLEncoding.DecodeString(parts[2])
		if err != nil || !bytes.Equal(sig, got) {
			t.Fatalf("accepted %q without the secret's MAC", a)
		}
	})
}
