package runtime

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// BenchmarkTokenClientCredentialsObserved is
// BenchmarkTokenClientCredentialsJWT with everything observed: metrics in
// a registry, spans through a batching processor to an exporter that drops
// them, audit events and logs as JSON to nowhere. The difference is what
// observability costs a token request.
func BenchmarkTokenClientCredentialsObserved(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	env := htNewEnvConfig(b, func(cfg *Config, _ *Flows) {
		cfg.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
		cfg.AuditLog = slog.New(slog.NewJSONHandler(io.Discard, nil))
		cfg.Metrics = prometheus.NewRegistry()
		cfg.TracerProvider = tp
	}, htPolicyOf(oauth.GrantClientCredentials, func(p *TokenPolicy) { p.AccessFormat = FormatJWT }))
	benchTokenRequests(b, env, htConfSecret, http.StatusOK)
}
