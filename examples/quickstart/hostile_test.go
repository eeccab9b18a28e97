package main

// The hostile-request suite: requests a client, a browser or an attacker
// may send that a well-behaved client never does, each against a fresh
// quickstart server listening on loopback, each with the exact answer the
// specifications ask for. The cases live in hostile_*_test.go, one file
// per endpoint group; this file is the harness: the server, the request,
// and the checks every answer gets (the status, the error code where the
// endpoint reports one, no-store and the JSON media type on every JSON
// error, and never a 5xx).

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
	"github.com/oauthgen/oauthgen/runtime/runtimetest"
)

// The quickstart's paths and the demo clients' redirect URIs.
const (
	hToken      = "/oauth2/token"
	hAuthorize  = "/oauth2/authorize"
	hUserInfo   = "/oauth2/userinfo"
	hIntrospect = "/oauth2/introspect"
	hRevoke     = "/oauth2/revoke"
	hJWKS       = "/oauth2/jwks"
	hMetadata   = "/.well-known/oauth-authorization-server"
	hOIDConfig  = "/.well-known/openid-configuration"

	hAppRedirect = "http://127.0.0.1:9090/callback"
	hSPARedirect = "http://127.0.0.1:9090/spa-callback"
)

// hVerifier is the PKCE verifier of every code the cases issue, and
// hChallenge its S256 challenge.
var (
	hVerifier  = strings.Repeat("v3r1f13r-", 5) // 45 unreserved characters
	hChallenge = oauth2.S256ChallengeFromVerifier(hVerifier)
)

// hostileCase is one hostile request and the exact answer it must get.
type hostileCase struct {
	name string
	// keys makes the server sign with hostileKeys, which the test knows,
	// instead of keys kept in its store: for tokens signed as the server
	// would sign them but with something else wrong.
	keys bool
	// setup runs on the fresh server before the request: it issues what
	// the request presents (a code, tokens, a forged JWT) and records it in
	// the env's vars, which the request names as {name}.
	setup func(e *hostileEnv)
	req   hostileRequest
	want  hostileWant
}

// hostileRequest is what a case sends.
type hostileRequest struct {
	// method is the HTTP method; "" is POST.
	method string
	// target is the path and query; {name} is replaced by the setup's var.
	target string
	// header holds name, value pairs, added in order: a name may repeat.
	header []string
	// body is the request body ({name} replaced); sent with a
	// Content-Length unless chunked.
	body    string
	chunked bool
	// contentType is the Content-Type; "" is the form type for a POST and
	// none otherwise; "-" is none.
	contentType string
	// raw, when set, is written as is on a TCP connection ({name} and
	// {host} replaced), which is then half-closed: framing net/http's
	// client would never send.
	raw string
}

// answer is the kind of response a case expects.
type answer int

const (
	// aJSON is an OAuth error in JSON (RFC 6749 §5.2): status, error,
	// no-store, application/json.
	aJSON answer = iota
	// aBearer is a protected resource's error (RFC 6750 §3.1): aJSON plus
	// a Bearer challenge naming the error (none for a 405).
	aBearer
	// aChallenge is a protected resource's answer to a request without a
	// token (RFC 6750 §3.1): 401, a bare Bearer challenge, no body.
	aChallenge
	// aRedirect is an authorization error sent back to the redirect URI
	// (RFC 6749 §4.1.2.1): 303, error, iss (RFC 9207), no code.
	aRedirect
	// aFormPost is aRedirect in the form_post response mode: a 200 page
	// whose form posts error to the redirect URI.
	aFormPost
	// aPage is an HTML page and never a redirect: an error page the
	// end user sees (RFC 6749 §4.1.2.1), or the login page.
	aPage
	// aOK is a success (2xx); a JSON body must hold no error member.
	aOK
	// aPlain is a status from outside the OAuth layer (a 404, a 405 of a
	// public document, net/http's own 4xx): status and Allow only.
	aPlain
)

