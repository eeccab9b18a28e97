package runtime

import (
	"fmt"
	"log/slog"
	"net/http"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// BenchmarkMemoryStoreMillionTokens issues two million client_credentials
// tokens through ServeHTTP on a MemoryStore, a thousand per second of the
// server's clock, each living a minute (sixty thousand tokens and their
// grants alive at any time), and reports the live heap after each quarter
// million. Expired grants and tokens are pruned as new ones are written,
// so the heap levels off: its maps reach their working size within the
// first million (Go maps keep the room deleted entries leave), and the
// second million adds nothing. It fails when the heap after two million
// exceeds the heap after one by a tenth.
//
//	go test -run '^$' -bench MemoryStoreMillionTokens -benchtime 1x ./runtime
func BenchmarkMemoryStoreMillionTokens(b *testing.B) {
	const total, perSecond, step = 2_000_000, 1000, 250_000
	for b.Loop() {
		env := htNewEnv(b, htPolicyOf(oauth.GrantClientCredentials, func(p *TokenPolicy) { p.AccessTTL = time.Minute }))
		env.srv.log = slog.New(slog.DiscardHandler) // the harness keeps every log line
		auth := htBasicHeader("conf", htConfSecret)
		heapAt := map[int]float64{}
		for i := 1; i <= total; i++ {
			r, _ := http.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader("grant_type=client_credentials&scope=read"))
			r.Header["Content-Type"] = []string{"application/x-www-form-urlencoded"}
			r.Header["Authorization"] = []string{auth}
			w := &htDiscardWriter{h: http.Header{}}
			env.srv.ServeHTTP(w, r)
			if w.code != http.StatusOK {
				b.Fatalf("request %d: status %d", i, w.code)
			}
			if i%perSecond == 0 {
				env.clock.Advance(time.Second)
			}
			if i%step == 0 {
				heapAt[i] = liveHeapMiB()
				b.ReportMetric(heapAt[i], fmt.Sprintf("heap-MiB@%dk", i/1000))
			}
		}
		if heapAt[total] > 1.1*heapAt[total/2] {
			b.Fatalf("the heap grew from %.1f MiB after %d tokens to %.1f MiB after %d", heapAt[total/2], total/2, heapAt[total], total)
		}
	}
}

// liveHeapMiB is the heap in use after a collection.
func liveHeapMiB() float64 {
	goruntime.GC()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}
