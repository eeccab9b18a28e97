package session_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/session"
	"github.com/oauthgen/oauthgen/runtime/oauth"
	"github.com/oauthgen/oauthgen/runtime/sqlite"
)

var start = time.Date(2032, 1, 2, 3, 4, 5, 0, time.UTC)

// stores are the stores the end user's state is tested on: the memory
// store, and a SQLite file.
func stores(t *testing.T) map[string]session.Store {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return map[string]session.Store{"memory": runtime.NewMemoryStore(), "sqlite": db}
}

// TestInteractionClaimOnce: of many concurrent posts of one form, exactly
// one is accepted (a form is single use); refused posts consume nothing;
// the record round-trips through the store.
func TestInteractionClaimOnce(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			ints := session.NewInteractions(st)
			browser := session.NewID().Key()
			params, _ := form.Split("client_id=c&resource=https%3A%2F%2Fa&resource=https%3A%2F%2Fb")
			id, csrf, err := ints.Save(ctx, "", "192.0.2.1", session.Interaction{Browser: browser, Step: session.StepLogin, Params: params, LoggedIn: true}, start)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var won atomic.Int32
			for range 32 {
				wg.Go(func() {
					it, ok, err := ints.Claim(ctx, id, csrf, session.StepLogin, []session.Key{browser}, start)
					if err != nil {
						t.Error(err)
					}
					if ok {
						won.Add(1)
						if it.Browser != browser || !it.LoggedIn || it.Params.Get("client_id") != "c" || len(it.Params.Values("resource")) != 2 {
							t.Errorf("claimed %+v", it)
						}
					}
				})
			}
			wg.Wait()
			if won.Load() != 1 {
				t.Fatalf("%d claims accepted, want 1", won.Load())
			}

			// A wrong step, browser or token, an expired interaction and an
			// earlier page's token are refused.
			id, old, _ := ints.Save(ctx, "", "192.0.2.1", session.Interaction{Browser: browser, Step: session.StepLogin}, start)
			id, csrf, _ = ints.Save(ctx, id, "192.0.2.1", session.Interaction{Browser: browser, Step: session.StepLogin}, start)
			for what, claim := range map[string]func() (session.Interaction, bool, error){
				"wrong step": func() (session.Interaction, bool, error) {
					return ints.Claim(ctx, id, csrf, session.StepConsent, []session.Key{browser}, start)
				},
				"other browser": func() (session.Interaction, bool, error) {
					return ints.Claim(ctx, id, csrf, session.StepLogin, []session.Key{session.NewID().Key()}, start)
				},
				"no browser": func() (session.Interaction, bool, error) {
					return ints.Claim(ctx, id, csrf, session.StepLogin, nil, start)
				},
				"after the TTL": func() (session.Interaction, bool, error) {
					return ints.Claim(ctx, id, csrf, session.StepLogin, []session.Key{browser}, start.Add(session.InteractionTTL))
				},
				"earlier page": func() (session.Interaction, bool, error) {
					return ints.Claim(ctx, id, old, session.StepLogin, []session.Key{browser}, start)
				},
				"wrong token": func() (session.Interaction, bool, error) {
					return ints.Claim(ctx, id, csrf+"x", session.StepLogin, []session.Key{browser}, start)
				},
				"no token": func() (session.Interaction, bool, error) {
					return ints.Claim(ctx, id, "", session.StepLogin, []session.Key{browser}, start)
				},
				"unknown id": func() (session.Interaction, bool, error) {
					return ints.Claim(ctx, id+"x", csrf, session.StepLogin, []session.Key{browser}, start)
				},
			} {
				if _, ok, err := claim(); ok || err != nil {
					t.Errorf("%s: claimed %v, err %v", what, ok, err)
				}
			}
			if _, ok, _ := ints.Claim(ctx, id, csrf, session.StepLogin, []session.Key{browser}, start); !ok {
				t.Error("the refused attempts consumed the token")
			}
			if _, ok, _ := ints.View(ctx, id, session.StepLogin, browser, start); !ok {
				t.Error("View after Claim: not found")
			}
			if err := ints.End(ctx, id); err != nil {
				t.Fatal(err)
			}
			if _, ok, _ := ints.View(ctx, id, session.StepLogin, browser, start); ok {
				t.Error("View after End: found")
			}
		})
	}
}

