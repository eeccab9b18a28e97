package runtime

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// ksEnv is a server signing with keys kept in its store; with a peer, it
// shares the peer's store and clock, as a second instance does.
func ksEnv(t *testing.T, peer *htEnv, rotation, prePublish time.Duration) *htEnv {
	t.Helper()
	env := htNewEnvConfig(t, func(c *Config, _ *Flows) {
		c.Keys, c.KeyRotation, c.KeyPrePublish = nil, rotation, prePublish
		if peer != nil {
			c.Store, c.Clock = peer.store, peer.clock
		}
	}, htPolicyOf(oauth.GrantClientCredentials, func(p *TokenPolicy) { p.AccessFormat = FormatJWT }))
	if peer != nil {
		env.store, env.clock = peer.store, peer.clock
	}
	return env
}

// ksJWKS returns the kids of the server's JWK Set document.
func ksJWKS(t *testing.T, env *htEnv) []string {
	t.Helper()
	w := httptest.NewRecorder()
	env.srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/oauth2/jwks", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("jwks: %d %s", w.Code, w.Body)
	}
	var doc struct{ Keys []struct{ Kid, Alg string } }
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range doc.Keys {
		kids = append(kids, k.Kid)
	}
	slices.Sort(kids)
	return kids
}

// ksToken gets a client_credentials JWT from env and returns its kid.
func ksToken(t *testing.T, env *htEnv) (token, kid string) {
	t.Helper()
	body := htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials", "scope", "read"), basic: htBasic("conf", htConfSecret)}))
	hdr, err := base64.RawURLEncoding.DecodeString(strings.SplitN(body.AccessToken, ".", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	var h struct{ Kid string }
	_ = json.Unmarshal(hdr, &h)
	return body.AccessToken, h.Kid
}

// TestStoredKeysShared: two instances on one store publish one JWK Set
// and sign with one key; each verifies the other's tokens.
func TestStoredKeysShared(t *testing.T) {
	a := ksEnv(t, nil, 0, 0)
	b := ksEnv(t, a, 0, 0)
	if ja, jb := ksJWKS(t, a), ksJWKS(t, b); len(ja) != 1 || !slices.Equal(ja, jb) {
		t.Fatalf("JWKS differ: %v and %v", ja, jb)
	}
	tok, kidA := ksToken(t, a)
	if _, kidB := ksToken(t, b); kidA != kidB {
		t.Errorf("instances sign with %s and %s", kidA, kidB)
	}
	if !b.active(t, tok) {
		t.Error("an instance does not accept the other's token")
	}
}

// TestStoredKeysRotation: on schedule, the successor is in the JWK Set
// PrePublish before it signs, on every instance (each rereads the ring
// within keyReloadEvery); the predecessor stays until the tokens it
// signed have expired, which stay valid meanwhile.
func TestStoredKeysRotation(t *testing.T) {
	const rotation, prePublish = 48 * time.Hour, time.Hour
	a := ksEnv(t, nil, rotation, prePublish)
	b := ksEnv(t, a, rotation, prePublish)
	clk := a.clock
	_, first := ksToken(t, a)
	ksJWKS(t, b) // b has read the ring

	// The rotation falls due; each instance notices at its next reread.
	clk.Advance(rotation - prePublish)
	jwksA := ksJWKS(t, a)
	if len(jwksA) != 2 || !slices.Contains(jwksA, first) {
		t.Fatalf("JWKS after the due time: %v", jwksA)
	}
	if got := ksJWKS(t, b); !slices.Equal(got, jwksA) {
		t.Fatalf("b's JWKS %v, a's %v", got, jwksA)
	}
	clk.Advance(prePublish - time.Minute)
	lastOld, kid := ksToken(t, b)
	if kid != first {
		t.Error("the successor signs before its time")
	}
	clk.Advance(time.Minute)
	_, next := ksToken(t, a)
	if _, kidB := ksToken(t, b); next == first || kidB != next {
		t.Errorf("after the switch a signs with %s, b with %s; before it, %s", next, kidB, first)
	}
	// The old key's last tokens stay valid until they expire; the key
	// leaves the JWK Set after the retention.
	if !a.active(t, lastOld) || !b.active(t, lastOld) {
		t.Error("a token of the retired key is refused before it expires")
	}
	retention := a.srv.keys.(*storedKeys).policy.Retention
	if retention < htPolicy().AccessTTL+keyClockSkew {
		t.Errorf("retention %v is shorter than the tokens' lifetime and the skew", retention)
	}
	clk.Advance(retention - time.Second)
	if !slices.Contains(ksJWKS(t, a), first) {
		t.Error("the retired key left the JWK Set before its tokens expired")
	}
	clk.Advance(2 * time.Second)
	if got := ksJWKS(t, a); slices.Contains(got, first) || len(got) != 1 {
		t.Errorf("the retired key is still published: %v", got)
	}
}

// TestRotateKeysOnDemand: RotateKeys pre-publishes a successor at once on
// the instance that asked, and on the others at their next reread.
func TestRotateKeysOnDemand(t *testing.T) {
	a := ksEnv(t, nil, -1, 0)
	b := ksEnv(t, a, -1, 0)
	before := ksJWKS(t, b)
	if err := a.srv.RotateKeys(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := ksJWKS(t, a); len(got) != 2 {
		t.Fatalf("after RotateKeys a publishes %v", got)
	}
	if got := ksJWKS(t, b); !slices.Equal(got, before) {
		t.Errorf("b reread the ring before keyReloadEvery: %v", got)
	}
	a.clock.Advance(keyReloadEvery)
	if got := ksJWKS(t, b); len(got) != 2 {
		t.Errorf("b does not learn the successor within keyReloadEvery: %v", got)
	}
	static := htNewEnv(t)
	if err := static.srv.RotateKeys(t.Context()); err == nil {
		t.Error("RotateKeys with Config.Keys succeeded")
	}
}

// TestKeyConfigRefused: key durations that would break verifiers, or that
// do not apply, are refused.
func TestKeyConfigRefused(t *testing.T) {
	for name, tt := range map[string]struct {
		keys             bool
		rotation, prePub time.Duration
		want             string
	}{
		"short pre-publication": {false, 0, time.Minute, "KeyPrePublish"},
		"rotation too fast":     {false, time.Hour, time.Hour, "KeyRotation"},
		"durations with Keys":   {true, time.Hour, 0, "not to Keys"},
	} {
		s := htSettings()
		cfg := Config{Clients: htClients(t), KeyRotation: tt.rotation, KeyPrePublish: tt.prePub}
		if tt.keys {
			cfg.Keys = htKeys(t)
		}
		if _, err := NewServer(cfg, s, Flows{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", name, err, tt.want)
		}
	}
}

// ksOutageStore is a MemoryStore whose state reads fail while down is
// set, as a database that went away does; the end-to-end tests stop a
// real one.
type ksOutageStore struct {
	*MemoryStore
	down atomic.Bool
}

func (s *ksOutageStore) State(ctx context.Context, ns string, key []byte, now time.Time) ([]byte, bool, error) {
	if s.down.Load() {
		return nil, false, errors.New("connection refused")
	}
	return s.MemoryStore.State(ctx, ns, key, now)
}

// TestStoredKeysOutage: without a ring, a store that fails is a 503 at
// the JWK Set and server_error at the token endpoint, logged; with one,
// the instance keeps publishing (and verifying with) it until the store
// is back, and then rereads it.
func TestStoredKeysOutage(t *testing.T) {
	st := &ksOutageStore{MemoryStore: NewMemoryStore()}
	st.down.Store(true)
	env := htNewEnvConfig(t, func(c *Config, _ *Flows) { c.Keys, c.Store = nil, st },
		htPolicyOf(oauth.GrantClientCredentials, func(p *TokenPolicy) { p.AccessFormat = FormatJWT }))
	w := httptest.NewRecorder()
	env.srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/oauth2/jwks", nil))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Cache-Control") != "no-store" ||
		!strings.Contains(w.Body.String(), `"temporarily_unavailable"`) {
		t.Errorf("JWKS with the store down: %d %q %s", w.Code, w.Header().Get("Cache-Control"), w.Body)
	}
	htWantError(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials", "scope", "read"), basic: htBasic("conf", htConfSecret)}),
		http.StatusInternalServerError, oauth.ErrServerError)
	if !strings.Contains(env.logs.String(), "connection refused") {
		t.Error("the cause is not logged")
	}

	st.down.Store(false)
	_, kid := ksToken(t, env)
	st.down.Store(true)
	env.clock.Advance(keyReloadEvery)
	if got := ksJWKS(t, env); len(got) != 1 || got[0] != kid {
		t.Errorf("JWKS during the outage: %v", got)
	}
	st.down.Store(false)
	if err := env.srv.RotateKeys(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := ksJWKS(t, env); len(got) != 2 {
		t.Errorf("JWKS after the outage and a rotation: %v", got)
	}
}
