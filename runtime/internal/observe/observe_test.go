package observe

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestNewOff: nothing turned on is no Observer, whose methods do nothing.
func TestNewOff(t *testing.T) {
	o, err := New(Options{})
	if o != nil || err != nil {
		t.Fatalf("New(off) = %v, %v", o, err)
	}
	o.InteractionStarted()
	o.InteractionEnded()
	var q *Request
	q.SetFlow("f")
	q.Fail("invalid_request")
	q.TokenIssued(TokenAccess)
	q.TokenRevoked(TokenGrant, RevokedByRequest)
	q.Throttled(ThrottleLogin, true)
	q.Audit(context.Background(), slog.LevelInfo, EventLoginFailed)
	if q.Audits() || o.StoreObserved() {
		t.Error("a nil Request audits, or a nil Observer observes the store")
	}
	ctx, span := StartSpan(context.Background(), "x")
	span.End(nil)
	if ctx != context.Background() {
		t.Error("StartSpan without a request changed the context")
	}
}

// TestPendingWindow: interactions are pending from their start to their
// end, or until they have lived the TTL; the gauge never goes below zero.
func TestPendingWindow(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	reg := prometheus.NewRegistry()
	o, err := New(Options{Registerer: reg, Now: func() time.Time { return now }, InteractionTTL: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	gauge := func() float64 {
		t.Helper()
		return testutil.ToFloat64(o.m.pending)
	}
	o.InteractionStarted()
	o.InteractionStarted()
	now = now.Add(time.Minute)
	o.InteractionStarted()
	if g := gauge(); g != 3 {
		t.Fatalf("pending = %v, want 3", g)
	}
	o.InteractionEnded()
	if g := gauge(); g != 2 {
		t.Fatalf("pending after an end = %v, want 2", g)
	}
	now = now.Add(9*time.Minute + 30*time.Second) // the first two have expired
	if g := gauge(); g != 0 {
		t.Fatalf("pending after the TTL = %v, want 0", g)
	}
	o.InteractionEnded() // of an interaction started before the window
	if g := gauge(); g != 0 {
		t.Fatalf("pending = %v, want 0, never negative", g)
	}
	if got := testutil.ToFloat64(o.m.interactStarted); got != 3 {
		t.Errorf("started = %v", got)
	}
	if got := testutil.ToFloat64(o.m.interactEnded); got != 2 {
		t.Errorf("ended = %v", got)
	}
}

// TestLogHandler: a record logged with an observed request's context
// carries its id, in groups too; others do not.
func TestLogHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil))).With("a", 1).WithGroup("g")
	o, err := New(Options{Logging: true})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	_, r, q := o.Begin(w, httptest.NewRequest(http.MethodGet, "/", nil), NoEndpoint, "", "")
	log.InfoContext(r.Context(), "in")
	log.InfoContext(context.Background(), "out")
	q.End()
	dec := json.NewDecoder(&buf)
	var in, out map[string]any
	if err := dec.Decode(&in); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	if g, _ := in["g"].(map[string]any); g[LogRequestID] != q.ID || w.Header().Get(RequestIDHeader) != q.ID {
		t.Errorf("record %v, header %q, want request id %q", in, w.Header().Get(RequestIDHeader), q.ID)
	}
	if _, ok := out["g"]; ok {
		t.Errorf("record outside a request has a request id: %v", out)
	}
}
