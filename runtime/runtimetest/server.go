package runtimetest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Start is the instant a Server's clock starts at unless Config.Now says
// otherwise.
var Start = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

// Config is what a Server for procedure tests is built from.
type Config struct {
	// Settings are the generated Settings(); the issuer is replaced by
	// https://as.example.test, so that any spec's issuer works. The
	// authorization endpoint's flow, when Flows has one, is registered but
	// not captured: a test of an Authorize procedure builds its context
	// itself.
	Settings runtime.Settings
	// Flows are the generated Flows(p): their policies apply. Their
	// procedures are not called; Server captures the contexts instead.
	Flows runtime.Flows
	// Clients are registered as given; a confidential client gets a secret
	// that the Server keeps, so a test never handles one.
	Clients []*runtime.Client
	// Users is the user store; nil means one without users.
	Users runtime.UserStore
	// Now is when the clock starts; zero means Start.
	Now time.Time
}

// Server is a runtime server for procedure tests: a memory store, a fake
// clock, fresh keys, the clients of the Config, and every flow of the
// Config's Flows captured before its procedure.
type Server struct {
	// Server is the runtime server, for what a test checks afterwards:
	// Server.AccessTokenActive, Server.IssueAuthorizationCode, ...
	*runtime.Server
	// Clock is the server's clock.
	Clock *Clock
	// Store is the server's store.
	Store *runtime.MemoryStore

	secrets map[string]string
	paths   map[string]string

	mu       sync.Mutex
	captured any
}

// New builds the server, failing the test when the configuration is
// refused.
func New(t testing.TB, cfg Config) *Server {
	t.Helper()
	now := cfg.Now
	if now.IsZero() {
		now = Start
	}
	s := &Server{Clock: NewClock(now), Store: runtime.NewMemoryStore(), secrets: map[string]string{}}
	clients := make([]*runtime.Client, 0, len(cfg.Clients))
	for _, c := range cfg.Clients {
		cp := *c
		if cp.AuthMethod == "" {
			cp.AuthMethod = oauth.AuthClientSecretBasic
		}
		if cp.AuthMethod != oauth.AuthNone {
			secret := newSecret()
			cp.SetSecretHash(runtime.HashClientSecret(runtime.Secret(secret)))
			s.secrets[cp.ID] = secret
		}
		clients = append(clients, &cp)
	}
	users := cfg.Users
	if users == nil {
		users = noUsers{}
	}
	registry, err := runtime.NewMemoryClients(clients...)
	if err != nil {
		t.Fatalf("runtimetest: clients: %v", err)
	}
	srv, err := runtime.NewServer(runtime.Config{
		Clients: registry,
		Store:   s.Store,
		Clock:   s.Clock,
		Users:   users,
		Logger:  slog.New(slog.DiscardHandler),
		Issuer:  "https://as.example.test",
	}, cfg.Settings, s.capture(cfg.Flows))
	if err != nil {
		t.Fatalf("runtimetest: server: %v", err)
	}
	s.Server = srv
	s.paths = srv.Settings().Paths
	return s
}

// newSecret is a client secret of 256 random bits.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Token runs a token request of the client with the form parameters
// params (grant_type included) through the token endpoint, and returns the
// context its flow's procedure would receive: the client authenticated,
// the grant type, scope and resources checked, a code or refresh token
// redeemed, the default token data filled. It fails the test when the
// endpoint answers before the procedure, with the endpoint's error.
func (s *Server) Token(t testing.TB, clientID string, params url.Values) *runtime.TokenContext {
	t.Helper()
	return want[*runtime.TokenContext](t, s, s.clientRequest(clientID, s.paths["oauth-token"], params))
}

// TokenError runs a token request like Token and returns the OAuth error
// the endpoint answers before the procedure; it fails the test when the
// request reaches the procedure.
func (s *Server) TokenError(t testing.TB, clientID string, params url.Values) *oauth.Error {
	t.Helper()
	return wantError(t, s, s.clientRequest(clientID, s.paths["oauth-token"], params))
}

