package session

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var start = time.Date(2032, 1, 2, 3, 4, 5, 0, time.UTC)

// TestInteractionClaimOnce: of many concurrent posts of one form, exactly
// one is accepted (a form is single use).
func TestInteractionClaimOnce(t *testing.T) {
	st := NewInteractions()
	browser := NewID().Key()
	id, csrf := st.Save("", Interaction{Browser: browser, Step: StepLogin}, start)
	var wg sync.WaitGroup
	var won atomic.Int32
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok := st.Claim(id, csrf, StepLogin, []Key{browser}, start); ok {
				won.Add(1)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Fatalf("%d claims accepted, want 1", won.Load())
	}
	// A wrong step, browser or an expired interaction is refused.
	id, csrf = st.Save("", Interaction{Browser: browser, Step: StepLogin}, start)
	if _, ok := st.Claim(id, csrf, StepConsent, []Key{browser}, start); ok {
		t.Error("claimed at the wrong step")
	}
	if _, ok := st.Claim(id, csrf, StepLogin, []Key{NewID().Key()}, start); ok {
		t.Error("claimed from another browser")
	}
	if _, ok := st.Claim(id, csrf, StepLogin, []Key{browser}, start.Add(InteractionTTL)); ok {
		t.Error("claimed after the TTL")
	}
	if _, ok := st.Claim(id, csrf, StepLogin, []Key{browser}, start); !ok {
		t.Error("the refused attempts consumed the token")
	}
}

// TestSessionCookieValue: the cookie verifies only with the server's key.
func TestSessionCookieValue(t *testing.T) {
	key := make([]byte, 32)
	s := New(key, "https://as.example")
	id := NewID()
	v := s.cookieValue(id)
	other := New(append([]byte{1}, key[1:]...), "https://as.example")
	for name, tt := range map[string]struct {
		s    *Sessions
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