// hostileWant is the answer a case must get.
type hostileWant struct {
	kind   answer
	status int
	// err is the error code: the JSON error member, the redirect's error
	// parameter or the Bearer challenge's error.
	err string
	// allow is the Allow header a 405 must carry.
	allow string
	// challenge is the scheme of the WWW-Authenticate challenge an aJSON
	// error must carry ("" for none: a 400 invalid_client without the
	// Authorization header has none).
	challenge string
	// location is the redirect URI an aRedirect or aFormPost goes to
	// (default hAppRedirect).
	location string
	// check, when set, checks more: the body, or what the request changed
	// on the server (a replay revoked the grant; a refusal left it alone).
	check func(t *testing.T, e *hostileEnv, r hostileResponse)
}

// hostileResponse is a response with its body read.
type hostileResponse struct {
	status int
	header http.Header
	body   []byte
}

// jsonErr is an OAuth JSON error without a challenge.
func jsonErr(status int, code string) hostileWant {
	return hostileWant{kind: aJSON, status: status, err: code}
}

// basicErr is invalid_client after an Authorization header: 401 with a
// Basic challenge (RFC 6749 §5.2).
func basicErr() hostileWant {
	return hostileWant{kind: aJSON, status: http.StatusUnauthorized, err: "invalid_client", challenge: "Basic"}
}

// methodErr is an endpoint's 405 in JSON, with Allow.
func methodErr(allow string) hostileWant {
	return hostileWant{kind: aJSON, status: http.StatusMethodNotAllowed, err: "invalid_request", allow: allow}
}

func bearerErr(status int, code string) hostileWant {
	return hostileWant{kind: aBearer, status: status, err: code}
}

func redirectErr(code string) hostileWant {
	return hostileWant{kind: aRedirect, status: http.StatusSeeOther, err: code}
}

func page(status int) hostileWant { return hostileWant{kind: aPage, status: status} }

func ok(status int) hostileWant { return hostileWant{kind: aOK, status: status} }

func plain(status int) hostileWant { return hostileWant{kind: aPlain, status: status} }

// with returns w with check set.
func (w hostileWant) with(check func(t *testing.T, e *hostileEnv, r hostileResponse)) hostileWant {
	w.check = check
	return w
}

// hostileEnv is one fresh quickstart server on loopback, with its memory
// store: no case sees another's throttle counts, codes or tokens.
type hostileEnv struct {
	t      *testing.T
	srv    *runtime.Server
	issuer string
	host   string
	client *http.Client
	// clock is the server's: it stands still until a setup advances it.
	clock *runtimetest.Clock
	// vars are what setup issued, by the name requests use.
	vars map[string]string
	// fiveXX lists every request of the case, setup and checks included,
	// answered with a 5xx.
	fiveXX []string
}

// hostileUsers are the demo users, hashed once: bcrypt is slow, the more
// so under the race detector, and every case starts a server.
var hostileUsers = sync.OnceValues(newDemoUsers)

// newHostileEnv starts the quickstart as main does (newServer, newHandler,
// runtime.NewHTTPServer's limits) on a loopback port, with a memory store.
func newHostileEnv(t *testing.T, knownKeys bool) *hostileEnv {
	t.Helper()
	users, err := hostileUsers()
	if err != nil {
		t.Fatalf("demo users: %v", err)
	}
	ts := httptest.NewUnstartedServer(nil)
	issuer := "http://" + ts.Listener.Addr().String()
	clock := runtimetest.NewClock(time.Now())
	opts := serverOptions{issuer: issuer, store: runtime.NewMemoryStore(), clock: clock, log: slog.New(slog.DiscardHandler), users: users}
	if knownKeys {
		opts.keys = hostileKeys(t).set
	}
	srv, err := newServer(opts)
	if err != nil {
		t.Fatalf("newServer: %v", err)
	}
	ts.Config = runtime.NewHTTPServer("", newHandler(srv, issuer, slog.New(slog.DiscardHandler)))
	ts.Start()
	t.Cleanup(ts.Close)
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hostileEnv{t: t, srv: srv, issuer: issuer, host: ts.Listener.Addr().String(), client: client, clock: clock, vars: map[string]string{}}
}

