package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
)

// Every quickstart the tests start, in this process (run) or as a child
// (startProcess), serves its metrics on a free port, so that several run
// at once and beside a `make demo` on the default port.
func init() {
	if err := os.Setenv(metricsEnvVar, "127.0.0.1:0"); err != nil {
		panic(err)
	}
}

// lockedBuffer is a log a test reads while the server writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMetricsListener: the quickstart serves Prometheus metrics on a
// listener of its own, never on the one clients reach, and audits into
// its log; every response carries the request id its audit event has.
func TestMetricsListener(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	logs := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-metrics", "127.0.0.1:0", "-issuer", "http://127.0.0.1:8080", "-store", "memory"}, pw, logs)
		pw.Close()
	}()
	var metricsURL, addr string
	lines := bufio.NewScanner(pr)
	for addr == "" && lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "metrics on "); ok {
			metricsURL = u
		}
		if a, ok := strings.CutPrefix(lines.Text(), "listening on "); ok {
			addr = a
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	if metricsURL == "" || addr == "" {
		t.Fatalf("metrics %q, listening %q: not announced", metricsURL, addr)
	}

	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/oauth2/token",
		strings.NewReader(url.Values{"grant_type": {"client_credentials"}, "scope": {"read"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("demo-service", demoServiceSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Header.Get("X-Request-Id")
	if resp.StatusCode != http.StatusOK || id == "" {
		t.Fatalf("token: %d, X-Request-Id %q", resp.StatusCode, id)
	}
	if !strings.Contains(logs.String(), "msg=audit event=token_issued request_id="+id+" client_id=demo-service") {
		t.Errorf("no token_issued audit event with the request id in the log:\n%s", logs)
	}

	status, body := httpGet(t, ctx, metricsURL)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d", metricsURL, status)
	}
	for _, want := range []string{
		`oauthgen_http_requests_total{endpoint="oauth-token",flow="oauth-token-client-credentials",outcome="success"} 1`,
		`oauthgen_http_request_duration_seconds_count{endpoint="oauth-token",flow="oauth-token-client-credentials"} 1`,
		`oauthgen_tokens_issued_total{flow="oauth-token-client-credentials",type="access_token"} 1`,
		`oauthgen_store_operation_duration_seconds_count{operation="State"} `, // the throttle's look-ups
		"# TYPE oauthgen_pending_interactions gauge",
		"# TYPE go_goroutines gauge",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if status, _ := httpGet(t, ctx, "http://"+addr+"/metrics"); status != http.StatusNotFound {
		t.Errorf("the clients' listener answers /metrics with %d, want 404", status)
	}
}

func httpGet(t *testing.T, ctx context.Context, u string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
