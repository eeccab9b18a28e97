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

// BenchmarkMemoryStoreMillionTokens issues client_credentials tokens
// through ServeHTTP on a MemoryStore, a thousand per second of the server's
// clock, each living a minute (sixty thousand alive at any time), as JWTs
// and as opaque tokens, two million of each, and reports the live heap
// (HeapAlloc after runtime.GC) after each quarter million, the first
// million included, and what it grew by per token alive at the end.
//
// A JWT of a client acting for itself is stored nowhere: the heap is the
// server's own, whatever the count. An opaque token keeps one record
// until it expires, pruned as new ones are written, so the heap levels
// off: the store's maps reach their working size within the first million
// (Go maps keep the room deleted entries leave), and the second million
// adds nothing. It fails when the heap after two million exceeds the heap
// after one by a tenth.
//
//	go test -run '^$' -bench MemoryStoreMillionTokens -benchtime 1x ./runtime
func BenchmarkMemoryStoreMillionTokens(b *testing.B) {
	for _, format := range []AccessTokenFormat{FormatJWT, FormatOpaque} {
		b.Run(string(format), func(b *testing.B) { benchmarkMillionTokens(b, format) })
	}
}

func benchmarkMillionTokens(b *testing.B, format AccessTokenFormat) {
	const total, perSecond, step, ttl = 2_000_000, 1000, 250_000, time.Minute
	for b.Loop() {
		env := htNewEnv(b, htPolicyOf(oauth.GrantClientCredentials, func(p *TokenPolicy) {
			p.AccessTTL, p.AccessFormat = ttl, format
		}))
		env.srv.log = slog.New(slog.DiscardHandler) // the harness keeps every log line
		auth := htBasicHeader("conf", htConfSecret)
		issue := func(i int) {
			r, _ := http.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader("grant_type=client_credentials&scope=read"))
			r.Header["Content-Type"] = []string{"application/x-www-form-urlencoded"}
			r.Header["Authorization"] = []string{auth}
			w := &htDiscardWriter{h: http.Header{}}
			env.srv.ServeHTTP(w, r)
			if w.code != http.StatusOK {
				b.Fatalf("request %d: status %d", i, w.code)
			}
		}
		issue(0) // the server's own state: keys, caches
		heap0 := liveHeap()
		heapAt := map[int]uint64{}
		for i := 1; i <= total; i++ {
			issue(i)
			if i%perSecond == 0 {
				env.clock.Advance(time.Second)
			}
			if i%step == 0 {
				heapAt[i] = liveHeap()
				b.ReportMetric(float64(heapAt[i])/(1<<20), fmt.Sprintf("heap-MiB@%dk", i/1000))
			}
		}
		alive := perSecond * int(ttl/time.Second)
		b.ReportMetric((float64(heapAt[total])-float64(heap0))/float64(alive), "heap-B/live-token")
		if float64(heapAt[total]) > 1.1*float64(heapAt[total/2]) {
			b.Fatalf("the heap grew from %.1f MiB after %d tokens to %.1f MiB after %d",
				float64(heapAt[total/2])/(1<<20), total/2, float64(heapAt[total])/(1<<20), total)
		}
	}
}

// liveHeap is the heap in use after a collection: HeapAlloc.
func liveHeap() uint64 {
	goruntime.GC()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