// fill replaces {name} by the env's vars and {host} by the server's. A
// var the setup left empty (a token the server did not issue) fails the
// case rather than send an empty value.
func (e *hostileEnv) fill(s string) string {
	e.t.Helper()
	if !strings.Contains(s, "{") {
		return s
	}
	pairs := []string{"{host}", e.host}
	for k, v := range e.vars {
		if v == "" && strings.Contains(s, "{"+k+"}") {
			e.t.Fatalf("setup issued no {%s}", k)
		}
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// send sends a case's request and reads the response.
func (e *hostileEnv) send(rq hostileRequest) hostileResponse {
	e.t.Helper()
	if rq.raw != "" {
		return e.sendRaw(e.fill(rq.raw))
	}
	method := rq.method
	if method == "" {
		method = http.MethodPost
	}
	var body io.Reader
	if rq.body != "" {
		b := e.fill(rq.body)
		if rq.chunked {
			body = io.NopCloser(strings.NewReader(b)) // no length known: chunked
		} else {
			body = strings.NewReader(b)
		}
	}
	ctx, cancel := context.WithTimeout(e.t.Context(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, e.issuer+e.fill(rq.target), body)
	if err != nil {
		e.t.Fatalf("request: %v", err)
	}
	switch ct := rq.contentType; {
	case ct == "-":
	case ct != "":
		req.Header.Set("Content-Type", ct)
	case method == http.MethodPost:
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(rq.header); i += 2 {
		req.Header.Add(rq.header[i], e.fill(rq.header[i+1]))
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, rq.target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read response: %v", err)
	}
	return e.noted(method+" "+rq.target, hostileResponse{status: resp.StatusCode, header: resp.Header, body: b})
}

// noted notes a 5xx answer to the request what.
func (e *hostileEnv) noted(what string, r hostileResponse) hostileResponse {
	if r.status >= 500 {
		e.fiveXX = append(e.fiveXX, fmt.Sprintf("%s: %d %s", what, r.status, r.body))
	}
	return r
}

// sendRaw writes raw on a new connection, half-closes it and reads one
// response.
func (e *hostileEnv) sendRaw(raw string) hostileResponse {
	e.t.Helper()
	conn, err := net.Dial("tcp", e.host)
	if err != nil {
		e.t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		e.t.Fatal(err)
	}
	if _, err := io.WriteString(conn, raw); err != nil {
		e.t.Fatal(err)
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		e.t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body) // a server closing after its answer is fine
	return e.noted("raw request", hostileResponse{status: resp.StatusCode, header: resp.Header, body: b})
}

// TestHostile runs every group of hostile cases, each case against a fresh
// server, then asserts over all of them: at least 150 cases, and not one
// answered with a 5xx.
func TestHostile(t *testing.T) {
	groups := []struct {
		name  string
		cases []hostileCase
	}{
		{"token", hostileTokenCases()},
		{"authorize", hostileAuthorizeCases()},
		{"code", hostileCodeCases()},
		{"refresh", hostileRefreshCases()},
		{"introspect", hostileIntrospectCases()},
		{"revoke", hostileRevokeCases()},
		{"userinfo", hostileUserInfoCases()},
		{"logout", hostileLogoutCases()},
		{"forged-jwt", hostileForgedJWTCases()},
		{"documents", hostileDocumentCases()},
		{"device", hostileDeviceCases()},
		{"par", hostilePARCases()},
	}
	statuses := map[string]int{} // by group/case
	total := 0
	for _, g := range groups {
		total += len(g.cases)
		t.Run(g.name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, tc := range g.cases {
				if seen[tc.name] {
					t.Fatalf("two cases are named %q", tc.name)
				}
				seen[tc.name] = true
				t.Run(tc.name, func(t *testing.T) {
					statuses[g.name+"/"+tc.name] = runHostileCase(t, tc)
				})
			}
		})
	}

	if total < 150 {
		t.Errorf("%d hostile cases; want at least 150", total)
	}
	var fiveXX []string
	for name, status := range statuses {
		if status >= 500 {
			fiveXX = append(fiveXX, fmt.Sprintf("%s: %d", name, status))
		}
	}
	slices.Sort(fiveXX)
	if len(fiveXX) > 0 {
		t.Errorf("hostile requests answered with a 5xx:\n%s", strings.Join(fiveXX, "\n"))
	}
	counts := make([]string, 0, len(groups))
	for _, g := range groups {
		counts = append(counts, fmt.Sprintf("%s %d", g.name, len(g.cases)))
	}
	t.Logf("%d hostile cases: %s", total, strings.Join(counts, ", "))
}

// runHostileCase starts a fresh server, runs the case's setup, sends its
// request, checks the answer and returns its status.
func runHostileCase(t *testing.T, tc hostileCase) int {
	e := newHostileEnv(t, tc.keys)
	if tc.setup != nil {
		tc.setup(e)
	}
	r := e.send(tc.req)
	defer func() {
		if len(e.fiveXX) > 0 {
			t.Errorf("server errors; a request must never get one:\n%s", strings.Join(e.fiveXX, "\n"))
		}
	}()
	// Whatever the case expects: a JSON error is never cached.
	if strings.HasPrefix(r.header.Get("Content-Type"), "application/json") && r.status >= 400 {
		checkNoStore(t, r)
	}
	checkHostile(t, e, tc.want, r)
	if tc.want.check != nil && !t.Failed() {
		tc.want.check(t, e, r)
	}
	return r.status
}

// checkHostile checks a response against the answer wanted.
func checkHostile(t *testing.T, e *hostileEnv, w hostileWant, r hostileResponse) {
	t.Helper()
	show := func() string {
		b := r.body
		if len(b) > 400 {
			b = b[:400]
		}
		return fmt.Sprintf("status %d, headers %v\n%s", r.status, r.header, b)
	}
	if r.status != w.status {
		t.Errorf("status %d; want %d\n%s", r.status, w.status, show())
		return
	}
	if w.allow != "" && r.header.Get("Allow") != w.allow {
		t.Errorf("Allow = %q; want %q (RFC 9110 §15.5.6)", r.header.Get("Allow"), w.allow)
	}
	challenge := r.header.Get("WWW-Authenticate")
	switch w.kind {
	case aJSON, aBearer:
		checkJSONError(t, r, w.err)
		switch {
		case w.kind == aBearer && w.status != http.StatusMethodNotAllowed:
			if got := bearerParam(challenge, "error"); !strings.HasPrefix(challenge, "Bearer ") || got != w.err {
				t.Errorf("WWW-Authenticate = %q; want a Bearer challenge with error=%q (RFC 6750 §3)", challenge, w.err)
			}
			checkDescription(t, bearerParam(challenge, "error_description"))
		case w.challenge != "":
			if !strings.HasPrefix(challenge, w.challenge+" ") {
				t.Errorf("WWW-Authenticate = %q; want a %s challenge (RFC 6749 §5.2)", challenge, w.challenge)
			}
		case challenge != "":
			t.Errorf("WWW-Authenticate = %q; want none", challenge)
		}
	case aChallenge:
		if !strings.HasPrefix(challenge, "Bearer ") || strings.Contains(challenge, "error=") {
			t.Errorf("WWW-Authenticate = %q; want a Bearer challenge without an error code (RFC 6750 §3.1)", challenge)
		}
		if len(r.body) != 0 {
			t.Errorf("body %q; want none", r.body)
		}
		checkNoStore(t, r)
	case aRedirect:
		loc, err := url.Parse(r.header.Get("Location"))
		if err != nil || loc.Host == "" {
			t.Errorf("Location = %q; want the redirect URI\n%s", r.header.Get("Location"), show())
			return
		}
		want := w.location
		if want == "" {
			want = hAppRedirect
		}
		q := loc.Query()
		if base := loc.Scheme + "://" + loc.Host + loc.Path; base != want {
			t.Errorf("redirect to %s; want %s", base, want)
		}
		if q.Get("error") != w.err || q.Get("iss") != e.issuer || q.Has("code") {
			t.Errorf("redirect %s; want error=%s, iss=%s and no code (RFC 6749 §4.1.2.1; RFC 9207 §2)", loc, w.err, e.issuer)
		}
		checkDescription(t, q.Get("error_description"))
		checkNoStore(t, r)
	case aFormPost:
		want := w.location
		if want == "" {
			want = hAppRedirect
		}
		body := string(r.body)
		if !strings.Contains(body, `action="`+want+`"`) || !strings.Contains(body, `name="error" value="`+w.err+`"`) ||
			r.header.Get("Location") != "" {
			t.Errorf("want a form_post page posting error=%s to %s, no Location\n%s", w.err, want, show())
		}
		checkNoStore(t, r)
	case aPage:
		if loc := r.header.Get("Location"); loc != "" {
			t.Errorf("Location = %q; an error page must never redirect (RFC 6749 §4.1.2.1)", loc)
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("Content-Type = %q; want a page", ct)
		}
		checkNoStore(t, r)
	case aOK:
		if strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			var m map[string]any
			if err := json.Unmarshal(r.body, &m); err != nil || m["error"] != nil {
				t.Errorf("body %s; want a JSON success", r.body)
			}
			checkNoStore(t, r)
		}
	case aPlain:
	}
}

// checkJSONError checks an OAuth error response: application/json,
// no-store (RFC 6749 §5.1, §5.2), an error member equal to code. A HEAD
// response has no body to check.
func checkJSONError(t *testing.T, r hostileResponse, code string) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json" && !strings.HasPrefix(ct, "application/json;") {
		t.Errorf("Content-Type = %q; want application/json", ct)
	}
	checkNoStore(t, r)
	if len(r.body) == 0 && r.header.Get("Content-Length") != "0" {
		return // HEAD
	}
	var m struct {
		Error       *string `json:"error"`
		Description string  `json:"error_description"`
	}
	if err := json.Unmarshal(r.body, &m); err != nil || m.Error == nil {
		t.Errorf("body %q; want a JSON object with an error member", r.body)
		return
	}
	if *m.Error != code {
		t.Errorf("error = %q (%s); want %q", *m.Error, m.Description, code)
	}
	checkDescription(t, m.Description)
}

