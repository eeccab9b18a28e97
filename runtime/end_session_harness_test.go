package runtime

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauthgen/oauthgen/runtime/internal/session"
	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"github.com/oauthgen/oauthgen/runtime/internal/testclock"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The end-session test server: an OpenID server with the authorization
// and end-session flows, relying parties registered for RP-Initiated and
// Back-Channel Logout, and a back-channel receiver.

const (
	esPath        = "/oauth2/logout"
	esRPRedirect  = "https://rp.example/cb"
	esAfterLogout = "https://rp.example/bye"
	esAfterQuery  = "https://rp.example/bye?lang=fr"
)

// esReceiver is a relying party's back-channel logout endpoint: it records
// each logout_token posted and fails the first fail requests with 503.
type esReceiver struct {
	ts *httptest.Server

	mu     sync.Mutex
	fail   int
	tokens []string
	calls  int
}

func esNewReceiver(t testing.TB) *esReceiver {
	rc := &esReceiver{}
	rc.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.calls++
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if rc.fail > 0 {
			rc.fail--
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_ = r.ParseForm()
		rc.tokens = append(rc.tokens, r.PostForm.Get("logout_token"))
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(rc.ts.Close)
	return rc
}

// received returns the logout tokens received and the number of calls.
func (rc *esReceiver) received() ([]string, int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.tokens...), rc.calls
}

// esClients are the relying parties: rp (post-logout URIs, back-channel),
// rp2 (back-channel), plain (neither).
func esClients(receiver string) azClients {
	rp := azClient("rp", azConfidential, esRPRedirect)
	rp.Name = "Relying Party"
	rp.Scopes = oauth.ScopeSet{"openid", "read"}
	rp.PostLogoutRedirectURIs = []string{esAfterLogout, esAfterQuery}
	rp.BackchannelLogoutURI = receiver + "/rp"
	rp2 := azClient("rp2", azConfidential, "https://rp2.example/cb")
	rp2.Scopes = oauth.ScopeSet{"openid", "read"}
	rp2.BackchannelLogoutURI = receiver + "/rp2"
	plain := azClient("plain", azConfidential, "https://plain.example/cb")
	plain.Scopes = oauth.ScopeSet{"openid", "read"}
	return azClients{"rp": rp, "rp2": rp2, "plain": plain}
}

// esFlow mirrors the generated end-session flow: it runs hook, or the
// default procedure, and records the contexts.
type esFlow struct{ env *esEnv }

func (f esFlow) Prepare(c *EndSessionContext) (func(context.Context) (*EndSessionResponse, error), error) {
	return func(ctx context.Context) (*EndSessionResponse, error) {
		f.env.mu.Lock()
		f.env.seen = append(f.env.seen, c)
		hook := f.env.hook
		f.env.mu.Unlock()
		if hook != nil {
			return hook(ctx, c)
		}
		return c.Default(ctx)
	}, nil
}

// esEnv is an end-session test server, its store shared with any other
// instance made by instance.
type esEnv struct {
	*azEnv
	receiver *esReceiver
	clients  azClients
	keys     *KeySet

	mu   sync.Mutex
	hook func(ctx context.Context, c *EndSessionContext) (*EndSessionResponse, error)
	seen []*EndSessionContext
}

func esNewEnv(t testing.TB) *esEnv {
	t.Helper()
	rc := esNewReceiver(t)
	env := &esEnv{receiver: rc, clients: esClients(rc.ts.URL), keys: oidcKeys(t, oauth.AlgRS256)}
	env.azEnv = env.instance(t, testclock.New(htStart), NewMemoryStore())
	return env
}

