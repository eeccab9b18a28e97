package generated

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/oauthgen/oauthgen/runtime"
)

// The benchmarks measure one client_credentials token request through the
// generated handler, with JWT (ES256) and opaque access tokens, against
// floorHandler, a hand-written net/http handler doing the same essential
// work. Goal: within 1.2x of the floor in ns/op and allocs/op.
//
//	go test -run '^$' -bench . -benchmem ./generated/

const benchSecret = "bench-secret-0123456789abcdefghijklmnopqrstuv"

// benchServer is the generated server with one confidential client; opaque
// switches the client_credentials flow to opaque access tokens through
// Flows, as a deployment would.
func benchServer(b *testing.B, format runtime.AccessTokenFormat) http.Handler {
	b.Helper()
	c := &runtime.Client{
		ID: "bench", AuthMethod: oauth.AuthClientSecretBasic,
		GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials},
		Scopes:     oauth.ScopeSet{"read", "write"}, Audiences: []string{"https://api.example.com"},
	}
	c.SetSecretHash(runtime.HashClientSecret(benchSecret))
	clients, err := runtime.NewMemoryClients(c)
	if err != nil {
		b.Fatal(err)
	}
	flows := Flows(&Procedures{})
	for i := range flows.Token {
		flows.Token[i].Policy.AccessFormat = format
	}
	srv, err := runtime.NewServer(runtime.Config{Clients: clients, Users: noUsers{}}, Settings(), flows)
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// benchRequest is the same request for every handler.
func benchRequest() *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader("grant_type=client_credentials&scope=read"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetBasicAuth("bench", benchSecret)
	return r
}

func runBench(b *testing.B, h http.Handler) {
	b.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, benchRequest())
	if w.Code != http.StatusOK {
		b.Fatalf("status %d: %s", w.Code, w.Body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, benchRequest())
	}
}

func BenchmarkClientCredentialsJWT(b *testing.B) {
	runBench(b, benchServer(b, runtime.FormatJWT))
}

func BenchmarkFloorJWT(b *testing.B) {
	runBench(b, newFloorHandler("bench", benchSecret, false))
}

func BenchmarkClientCredentialsOpaque(b *testing.B) {
	runBench(b, benchServer(b, runtime.FormatOpaque))
}

func BenchmarkFloorOpaque(b *testing.B) {
	runBench(b, newFloorHandler("bench", benchSecret, true))
}
