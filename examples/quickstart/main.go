// Command quickstart is oauthgen's example authorization server. It serves
// the flows its oauthgen.yaml enables (client_credentials,
// authorization_code, refresh_token) on 127.0.0.1:8080, with the demo
// clients of clients.yaml, which it prints at start.
//
//	make demo                      # from the repository root
//	go run ./examples/quickstart   # the same, without regenerating
//
// Everything it needs is embedded except its state, which it keeps in an
// SQLite file under ./data (printed at start): stop and start it again and
// browser sessions, remembered consents, refresh tokens, revocations and
// the signing keys are still there. -store (or $OAUTHGEN_STORE) names
// another store: memory, sqlite:PATH or a postgres:// URL, which two or
// more instances can share.
//
// It is observed (docs/observability.md): Prometheus metrics on a listener
// of their own, 127.0.0.1:9464/metrics by default (-metrics or
// $OAUTHGEN_METRICS names another address; empty turns it off), audit
// events in its log, and with -trace every request's spans on stderr.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/oauthgen/oauthgen/examples/quickstart/oauth"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/clientfile"
	"github.com/oauthgen/oauthgen/runtime/stores"
)

//go:embed clients.yaml
var clientsFile []byte

// The demo clients' secrets. clients.yaml holds only their SHA-256 hashes,
// as a real clients file would; the plaintext is here so the demo can print
// it. Never ship secrets in source.
const (
	demoServiceSecret = "demo-service-secret-Jx4qv7Kc2Lw9Tn3Rb8Yd5Hm1Zp6Fg0Ss"
	demoAppSecret     = "demo-app-secret-Qe7Wr2Ty9Ui4Op1As6Df3Gh8Jk5Lz0Xc"
	demoAPISecret     = "demo-api-secret-Vb6Nm3Qw8Er1Ty5Ui9Op2As7Df4Gh0Jk"
)

// The demo users: username, password, and the claims userinfo and ID
// tokens carry. Passwords are hashed with bcrypt at start, as a user store
// keeps them.
var demoUsers = []struct {
	username, password string
	user               runtime.User
}{
	{"alice", "alice-password", runtime.User{Subject: "user-alice", Claims: runtime.UserClaims{
		Name: "Alice Example", GivenName: "Alice", FamilyName: "Example", PreferredUsername: "alice",
		Email: "alice@example.com", EmailVerified: ptr(true), Locale: "en",
	}}},
	{"bob", "bob-password", runtime.User{Subject: "user-bob", Claims: runtime.UserClaims{
		Name: "Bob Example", GivenName: "Bob", FamilyName: "Example", PreferredUsername: "bob",
		Email: "bob@example.com", EmailVerified: ptr(false),
	}}},
}

