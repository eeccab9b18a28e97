// Package observe is the runtime's observability: Prometheus metrics,
// OpenTelemetry spans and slog audit events, tied together by a request id
// that every response returns in X-Request-Id. docs/observability.md lists
// the metrics, spans and events.
//
// A server that observes nothing has no Observer (nil), and every method of
// a nil *Observer, a nil *Request or a zero Span does nothing, so the
// default path costs a nil check. Nothing here is global: the metrics go
// to the registerer the adopter passes, the spans to their tracer provider.
package observe

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
)

// Options are what the server observes with; a nil member is off.
type Options struct {
	// Registerer receives the metrics.
	Registerer prometheus.Registerer
	// TracerProvider makes the tracer of the request and store spans.
	TracerProvider trace.TracerProvider
	// Audit receives the audit events.
	Audit *slog.Logger
	// Logging is whether the server logs: its log lines then carry the
	// request id, so requests get one even with everything else off.
	Logging bool
	// Now is the server's clock, by which the pending interactions age.
	Now func() time.Time
	// InteractionTTL is how long a sign-in interaction lives in the store.
	InteractionTTL time.Duration
}

// Observer observes one server (or several sharing a registerer).
type Observer struct {
	m      *metrics     // nil: no metrics
	tracer trace.Tracer // nil: no spans
	audit  *slog.Logger // nil: no audit events
	now    func() time.Time
}

// TracerName is the instrumentation scope of the runtime's spans.
const TracerName = "github.com/oauthgen/oauthgen/runtime"

// New is the Observer of o, nil when o turns nothing on. It registers the
// metrics with o.Registerer; metrics another server already registered
// there are shared, so two servers may use one registry. Another
// collector under one of the names is an error.
func New(o Options) (*Observer, error) {
	if o.Registerer == nil && o.TracerProvider == nil && o.Audit == nil && !o.Logging {
		return nil, nil
	}
	obs := &Observer{audit: o.Audit, now: o.Now}
	if obs.now == nil {
		obs.now = time.Now
	}
	if o.Registerer != nil {
		m, err := newMetrics(o.Registerer, obs.now, o.InteractionTTL)
		if err != nil {
			return nil, err
		}
		obs.m = m
	}
	if o.TracerProvider != nil {
		obs.tracer = o.TracerProvider.Tracer(TracerName)
	}
	return obs, nil
}

// StoreObserved reports whether store calls are measured or traced, so
// that the server wraps its store only then.
func (o *Observer) StoreObserved() bool { return o != nil && (o.m != nil || o.tracer != nil) }

// The label values of requests outside any endpoint or flow.
const (
	// NoEndpoint is the endpoint label of a request for an unknown path.
	NoEndpoint = "unknown"
	// NoFlow is the flow label of a request no flow serves (yet).
	NoFlow = "none"
)

// metrics are the server's Prometheus collectors.
type metrics struct {
	requests        *prometheus.CounterVec
	duration        *prometheus.HistogramVec
	tokensIssued    *prometheus.CounterVec
	tokensRevoked   *prometheus.CounterVec
	throttle        *prometheus.CounterVec
	storeDuration   *prometheus.HistogramVec
	storeErrors     *prometheus.CounterVec
	interactStarted prometheus.Counter
	interactEnded   prometheus.Counter
	pending         *pendingCollector
}

// The metric names, documented in docs/observability.md.
const (
	MetricRequests            = "oauthgen_http_requests_total"
	MetricRequestDuration     = "oauthgen_http_request_duration_seconds"
	MetricTokensIssued        = "oauthgen_tokens_issued_total"
	MetricTokensRevoked       = "oauthgen_tokens_revoked_total"
	MetricThrottleDecisions   = "oauthgen_throttle_decisions_total"
	MetricStoreDuration       = "oauthgen_store_operation_duration_seconds"
	MetricStoreErrors         = "oauthgen_store_errors_total"
	MetricInteractionsStarted = "oauthgen_interactions_started_total"
	MetricInteractionsEnded   = "oauthgen_interactions_ended_total"
	MetricPendingInteractions = "oauthgen_pending_interactions"
)

func newMetrics(r prometheus.Registerer, now func() time.Time, interactionTTL time.Duration) (*metrics, error) {
	m := &metrics{}
	var errs []error
	m.requests = register(r, &errs, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricRequests,
		Help: "HTTP requests served, by endpoint, flow and outcome: success, or the OAuth error code answered.",
	}, []string{"endpoint", "flow", "outcome"}))
	m.duration = register(r, &errs, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    MetricRequestDuration,
		Help:    "Time to serve an HTTP request, by endpoint and flow.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"endpoint", "flow"}))
	m.tokensIssued = register(r, &errs, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricTokensIssued,
		Help: "Tokens delivered to clients, by type (access_token, refresh_token, id_token, authorization_code) and flow.",
	}, []string{"type", "flow"}))
	m.tokensRevoked = register(r, &errs, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricTokensRevoked,
		Help: "Revocations, by what was revoked (grant, access_token) and why (revocation_request, refresh_token_reuse, code_replay).",
	}, []string{"type", "reason"}))
	m.throttle = register(r, &errs, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricThrottleDecisions,
		Help: "Decisions of the brute-force throttles, by throttle (client_auth, login) and decision (allow, block).",
	}, []string{"throttle", "decision"}))
	m.storeDuration = register(r, &errs, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    MetricStoreDuration,
		Help:    "Time of a store call, by operation.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
	}, []string{"operation"}))
	m.storeErrors = register(r, &errs, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricStoreErrors,
		Help: "Store calls that failed, by operation.",
	}, []string{"operation"}))
	m.interactStarted = register(r, &errs, prometheus.NewCounter(prometheus.CounterOpts{
		Name: MetricInteractionsStarted,
		Help: "Sign-in interactions started: an authorization request that shows the end user a login or consent page.",
	}))
	m.interactEnded = register(r, &errs, prometheus.NewCounter(prometheus.CounterOpts{
		Name: MetricInteractionsEnded,
		Help: "Sign-in interactions ended: answered to the client, with a code or an error.",
	}))
	m.pending = register(r, &errs, newPendingCollector(now, interactionTTL))
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("observe: register metrics: %w", err)
	}
	return m, nil
}

// register registers c, or returns the collector of the same kind already
// registered under its name; another failure is appended to errs.
func register[C prometheus.Collector](r prometheus.Registerer, errs *[]error, c C) C {
	err := r.Register(c)
	if err == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing
		}
	}
	*errs = append(*errs, err)
	return c
}

// The token types of MetricTokensIssued and MetricTokensRevoked.
const (
	TokenAccess  = "access_token"
	TokenRefresh = "refresh_token"
	TokenID      = "id_token"
	TokenCode    = "authorization_code"
	TokenGrant   = "grant"
)

// The reasons of MetricTokensRevoked.
const (
	RevokedByRequest      = "revocation_request"
	RevokedByRefreshReuse = "refresh_token_reuse"
	RevokedByCodeReplay   = "code_replay"
)

// The throttles and decisions of MetricThrottleDecisions.
const (
	ThrottleClientAuth = "client_auth"
	ThrottleLogin      = "login"
)

// InteractionStarted counts a sign-in interaction that starts.
func (o *Observer) InteractionStarted() {
	if o == nil || o.m == nil {
		return
	}
	o.m.interactStarted.Inc()
	o.m.pending.add(o.now(), 1)
}

// InteractionEnded counts a sign-in interaction that ends.
func (o *Observer) InteractionEnded() {
	if o == nil || o.m == nil {
		return
	}
	o.m.interactEnded.Inc()
	o.m.pending.add(o.now(), -1)
}
