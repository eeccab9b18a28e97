package jwkset

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var b64u = base64.RawURLEncoding

func ecJWK(t testing.TB, kid string) map[string]any {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := k.PublicKey.Bytes()
	return map[string]any{"kty": "EC", "crv": "P-256", "kid": kid, "x": b64u.EncodeToString(raw[1:33]), "y": b64u.EncodeToString(raw[33:])}
}

func edJWK(t testing.TB, kid string) map[string]any {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": b64u.EncodeToString(pub)}
}

var (
	rsaOnce sync.Once
	rsaKey2 *rsa.PrivateKey
)

func rsaJWK(t testing.TB, kid string) map[string]any {
	t.Helper()
	rsaOnce.Do(func() { rsaKey2, _ = rsa.GenerateKey(rand.Reader, 2048) })
	return map[string]any{"kty": "RSA", "kid": kid, "n": b64u.EncodeToString(rsaKey2.N.Bytes()),
		"e": b64u.EncodeToString(big.NewInt(int64(rsaKey2.E)).Bytes())}
}

func set(t testing.TB, keys ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func with(k map[string]any, kv ...any) map[string]any {
	c := map[string]any{}
	for n, v := range k {
		c[n] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(c, kv[i].(string))
		} else {
			c[kv[i].(string)] = kv[i+1]
		}
	}
	return c
}

// TestParse: the keys kept, skipped and refused, and the sets refused.
func TestParse(t *testing.T) {
	ec, ed, rs := ecJWK(t, "ec"), edJWK(t, "ed"), rsaJWK(t, "rs")
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	for _, tc := range []struct {
		name string
		doc  []byte
		keys int
		err  string
	}{
		{"three", set(t, ec, ed, rs), 3, ""},
		{"enc key skipped", set(t, ec, with(rs, "use", "enc")), 1, ""},
		{"key_ops without verify skipped", set(t, ec, with(rs, "key_ops", []string{"encrypt"})), 1, ""},
		{"P-384 skipped", set(t, ec, with(ec, "crv", "P-384")), 1, ""},
		{"X25519 skipped", set(t, ec, with(ed, "crv", "X25519")), 1, ""},
		{"HS256 alg skipped", set(t, ec, with(rs, "alg", "RS512")), 1, ""},
		{"alg kept", set(t, with(rs, "alg", "PS256")), 1, ""},

		{"only skipped keys", set(t, with(rs, "use", "enc")), 0, "no key that verifies"},
		{"empty", []byte(`{"keys":[]}`), 0, "no key that verifies"},
		{"null keys", []byte(`{"keys":null}`), 0, `no "keys"`},
		{"no keys member", []byte(`{}`), 0, `no "keys"`},
		{"not JSON", []byte(`{`), 0, "JWK Set"},
		{"trailing data", append(set(t, ec), '{'), 0, "after the JSON"},
		{"private EC", set(t, with(ec, "d", "AAAA")), 0, "private key"},
		{"private RSA", set(t, with(rs, "p", "AAAA")), 0, "private key"},
		{"symmetric", set(t, map[string]any{"kty": "oct", "k": "c2VjcmV0"}), 0, "symmetric"},
		{"k member", set(t, with(ec, "k", "c2VjcmV0")), 0, "symmetric"},
		{"bad x", set(t, with(ec, "x", "!!")), 0, "x"},
		{"short x", set(t, with(ec, "x", "AAAA")), 0, "32 bytes"},
		{"off the curve", set(t, with(ec, "y", b64u.EncodeToString(make([]byte, 32)))), 0, "not on P-256"},
		{"short Ed25519", set(t, with(ed, "x", "AAAA")), 0, "Ed25519"},
		{"small RSA", set(t, with(rs, "n", b64u.EncodeToString(small.N.Bytes()))), 0, "1024 bits"},
		{"even e", set(t, with(rs, "e", "Ag")), 0, "odd"},
		{"huge e", set(t, with(rs, "e", "AQAAAAAB")), 0, "too large"},
		{"RSA key named ES256", set(t, with(rs, "alg", "ES256")), 0, "cannot be used with alg ES256"},
		{"too many", set(t, func() []map[string]any {
			var ks []map[string]any
			for i := range MaxKeys + 1 {
				ks = append(ks, with(ec, "kid", fmt.Sprint(i)))
			}
			return ks
		}()...), 0, "more than"},
		{"too large", []byte(`{"keys":[],"x":"` + strings.Repeat("a", MaxBytes) + `"}`), 0, "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.doc)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Keys) != tc.keys {
				t.Errorf("%d keys, want %d", len(s.Keys), tc.keys)
			}
		})
	}
}