// checkDescription checks an error_description: RFC 6749 §5.2 and
// §4.1.2.1 allow only %x20-21 / %x23-5B / %x5D-7E, so that a request
// cannot put quotes, backslashes or control characters in a response.
func checkDescription(t *testing.T, d string) {
	t.Helper()
	for _, c := range []byte(d) {
		if c < 0x20 || c == '"' || c == '\\' || c > 0x7e {
			t.Errorf("error_description %q has %q, outside the RFC 6749 §5.2 set", d, c)
			return
		}
	}
}

func checkNoStore(t *testing.T, r hostileResponse) {
	t.Helper()
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store (RFC 6749 §5.1)", cc)
	}
}

// bearerParam is a parameter of a Bearer challenge.
func bearerParam(challenge, name string) string {
	m := regexp.MustCompile(`[ ,]` + name + `="([^"]*)"`).FindStringSubmatch(challenge)
	if m == nil {
		return ""
	}
	return m[1]
}

// basic is a client_secret_basic Authorization value (RFC 6749 §2.3.1:
// each part form-urlencoded, then base64).
func basic(id, secret string) string {
	return "Basic " + b64(url.QueryEscape(id)+":"+url.QueryEscape(secret))
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// hdr is a header list: name, value pairs.
func hdr(pairs ...string) []string { return pairs }

// form encodes name, value pairs in order as a form body. Braces stay as
// they are, so that {name} placeholders reach fill (a form body may carry
// them unencoded).
func form(pairs ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(pairs[i]))
		b.WriteByte('=')
		b.WriteString(keepBraces.Replace(url.QueryEscape(pairs[i+1])))
	}
	return b.String()
}

