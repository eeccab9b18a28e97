package runtime

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The server's observability (docs/observability.md): metrics in the
// adopter's registry, a span tree per request, audit events, and one
// request id in the response, the log lines, the events and the span.

// obNewEnv is a test server with introspection and revocation, observed
// as edit sets up its Config.
func obNewEnv(t testing.TB, edit func(cfg *Config), opts ...htOption) *htEnv {
	t.Helper()
	return itNewEnvConfig(t, func(cfg *Config, _ *Flows) {
		if edit != nil {
			edit(cfg)
		}
	}, opts...)
}

// obValue is the value of the series of the family name with the labels
// (all of them): a counter's or gauge's value, a histogram's sample count;
// 0 when there is no such series.
func obValue(t testing.TB, g prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if !obLabelsMatch(m, labels) {
				continue
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return 0
}

func obLabelsMatch(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// obRequestID checks that a response carries a well-formed request id and
// returns it.
func obRequestID(t testing.TB, w *httptest.ResponseRecorder) string {
	t.Helper()
	id := w.Header().Get("X-Request-Id")
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`).MatchString(id) {
		t.Fatalf("X-Request-Id = %q, want 128 bits in base64url (status %d)", id, w.Code)
	}
	return id
}

// obFailingStore fails to save access tokens.
type obFailingStore struct{ *MemoryStore }

func (obFailingStore) SaveAccessToken(context.Context, AccessTokenRecord) error {
	return errors.New("disk on fire")
}

// TestMetrics: requests are counted by endpoint, flow and outcome and
// timed; tokens issued and revoked, store calls and their failures are
// counted, all in the registry of Config.Metrics.
func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	env := obNewEnv(t, func(cfg *Config) { cfg.Metrics = reg })
	cc := htForm("grant_type", "client_credentials")
	const ccFlow, codeFlow, refreshFlow = "oauth-token-client-credentials", "oauth-token-authorization-code", "oauth-token-refresh"

	htWantOK(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret)}))
	htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", "wrong")}), http.StatusUnauthorized, oauth.ErrInvalidClient)
	htWantError(t, env.do(t, htRequest{body: htForm("grant_type", "urn:unknown"), basic: htBasic("conf", htConfSecret)}),
		http.StatusBadRequest, oauth.ErrUnsupportedGrantType)
	htWantError(t, env.do(t, htRequest{method: http.MethodGet}), http.StatusMethodNotAllowed, oauth.ErrInvalidRequest)
	if w := env.do(t, htRequest{method: http.MethodGet, path: "/nowhere/" + strings.Repeat("x", 20)}); w.Code != http.StatusNotFound {
		t.Fatalf("unknown path: %d", w.Code)
	}
	if w := env.do(t, htRequest{method: http.MethodGet, path: "/oauth2/jwks"}); w.Code != http.StatusOK {
		t.Fatalf("jwks: %d", w.Code)
	}
	first := env.tokens(t)                                                // a code redeemed: access and refresh tokens
	second := htWantOK(t, env.do(t, *env.refresh(t, first.RefreshToken))) // rotated
	htWantError(t, env.do(t, *env.refresh(t, first.RefreshToken)), http.StatusBadRequest, oauth.ErrInvalidGrant)
	other := env.tokens(t)
	rvWantOK(t, env.revoke(t, "conf", htConfSecret, other.RefreshToken))
	_ = second

	requests := func(endpoint, flow, outcome string) float64 {
		return obValue(t, reg, "oauthgen_http_requests_total", map[string]string{"endpoint": endpoint, "flow": flow, "outcome": outcome})
	}
	for _, c := range []struct {
		endpoint, flow, outcome string
		want                    float64
	}{
		{"oauth-token", ccFlow, "success", 1},
		{"oauth-token", ccFlow, "invalid_client", 1},
		{"oauth-token", "none", "unsupported_grant_type", 1},
		{"oauth-token", "none", "invalid_request", 1},
		{"unknown", "none", "not_found", 1},
		{"oauth-jwks", "none", "success", 1},
		{"oauth-token", codeFlow, "success", 2},
		{"oauth-token", refreshFlow, "success", 1},
		{"oauth-token", refreshFlow, "invalid_grant", 1},
		{"oauth-revoke", "oauth-revoke", "success", 1},
	} {
		if got := requests(c.endpoint, c.flow, c.outcome); got != c.want {
			t.Errorf("requests{endpoint=%s,flow=%s,outcome=%s} = %v, want %v", c.endpoint, c.flow, c.outcome, got, c.want)
		}
	}
	if n := obCount(t, reg, "oauthgen_http_requests_total"); n != 10 {
		t.Errorf("%d request series, want 10: no label takes a client's value", n)
	}
	dur := func(endpoint, flow string) float64 {
		return obValue(t, reg, "oauthgen_http_request_duration_seconds", map[string]string{"endpoint": endpoint, "flow": flow})
	}
	if got := dur("oauth-token", ccFlow); got != 2 {
		t.Errorf("duration samples of client_credentials = %v, want 2", got)
	}
	if got := dur("unknown", "none"); got != 1 {
		t.Errorf("duration samples of unknown paths = %v, want 1", got)
	}

	issued := func(typ, flow string) float64 {
		return obValue(t, reg, "oauthgen_tokens_issued_total", map[string]string{"type": typ, "flow": flow})
	}
	for _, c := range []struct {
		typ, flow string
		want      float64
	}{
		{"access_token", ccFlow, 1},
		{"access_token", codeFlow, 2},
		{"refresh_token", codeFlow, 2},
		{"access_token", refreshFlow, 1},
		{"refresh_token", refreshFlow, 1},
	} {
		if got := issued(c.typ, c.flow); got != c.want {
			t.Errorf("tokens issued{type=%s,flow=%s} = %v, want %v", c.typ, c.flow, got, c.want)
		}
	}
	revoked := func(typ, reason string) float64 {
		return obValue(t, reg, "oauthgen_tokens_revoked_total", map[string]string{"type": typ, "reason": reason})
	}
	if got := revoked("grant", "refresh_token_reuse"); got != 1 {
		t.Errorf("grants revoked for reuse = %v, want 1", got)
	}
	if got := revoked("grant", "revocation_request"); got != 1 {
		t.Errorf("grants revoked by request = %v, want 1", got)
	}

	for _, op := range []string{"ConsumeCode", "SaveGrant", "SaveRefreshToken", "RotateRefreshToken", "SaveAccessToken", "RevokeGrant"} {
		if got := obValue(t, reg, "oauthgen_store_operation_duration_seconds", map[string]string{"operation": op}); got == 0 {
			t.Errorf("no store call %s timed", op)
		}
	}
	if n := obCount(t, reg, "oauthgen_store_errors_total"); n != 0 {
		t.Errorf("%d store error series, want none", n)
	}
}

// obCount is the number of series of the family name.
func obCount(t testing.TB, g prometheus.Gatherer, name string) int {
	t.Helper()
	n, err := testutil.GatherAndCount(g, name)
	if err != nil {
		t.Fatalf("GatherAndCount: %v", err)
	}
	return n
}

// TestMetricsStoreErrors: a failing store call is counted by operation,
// and the request's outcome is server_error.
func TestMetricsStoreErrors(t *testing.T) {
	reg := prometheus.NewRegistry()
	env := obNewEnv(t, func(cfg *Config) {
		cfg.Metrics = reg
		cfg.Store = obFailingStore{NewMemoryStore()}
	})
	htWantError(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials"), basic: htBasic("conf", htConfSecret)}),
		http.StatusInternalServerError, oauth.ErrServerError)
	if got := obValue(t, reg, "oauthgen_store_errors_total", map[string]string{"operation": "SaveAccessToken"}); got != 1 {
		t.Errorf("store errors of SaveAccessToken = %v, want 1", got)
	}
	if got := obValue(t, reg, "oauthgen_http_requests_total", map[string]string{
		"endpoint": "oauth-token", "flow": "oauth-token-client-credentials", "outcome": "server_error"}); got != 1 {
		t.Errorf("server_error requests = %v, want 1", got)
	}
}

// TestMetricsSharedRegistry: two servers may count into one registry;
// another collector under a metric's name is refused.
func TestMetricsSharedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	a := obNewEnv(t, func(cfg *Config) { cfg.Metrics = reg })
	b := obNewEnv(t, func(cfg *Config) { cfg.Metrics = reg })
	for _, env := range []*htEnv{a, b} {
		htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials"), basic: htBasic("conf", htConfSecret)}))
	}
	if got := obValue(t, reg, "oauthgen_tokens_issued_total", map[string]string{"type": "access_token", "flow": "oauth-token-client-credentials"}); got != 2 {
		t.Errorf("tokens issued = %v, want 2", got)
	}

	clash := prometheus.NewRegistry()
	clash.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "oauthgen_http_requests_total", Help: "not ours"}))
	_, err := NewServer(Config{Clients: htClients(t), Keys: htKeys(t), Metrics: clash}, htSettings(), Flows{})
	if err == nil || !strings.Contains(err.Error(), "oauthgen_http_requests_total") {
		t.Errorf("NewServer with a clashing collector: %v", err)
	}
}

// TestObservabilityOff: without Logger, Metrics, TracerProvider or
// AuditLog nothing is observed: no request id, and the store is called
// directly. A Logger alone gives requests their id, in the response and
// in every log line, without wrapping the store.
func TestObservabilityOff(t *testing.T) {
	env := htNewEnvConfig(t, func(cfg *Config, _ *Flows) { cfg.Logger = nil })
	if env.srv.obs != nil {
		t.Fatal("an unobserved server has an Observer")
	}
	if _, ok := env.srv.store.(*MemoryStore); !ok {
		t.Errorf("an unobserved server's store is a %T", env.srv.store)
	}
	w := env.do(t, htRequest{body: htForm("grant_type", "client_credentials"), basic: htBasic("conf", "wrong")})
	if id := w.Header().Get("X-Request-Id"); id != "" {
		t.Errorf("unobserved response has X-Request-Id %q", id)
	}

	logged := htNewEnv(t) // the harness logs
	if _, ok := logged.srv.store.(*MemoryStore); !ok {
		t.Errorf("a server that only logs wraps its store: %T", logged.srv.store)
	}
	w = logged.do(t, htRequest{body: htForm("grant_type", "client_credentials"), basic: htBasic("conf", "wrong"),
		header: http.Header{"X-Request-Id": {"chosen-by-the-client"}}})
	id := obRequestID(t, w)
	lines := obRecords(t, logged.logs.String())
	if len(lines) == 0 {
		t.Fatal("nothing logged")
	}
	for _, rec := range lines {
		if rec["request_id"] != id {
			t.Errorf("log line %v: request_id is not the response's %q", rec, id)
		}
	}
}

// obRecords decodes JSON log lines.
func obRecords(t testing.TB, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

// TestTracing: a request is a server span named by its method and route,
// with the request id, endpoint, flow and outcome; its children are the
// client's authentication, the store calls of the redemption, and the
// procedure, under which are the store calls of the issuance.
func TestTracing(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	env := obNewEnv(t, func(cfg *Config) { cfg.TracerProvider = tp })
	code := env.confCode(t) // outside any request

	rec := tracetest.NewSpanRecorder()
	tp.RegisterSpanProcessor(rec)
	w := env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)})
	htWantOK(t, w)
	id := obRequestID(t, w)
	spans := rec.Ended()
	root := obSpan(t, spans, "POST /oauth2/token")
	if root.SpanKind() != trace.SpanKindServer || root.Parent().IsValid() {
		t.Errorf("request span: kind %v, parent %v", root.SpanKind(), root.Parent())
	}
	attrs := map[string]string{}
	for _, a := range root.Attributes() {
		attrs[string(a.Key)] = a.Value.Emit()
	}
	for k, v := range map[string]string{
		"oauthgen.request_id": id, "oauthgen.endpoint": "oauth-token", "oauthgen.flow": "oauth-token-authorization-code",
		"oauthgen.outcome": "success", "http.request.method": "POST", "http.route": "/oauth2/token", "http.response.status_code": "200",
	} {
		if attrs[k] != v {
			t.Errorf("request span %s = %q, want %q", k, attrs[k], v)
		}
	}
	auth := obSpan(t, spans, "client_authentication")
	proc := obSpan(t, spans, "procedure")
	consume := obSpan(t, spans, "store.ConsumeCode")
	saveGrant := obSpan(t, spans, "store.SaveGrant")
	for _, c := range []struct {
		child, parent sdktrace.ReadOnlySpan
	}{{auth, root}, {proc, root}, {consume, root}, {saveGrant, proc}} {
		if c.child.Parent().SpanID() != c.parent.SpanContext().SpanID() {
			t.Errorf("span %s: parent is not %s", c.child.Name(), c.parent.Name())
		}
	}
	for _, s := range spans {
		if s.SpanContext().TraceID() != root.SpanContext().TraceID() {
			t.Errorf("span %s is in another trace", s.Name())
		}
		if strings.HasPrefix(s.Name(), "store.") && s.Parent().SpanID() != root.SpanContext().SpanID() &&
			s.Parent().SpanID() != proc.SpanContext().SpanID() && s.Parent().SpanID() != auth.SpanContext().SpanID() {
			t.Errorf("store span %s outside the request's steps", s.Name())
		}
	}

	// A failed authentication: the span says why; no procedure runs.
	rec2 := tracetest.NewSpanRecorder()
	tp.RegisterSpanProcessor(rec2)
	htWantError(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials"), basic: htBasic("conf", "wrong")}),
		http.StatusUnauthorized, oauth.ErrInvalidClient)
	spans = rec2.Ended()
	auth = obSpan(t, spans, "client_authentication")
	if auth.Status().Description != "invalid_client" {
		t.Errorf("failed authentication span status %+v", auth.Status())
	}
	for _, s := range spans {
		if s.Name() == "procedure" {
			t.Error("a procedure span for a refused client")
		}
	}

	// A span in the request's context (a tracing middleware's) is the
	// request span's parent.
	rec3 := tracetest.NewSpanRecorder()
	tp.RegisterSpanProcessor(rec3)
	ctx, outer := tp.Tracer("middleware").Start(context.Background(), "outer")
	r := httptest.NewRequest(http.MethodGet, "/oauth2/jwks", nil).WithContext(ctx)
	env.srv.ServeHTTP(httptest.NewRecorder(), r)
	outer.End()
	if s := obSpan(t, rec3.Ended(), "GET /oauth2/jwks"); s.Parent().SpanID() != outer.SpanContext().SpanID() {
		t.Error("the request span is not the middleware span's child")
	}
}

func obSpan(t testing.TB, spans []sdktrace.ReadOnlySpan, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	for _, s := range spans {
		if s.Name() == name {
			return s
		}
	}
	names := make([]string, 0, len(spans))
	for _, s := range spans {
		names = append(names, s.Name())
	}
	t.Fatalf("no span %q among %v", name, names)
	return nil
}

// obAudit is a server's audit log, decoded.
type obAudit struct{ buf *htLockedBuffer }

func (a obAudit) events(t testing.TB, event string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, rec := range obRecords(t, a.buf.String()) {
		if rec["msg"] != "audit" {
			t.Errorf("audit record with message %v", rec["msg"])
		}
		if rec["event"] == event {
			out = append(out, rec)
		}
	}
	return out
}

// one is the one event of the kind, whose request id must be the response's.
func (a obAudit) one(t testing.TB, event string, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	evs := a.events(t, event)
	if len(evs) != 1 {
		t.Fatalf("%d %s events, want 1:\n%s", len(evs), event, a.buf.String())
	}
	if id := obRequestID(t, w); evs[0]["request_id"] != id {
		t.Errorf("%s: request_id %v, want the response's %q", event, evs[0]["request_id"], id)
	}
	return evs[0]
}

func obNewAudit(cfg *Config) obAudit {
	a := obAudit{&htLockedBuffer{}}
	cfg.AuditLog = slog.New(slog.NewJSONHandler(a.buf, nil))
	return a
}

// TestAuditTokens: tokens issued, refresh token reuse and revocation are
// audited with the request id the response returns, the client and the
// end user, and never a token or secret.
func TestAuditTokens(t *testing.T) {
	var audit obAudit
	env := obNewEnv(t, func(cfg *Config) { audit = obNewAudit(cfg) })

	w := env.do(t, htRequest{body: htForm("grant_type", "client_credentials", "scope", "read"), basic: htBasic("conf", htConfSecret)})
	cc := htWantOK(t, w)
	ev := audit.one(t, "token_issued", w)
	if ev["client_id"] != "conf" || ev["flow"] != "oauth-token-client-credentials" || ev["grant_type"] != "client_credentials" ||
		ev["scope"] != "read" || ev["level"] != "INFO" || ev["subject"] != nil {
		t.Errorf("token_issued of client_credentials: %v", ev)
	}
	if toks, _ := ev["tokens"].([]any); len(toks) != 1 || toks[0] != "access_token" {
		t.Errorf("tokens %v", ev["tokens"])
	}

	code := env.confCode(t)
	first := htWantOK(t, env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)}))
	second := htWantOK(t, env.do(t, *env.refresh(t, first.RefreshToken)))
	issued := audit.events(t, "token_issued")
	if len(issued) != 3 || issued[1]["subject"] != "alice" || issued[2]["subject"] != "alice" {
		t.Fatalf("token_issued events %v", issued)
	}
	if toks, _ := issued[1]["tokens"].([]any); len(toks) != 2 || toks[1] != "refresh_token" {
		t.Errorf("tokens of the code redemption %v", issued[1]["tokens"])
	}

	w = env.do(t, *env.refresh(t, first.RefreshToken))
	htWantError(t, w, http.StatusBadRequest, oauth.ErrInvalidGrant)
	ev = audit.one(t, "refresh_token_reuse_detected", w)
	if ev["client_id"] != "conf" || ev["grant_id"] == "" || ev["family_id"] == "" || ev["level"] != "WARN" {
		t.Errorf("refresh_token_reuse_detected: %v", ev)
	}

	w = env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)})
	htWantError(t, w, http.StatusBadRequest, oauth.ErrInvalidGrant)
	if ev := audit.one(t, "authorization_code_replay_detected", w); ev["client_id"] != "conf" || ev["grant_id"] == "" {
		t.Errorf("authorization_code_replay_detected: %v", ev)
	}

	other := env.tokens(t)
	w = env.revoke(t, "conf", htConfSecret, other.RefreshToken)
	rvWantOK(t, w)
	if ev := audit.one(t, "token_revoked", w); ev["client_id"] != "conf" || ev["type"] != "grant" {
		t.Errorf("token_revoked: %v", ev)
	}
	w = env.revoke(t, "conf", htConfSecret, cc.AccessToken) // the client's own: no grant
	rvWantOK(t, w)
	if evs := audit.events(t, "token_revoked"); len(evs) != 2 || evs[1]["type"] != "access_token" || evs[1]["request_id"] != obRequestID(t, w) {
		t.Errorf("token_revoked events %v", evs)
	}

	log := audit.buf.String()
	for _, secret := range []string{htConfSecret, cc.AccessToken, first.AccessToken, first.RefreshToken, second.RefreshToken,
		other.RefreshToken, code.Reveal()} {
		if strings.Contains(log, secret) {
			t.Errorf("the audit log holds a secret or token: %q", secret)
		}
	}
	if bytes.Contains([]byte(env.logs.String()), []byte(htConfSecret)) {
		t.Error("the log holds a client secret")
	}
}

// obHeaderID is the request id of a response's headers.
func obHeaderID(t testing.TB, h http.Header) string {
	t.Helper()
	w := httptest.NewRecorder()
	for k, v := range h {
		w.Header()[k] = v
	}
	return obRequestID(t, w)
}

// obLast is the last event of the kind, whose request id must be that of
// the response with headers h.
func (a obAudit) last(t testing.TB, event string, h http.Header) map[string]any {
	t.Helper()
	evs := a.events(t, event)
	if len(evs) == 0 {
		t.Fatalf("no %s event:\n%s", event, a.buf.String())
	}
	ev := evs[len(evs)-1]
	if id := obHeaderID(t, h); ev["request_id"] != id {
		t.Errorf("%s: request_id %v, want the response's %q", event, ev["request_id"], id)
	}
	return ev
}

// TestAuditSignIn: the sign-in pages audit failed and successful logins,
// throttled ones, consent given and refused and the code sent, each with
// the request id of its response; the throttle's decisions, the codes and
// the pending interactions are counted. No password or username is
// recorded.
func TestAuditSignIn(t *testing.T) {
	var audit obAudit
	reg := prometheus.NewRegistry()
	env := azNewEnv(t, func(_ *Settings, cfg *Config) {
		audit = obNewAudit(cfg)
		cfg.Metrics = reg
	})
	pending := func() float64 { return obValue(t, reg, "oauthgen_pending_interactions", map[string]string{}) }
	b := env.browser(t)
	page := b.authorize(azQuery())
	azWantPage(t, page, "Sign in")
	if got := pending(); got != 1 {
		t.Errorf("pending interactions on the login page = %v, want 1", got)
	}
	const typed = "alice-typed-her-password-here"
	wrong := b.login(page, typed, "wrong-password")
	ev := audit.last(t, "login_failed", wrong.header)
	if ev["client_id"] != "web" || ev["reason"] != "credentials" || ev["client_addr"] == "" || ev["level"] != "WARN" {
		t.Errorf("login_failed: %v", ev)
	}
	ok := b.login(wrong, "alice", azAlicePass)
	if ev := audit.last(t, "login_succeeded", ok.header); ev["client_id"] != "web" || ev["subject"] != "sub-alice" {
		t.Errorf("login_succeeded: %v", ev)
	}
	done := b.consent(ok, "approve")
	azWantRedirect(t, done, azWebRedirect)
	if ev := audit.last(t, "consent_granted", done.header); ev["subject"] != "sub-alice" || ev["scope"] != "read write" {
		t.Errorf("consent_granted: %v", ev)
	}
	ev = audit.last(t, "authorization_code_issued", done.header)
	if ev["client_id"] != "web" || ev["subject"] != "sub-alice" || ev["flow"] != "oauth-authorize-authorization-code" {
		t.Errorf("authorization_code_issued: %v", ev)
	}
	if got := obValue(t, reg, "oauthgen_tokens_issued_total", map[string]string{"type": "authorization_code", "flow": "oauth-authorize-authorization-code"}); got != 1 {
		t.Errorf("codes issued = %v, want 1", got)
	}
	if got := pending(); got != 0 {
		t.Errorf("pending interactions after the code = %v, want 0", got)
	}

	// Signed in, a new request asks for consent again: denied.
	page = b.authorize(azQuery("prompt", "consent", "state", "st-2"))
	denied := b.consent(page, "deny")
	azWantRedirectError(t, denied, azWebRedirect, oauth.ErrAccessDenied, "st-2")
	if ev := audit.last(t, "consent_denied", denied.header); ev["subject"] != "sub-alice" {
		t.Errorf("consent_denied: %v", ev)
	}
	if got := obValue(t, reg, "oauthgen_http_requests_total", map[string]string{
		"endpoint": "oauth-authorize", "flow": "oauth-authorize-authorization-code", "outcome": "access_denied"}); got != 1 {
		t.Errorf("access_denied requests = %v, want 1", got)
	}

	// Failures until the throttle refuses, unchecked.
	b2 := env.browser(t)
	page = b2.authorize(azQuery())
	for range 4 {
		page = b2.login(page, "bob", "guess")
	}
	throttled := b2.login(page, "bob", azBobPass)
	if ev := audit.last(t, "login_throttled", throttled.header); ev["client_id"] != "web" || ev["subject"] != nil {
		t.Errorf("login_throttled: %v", ev)
	}
	decisions := func(d string) float64 {
		return obValue(t, reg, "oauthgen_throttle_decisions_total", map[string]string{"throttle": "login", "decision": d})
	}
	if decisions("block") != 1 || decisions("allow") != 6 {
		t.Errorf("login throttle decisions: %v blocked, %v allowed; want 1, 6", decisions("block"), decisions("allow"))
	}

	log := audit.buf.String()
	for _, secret := range []string{azAlicePass, azBobPass, "wrong-password", "guess", typed} {
		if strings.Contains(log, secret) {
			t.Errorf("the audit log holds %q", secret)
		}
	}
	if got := obValue(t, reg, "oauthgen_interactions_started_total", map[string]string{}); got != 3 {
		t.Errorf("interactions started = %v, want 3", got)
	}
}

// TestAuditClientAuthThrottle: a client authentication the throttle
// refuses is counted and audited with the client_id tried and the source.
func TestAuditClientAuthThrottle(t *testing.T) {
	var audit obAudit
	reg := prometheus.NewRegistry()
	env := obNewEnv(t, func(cfg *Config) {
		audit = obNewAudit(cfg)
		cfg.Metrics = reg
	})
	cc := htForm("grant_type", "client_credentials")
	const attacker = "198.51.100.7:5555"
	for i := range throttle.ClientAuthLimit {
		htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", fmt.Sprintf("guess-%d", i)), remote: attacker}), 401, oauth.ErrInvalidClient)
	}
	w := env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret), remote: attacker})
	htWantError(t, w, http.StatusTooManyRequests, oauth.ErrInvalidClient)
	if ev := audit.one(t, "client_auth_throttled", w); ev["client_id"] != "conf" || ev["client_addr"] != "198.51.100.7" {
		t.Errorf("client_auth_throttled: %v", ev)
	}
	decisions := func(d string) float64 {
		return obValue(t, reg, "oauthgen_throttle_decisions_total", map[string]string{"throttle": "client_auth", "decision": d})
	}
	if decisions("block") != 1 || decisions("allow") != float64(throttle.ClientAuthLimit) {
		t.Errorf("client throttle decisions: %v blocked, %v allowed", decisions("block"), decisions("allow"))
	}
	if strings.Contains(audit.buf.String(), "guess-") {
		t.Error("the audit log holds a guessed secret")
	}
}
