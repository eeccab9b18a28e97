package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The performance harness: the quickstart as its own process on one core
// (GOMAXPROCS=1) with the memory store, under a fixed number of
// client_credentials requests from a few keep-alive connections, its
// resident memory (VmRSS) sampled every perfSampleEvery requests. Nothing
// is timed against a bound: the load is a count, the samples are taken by
// count, and the throughput is only reported.
//
// A JWT access token of a client acting for itself is stored nowhere, so
// the server's memory must stay flat and small however many it issues; an
// opaque token keeps one record until it expires, so its numbers grow with
// the load and are reported, not bounded.
//
//	go test -run TestPerf -v ./examples/quickstart                    # 50k requests per format
//	OAUTHGEN_PERF=200000 go test -run TestPerf -v ./examples/quickstart  # the harness's full load
//
// -short skips it.

const (
	// perfRequests is the default load per format: enough for the heap to
	// reach its working size, small enough for `make test` (where the
	// load generator runs under the race detector). OAUTHGEN_PERF sets
	// another count.
	perfRequests = 50_000
	// perfConns is how many keep-alive connections send the load.
	perfConns = 3
	// perfSampleEvery is how many requests go between RSS samples.
	perfSampleEvery = 2_500
	// perfMaxRSS bounds the server's resident memory with JWT access tokens.
	perfMaxRSS = 32 << 20
	// perfFlatSlack is how far the late samples may rise above the middle
	// ones: one GC cycle's worth of garbage at GOGC=100 on a small heap.
	perfFlatSlack = 2 << 20
)

// perfSample is the server's resident memory after n requests.
type perfSample struct {
	n   int64
	rss int64
}

func TestPerfClientCredentialsRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the performance harness drives tens of thousands of requests")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc: VmRSS cannot be read on this system")
	}
	total := int64(perfRequests)
	if v := os.Getenv("OAUTHGEN_PERF"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 20*perfSampleEvery {
			t.Fatalf("OAUTHGEN_PERF=%q: want a request count of at least %d", v, 20*perfSampleEvery)
		}
		total = n
	}
	for _, format := range []string{"jwt", "opaque"} {
		t.Run(format, func(t *testing.T) {
			p := startProcessEnv(t, []string{"GOMAXPROCS=1"}, "-store", "memory", "-access-token-format", format)
			samples, elapsed := perfLoad(t, p, total)
			first, mid, late := perfSummary(samples)
			t.Logf("%s: %d requests on %d connections in %v (%.0f/s); VmRSS after %d: %.1f MiB, mid-run max %.1f MiB, last quarter max %.1f MiB, end %.1f MiB",
				format, total, perfConns, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(),
				samples[0].n, mib(first), mib(mid), mib(late), mib(samples[len(samples)-1].rss))
			if format != "jwt" {
				return // an opaque token is stored until it expires: reported only
			}
			if late > perfMaxRSS {
				t.Errorf("VmRSS reached %.1f MiB, over %.0f MiB", mib(late), mib(perfMaxRSS))
			}
			if late > mid+perfFlatSlack {
				t.Errorf("VmRSS grew from %.1f MiB mid-run to %.1f MiB at the end: the server keeps something per token", mib(mid), mib(late))
			}
		})
	}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// perfLoad sends total client_credentials requests to p from perfConns
// keep-alive connections and samples p's VmRSS every perfSampleEvery
// requests.
func perfLoad(t *testing.T, p *process, total int64) ([]perfSample, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	client := &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: perfConns, MaxConnsPerHost: perfConns, DisableCompression: true,
	}}
	defer client.CloseIdleConnections()
	url := "http://" + p.addr + "/oauth2/token"
	body := []byte("grant_type=client_credentials&scope=read&tenant=acme")
	var (
		next     atomic.Int64
		mu       sync.Mutex
		samples  []perfSample
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	start := time.Now()
	for range perfConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1)
				if n > total || ctx.Err() != nil {
					return
				}
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
				if err != nil {
					fail(err)
					return
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.SetBasicAuth("demo-service", demoServiceSecret)
				resp, err := client.Do(req)
				if err != nil {
					fail(fmt.Errorf("request %d: %w", n, err))
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					fail(fmt.Errorf("request %d: status %d", n, resp.StatusCode))
					return
				}
				if n%perfSampleEvery == 0 {
					rss, err := vmRSS(p.cmd.Process.Pid)
					if err != nil {
						fail(err)
						return
					}
					mu.Lock()
					samples = append(samples, perfSample{n, rss})
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	if len(samples) < 4 {
		t.Fatalf("%d samples of VmRSS", len(samples))
	}
	return samples, elapsed
}

// perfSummary is the first sample, the largest of the middle ones (from
// the end of the first quarter to the middle of the run) and the largest
// of the last quarter.
func perfSummary(samples []perfSample) (first, mid, late int64) {
	// Samples may be appended out of order by a request or two.
	sorted := make([]perfSample, len(samples))
	copy(sorted, samples)
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j].n < sorted[j-1].n; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	n := len(sorted)
	for _, s := range sorted[n/4 : n/2] {
		mid = max(mid, s.rss)
	}
	for _, s := range sorted[3*n/4:] {
		late = max(late, s.rss)
	}
	return sorted[0].rss, mid, late
}

// vmRSS reads the resident set size of the process pid from
// /proc/PID/status.
func vmRSS(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if v, ok := strings.CutPrefix(lines.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("VmRSS %q: %w", v, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}