var keepBraces = strings.NewReplacer("%7B", "{", "%7D", "}")

// params encodes the name, value pairs of base, in order, with changes,
// also pairs: a name already there gets the new value ("-" removes it), a
// new name is added, and a name prefixed with "+" is added again,
// repeated.
func params(base []string, changes ...string) string {
	pairs := slices.Clone(base)
	for i := 0; i+1 < len(changes); i += 2 {
		k, v := changes[i], changes[i+1]
		if name, again := strings.CutPrefix(k, "+"); again {
			pairs = append(pairs, name, v)
			continue
		}
		j := -1
		for n := 0; n+1 < len(pairs); n += 2 {
			if pairs[n] == k {
				j = n
				break
			}
		}
		switch {
		case j < 0:
			pairs = append(pairs, k, v)
		case v == "-":
			pairs = slices.Delete(pairs, j, j+2)
		default:
			pairs[j+1] = v
		}
	}
	return form(pairs...)
}

// authz is an authorization request URL: a valid one of demo-app (PKCE
// S256, openid read, state st) with changes (see params).
func authz(changes ...string) string {
	return hAuthorize + "?" + params([]string{
		"response_type", "code", "client_id", "demo-app", "redirect_uri", hAppRedirect,
		"scope", "openid read", "state", "st", "code_challenge", hChallenge, "code_challenge_method", "S256",
	}, changes...)
}

