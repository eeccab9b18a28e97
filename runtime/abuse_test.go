package runtime

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/devicecode"
	"github.com/oauthgen/oauthgen/runtime/internal/session"
	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The abuse tests drive each unauthenticated way of making the server keep
// state with a bounded number of requests, and assert that the heap stays
// under a ceiling and that real users are unaffected. The ceilings are
// the MemoryStore's budgets (store_memory_state.go) with room for the
// garbage collector's slack; without the bounds each stream below grows
// the heap by far more than its ceiling.

// abuseConfig keeps only a client with a fast hash, so that failures are
// not padded to a bcrypt check's time (client_auth.go), and discards the
// logs, which the test would otherwise keep in memory.
func abuseConfig(cfg *Config, _ *Flows) {
	clients, err := NewMemoryClients(htClient("conf", oauth.AuthClientSecretBasic, htConfSecret, oauth.GrantClientCredentials))
	if err != nil {
		panic(err)
	}
	cfg.Clients = clients
	cfg.Logger = slog.New(slog.DiscardHandler)
}

// heapAfterGC returns the live heap after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// assertHeapGrowth fails when the live heap grew by more than ceiling
// bytes since before.
func assertHeapGrowth(t *testing.T, before uint64, ceiling uint64, what string) {
	t.Helper()
	after := heapAfterGC()
	grew := int64(after) - int64(before)
	t.Logf("%s: heap grew by %.1f MiB (ceiling %d MiB)", what, float64(grew)/(1<<20), ceiling>>20)
	if grew > int64(ceiling) {
		t.Errorf("%s: heap grew by %.1f MiB, over its ceiling of %d MiB", what, float64(grew)/(1<<20), ceiling>>20)
	}
}

// TestAbuseClientAuthFlood: failed client authentications with huge
// client_ids, in Basic and in the body, are refused before anything is
// kept; failures with the longest accepted client_id, each from another
// address, fill the throttle's counts only up to their budget, after
// which failures are refused as throttled (never a 5xx); a real client
// still authenticates.
func TestAbuseClientAuthFlood(t *testing.T) {
	env := htNewEnvConfig(t, abuseConfig)
	cc := htForm("grant_type", "client_credentials", "scope", "read")
	before := heapAfterGC()

	huge := strings.Repeat("x", 700<<10)
	for range 200 {
		htWantError(t, env.do(t, htRequest{body: cc, basic: htBasic(huge, "s")}), http.StatusBadRequest, oauth.ErrInvalidRequest)
	}
	big := strings.Repeat("y", 60<<10)
	for range 200 {
		w := env.do(t, htRequest{body: htForm("grant_type", "client_credentials", "client_id", big, "client_secret", "s")})
		htWantError(t, w, http.StatusBadRequest, oauth.ErrInvalidRequest)
	}

	const n = 30000
	throttled := 0
	for i := range n {
		id := fmt.Sprintf("%0512d", i) // the longest client_id accepted
		w := env.do(t, htRequest{body: cc, basic: htBasic(id, "s"), remote: fmt.Sprintf("10.%d.%d.%d:1", i>>16&255, i>>8&255, i&255)})
		switch w.Code {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			throttled++
		default:
			t.Fatalf("request %d: status %d %s", i, w.Code, w.Body)
		}
	}
	t.Logf("%d of %d refused as throttled once the counts were at their budget", throttled, n)
	assertHeapGrowth(t, before, 24<<20, "client authentication flood")
	htWantOK(t, env.do(t, htRequest{body: cc, basic: htBasic("conf", htConfSecret)}))
}

// TestAbuseThrottleBypass: interleaving failures for junk client_ids,
// from the attacker's address and from many others, does not reset the
// attacker's count: the guess that reaches the limit is refused.
func TestAbuseThrottleBypass(t *testing.T) {
	env := htNewEnvConfig(t, abuseConfig)
	cc := htForm("grant_type", "client_credentials", "scope", "read")
	attacker := "198.51.100.7:1"
	guesses := 0
	for i := range 1000 {
		w := env.do(t, htRequest{body: cc, basic: htBasic("conf", fmt.Sprintf("guess-%d", i)), remote: attacker})
		if w.Code == http.StatusTooManyRequests {
			break
		}
		guesses++
		for j := range 1500 {
			env.do(t, htRequest{body: cc, basic: htBasic(fmt.Sprintf("junk-%d-%d", i, j), "x"), remote: fmt.Sprintf("10.%d.%d.%d:1", i, j>>8, j&255)})
		}
	}
	if guesses != throttle.ClientAuthLimit {
		t.Errorf("the attacker made %d guesses before 429; want %d", guesses, throttle.ClientAuthLimit)
	}
}