func ptr[T any](v T) *T { return &v }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run parses flags, builds the server and serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	issuer := fs.String("issuer", "", "issuer to serve as (default: the spec's, http://127.0.0.1:8080)")
	location := fs.String("store", defaultStore(), "where state is kept: memory, sqlite:PATH or postgres://… (default $"+stores.EnvVar+", else "+demoStore+")")
	metricsAddr := fs.String("metrics", defaultMetricsAddr(), "address of the Prometheus /metrics listener, empty for none (default $"+metricsEnvVar+", else "+demoMetricsAddr+")")
	traceSpans := fs.Bool("trace", false, "write every request's OpenTelemetry spans to stderr")
	var opts serverOptions
	fs.Var((*proxyList)(&opts.trusted), "trusted-proxy", "a `CIDR` of reverse proxies whose X-Forwarded-For is believed (repeatable)")
	fs.DurationVar(&opts.keyRotation, "key-rotation", 0, "how long a signing key signs before its successor (default 720h; negative: only by `oauthgen keys rotate`)")
	fs.DurationVar(&opts.keyPrePublish, "key-prepublish", 0, "how long a new signing key is published before it signs (default 1h)")
	fs.Func("access-token-format", "`jwt` or opaque access tokens for every flow (default: the spec's, jwt)", func(v string) error {
		switch f := runtime.AccessTokenFormat(v); f {
		case runtime.FormatJWT, runtime.FormatOpaque:
			opts.accessFormat = f
			return nil
		}
		return fmt.Errorf("%q is neither jwt nor opaque", v)
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	st, err := stores.Open(ctx, *location)
	if err != nil {
		return err
	}
	defer st.Close()
	opts.issuer, opts.store, opts.log, opts.audit = *issuer, st, log, log
	if *traceSpans {
		tp, err := stderrTracer(stderr)
		if err != nil {
			return err
		}
		defer func() { _ = tp.Shutdown(context.Background()) }()
		opts.tracer = tp
	}
	var (
		servers   []*http.Server
		listeners []net.Listener
	)
	defer func() {
		for _, l := range listeners {
			_ = l.Close() // any not served yet; Shutdown has closed the others
		}
	}()
	if *metricsAddr != "" {
		reg := newMetricsRegistry()
		opts.metrics = reg
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return fmt.Errorf("metrics listener (-metrics '' turns it off): %w", err)
		}
		listeners = append(listeners, mln)
		servers = append(servers, newMetricsServer(*metricsAddr, reg, log))
	}
	srv, err := newServer(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	listeners = append(listeners, ln)
	hs := runtime.NewHTTPServer(*addr, newHandler(srv, srv.Settings().Issuer, log))
	hs.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	servers = append(servers, hs)

	printWelcome(stdout, srv.Settings().Issuer, describeStore(*location))
	if *metricsAddr != "" {
		fmt.Fprintf(stdout, "metrics on http://%s/metrics\n", listeners[0].Addr())
	}
	fmt.Fprintf(stdout, "listening on %s\n", ln.Addr())
	return serve(ctx, servers, listeners)
}

// serve serves each server on its listener until ctx is done, then shuts
// them all down; one that fails stops them all, and its error is returned.
func serve(ctx context.Context, servers []*http.Server, listeners []net.Listener) error {
	errc := make(chan error, len(servers))
	for i, hs := range servers {
		go func() { errc <- hs.Serve(listeners[i]) }()
	}
	var err error
	running := len(servers)
	select {
	case err = <-errc:
		running--
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, hs := range servers {
		if e := hs.Shutdown(shutdownCtx); e != nil && err == nil {
			err = e
		}
	}
	for ; running > 0; running-- {
		if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
			err = e
		}
	}
	return err
}

// serverOptions are what newServer takes from the flags (and tests).
type serverOptions struct {
	issuer                     string // empty keeps the spec's
	store                      runtime.Store
	trusted                    []netip.Prefix
	metrics                    prometheus.Registerer // nil: no metrics
	tracer                     trace.TracerProvider  // nil: no spans
	audit                      *slog.Logger          // nil: no audit events
	keyRotation, keyPrePublish time.Duration
	clock                      runtime.Clock // nil: the system's
	log                        *slog.Logger
	// users is the user store; nil means the demo users, hashed anew.
	// Tests that start many servers share one, since hashing is slow.
	users *runtime.MemoryUsers
	// keys are fixed signing keys; nil keeps them in the store. Tests
	// use them to sign tokens as the server would.
	keys *runtime.KeySet
	// accessFormat, when set, replaces the spec's access-token format in
	// every flow.
	accessFormat runtime.AccessTokenFormat
	// clients are registered besides those of clients.yaml: tests add
	// relying parties with receivers of their own.
	clients []*runtime.Client
	// httpClient makes the server's own requests (back-channel logout);
	// nil is http.DefaultTransport's.
	httpClient *http.Client
}

// newServer wires the generated server to the embedded clients, the demo
// users and the store.
func newServer(o serverOptions) (*runtime.Server, error) {
	clients, err := clientfile.Parse("clients.yaml", clientsFile)
	if err != nil {
		return nil, err
	}
	if len(o.clients) > 0 {
		all := slices.Clone(o.clients)
		for _, id := range clients.IDs() {
			c, _ := clients.Client(context.Background(), id)
			all = append(all, c)
		}
		if clients, err = runtime.NewMemoryClients(all...); err != nil {
			return nil, err
		}
	}
	users := o.users
	if users == nil {
		if users, err = newDemoUsers(); err != nil {
			return nil, err
		}
	}
	flows := oauth.Flows(&oauth.Procedures{DefaultTenant: "public"})
	if o.accessFormat != "" {
		for i := range flows.Token {
			flows.Token[i].Policy.AccessFormat = o.accessFormat
		}
	}
	return runtime.NewServer(runtime.Config{
		Clients:        clients,
		Users:          users,
		Store:          o.store,
		TrustedProxies: o.trusted,
		Metrics:        o.metrics,
		TracerProvider: o.tracer,
		AuditLog:       o.audit,
		KeyRotation:    o.keyRotation,
		KeyPrePublish:  o.keyPrePublish,
		Keys:           o.keys,
		Clock:          o.clock,
		Logger:         o.log,
		Issuer:         o.issuer,
		HTTPClient:     o.httpClient,
	}, oauth.Settings(), flows)
}

// The metrics listener's address: the flag, else $OAUTHGEN_METRICS, else
// 9464 on loopback (the port OpenTelemetry's Prometheus exporter uses).
const (
	metricsEnvVar   = "OAUTHGEN_METRICS"
	demoMetricsAddr = "127.0.0.1:9464"
)

func defaultMetricsAddr() string {
	if v, ok := os.LookupEnv(metricsEnvVar); ok {
		return v
	}
	return demoMetricsAddr
}

// newMetricsRegistry is the registry the server's metrics go to, with the
// Go runtime's and the process's beside them. It is the quickstart's own:
// nothing is registered globally.
func newMetricsRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// newMetricsServer serves reg at /metrics on addr: an operator's listener,
// apart from the one clients reach, so the metrics need no exposure to
// the internet.
func newMetricsServer(addr string, reg *prometheus.Registry, log *slog.Logger) *http.Server {
	errLog := slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg, ErrorLog: errLog}))
	hs := runtime.NewHTTPServer(addr, mux)
	hs.ErrorLog = errLog
	return hs
}

