package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime/stores"
	"github.com/oauthgen/oauthgen/runtime/storetest/pgtest"
)

// dbLink is a TCP relay between the server and PostgreSQL that the test
// can cut, as a failed database or network does: cut closes every
// connection and refuses new ones until restore.
type dbLink struct {
	ln     net.Listener
	target func() (net.Conn, error)
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

// newDBLink relays to the server of dsn and returns the DSN through it.
func newDBLink(t *testing.T, dsn string) (*dbLink, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	host, port := u.Hostname(), u.Port()
	if h := q.Get("host"); h != "" {
		host = h
	}
	if p := q.Get("port"); p != "" {
		port = p
	}
	if port == "" {
		port = "5432"
	}
	var target func() (net.Conn, error)
	if strings.HasPrefix(host, "/") {
		sock := filepath.Join(host, ".s.PGSQL."+port)
		target = func() (net.Conn, error) { return net.Dial("unix", sock) }
	} else {
		target = func() (net.Conn, error) { return net.Dial("tcp", net.JoinHostPort(host, port)) }
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &dbLink{ln: ln, target: target}
	go l.serve()
	t.Cleanup(func() { ln.Close(); l.cut() })
	q.Del("host")
	q.Del("port")
	u.Host = ln.Addr().String()
	u.RawQuery = q.Encode()
	return l, u.String()
}

func (l *dbLink) serve() {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		l.mu.Lock()
		if l.down {
			l.mu.Unlock()
			c.Close()
			continue
		}
		s, err := l.target()
		if err != nil {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.conns = append(l.conns, c, s)
		l.mu.Unlock()
		go func() { _, _ = io.Copy(s, c); s.Close() }()
		go func() { _, _ = io.Copy(c, s); c.Close() }()
	}
}

func (l *dbLink) cut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.down = true
	for _, c := range l.conns {
		c.Close()
	}
	l.conns = nil
}

func (l *dbLink) restore() {
	l.mu.Lock()
	l.down = false
	l.mu.Unlock()
}

// TestDatabaseOutage: while PostgreSQL is unreachable, the token and
// introspection endpoints answer server_error JSON (no-store), the
// authorization endpoint temporarily_unavailable by redirect to the
// client, its login form a 503 page, and the cause is logged; nothing
// panics. When the database is back, the same server works again without
// a restart.
func TestDatabaseOutage(t *testing.T) {
	ctx := t.Context()
	link, dsn := newDBLink(t, pgtest.DSN(t))
	st, err := stores.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	logs := &processLog{}
	ts := httptest.NewUnstartedServer(nil)
	issuer := "http://" + ts.Listener.Addr().String()
	log := slog.New(slog.NewTextHandler(logs, nil))
	srv, err := newServer(serverOptions{issuer: issuer, store: st, log: log})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = newHandler(srv, issuer, log)
	ts.Start()
	defer ts.Close()

	cli := &durabilityClient{base: issuer}
	cc := url.Values{"grant_type": {"client_credentials"}}
	tokenOK := func() string {
		t.Helper()
		status, body := cli.post(ctx, "/oauth2/token", cc, "demo-service", demoServiceSecret)
		if status != http.StatusOK {
			t.Fatalf("token: %d %q", status, body.Error)
		}
		return body.AccessToken
	}
	tok := tokenOK()
	cfg := demoAppOAuth2Config(issuer)
	ua := newUserAgent(t)
	authURL := cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	resp, loginPage := ua.get(authURL)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}

	link.cut()
	// The token endpoint.
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, issuer+"/oauth2/token", strings.NewReader(cc.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("demo-service", demoServiceSecret)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var e struct{ Error string }
	_ = json.NewDecoder(r.Body).Decode(&e)
	r.Body.Close()
	if r.StatusCode != http.StatusInternalServerError || e.Error != "server_error" || r.Header.Get("Cache-Control") != "no-store" ||
		r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("token during the outage: %d %q %q %q", r.StatusCode, e.Error, r.Header.Get("Cache-Control"), r.Header.Get("Content-Type"))
	}
	// Introspection.
	if status, body := cli.post(ctx, "/oauth2/introspect", url.Values{"token": {tok}}, "demo-api", demoAPISecret); status != http.StatusInternalServerError || body.Error != "server_error" {
		t.Errorf("introspection during the outage: %d %q", status, body.Error)
	}
	// The authorization endpoint, back to the client with state.
	resp, _ = ua.get(authURL)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc.Query().Get("error") != "temporarily_unavailable" || loc.Query().Get("state") != "st" {
		t.Errorf("authorize during the outage: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The login form: a page, nothing to redirect with yet.
	resp, page := ua.submit(issuer, loginPage, url.Values{"username": {demoUser}, "password": {demoPassword}})
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(page, "temporarily unavailable") {
		t.Errorf("login during the outage: %d\n%s", resp.StatusCode, page)
	}
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("no error logged:\n%s", logs.String())
	}

	link.restore()
	if status, body := cli.post(ctx, "/oauth2/introspect", url.Values{"token": {tok}}, "demo-api", demoAPISecret); status != http.StatusOK || !body.Active {
		t.Errorf("introspection after the outage: %d %q", status, body.Error)
	}
	tokenOK()
	q := signIn(t, ua, issuer, authURL, true)
	if q.Get("code") == "" {
		t.Errorf("sign-in after the outage: %v", q)
	}
}