// TestSessionCookie: a cookie verifies only with the key that signed it,
// and only intact; a login on one instance is seen by another on the
// same store, which agrees on the key without configuration.
func TestSessionCookie(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			a := session.New(st, nil, "https://as.example")
			b := session.New(st, nil, "https://as.example")
			other := session.New(st, make([]byte, session.KeyBytes), "https://as.example")

			w := httptest.NewRecorder()
			us, err := a.Login(ctx, w, session.Browser{}, session.Session{Subject: "alice", Username: "alice", AMR: []string{"pwd"}}, start)
			if err != nil {
				t.Fatal(err)
			}
			c := w.Result().Cookies()[0]
			if c.Name != "__Host-oauthgen-session" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Errorf("cookie %+v", c)
			}
			for name, tt := range map[string]struct {
				s          *session.Sessions
				value      string
				cookie, in bool
			}{
				"same instance":  {a, c.Value, true, true},
				"other instance": {b, c.Value, true, true},
				"other key":      {other, c.Value, false, false},
				"no MAC":         {a, c.Value[:43], false, false},
				"empty":          {a, ".", false, false},
				"short id":       {a, c.Value[1:], false, false},
				"bad base64":     {a, "!" + c.Value[1:], false, false},
			} {
				r := httptest.NewRequest(http.MethodGet, "/", nil)
				r.AddCookie(&http.Cookie{Name: c.Name, Value: tt.value})
				got, err := tt.s.Current(ctx, r, start)
				if err != nil {
					t.Fatal(err)
				}
				if got.HasCookie != tt.cookie || got.SignedIn != tt.in {
					t.Errorf("%s: cookie %v, signed in %v", name, got.HasCookie, got.SignedIn)
				}
				if tt.in && (got.Key != us.Key || got.Session.Subject != "alice" || got.Session.SID != us.Session.SID ||
					!got.Session.AuthTime.Equal(start) || len(got.Session.AMR) != 1) {
					t.Errorf("%s: session %+v, want %+v", name, got.Session, us.Session)
				}
			}

			// A second login rotates the cookie and deletes the old record.
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.AddCookie(c)
			old, _ := b.Current(ctx, r, start)
			w = httptest.NewRecorder()
			next, err := b.Login(ctx, w, old, session.Session{Subject: "bob"}, start.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if next.Key == old.Key || next.Session.Previous != old.Key {
				t.Errorf("login did not rotate: %+v", next)
			}
			if got, _ := a.Current(ctx, r, start.Add(time.Minute)); got.SignedIn {
				t.Error("the old cookie still signs in")
			}
			if got, _ := a.Current(ctx, r, start.Add(session.TTL)); got.SignedIn {
				t.Error("a session outlived its TTL")
			}
		})
	}
}

// TestHTTPIssuerCookie: on an http loopback issuer the cookie is neither
// Secure nor __Host- prefixed (browsers refuse both over http).
func TestHTTPIssuerCookie(t *testing.T) {
	s := session.New(runtime.NewMemoryStore(), nil, "http://127.0.0.1:8080")
	w := httptest.NewRecorder()
	if err := s.SetCookie(t.Context(), w, session.NewID(), start); err != nil {
		t.Fatal(err)
	}
	if c := w.Result().Cookies()[0]; c.Name != session.CookieName || c.Secure {
		t.Errorf("cookie %+v", c)
	}
}

// TestConsents: an approval covers its scopes and no more, for that
// subject and client only; a request without scopes needs one approval.
func TestConsents(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			c := session.NewConsents(st)
			covers := func(sub, client string, scope oauth.ScopeSet, at time.Time) bool {
				t.Helper()
				ok, err := c.Covers(ctx, sub, client, scope, at)
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}
			if covers("alice", "app", nil, start) {
				t.Error("no approval covers an empty scope")
			}
			if err := c.Remember(ctx, "alice", "app", oauth.ScopeSet{"openid", "profile"}, start); err != nil {
				t.Fatal(err)
			}
			for _, tt := range []struct {
				sub, client string
				scope       oauth.ScopeSet
				at          time.Time
				want        bool
			}{
				{"alice", "app", oauth.ScopeSet{"openid", "profile"}, start, true},
				{"alice", "app", oauth.ScopeSet{"profile"}, start, true},
				{"alice", "app", nil, start, true},
				{"alice", "app", oauth.ScopeSet{"openid", "email"}, start, false},
				{"alice", "other", oauth.ScopeSet{"openid"}, start, false},
				{"bob", "app", oauth.ScopeSet{"openid"}, start, false},
				{"alice", "app", oauth.ScopeSet{"openid"}, start.Add(session.ConsentTTL), false},
			} {
				if got := covers(tt.sub, tt.client, tt.scope, tt.at); got != tt.want {
					t.Errorf("Covers(%s, %s, %v) = %v", tt.sub, tt.client, tt.scope, got)
				}
			}
			// Two approvals at once both count.
			var wg sync.WaitGroup
			for _, sc := range []string{"email", "phone"} {
				wg.Go(func() {
					if err := c.Remember(ctx, "alice", "app", oauth.ScopeSet{sc}, start); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if !covers("alice", "app", oauth.ScopeSet{"openid", "email", "phone"}, start) {
				t.Error("a concurrent approval was lost")
			}
		})
	}
}

// TestStoreFailure: a store that fails is an error from every call, never
// a session, an interaction or a consent.
func TestStoreFailure(t *testing.T) {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	ctx := context.Background()
	s := session.New(db, nil, "https://as.example")
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: "__Host-oauthgen-session", Value: "x.y"})
	if _, err := s.Current(ctx, r, start); err == nil {
		t.Error("Current: no error")
	}
	w := httptest.NewRecorder()
	if _, err := s.Login(ctx, w, session.Browser{}, session.Session{Subject: "a"}, start); err == nil || len(w.Result().Cookies()) != 0 {
		t.Errorf("Login: err %v, cookies %v", err, w.Result().Cookies())
	}
	ints := session.NewInteractions(db)
	if _, _, err := ints.Save(ctx, "", "192.0.2.1", session.Interaction{Step: session.StepLogin}, start); err == nil {
		t.Error("Save: no error")
	}
	if _, ok, err := ints.Claim(ctx, "id", "csrf", session.StepLogin, nil, start); ok || err == nil {
		t.Errorf("Claim: %v, %v", ok, err)
	}
	if ok, err := session.NewConsents(db).Covers(ctx, "a", "c", nil, start); ok || err == nil {
		t.Errorf("Covers: %v, %v", ok, err)
	}
}