// stderrTracer is a tracer provider that writes every span, as JSON, to w
// as it ends: a trace to look at without a collector. A deployment passes
// its OTLP exporter's provider instead.
func stderrTracer(w io.Writer) (*sdktrace.TracerProvider, error) {
	exp, err := stdouttrace.New(stdouttrace.WithWriter(w))
	if err != nil {
		return nil, fmt.Errorf("trace exporter: %w", err)
	}
	return sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp)), nil
}

// newDemoUsers is the user store of the demo users.
func newDemoUsers() (*runtime.MemoryUsers, error) {
	users := make([]runtime.User, 0, len(demoUsers))
	for _, d := range demoUsers {
		u := d.user
		u.Username = d.username
		hash, err := runtime.HashPassword(runtime.Secret(d.password))
		if err != nil {
			return nil, err
		}
		u.PasswordHash = hash
		users = append(users, u)
	}
	return runtime.NewMemoryUsers(users...)
}

// newHandler serves the authorization server, with the example client at
// /demo/ beside it.
func newHandler(srv *runtime.Server, issuer string, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/demo/", newDemoClient(issuer, log))
	mux.Handle("/", srv)
	return mux
}

func printWelcome(w io.Writer, issuer, store string) {
	fmt.Fprintf(w, `oauthgen quickstart serving %[1]s
  state     %[5]s
  metadata  %[1]s/.well-known/oauth-authorization-server
  jwks      %[1]s/oauth2/jwks
  token     %[1]s/oauth2/token
  introspect %[1]s/oauth2/introspect   revoke %[1]s/oauth2/revoke
  device    %[1]s/oauth2/device   (people enter the code at %[1]s/oauth2/device/verify)

sign in from a browser:  %[1]s/demo/login   (users alice / alice-password, bob / bob-password)

demo clients (from clients.yaml):
  demo-service  secret %[2]s  (client_secret_basic; client_credentials; scopes read write)
  demo-app      secret %[3]s  (client_secret_post; authorization_code, refresh_token)
  demo-spa      public client (none; authorization_code with PKCE, refresh_token)
  demo-api      secret %[4]s  (client_secret_basic; a resource server: introspection only)
  demo-tv       public client (none; the device authorization grant, refresh_token)

try:
  curl -s -u demo-service:%[2]s -d grant_type=client_credentials -d scope=read -d tenant=acme %[1]s/oauth2/token
  curl -s -u demo-api:%[4]s -d token=ACCESS_TOKEN %[1]s/oauth2/introspect
  curl -s -d client_id=demo-tv %[1]s/oauth2/device
`, issuer, demoServiceSecret, demoAppSecret, demoAPISecret, store)
}
