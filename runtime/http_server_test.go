package runtime

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestNewHTTPServer: the server has its timeouts, and a request whose
// headers exceed the limit is refused with 431 before any handler runs;
// one within it is served.
func TestNewHTTPServer(t *testing.T) {
	var served atomic.Int32
	hs := NewHTTPServer("127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { served.Add(1) }))
	if hs.ReadHeaderTimeout == 0 || hs.ReadTimeout == 0 || hs.WriteTimeout == 0 || hs.IdleTimeout == 0 {
		t.Errorf("timeouts: %+v", hs)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = hs
	ts.Start()
	defer ts.Close()
	for _, tc := range []struct {
		size int
		want int
	}{
		{1 << 10, http.StatusOK},
		{serveMaxHeaderBytes * 2, http.StatusRequestHeaderFieldsTooLarge},
	} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL, nil)
		req.Header.Set("Authorization", "Basic "+strings.Repeat("A", tc.size))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%d-byte header: status %d, want %d", tc.size, resp.StatusCode, tc.want)
		}
	}
	if n := served.Load(); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
}
