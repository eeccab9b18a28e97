package session_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/cryptotest"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/session"
)

// The fuzz targets' state must be the same in every fuzzing worker (each
// is a process of its own) and in every run, so that a seed names a cookie
// or a token the worker's store knows. Whatever the runtime draws from
// crypto/rand is drawn under cryptotest.SetGlobalRandom, and the seeds are
// computed from the same stream (cryptoStream).

// cryptoStream returns the first n bytes crypto/rand yields under
// cryptotest.SetGlobalRandom(t, seed): its ChaCha8 stream.
func cryptoStream(seed uint64, n int) []byte {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:8], seed)
	b := make([]byte, n)
	_, _ = rand.NewChaCha8(s).Read(b)
	return b
}

// fuzzCookieKey signs the fuzz targets' session cookies.
var fuzzCookieKey = bytes.Repeat([]byte("fuzz-key"), session.KeyBytes/8)

// cookieFuzz is the state of FuzzSessionCookie: the sessions of an https
// issuer (__Host- cookie) and of an http loopback issuer on one store and
// key, and every cookie the test issued, by the key of its id.
type cookieFuzz struct {
	https, http *session.Sessions
	issued      map[session.Key]bool   // the id's key → signed in
	values      map[string]bool        // the issued cookies' values
	macs        map[session.Key][]byte // the MAC each issued cookie carries
}

// The anonymous cookies the test issues: fixed ids, no record.
var fuzzAnonIDs = []session.ID{{}, {1}, {0xff, 0xfe, 0x80, 0x7f}}

// fuzzLoginSeed is the SetGlobalRandom seed under which the test signs in.
const fuzzLoginSeed = 1

func newCookieFuzz(t *testing.T) *cookieFuzz {
	cryptotest.SetGlobalRandom(t, fuzzLoginSeed)
	ctx := context.Background()
	st := runtime.NewMemoryStore()
	cf := &cookieFuzz{
		https:  session.New(st, fuzzCookieKey, "https://as.example"),
		http:   session.New(st, fuzzCookieKey, "http://127.0.0.1:8080"),
		issued: map[session.Key]bool{},
		values: map[string]bool{},
	}
	for _, id := range fuzzAnonIDs {
		cf.issued[id.Key()] = false
	}
	cf.macs = map[session.Key][]byte{}
	for i, v := range issuedValues(t) {
		cf.values[v] = true
		rawID, rawMAC, _ := strings.Cut(v, ".")
		id, err1 := base64.RawURLEncoding.DecodeString(rawID)
		mac, err2 := base64.RawURLEncoding.DecodeString(rawMAC)
		if err1 != nil || err2 != nil || len(id) != len(session.ID{}) || session.ID(id) != issuedIDs()[i] {
			t.Fatalf("issued cookie %q is not base64url(id) \".\" base64url(MAC)", v)
		}
		cf.macs[session.ID(id).Key()] = mac
	}
	us, err := cf.https.Login(ctx, httptest.NewRecorder(), session.Browser{}, session.Session{Subject: "alice", Username: "alice"}, start)
	if err != nil {
		t.Fatal(err)
	}
	if want := session.ID(cryptoStream(fuzzLoginSeed, 32)); us.Key != want.Key() {
		t.Fatal("Login drew its id from crypto/rand other than as cryptoStream predicts: update the fuzz seeds")
	}
	cf.issued[us.Key] = true
	return cf
}

// cookieSeeds are the Cookie headers of the cookies newCookieFuzz issues,
// under both names, and variants of them.
func cookieSeeds(f *testing.F) []string {
	ctx := context.Background()
	values := issuedValues(f)
	other := session.New(runtime.NewMemoryStore(), make([]byte, session.KeyBytes), "https://as.example")
	w := httptest.NewRecorder()
	if err := other.SetCookie(ctx, w, fuzzAnonIDs[1], start); err != nil {
		f.Fatal(err)
	}
	foreign := w.Result().Cookies()[0].Value // an issued id, another key's MAC
	w = httptest.NewRecorder()
	if err := other.SetCookie(ctx, w, session.ID{2}, start); err != nil {
		f.Fatal(err)
	}
	stranger := w.Result().Cookies()[0].Value // an id never issued, another key's MAC
	v, login := values[0], values[len(values)-1]
	id0, mac0, _ := strings.Cut(v, ".")
	id1, mac1, _ := strings.Cut(values[1], ".")
	var seeds []string
	for _, name := range []string{"__Host-oauthgen-session", "oauthgen-session"} {
		for _, value := range append(values, foreign, stranger, id0+"."+mac1, id1+"."+mac0, stranger[:43]+"."+mac0, v[:43], v[1:], "!"+v[1:], ".", "",
			v+"=", v+"."+mac0, `"`+v+`"`, strings.ToUpper(v), login[:len(login)-1]+"B") {
			seeds = append(seeds, name+"="+value)
		}
	}
	return append(seeds, "a=b; __Host-oauthgen-session="+login, "__Host-oauthgen-session=x; __Host-oauthgen-session="+login,
		"__host-oauthgen-session="+login, " __Host-oauthgen-session = "+login, "__Host-oauthgen-session="+login+"; oauthgen-session="+v)
}

