package pkce

import (
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// verifier is a valid PKCE verifier: 48 unreserved characters (RFC 7636 §4.1).
const verifier = "0123456789abcdefghijklmnopqrstuvwxyz-._~ABCDEFGH"

// TestVerifier: verifier syntax and the constant-time S256 check
// (RFC 7636 §4.1, §4.6).
func TestVerifier(t *testing.T) {
	for _, tc := range []struct {
		v  string
		ok bool
	}{
		{strings.Repeat("a", 43), true},
		{strings.Repeat("Z", 128), true},
		{"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~", true},
		{strings.Repeat("a", 42), false},
		{strings.Repeat("a", 129), false},
		{strings.Repeat("a", 42) + "+", false},
		{strings.Repeat("a", 42) + "/", false},
		{strings.Repeat("a", 42) + "=", false},
		{strings.Repeat("a", 42) + "é", false},
	} {
		if got := ValidVerifier(tc.v); got != tc.ok {
			t.Errorf("ValidVerifier(%q) = %v", tc.v, got)
		}
	}
	ch := oauth.S256Challenge(verifier)
	if !Verify(ch, "S256", verifier) {
		t.Error("matching verifier refused")
	}
	if Verify(ch, "plain", verifier) || Verify(ch, "S256", verifier[:len(verifier)-1]+"Z") || Verify(verifier, "S256", verifier) {
		t.Error("wrong method, verifier or challenge accepted")
	}
}

// TestCheckChallenge covers every refusal of an authorization request's
// challenge (RFC 7636 §4.3, §4.4.1; RFC 9700 §2.1.1).
func TestCheckChallenge(t *testing.T) {
	good := oauth.S256Challenge(verifier)
	for _, tc := range []struct {
		name              string
		required          bool
		challenge, method string
		want              string // "" for accepted
	}{
		{"optional and absent", false, "", "", ""},
		{"required and present", true, good, "S256", ""},
		{"required and absent", true, "", "", "code_challenge required"},
		{"method without challenge", false, "", "S256", "code_challenge_method without code_challenge"},
		{"plain by omission", false, good, "", "code_challenge_method must be S256"},
		{"plain", false, good, "plain", "code_challenge_method must be S256"},
		{"short", false, good[:42], "S256", "malformed code_challenge"},
		{"bad character", false, good[:42] + "=", "S256", "malformed code_challenge"},
	} {
		e := CheckChallenge(tc.required, tc.challenge, tc.method)
		switch {
		case tc.want == "" && e != nil:
			t.Errorf("%s: refused: %v", tc.name, e)
		case tc.want != "" && (e == nil || e.Code != oauth.ErrInvalidRequest || e.Description != tc.want):
			t.Errorf("%s: got %v, want invalid_request %q", tc.name, e, tc.want)
		}
	}
}