// TestFind: the key of a kid for an algorithm; without a kid, the one key
// that fits; ErrUnknownKey when none could.
func TestFind(t *testing.T) {
	s, err := Parse(set(t, ecJWK(t, "ec"), edJWK(t, "ed"), rsaJWK(t, "rs"), with(rsaJWK(t, "rs"), "kid", "ps", "alg", "PS256")))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kid, alg string
		ok       bool
		unknown  bool
	}{
		{"ec", "ES256", true, false},
		{"ed", "EdDSA", true, false},
		{"rs", "RS256", true, false},
		{"rs", "PS256", true, false},
		{"ps", "PS256", true, false},
		{"ps", "RS256", false, false}, // the JWK names PS256
		{"ec", "EdDSA", false, false},
		{"ec", "HS256", false, false},
		{"nope", "ES256", false, true},
		{"", "ES256", true, false},
		{"", "EdDSA", true, false},
		{"", "PS256", false, false}, // two RSA keys fit: ambiguous
		{"", "none", false, true},
	} {
		_, err := s.Find(tc.kid, tc.alg)
		if (err == nil) != tc.ok || errors.Is(err, ErrUnknownKey) != tc.unknown {
			t.Errorf("Find(%q, %q) = %v; want ok %v, unknown %v", tc.kid, tc.alg, err, tc.ok, tc.unknown)
		}
	}
}

// jwksServer serves a JWK Set over TLS and counts the fetches.
type jwksServer struct {
	*httptest.Server
	mu      sync.Mutex
	doc     []byte
	status  int
	fetches atomic.Int64
}

func newJWKSServer(t *testing.T, doc []byte) *jwksServer {
	s := &jwksServer{doc: doc, status: http.StatusOK}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "http://"+r.Host+"/", http.StatusFound)
			return
		}
		w.WriteHeader(s.status)
		_, _ = w.Write(s.doc)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) serve(status int, doc []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.doc = status, doc
}

// TestRemote: a set is fetched once and kept for TTL; a refresh is
// honoured once per MinRefetch; a failed fetch keeps the old set until
// MaxStale, with the error; a host without a set is asked once per
// MinRefetch; documents too large, redirects to http and http URLs are
// refused.
func TestRemote(t *testing.T) {
	first := set(t, ecJWK(t, "a"))
	srv := newJWKSServer(t, first)
	r := NewRemote(srv.Client())
	ctx := t.Context()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	get := func(refresh bool) (*Set, error) {
		t.Helper()
		return r.Get(ctx, srv.URL, now, refresh)
	}
	want := func(n int64) {
		t.Helper()
		if got := srv.fetches.Load(); got != n {
			t.Fatalf("%d fetches, want %d", got, n)
		}
	}
	s1, err := get(false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := get(false); err != nil {
		t.Fatal(err)
	}
	if _, err := get(true); err != nil { // refresh right after a fetch: not yet
		t.Fatal(err)
	}
	want(1)
	now = now.Add(MinRefetch)
	srv.serve(http.StatusOK, set(t, ecJWK(t, "a"), ecJWK(t, "b")))
	s2, err := get(true)
	if err != nil || s2 == s1 || len(s2.Keys) != 2 {
		t.Fatalf("refresh: %v, %d keys", err, len(s2.Keys))
	}
	want(2)
	now = now.Add(TTL)
	srv.serve(http.StatusInternalServerError, nil)
	s3, err := get(false)
	if s3 != s2 || err == nil || !strings.Contains(err.Error(), "status 500") {
		t.Fatalf("stale: %v, %v", s3, err)
	}
	want(3)
	if s, err := get(false); s != s2 || err != nil { // asked once a minute
		t.Fatalf("stale within a minute: %v, %v", s, err)
	}
	want(3)
	now = now.Add(MaxStale)
	if s, err := get(false); s != nil || err == nil {
		t.Fatalf("past MaxStale: %v, %v", s, err)
	}
	if s, err := get(false); s != nil || err == nil {
		t.Fatalf("past MaxStale, again: %v, %v", s, err)
	}
	want(4) // the failing host was not asked again

	now = now.Add(MinRefetch)
	srv.serve(http.StatusOK, []byte(`{"keys":[],"pad":"`+strings.Repeat("x", MaxBytes)+`"}`))
	if _, err := get(false); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a document too large: %v", err)
	}
	if _, err := r.Get(ctx, srv.URL+"/redirect", now, false); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("a redirect to http: %v", err)
	}
	if _, err := r.Get(ctx, strings.Replace(srv.URL, "https:", "http:", 1), now, false); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("an http URL: %v", err)
	}
}

// TestRemoteBounded: the cache keeps at most MaxEntries URLs.
func TestRemoteBounded(t *testing.T) {
	r := NewRemote(nil)
	now := time.Now()
	for i := range MaxEntries + 10 {
		r.entry(fmt.Sprintf("https://h%d.example/", i), now.Add(time.Duration(i)))
	}
	if len(r.entries) != MaxEntries {
		t.Errorf("%d entries", len(r.entries))
	}
	if _, ok := r.entries["https://h0.example/"]; ok {
		t.Error("the oldest entry was kept")
	}
}

// FuzzParse: any document either fails or gives keys each of which fits
// one of Algs.
func FuzzParse(f *testing.F) {
	f.Add(set(f, ecJWK(f, "a")))
	f.Add(set(f, edJWK(f, "a"), with(ecJWK(f, "b"), "use", "enc")))
	f.Add(set(f, rsaJWK(f, "r")))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"AA"}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"","y":""}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		s, err := Parse(doc)
		if err != nil {
			return
		}
		if len(s.Keys) == 0 || len(s.Keys) > MaxKeys {
			t.Fatalf("%d keys", len(s.Keys))
		}
		for _, k := range s.Keys {
			fits := false
			for _, a := range Algs {
				fits = fits || k.fits(a)
			}
			if !fits {
				t.Fatalf("key %+v fits no algorithm", k)
			}
		}
	})
}