// instance builds a server on store with clock: a second one on the same
// store is another instance of the same service.
func (env *esEnv) instance(t testing.TB, clock *testclock.Clock, store *MemoryStore) *azEnv {
	t.Helper()
	az := &azEnv{clock: clock, store: store, logs: &htLockedBuffer{}}
	users, err := NewMemoryUsers(User{Subject: "sub-alice", Username: "alice", PasswordHash: azHashes()[azAlicePass]})
	if err != nil {
		t.Fatal(err)
	}
	az.users = users
	s := htSettings()
	s.Paths["oauth-authorize"] = azAuthorizePath
	s.Scopes = []ScopeInfo{{Name: "openid"}, {Name: "read", Description: "Read your files"}}
	cfg := Config{
		Clients: env.clients, Store: store, Keys: env.keys, Clock: clock, Users: users,
		Logger:     slog.New(slog.NewJSONHandler(az.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		HTTPClient: env.receiver.ts.Client(),
	}
	fl := Flows{
		Token: []Registration[TokenContext, TokenResponse]{
			{ID: "oauth-token-authorization-code", Wire: string(oauth.GrantAuthorizationCode), Policy: htPolicy(), Grant: htCodeGrant, Flow: htDefaultFlow{}},
		},
		Authorize:  &Registration[AuthorizeContext, AuthorizeResponse]{ID: "oauth-authorize-authorization-code", Wire: "code", Flow: azFlow{az}},
		EndSession: &Registration[EndSessionContext, EndSessionResponse]{ID: "openid-end-session", Flow: esFlow{env}},
	}
	srv, err := NewServer(cfg, s, fl)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	// Retries wait on the test clock: they advance it, never sleep.
	srv.backchannel.Pause = func(_ context.Context, d time.Duration) error {
		clock.Advance(d)
		return nil
	}
	t.Cleanup(srv.backchannel.Wait)
	az.srv = srv
	az.ts = httptest.NewTLSServer(srv)
	t.Cleanup(az.ts.Close)
	return az
}

// setHook makes the flow run hook instead of the default procedure.
func (env *esEnv) setHook(hook func(ctx context.Context, c *EndSessionContext) (*EndSessionResponse, error)) {
	env.mu.Lock()
	defer env.mu.Unlock()
	env.hook = hook
}

// calls returns the number of times the procedure ran.
func (env *esEnv) calls() int {
	env.mu.Lock()
	defer env.mu.Unlock()
	return len(env.seen)
}

// signIn signs alice in at client through b and returns the ID token it
// redeems its code for.
func (env *esEnv) signIn(t *testing.T, b *azBrowser, az *azEnv, client, redirect string) string {
	t.Helper()
	q := azQuery("client_id", client, "redirect_uri", redirect, "scope", "openid read", "nonce", "n")
	var got url.Values
	if b.cookie() == "" {
		got = b.signIn(q)
	} else {
		r := b.authorize(q)
		if strings.HasPrefix(r.header.Get("Location"), azAuthorizePath+"/consent?") || r.status == http.StatusOK {
			r = b.consent(r, "approve")
		}
		got = azWantRedirect(t, r, redirect)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {got.Get("code")}, "redirect_uri": {redirect}, "code_verifier": {htVerifier}}
	req := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(client, azWebSecret)
	w := httptest.NewRecorder()
	az.srv.ServeHTTP(w, req)
	tok := htDecode(t, w)
	id := idTokenOf(tok)
	if id == "" {
		t.Fatalf("no id_token: %+v", tok)
	}
	return id
}

// esQuery builds a logout request's query.
func esQuery(kv ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return q
}

// logout sends a logout request by GET.
func (b *azBrowser) logout(q url.Values) azResponse {
	b.t.Helper()
	return b.get(esPath + "?" + q.Encode())
}

// confirm submits the confirmation page r.
func (b *azBrowser) confirm(r azResponse) azResponse {
	b.t.Helper()
	azWantPage(b.t, r, "Sign out?")
	id, csrf := azFormFields(b.t, r)
	return b.post(esPath+"/confirm", url.Values{"interaction": {id}, "csrf": {csrf}, "decision": {"logout"}})
}

// signedIn reports whether the browser's session is live on az.
func (b *azBrowser) signedIn(az *azEnv) bool {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range b.c.Jar.Cookies(mustURL(b.env.ts.URL)) {
		req.AddCookie(c)
	}
	us, err := az.srv.endUser.sessions.Current(context.Background(), req, az.clock.Now())
	if err != nil {
		b.t.Fatal(err)
	}
	return us.SignedIn
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// hint signs an ID token hint with key (the server's RS256 key when nil)
// and claims.
func (env *esEnv) hint(t *testing.T, key *SigningKey, claims map[string]any) string {
	t.Helper()
	if key == nil {
		key = env.keys.ForAlg(oauth.AlgRS256)
	}
	c := map[string]any{"iss": htIssuer, "sub": "sub-alice", "aud": "rp", "iat": htStart.Unix(), "exp": htStart.Add(time.Hour).Unix()}
	for k, v := range claims {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	tok, err := key.Sign("JWT", jwt.MapClaims(c))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// session returns the browser's live session record.
func (b *azBrowser) session() (sessionRecord, bool) {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range b.c.Jar.Cookies(mustURL(b.env.ts.URL)) {
		req.AddCookie(c)
	}
	us, err := b.env.srv.endUser.sessions.Current(context.Background(), req, b.env.clock.Now())
	if err != nil {
		b.t.Fatal(err)
	}
	return us.Session, us.SignedIn
}

// sessionRecord is a login session's record.
type sessionRecord = session.Session

// esSlotKey is the key of a delivery slot.
func esSlotKey(i int) []byte { return statens.Key("slot", strconv.Itoa(i)) }