// FuzzSessionCookie: reading the session cookie of a request
// (Sessions.Current, what every page of the authorization endpoint does
// first) never panics or fails on a working store, and a cookie it accepts
// carries the id of a cookie the test issued: no value forges a MAC. It is
// signed in exactly when that id's session is, as the same user. The
// issued cookies themselves are accepted. (Another spelling of an issued
// cookie may be accepted too: base64url's unused trailing bits; it
// decodes to the same id, which is what the MAC binds.)
func FuzzSessionCookie(f *testing.F) {
	for _, s := range cookieSeeds(f) {
		f.Add(s)
	}
	var cf *cookieFuzz // built in the first call of each process
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, header string) {
		if cf == nil {
			cf = newCookieFuzz(t)
		}
		r := &http.Request{Header: http.Header{"Cookie": {header}}}
		for name, s := range map[string]*session.Sessions{"__Host-oauthgen-session": cf.https, "oauthgen-session": cf.http} {
			b, err := s.Current(ctx, r, start)
			if err != nil {
				t.Fatalf("Current(%q): %v", header, err)
			}
			signedIn, issued := cf.issued[b.Key]
			switch {
			case !b.HasCookie && b.SignedIn:
				t.Fatalf("Current(%q): signed in without a cookie", header)
			case b.HasCookie && !issued:
				t.Fatalf("Current(%q) accepted the cookie %s of an id the test never issued", header, name)
			case b.HasCookie && b.SignedIn != signedIn:
				t.Fatalf("Current(%q): signed in %v, want %v", header, b.SignedIn, signedIn)
			case b.SignedIn && (b.Session.Subject != "alice" || b.Session.Username != "alice"):
				t.Fatalf("Current(%q): session %+v", header, b.Session)
			}
			if b.HasCookie {
				// The MAC it carries is the one the test's cookie of that id carries.
				c, _ := r.Cookie(name)
				_, rawMAC, _ := strings.Cut(c.Value, ".")
				if got, err := base64.RawURLEncoding.DecodeString(rawMAC); err != nil || !bytes.Equal(got, cf.macs[b.Key]) {
					t.Fatalf("Current(%q) accepted the MAC %q; the issued cookie of that id has %x", header, rawMAC, cf.macs[b.Key])
				}
			}
			if c, err := r.Cookie(name); err == nil && !b.HasCookie && cf.values[c.Value] {
				t.Fatalf("Current(%q) refused an issued cookie", header)
			}
		}
	})
}

// issuedIDs are the ids of the cookies newCookieFuzz issues: the anonymous
// ones, then the signed-in one.
func issuedIDs() []session.ID {
	return slices.Concat(fuzzAnonIDs, []session.ID{session.ID(cryptoStream(fuzzLoginSeed, 32))})
}

// issuedValues are the values of the cookies newCookieFuzz issues: the
// anonymous ones, then the signed-in one.
func issuedValues(t testing.TB) []string {
	s := session.New(runtime.NewMemoryStore(), fuzzCookieKey, "https://as.example")
	var values []string
	for _, id := range issuedIDs() {
		w := httptest.NewRecorder()
		if err := s.SetCookie(context.Background(), w, id, start); err != nil {
			t.Fatal(err)
		}
		values = append(values, w.Result().Cookies()[0].Value)
	}
	return values
}

// fuzzInteractionSeed is the SetGlobalRandom seed under which
// FuzzInteractionClaim saves its interactions.
const fuzzInteractionSeed = 2

// The browsers of FuzzInteractionClaim: the login interaction is the
// first's, the consent interaction the second's; the third has none.
var fuzzBrowsers = [3]session.Key{session.ID{1}.Key(), session.ID{2}.Key(), session.ID{3}.Key()}

// fuzzIssued is an interaction FuzzInteractionClaim saved, with the CSRF
// token of its current page.
type fuzzIssued struct {
	id, csrf string
	step     session.Step
	browser  session.Key
}

// fuzzPredicted are the ids and tokens newInteractionFuzz draws: the login
// interaction's id, its first page's token (replaced), its current token,
// then the consent interaction's id and token (randtok.NewValue: 32 bytes,
// base64url).
func fuzzPredicted() (loginID, oldCSRF, loginCSRF, consentID, consentCSRF string) {
	b := cryptoStream(fuzzInteractionSeed, 5*32)
	v := func(i int) string { return base64.RawURLEncoding.EncodeToString(b[32*i : 32*i+32]) }
	return v(0), v(1), v(2), v(3), v(4)
}

