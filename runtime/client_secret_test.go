package runtime

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/internal/clientauth"
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
	if err := clientauth.CheckHash(h1); err != nil {
		t.Fatal(err)
	}
	v := clientauth.NewVerifier()
	if !v.Verify("c", h1, s1.Reveal(), htStart) || v.Verify("c", h1, s2.Reveal(), htStart) || v.Verify("c", h1, "", htStart) {
		t.Fatal("sha256 verification is wrong")
	}
}
