package runtime

import (
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// htDiscardWriter is a minimal ResponseWriter, so benchmarks measure the
// endpoint rather than httptest.ResponseRecorder.
type htDiscardWriter struct {
	h    http.Header
	code int
}

func (w *htDiscardWriter) Header() http.Header         { return w.h }
func (w *htDiscardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *htDiscardWriter) WriteHeader(code int)        { w.code = code }

func benchmarkClientCredentials(b *testing.B, format AccessTokenFormat) {
	env := htNewEnv(b, htPolicyOf(oauth.GrantClientCredentials, func(p *TokenPolicy) { p.AccessFormat = format }))
	env.srv.log, env.srv.obs = slog.New(slog.DiscardHandler), nil // nothing logged or observed
	benchTokenRequests(b, env, htConfSecret, http.StatusOK)
}

// benchTokenRequests sends client_credentials requests of the client conf
// with secret, each answered with status, for as long as b runs.
func benchTokenRequests(b *testing.B, env *htEnv, secret string, status int) {
	body := "grant_type=client_credentials&scope=read"
	auth := htBasicHeader("conf", secret)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(body))
		r.Header["Content-Type"] = []string{"application/x-www-form-urlencoded"}
		r.Header["Authorization"] = []string{auth}
		w := &htDiscardWriter{h: http.Header{}}
		env.srv.ServeHTTP(w, r)
		if w.code != status {
			b.Fatalf("status %d", w.code)
		}
	}
}

// BenchmarkTokenClientCredentialsJWT measures a client_credentials request
// issuing an ES256 JWT access token, end to end through ServeHTTP.
func BenchmarkTokenClientCredentialsJWT(b *testing.B) { benchmarkClientCredentials(b, FormatJWT) }

// BenchmarkTokenClientCredentialsOpaque is the same with an opaque token.
func BenchmarkTokenClientCredentialsOpaque(b *testing.B) {
	benchmarkClientCredentials(b, FormatOpaque)
}

// BenchmarkTokenErrorInvalidClient measures the failure path.
func BenchmarkTokenErrorInvalidClient(b *testing.B) {
	env := htNewEnv(b)
	env.srv.log, env.srv.obs = slog.New(slog.DiscardHandler), nil // nothing logged or observed
	// A throttle that counts but never blocks: every iteration is a 401, not
	// the 429 of a blocked pair.
	never := throttle.Policy{Free: math.MaxInt64, Window: time.Minute}
	env.srv.throttle = throttle.NewGuard(env.srv.store, "client", throttle.Limits{Pair: never, Source: never, Name: never, AttackAllowance: math.MaxInt64})
	benchTokenRequests(b, env, "wrong", http.StatusUnauthorized)
}