// UserInfo runs a userinfo request with the access token and returns the
// context the userinfo procedure would receive.
func (s *Server) UserInfo(t testing.TB, accessToken string) *runtime.UserInfoContext {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, s.paths["oauth-userinfo"], nil)
	r.Header.Set("Authorization", "Bearer "+accessToken)
	return want[*runtime.UserInfoContext](t, s, r)
}

// Introspection runs an introspection request of the client about token
// and returns the context the introspection procedure would receive.
func (s *Server) Introspection(t testing.TB, clientID, token string) *runtime.IntrospectionContext {
	t.Helper()
	return want[*runtime.IntrospectionContext](t, s, s.clientRequest(clientID, s.paths["oauth-introspect"], url.Values{"token": {token}}))
}

// Revocation runs a revocation request of the client for token and
// returns the context the revocation procedure would receive.
func (s *Server) Revocation(t testing.TB, clientID, token string) *runtime.RevocationContext {
	t.Helper()
	return want[*runtime.RevocationContext](t, s, s.clientRequest(clientID, s.paths["oauth-revoke"], url.Values{"token": {token}}))
}

// IssueCode issues an authorization code as the authorization endpoint
// would, for a code flow's Token request; an empty subject is "alice".
func (s *Server) IssueCode(t testing.TB, code runtime.AuthorizationCode) string {
	t.Helper()
	if code.Authentication.Subject == "" {
		code.Authentication = runtime.Authentication{Subject: "alice", AuthTime: s.Clock.Now(), AMR: []string{"pwd"}}
	}
	c, err := s.IssueAuthorizationCode(context.Background(), code)
	if err != nil {
		t.Fatalf("runtimetest: issue code: %v", err)
	}
	return c.Reveal()
}

// clientRequest is a form POST of the client: client_secret_basic with the
// secret the Server keeps, or client_id for a public client.
func (s *Server) clientRequest(clientID, path string, params url.Values) *http.Request {
	form := url.Values{}
	for k, v := range params {
		form[k] = v
	}
	secret, confidential := s.secrets[clientID]
	if !confidential {
		form.Set("client_id", clientID)
	}
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if confidential {
		r.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	}
	return r
}

// serve runs r and returns the context captured before the procedure, or
// the response when the endpoint answered before it.
func (s *Server) serve(r *http.Request) (any, *httptest.ResponseRecorder) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.captured = nil
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return s.captured, w
}

func want[C any](t testing.TB, s *Server, r *http.Request) C {
	t.Helper()
	got, w := s.serve(r)
	c, ok := got.(C)
	if !ok {
		t.Fatalf("runtimetest: %s %s was answered before the procedure: %d %s", r.Method, r.URL.Path, w.Code, w.Body)
	}
	return c
}

func wantError(t testing.TB, s *Server, r *http.Request) *oauth.Error {
	t.Helper()
	got, w := s.serve(r)
	if got != nil {
		t.Fatalf("runtimetest: %s %s reached the procedure", r.Method, r.URL.Path)
	}
	var body struct {
		Error       oauth.ErrorCode `json:"error"`
		Description string          `json:"error_description"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error == "" {
		t.Fatalf("runtimetest: %s %s: %d %s is not an OAuth error", r.Method, r.URL.Path, w.Code, w.Body)
	}
	return oauth.NewError(body.Error, body.Description)
}

// errCaptured ends a request once its context has been captured.
var errCaptured = errors.New("runtimetest: context captured")

// noUsers is a user store without users.
type noUsers struct{}

func (noUsers) Authenticate(context.Context, string, runtime.Secret) (string, bool, error) {
	return "", false, nil
}

func (noUsers) Claims(context.Context, string) (runtime.UserClaims, bool, error) {
	return runtime.UserClaims{}, false, nil
}