// code issues a code for alice to client at redirect with scope, bound to
// hChallenge, and records it as {code}.
func (e *hostileEnv) code(client, redirect string, scope ...string) string {
	e.t.Helper()
	return e.codeAs("code", runtime.AuthorizationCode{ClientID: client, RedirectURI: redirect, RedirectURIProvided: true, Scope: scope})
}

// codeAs issues c for alice, with hChallenge unless c has a challenge, and
// records it as {name}.
func (e *hostileEnv) codeAs(name string, c runtime.AuthorizationCode) string {
	e.t.Helper()
	c.Authentication = runtime.Authentication{Subject: "user-alice", AuthTime: time.Now(), AMR: []string{"pwd"}}
	if c.CodeChallenge == "" {
		c.CodeChallenge, c.CodeChallengeMethod = hChallenge, oauth.PKCEMethodS256
	}
	code, err := e.srv.IssueAuthorizationCode(e.t.Context(), c)
	if err != nil {
		e.t.Fatalf("IssueAuthorizationCode: %v", err)
	}
	e.vars[name] = code.Reveal()
	return code.Reveal()
}

// hostileTokens are tokens a setup obtained.
type hostileTokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token"`
}

// tokens redeems a new code of client (demo-app or demo-spa) with scope
// and records the tokens as {prefix}access, {prefix}refresh and
// {prefix}id_token.
func (e *hostileEnv) tokens(prefix, client string, scope ...string) hostileTokens {
	e.t.Helper()
	redirect := hAppRedirect
	if client == "demo-spa" {
		redirect = hSPARedirect
	}
	code := e.codeAs(prefix+"code", runtime.AuthorizationCode{ClientID: client, RedirectURI: redirect, RedirectURIProvided: true, Scope: scope})
	f := []string{"grant_type", "authorization_code", "code", code, "redirect_uri", redirect, "code_verifier", hVerifier, "client_id", client}
	if client == "demo-app" {
		f = append(f, "client_secret", demoAppSecret)
	}
	tok := e.mustToken(form(f...))
	e.vars[prefix+"access"], e.vars[prefix+"refresh"], e.vars[prefix+"id_token"] = tok.AccessToken, tok.RefreshToken, tok.IDToken
	return tok
}

// serviceToken gets a client_credentials token of demo-service, recorded
// as {service_access}.
func (e *hostileEnv) serviceToken() string {
	e.t.Helper()
	tok := e.mustToken(form("grant_type", "client_credentials"), "Authorization", basic("demo-service", demoServiceSecret))
	e.vars["service_access"] = tok.AccessToken
	return tok.AccessToken
}

// mustToken posts a token request that must succeed.
func (e *hostileEnv) mustToken(body string, header ...string) hostileTokens {
	e.t.Helper()
	r := e.send(hostileRequest{target: hToken, body: body, header: header})
	var tok hostileTokens
	if r.status != http.StatusOK || json.Unmarshal(r.body, &tok) != nil || tok.AccessToken == "" {
		e.t.Fatalf("setup token request: %d %s", r.status, r.body)
	}
	return tok
}

// active asks demo-api about a token (RFC 7662) and returns whether it is
// active.
func (e *hostileEnv) active(token string) bool {
	e.t.Helper()
	r := e.send(hostileRequest{target: hIntrospect, body: form("token", token),
		header: hdr("Authorization", basic("demo-api", demoAPISecret))})
	var m struct {
		Active *bool `json:"active"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &m) != nil || m.Active == nil {
		e.t.Fatalf("introspection: %d %s", r.status, r.body)
	}
	return *m.Active
}

// wantActive returns a check that the tokens named by vars are active (or
// not) after the request.
func wantActive(active bool, vars ...string) func(t *testing.T, e *hostileEnv, r hostileResponse) {
	return func(t *testing.T, e *hostileEnv, _ hostileResponse) {
		t.Helper()
		for _, v := range vars {
			if got := e.active(e.vars[v]); got != active {
				t.Errorf("after the request, {%s} active = %v; want %v", v, got, active)
			}
		}
	}
}
