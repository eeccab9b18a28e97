package observe

import (
	"context"
	"net/http"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
	"github.com/oauthgen/oauthgen/runtime/oauth"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// RequestIDHeader is the response header that carries the request id.
const RequestIDHeader = "X-Request-Id"

// The attributes of the runtime's spans, besides the HTTP ones.
const (
	AttrRequestID = attribute.Key("oauthgen.request_id")
	AttrEndpoint  = attribute.Key("oauthgen.endpoint")
	AttrFlow      = attribute.Key("oauthgen.flow")
	AttrOutcome   = attribute.Key("oauthgen.outcome")
	// AttrClientAuthMethod is the method the client authenticated with.
	AttrClientAuthMethod = attribute.Key("oauthgen.client_auth_method")
)

// The outcomes of a request that failed without an OAuth error code: the
// router's answers, and the error pages of the authorization endpoint.
const (
	OutcomeSuccess          = "success"
	OutcomeNotFound         = "not_found"
	OutcomeMethodNotAllowed = "method_not_allowed"
	OutcomeInvalidRequest   = "invalid_request"
	OutcomeServerError      = "server_error"
	OutcomeUnavailable      = "temporarily_unavailable"
)

// Request is one observed request: its id, its labels, its span. It lives
// in the request's context (FromContext) from Begin to End.
type Request struct {
	o *Observer
	// ID is the request id: 128 random bits, base64url. An incoming
	// X-Request-Id is never believed: a client could otherwise pick the id
	// its requests are audited under.
	ID string

	endpoint, flow, outcome string
	w                       *statusWriter
	start                   time.Time
	span                    trace.Span
}

type requestKey struct{}

// FromContext is the observed request of ctx; nil when there is none.
func FromContext(ctx context.Context) *Request {
	q, _ := ctx.Value(requestKey{}).(*Request)
	return q
}

// Begin starts observing a request for the route (empty for an unknown
// path) of the endpoint, served by flow when the endpoint has one flow:
// it draws the request id and sets it on the response, starts the request
// span (a child of a span already in the request's context, such as a
// tracing middleware's) and returns the writer and request to serve with,
// whose context carries the Request. End finishes it.
func (o *Observer) Begin(w http.ResponseWriter, r *http.Request, endpoint, route, flow string) (http.ResponseWriter, *http.Request, *Request) {
	q := &Request{o: o, ID: randtok.NewID(), endpoint: endpoint, flow: flow, start: time.Now()}
	if q.flow == "" {
		q.flow = NoFlow
	}
	w.Header()[RequestIDHeader] = []string{q.ID}
	ctx := r.Context()
	if o.tracer != nil {
		name := r.Method
		if !knownMethod(r.Method) {
			name = "HTTP"
		}
		attrs := []attribute.KeyValue{methodAttr(r.Method), AttrRequestID.String(q.ID), AttrEndpoint.String(endpoint)}
		if route != "" {
			name += " " + route
			attrs = append(attrs, semconv.HTTPRoute(route))
		}
		ctx, q.span = o.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
	}
	if o.tracer != nil || o.m != nil {
		q.w = &statusWriter{ResponseWriter: w}
		w = q.w
	}
	return w, r.WithContext(context.WithValue(ctx, requestKey{}, q)), q
}

// End counts the request and ends its span.
func (q *Request) End() {
	outcome := q.outcome
	status := 0
	if q.w != nil {
		status = q.w.status
		if status == 0 {
			status = http.StatusOK // net/http's, for a handler that wrote nothing
		}
	}
	if outcome == "" {
		outcome = OutcomeSuccess
		switch {
		case status == http.StatusNotFound:
			outcome = OutcomeNotFound
		case status == http.StatusMethodNotAllowed:
			outcome = OutcomeMethodNotAllowed
		case status == http.StatusServiceUnavailable:
			outcome = OutcomeUnavailable
		case status >= 500:
			outcome = OutcomeServerError
		case status >= 400:
			outcome = OutcomeInvalidRequest
		}
	}
	if m := q.o.m; m != nil {
		m.requests.WithLabelValues(q.endpoint, q.flow, outcome).Inc()
		m.duration.WithLabelValues(q.endpoint, q.flow).Observe(time.Since(q.start).Seconds())
	}
	if q.span != nil {
		q.span.SetAttributes(AttrFlow.String(q.flow), AttrOutcome.String(outcome), semconv.HTTPResponseStatusCode(status))
		if status >= 500 {
			q.span.SetStatus(codes.Error, outcome) // RFC-level 4xx are the client's, not the server's, errors
		}
		q.span.End()
	}
}

// SetFlow records the flow serving the request, once the endpoint knows it
// (the token endpoint, from grant_type): a registered flow's id, so the
// label's values are bounded.
func (q *Request) SetFlow(flow string) {
	if q != nil && flow != "" {
		q.flow = flow
	}
}

// Fail records the outcome of a failed request: the OAuth error code
// answered, or one of the Outcome constants.
func (q *Request) Fail(code string) {
	if q != nil && code != "" {
		q.outcome = code
	}
}

// TokenIssued counts a token of the type (TokenAccess…) delivered by the
// request's flow.
func (q *Request) TokenIssued(typ string) {
	if q == nil || q.o.m == nil {
		return
	}
	q.o.m.tokensIssued.WithLabelValues(typ, q.flow).Inc()
}

// TokenRevoked counts a revocation of the type (TokenGrant, TokenAccess)
// for the reason (RevokedBy…).
func (q *Request) TokenRevoked(typ, reason string) {
	if q == nil || q.o.m == nil {
		return
	}
	q.o.m.tokensRevoked.WithLabelValues(typ, reason).Inc()
}

// Throttled counts a decision of the throttle (ThrottleClientAuth,
// ThrottleLogin): blocked, or allowed to try.
func (q *Request) Throttled(throttle string, blocked bool) {
	if q == nil || q.o.m == nil {
		return
	}
	decision := "allow"
	if blocked {
		decision = "block"
	}
	q.o.m.throttle.WithLabelValues(throttle, decision).Inc()
}

// Span is a child span of the request; its zero value, when nothing is
// traced, does nothing.
type Span struct{ s trace.Span }

// StartSpan starts the child span name of the span in ctx, when the
// request of ctx is traced, and returns the context to run it in.
func StartSpan(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, Span) {
	q := FromContext(ctx)
	if q == nil || q.o.tracer == nil {
		return ctx, Span{}
	}
	ctx, s := q.o.tracer.Start(ctx, name, trace.WithAttributes(attrs...))
	return ctx, Span{s}
}

// SetAttributes sets attributes on the span.
func (s Span) SetAttributes(attrs ...attribute.KeyValue) {
	if s.s != nil {
		s.s.SetAttributes(attrs...)
	}
}

// End ends the span; err, when not nil, is what it failed with: its OAuth
// error code (server_error for another error) is the span's outcome and
// status description. The error's text is not recorded: it may describe
// the client's input.
func (s Span) End(err error) {
	if s.s == nil {
		return
	}
	if err != nil {
		code := string(oauth.AsError(err).Code)
		s.s.SetAttributes(AttrOutcome.String(code))
		s.s.SetStatus(codes.Error, code)
	}
	s.s.End()
}

// statusWriter remembers the status of the response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader implements http.ResponseWriter.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap is the writer it wraps, for http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// knownMethod reports whether m is one of the methods of RFC 9110 §9 (and
// PATCH): the only ones a span name or attribute carries, so a client
// cannot make up names.
func knownMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

func methodAttr(m string) attribute.KeyValue {
	if !knownMethod(m) {
		return semconv.HTTPRequestMethodOther
	}
	return semconv.HTTPRequestMethodKey.String(m)
}
