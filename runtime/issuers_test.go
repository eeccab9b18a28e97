package runtime

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/testclock"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// tkNow is the fixed start instant of the token-material tests.
var tkNow = time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)

const tkIssuer = "https://as.example"

// tkKeys caches one generated key per algorithm: RSA generation is slow.
var tkKeys = struct {
	sync.Mutex
	m map[string]*SigningKey
}{m: map[string]*SigningKey{}}

func tkKey(t testing.TB, alg string) *SigningKey {
	t.Helper()
	tkKeys.Lock()
	defer tkKeys.Unlock()
	if k := tkKeys.m[alg]; k != nil {
		return k
	}
	k, err := GenerateSigningKey(alg)
	if err != nil {
		t.Fatalf("GenerateSigningKey(%s): %v", alg, err)
	}
	tkKeys.m[alg] = k
	return k
}

// tkClients is a ClientRegistry over a map.
type tkClients map[string]*Client

func (c tkClients) Client(_ context.Context, id string) (*Client, error) { return c[id], nil }

// tkServer builds a Server with a MemoryStore, a key set of alg, a fake
// clock and a discarding logger.
func tkServer(t testing.TB, alg string) (*Server, *testclock.Clock, *MemoryStore) {
	t.Helper()
	ks, err := NewKeySet(tkKey(t, alg))
	if err != nil {
		t.Fatalf("NewKeySet: %v", err)
	}
	clk := testclock.New(tkNow)
	store := NewMemoryStore()
	s := &Server{
		settings:  Settings{Issuer: tkIssuer, SigningAlg: alg},
		store:     store,
		keys:      staticKeys{ks},
		clock:     clk,
		log:       slog.New(slog.DiscardHandler),
		codeGrant: oauth.GrantAuthorizationCode,
		clients: tkClients{
			"client-a": {ID: "client-a", AuthMethod: oauth.AuthClientSecretBasic},
		},
	}
	return s, clk, store
}

// tkContext builds the TokenContext of a request by client-a.
func tkContext(s *Server, clk *testclock.Clock, p TokenPolicy) *TokenContext {
	t := &TokenContext{
		server: s,
		Now:    clk.Now(),
		Issuer: tkIssuer,
		Client: &Client{ID: "client-a"},
		Policy: p,
	}
	t.Issuers = newIssuers(t)
	return t
}

// tkPolicy is a typical token policy.
func tkPolicy(f AccessTokenFormat) TokenPolicy {
	return TokenPolicy{
		AccessFormat:   f,
		AccessTTL:      10 * time.Minute,
		IssueRefresh:   true,
		RotateRefresh:  true,
		RefreshTTL:     720 * time.Hour,
		RefreshIdleTTL: 72 * time.Hour,
	}
}

// tkGrant issues a grant for client-a.
func tkGrant(t testing.TB, tc *TokenContext) Grant {
	t.Helper()
	g, err := tc.Issuers.Grant(context.Background(), GrantData{
		Subject:  "alice",
		Scope:    oauth.ScopeSet{"read", "write"},
		Audience: []string{"https://api.example"},
		Authentication: Authentication{
			Subject: "alice", AuthTime: tkNow.Add(-time.Minute), ACR: "urn:acr:pwd", AMR: []string{"pwd"},
		},
	})
	if err != nil {
		t.Fatalf("Grants.Issue: %v", err)
	}
	return g
}

// tkClaims returns default-like access token claims.
func tkClaims() *AccessTokenClaims {
	return &AccessTokenClaims{
		Subject:  "alice",
		Audience: Audience{"https://api.example"},
		Scope:    oauth.ScopeSet{"read", "write"},
	}
}

// tkWantServerError fails unless err is a server_error *oauth.Error with no
// description (nothing internal reaches the client).
func tkWantServerError(t *testing.T, err error) {
	t.Helper()
	var e *oauth.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *oauth.Error", err, err)
	}
	if e.Code != oauth.ErrServerError || e.Description != "" || e.Unwrap() == nil {
		t.Errorf("error = code %q description %q cause %v, want server_error with a cause and no description", e.Code, e.Description, e.Unwrap())
	}
}

// tkDump prints every record of the store, the map keys included: a
// stand-in for a database dump.
func tkDump(m *MemoryStore) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	for k, v := range m.grants {
		fmt.Fprintf(&b, "%q %+v %s\n", k, v, m.slab.Get(v.ref))
	}
	for k, v := range m.codes {
		fmt.Fprintf(&b, "%q %+v %s\n", k, v, m.slab.Get(v.ref))
	}
	for k, v := range m.refresh {
		fmt.Fprintf(&b, "%q %+v %s\n", k, v, m.slab.Get(v.ref))
	}
	for k, v := range m.access {
		fmt.Fprintf(&b, "%q %+v %s\n", k, v, m.slab.Get(v.ref))
	}
	return b.String()
}

// tkSHA256 returns the SHA-256 of s.
func tkSHA256(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

func TestNewIssuersBindsContext(t *testing.T) {
	s, clk, _ := tkServer(t, oauth.AlgES256)
	tc := tkContext(s, clk, tkPolicy(FormatOpaque))
	if tc.Issuers.t != tc {
		t.Fatal("newIssuers did not bind every issuer to the context")
	}
	if n := testing.AllocsPerRun(100, func() { _ = newIssuers(tc) }); n != 0 {
		t.Errorf("newIssuers allocates %v times, want 0", n)
	}
}

// tkKeysOf is the key set s signs with now.
func tkKeysOf(t testing.TB, s *Server) *KeySet {
	t.Helper()
	ks, err := s.keys.keySet(context.Background(), s.clock.Now())
	if err != nil {
		t.Fatalf("key set: %v", err)
	}
	return ks
}