// TestAbusePendingSignInFlood: a flood of authorization requests with
// 8 KiB of parameters from a few addresses keeps at most
// InteractionsPerSource pending sign-ins per address, answers the rest
// with temporarily_unavailable, stays under its heap ceiling, and a real
// user's pending sign-in, started before the flood, completes after it.
func TestAbusePendingSignInFlood(t *testing.T) {
	env := azNewEnv(t, azTrustLoopback)
	user := env.browser(t)
	user.forwardedFor = "203.0.113.10"
	page := user.authorize(azQuery())
	before := heapAfterGC()

	const sources, perSource = 4, 3000
	padding := strings.Repeat("p", 7<<10)
	refused := 0
	for i := range sources * perSource {
		q := azQuery("state", fmt.Sprintf("%d-%s", i, padding))
		r := httptest.NewRequest(http.MethodGet, azAuthorizePath+"?"+q.Encode(), nil)
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i%sources))
		w := httptest.NewRecorder()
		env.srv.ServeHTTP(w, r)
		switch {
		case w.Code == http.StatusOK:
		case w.Code == http.StatusFound || w.Code == http.StatusSeeOther:
			loc, err := url.Parse(w.Header().Get("Location"))
			if err != nil || loc.Query().Get("error") != string(oauth.ErrTemporarilyUnavail) {
				t.Fatalf("request %d: redirect to %q", i, w.Header().Get("Location"))
			}
			refused++
		default:
			t.Fatalf("request %d: status %d", i, w.Code)
		}
	}
	if want := sources * (perSource - session.InteractionsPerSource); refused != want {
		t.Errorf("%d requests refused; want %d (all but %d per source)", refused, want, session.InteractionsPerSource)
	}
	assertHeapGrowth(t, before, 16<<20, "pending sign-in flood")
	if r := user.login(page, "alice", azAlicePass); r.status != http.StatusSeeOther {
		t.Fatalf("the real user's sign-in after the flood: %d\n%s", r.status, r.body)
	}
}

// TestAbusePendingSignInsDistributed: the same flood from ever new
// addresses, which no per-source quota stops, is bounded by the store's
// budget for pending sign-ins.
func TestAbusePendingSignInsDistributed(t *testing.T) {
	env := azNewEnv(t, azTrustLoopback)
	before := heapAfterGC()
	padding := strings.Repeat("p", 7<<10)
	for i := range 12000 {
		q := azQuery("state", fmt.Sprintf("%d-%s", i, padding))
		r := httptest.NewRequest(http.MethodGet, azAuthorizePath+"?"+q.Encode(), nil)
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		w := httptest.NewRecorder()
		env.srv.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("request %d: status %d", i, w.Code)
		}
	}
	assertHeapGrowth(t, before, 48<<20, "distributed pending sign-in flood")
}

// TestClientAuthFailureTiming: when a registered client's secret is a
// bcrypt hash, a failed authentication of an unknown client takes at least
// as long as a bcrypt check (it waits, without hashing), like a wrong
// secret for the bcrypt client, so the time tells no one which client
// exists; a successful authentication is not delayed by the padding.
func TestClientAuthFailureTiming(t *testing.T) {
	env := htNewEnv(t) // its clients include one with a bcrypt hash
	cc := htForm("grant_type", "client_credentials")
	for _, basic := range [][2]string{{"nobody", "x"}, {"bcrypt", "wrong"}, {"conf", "wrong"}} {
		start := time.Now()
		htWantError(t, env.do(t, htRequest{body: cc, basic: &basic}), http.StatusUnauthorized, oauth.ErrInvalidClient)
		took := time.Since(start)
		if floor := env.srv.secrets.Floor(); floor == 0 || took < floor {
			t.Errorf("%s: the failure took %v; want at least the padding floor %v (> 0)", basic[0], took, floor)
		}
	}
}

