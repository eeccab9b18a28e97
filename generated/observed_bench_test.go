package generated

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// BenchmarkClientCredentialsJWTObserved is BenchmarkClientCredentialsJWT
// with everything observed (docs/observability.md): metrics in a
// registry, spans batched to an exporter that drops them, logs and audit
// events as JSON to nowhere.
func BenchmarkClientCredentialsJWTObserved(b *testing.B) {
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
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	srv, err := runtime.NewServer(runtime.Config{
		Clients:        clients,
		Users:          noUsers{},
		Logger:         slog.New(slog.NewJSONHandler(io.Discard, nil)),
		AuditLog:       slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Metrics:        prometheus.NewRegistry(),
		TracerProvider: tp,
	}, Settings(), Flows(&Procedures{}))
	if err != nil {
		b.Fatal(err)
	}
	runBench(b, srv)
}