// newInteractionFuzz saves, in a new store, a login interaction of the
// first browser shown twice (its first page's token is stale) and a
// consent interaction of the second, and returns them as issued.
func newInteractionFuzz(t *testing.T, params form.Params) (*session.Interactions, [2]fuzzIssued) {
	cryptotest.SetGlobalRandom(t, fuzzInteractionSeed)
	ctx := context.Background()
	ints := session.NewInteractions(runtime.NewMemoryStore())
	save := func(id string, step session.Step, browser session.Key) (string, string) {
		id, csrf, err := ints.Save(ctx, id, "192.0.2.1", session.Interaction{Browser: browser, Step: step, Params: params}, start)
		if err != nil {
			t.Fatal(err)
		}
		return id, csrf
	}
	loginID, _ := save("", session.StepLogin, fuzzBrowsers[0])
	_, loginCSRF := save(loginID, session.StepLogin, fuzzBrowsers[0])
	consentID, consentCSRF := save("", session.StepConsent, fuzzBrowsers[1])
	wantLogin, _, wantLoginCSRF, wantConsent, wantConsentCSRF := fuzzPredicted()
	if loginID != wantLogin || loginCSRF != wantLoginCSRF || consentID != wantConsent || consentCSRF != wantConsentCSRF {
		t.Fatal("Save drew its ids and tokens from crypto/rand other than fuzzPredicted says: update it")
	}
	return ints, [2]fuzzIssued{
		{loginID, loginCSRF, session.StepLogin, fuzzBrowsers[0]},
		{consentID, consentCSRF, session.StepConsent, fuzzBrowsers[1]},
	}
}

// FuzzInteractionClaim: a posted login or consent form (Interactions.Claim:
// interaction id, CSRF token, the page's step, the browser's cookie keys)
// never panics, and claims an interaction only with the exact id and the
// exact token of its current page, at its step, from its browser (RFC 6749
// §10.12); it then returns that interaction as saved, and the same post
// is refused the second time (single use). The exact posts are accepted.
// View (the consent page shown again) finds an interaction only by its
// exact id, at its step, for its browser. Each input starts from the same
// freshly saved interactions.
func FuzzInteractionClaim(f *testing.F) {
	loginID, oldCSRF, loginCSRF, consentID, consentCSRF := fuzzPredicted()
	login, consent := uint8(session.StepLogin), uint8(session.StepConsent)
	for _, s := range []struct {
		id, csrf       string
		step, browsers uint8 // browsers: a bit per fuzzBrowsers entry
	}{
		{loginID, loginCSRF, login, 1}, {loginID, loginCSRF, login, 3}, {consentID, consentCSRF, consent, 2},
		{loginID, loginCSRF, consent, 1}, {loginID, loginCSRF, login, 2}, {loginID, loginCSRF, login, 4}, {loginID, loginCSRF, login, 0},
		{loginID, oldCSRF, login, 1}, {loginID, consentCSRF, login, 1}, {consentID, loginCSRF, consent, 2},
		{consentID, consentCSRF, login, 2}, {consentID, consentCSRF, consent, 1}, {loginID + "x", loginCSRF, login, 1},
		{loginID, loginCSRF + "x", login, 1}, {loginID[1:], loginCSRF, login, 1}, {loginID, loginCSRF[:42], login, 1},
		{strings.ToUpper(loginID), loginCSRF, login, 1}, {loginID, "", login, 1}, {"", loginCSRF, login, 1}, {"", "", 0, 7},
		{loginID + "=", loginCSRF, login, 1}, {loginID, loginCSRF + "=", login, 1}, {loginID, loginCSRF, 0, 1}, {loginID, loginCSRF, 255, 1},
	} {
		f.Add(s.id, s.csrf, s.step, s.browsers)
	}
	params, e := form.Split("client_id=c&redirect_uri=https%3A%2F%2Fc.example%2Fcb&scope=openid")
	if e != nil {
		f.Fatal(e)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, id, csrf string, step, mask uint8) {
		ints, issued := newInteractionFuzz(t, params)
		var browsers []session.Key
		for i, b := range fuzzBrowsers {
			if mask&(1<<i) != 0 {
				browsers = append(browsers, b)
			}
		}
		st := session.Step(step)
		var match *fuzzIssued
		for i := range issued {
			if is := &issued[i]; id == is.id && csrf == is.csrf && st == is.step && slices.Contains(browsers, is.browser) {
				match = is
			}
		}
		it, ok, err := ints.Claim(ctx, id, csrf, st, browsers, start)
		switch {
		case err != nil:
			t.Fatalf("Claim(%q, %q): %v", id, csrf, err)
		case ok && match == nil:
			t.Fatalf("Claim(%q, %q, step %d, browsers %b) claimed an interaction with another post than its own", id, csrf, st, mask)
		case !ok && match != nil:
			t.Fatalf("Claim(%q, %q, step %d, browsers %b) refused the interaction's own post", id, csrf, st, mask)
		case ok && (it.Browser != match.browser || it.Step != match.step || it.Params.Encode() != params.Encode()):
			t.Fatalf("Claim(%q, %q) returned %+v", id, csrf, it)
		}
		if ok {
			if _, again, _ := ints.Claim(ctx, id, csrf, st, browsers, start); again {
				t.Fatalf("Claim(%q, %q) accepted the same post twice", id, csrf)
			}
		}
		for _, b := range browsers {
			_, found, err := ints.View(ctx, id, st, b, start)
			want := false
			for _, is := range issued {
				want = want || (id == is.id && st == is.step && b == is.browser)
			}
			if err != nil || found != want {
				t.Fatalf("View(%q, step %d): found %v, %v; want %v", id, st, found, err, want)
			}
		}
	})
}