// TestAbusePushedRequestFlood: pushed authorization requests (RFC 9126)
// of 7 KiB for a public client, which needs no secret to push, from ever
// new addresses (no per-source quota stops them) are bounded by the
// store's budget for pushed requests, and a push made after the flood is
// used as usual.
func TestAbusePushedRequestFlood(t *testing.T) {
	env := azNewEnv(t, azTrustLoopback, azPAR, func(_ *Settings, c *Config) { c.Logger = slog.New(slog.DiscardHandler) })
	before := heapAfterGC()
	padding := strings.Repeat("p", 7<<10)
	for i := range 12000 {
		q := azQuery("client_id", "spa", "redirect_uri", "https://spa.example/cb", "state", fmt.Sprintf("%d-%s", i, padding))
		r := httptest.NewRequest(http.MethodPost, azPARPath, strings.NewReader(q.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		w := httptest.NewRecorder()
		env.srv.ServeHTTP(w, r)
		if w.Code != http.StatusCreated {
			t.Fatalf("push %d: status %d %s", i, w.Code, w.Body.String())
		}
	}
	assertHeapGrowth(t, before, 40<<20, "pushed request flood")
	uri := env.pushWeb(t, azQuery())
	azWantPage(t, env.browser(t).authorize(parAuthorize("web", uri)), "Sign in")
}

// TestAbuseLogoutConfirmFlood: logout requests that each need a
// confirmation keep a pending interaction, counted against the same
// per-source quota as sign-ins: past InteractionsPerSource from one
// address they are refused with 429 and keep nothing, within a heap
// ceiling.
func TestAbuseLogoutConfirmFlood(t *testing.T) {
	env := esNewEnv(t)
	b := env.browser(t)
	env.signIn(t, b, env.azEnv, "rp", esRPRedirect)
	before := heapAfterGC()
	refused := 0
	padding := strings.Repeat("p", 7<<10)
	for i := range 2 * session.InteractionsPerSource {
		r := b.logout(esQuery("state", fmt.Sprintf("%d-%s", i, padding)))
		switch r.status {
		case http.StatusOK:
		case http.StatusTooManyRequests:
			refused++
		default:
			t.Fatalf("request %d: status %d", i, r.status)
		}
	}
	// The sign-in's own login page took one of the source's interactions.
	if want := session.InteractionsPerSource + 1; refused != want {
		t.Errorf("%d refused, want %d", refused, want)
	}
	assertHeapGrowth(t, before, 16<<20, "logout confirmation flood")
}

// TestAbuseDeviceAuthorizationFlood: device authorizations for a public
// client (RFC 8628 §3.1), which needs no secret to start one, are limited
// per source (devicecode.PerSource, then 429 with Retry-After), and from
// ever new addresses bounded by the store's budgets for them, past which
// they are refused as temporarily_unavailable, never a 500; the heap
// stays under its ceiling.
func TestAbuseDeviceAuthorizationFlood(t *testing.T) {
	env := dvNewEnv(t, azTrustLoopback, func(_ *Settings, c *Config) { c.Logger = slog.New(slog.DiscardHandler) })
	start := func(addr string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, dvPath, strings.NewReader("client_id=tv&scope=read+write"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Forwarded-For", addr)
		w := httptest.NewRecorder()
		env.srv.ServeHTTP(w, r)
		return w
	}
	ok := 0
	for range devicecode.PerSource + 50 {
		w := start("198.51.100.7")
		switch w.Code {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			if w.Header().Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		default:
			t.Fatalf("status %d %s", w.Code, w.Body)
		}
	}
	if ok != devicecode.PerSource {
		t.Errorf("%d device authorizations from one source, want %d", ok, devicecode.PerSource)
	}

	before := heapAfterGC()
	refused := 0
	for i := range 60000 {
		w := start(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		switch w.Code {
		case http.StatusOK:
		case http.StatusServiceUnavailable:
			refused++
		default:
			t.Fatalf("request %d: status %d %s", i, w.Code, w.Body)
		}
	}
	t.Logf("%d of 60000 refused at the store's budget", refused)
	assertHeapGrowth(t, before, 48<<20, "device authorization flood")
}
