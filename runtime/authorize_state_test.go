package runtime

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestExpiringTable: entries expire, and a full table makes room by
// dropping expired entries first, then others, never growing past max.
func TestExpiringTable(t *testing.T) {
	now := htStart
	tb := newExpiringTable[int, string](8)
	for i := 0; i < 8; i++ {
		exp := now.Add(time.Hour)
		if i < 2 {
			exp = now.Add(time.Second)
		}
		tb.put(i, "v", exp, now)
	}
	if _, ok := tb.get(0, now.Add(time.Second)); ok {
		t.Error("an expired entry is returned")
	}
	if v, ok := tb.get(5, now); !ok || v != "v" {
		t.Error("a live entry is missing")
	}
	later := now.Add(2 * time.Second)
	tb.put(100, "new", later.Add(time.Hour), later)
	if tb.len() != 7 {
		t.Errorf("len %d after pruning the two expired entries, want 7", tb.len())
	}
	for i := 200; i < 300; i++ {
		tb.put(i, "flood", later.Add(time.Hour), later)
		if tb.len() > 8 {
			t.Fatalf("the table grew to %d", tb.len())
		}
	}
	if _, ok := tb.update(999, later, func(*string) bool { return true }); ok {
		t.Error("update of a missing entry succeeded")
	}
}

// TestInteractionClaimOnce: of many concurrent posts of one form, exactly
// one is accepted (security.md S-48: a form is single use).
func TestInteractionClaimOnce(t *testing.T) {
	st := newInteractions()
	browser := newSessionID().key()
	id, csrf := st.save("", interaction{browser: browser, step: stepLogin}, htStart)
	var wg sync.WaitGroup
	var won atomic.Int32
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok := st.claim(id, csrf, stepLogin, []sessionKey{browser}, htStart); ok {
				won.Add(1)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Fatalf("%d claims accepted, want 1", won.Load())
	}
	// A wrong step, browser or an expired interaction is refused.
	id, csrf = st.save("", interaction{browser: browser, step: stepLogin}, htStart)
	if _, ok := st.claim(id, csrf, stepConsent, []sessionKey{browser}, htStart); ok {
		t.Error("claimed at the wrong step")
	}
	if _, ok := st.claim(id, csrf, stepLogin, []sessionKey{newSessionID().key()}, htStart); ok {
		t.Error("claimed from another browser")
	}
	if _, ok := st.claim(id, csrf, stepLogin, []sessionKey{browser}, htStart.Add(interactionTTL)); ok {
		t.Error("claimed after the TTL")
	}
	if _, ok := st.claim(id, csrf, stepLogin, []sessionKey{browser}, htStart); !ok {
		t.Error("the refused attempts consumed the token")
	}
}

// TestSessionCookieValue: the cookie verifies only with the server's key.
func TestSessionCookieValue(t *testing.T) {
	key := make([]byte, 32)
	s := newSessions(key, htIssuer)
	id := newSessionID()
	v := s.cookieValue(id)
	other := newSessions(append([]byte{1}, key[1:]...), htIssuer)
	for name, tt := range map[string]struct {
		s    *sessions
		v    string
		want bool
	}{
		"own":        {s, v, true},
		"other key":  {other, v, false},
		"no MAC":     {s, v[:43], false},
		"empty":      {s, ".", false},
		"short id":   {s, v[1:], false},
		"bad base64": {s, "!" + v[1:], false},
	} {
		r := httptestRequestWithCookie(s.name, tt.v)
		got, ok := tt.s.fromRequest(r)
		if ok != tt.want || (ok && got != id) {
			t.Errorf("%s: ok %v", name, ok)
		}
	}
}

func httptestRequestWithCookie(name, value string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: name, Value: value})
	return r
}
