package generated

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/golang-jwt/jwt/v5"
)

// The flow oauth-authorize-authorization-code through the generated
// authorizeCodeFlow and the procedure in authorize_code.go, driven the way a
// browser without JavaScript drives it: the authorization request, the
// login and consent pages, the 303 back to the client; then the code
// redeemed at the token endpoint through authorization_code.go.

// The authorization request the tests send, unless they change it.
const (
	// rpScope is every scope rp may have; signedIn approves it, so later
	// requests for any part of it skip the pages.
	rpScope = "openid profile email read offline_access"
	// rpState has every character that must round-trip encoded (RFC 6749 §4.1.2).
	rpState = "st+/=%ate"
	rpNonce = "n-0S6_WzA2Mj"
)

// authQuery is an authorization request of rp with PKCE S256, state and
// nonce; kv sets parameters, and an empty value removes one.
func authQuery(kv ...string) url.Values {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {rpID},
		"redirect_uri":          {rpRedirect},
		"scope":                 {rpScope},
		"state":                 {rpState},
		"nonce":                 {rpNonce},
		"code_challenge":        {oauth.S256Challenge(verifier)},
		"code_challenge_method": {"S256"},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	return q
}

// browser is a user agent without JavaScript: a cookie jar, and redirects
// left to the test so each hop can be checked.
type browser struct {
	t testing.TB
	e *env
	c *http.Client
}

// page is a response with its body read.
type page struct {
	status int
	header http.Header
	body   string
}

func (e *env) browser(t testing.TB) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, e: e, c: &http.Client{
		Jar:           jar,
		Transport:     e.ts.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// send sends a request to a path (with its query) of the server; a form
// body when body is not nil.
func (b *browser) send(method, pathQuery string, body url.Values) page {
	b.t.Helper()
	var r io.Reader
	if body != nil {
		r = strings.NewReader(body.Encode())
	}
	req, err := http.NewRequest(method, b.e.ts.URL+pathQuery, r)
	if err != nil {
		b.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, pathQuery, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

// authorize sends the authorization request q by GET (in the query) or
// POST (in the form body).
func (b *browser) authorize(method string, q url.Values) page {
	b.t.Helper()
	if method == http.MethodPost {
		return b.send(method, "/oauth2/authorize", q)
	}
	return b.send(method, "/oauth2/authorize?"+q.Encode(), nil)
}

var (
	formAction  = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// submit posts the page's form, its hidden fields plus fields, to its action.
func (b *browser) submit(p page, fields url.Values) page {
	b.t.Helper()
	action := formAction.FindStringSubmatch(p.body)
	if action == nil {
		b.t.Fatalf("no form on the page (status %d):\n%s", p.status, p.body)
	}
	v := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(p.body, -1) {
		v.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	for k, vs := range fields {
		v[k] = vs
	}
	return b.send(http.MethodPost, html.UnescapeString(action[1]), v)
}

// follow follows a 303 to the server's own pages (a relative Location), as
// a browser would; it stops at a page or at a redirect to the client.
func (b *browser) follow(p page) page {
	b.t.Helper()
	if loc := p.header.Get("Location"); p.status == http.StatusSeeOther && strings.HasPrefix(loc, "/") {
		return b.send(http.MethodGet, loc, nil)
	}
	return p
}

// wantHTML checks a login or consent page: 200, HTML, unframeable, and
// showing want (RFC 9700 §4.16).
func wantHTML(t testing.TB, p page, want ...string) {
	t.Helper()
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "text/html; charset=utf-8" { // a page
		t.Fatalf("status %d %q, want a 200 HTML page; Location %q\n%s", p.status, p.header.Get("Content-Type"), p.header.Get("Location"), p.body)
	}
	// RFC 9700 §4.16: pages cannot be framed.
	if !strings.Contains(p.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || p.header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("page headers %v lack frame-ancestors 'none' and X-Frame-Options DENY", p.header)
	}
	for _, w := range want {
		if !strings.Contains(p.body, html.EscapeString(w)) { // RFC 6749 §10.2: the client is named
			t.Errorf("page lacks %q:\n%s", w, p.body)
		}
	}
}

// signIn runs the pages of an authorization request as alice: the request
// (method GET or POST), the login page, the consent page (approved), and
// returns the response that ends on the server: the redirect to the client.
func (b *browser) signIn(method string, q url.Values) page {
	b.t.Helper()
	return b.signInAs(method, q, aliceUser, alicePassword)
}

// signInAs is signIn as another user.
func (b *browser) signInAs(method string, q url.Values, username, password string) page {
	b.t.Helper()
	p := b.authorize(method, q)
	wantHTML(b.t, p, "Sign in", rpName) // RFC 6749 §4.1.1: the server authenticates the resource owner
	p = b.submit(p, url.Values{"username": {username}, "password": {password}})
	if p.status != http.StatusSeeOther { // RFC 9700 §4.12: 303 after a POST
		b.t.Fatalf("login form: %d, want 303\n%s", p.status, p.body)
	}
	p = b.follow(p)
	// RFC 6749 §10.2: the client's name and the scopes with their descriptions.
	wantHTML(b.t, p, "Allow", rpName)
	for _, name := range strings.Fields(q.Get("scope")) {
		for _, sc := range Settings().Scopes {
			if sc.Name == name && !strings.Contains(p.body, html.EscapeString(sc.Description)) {
				b.t.Errorf("consent page lacks the description of %s (RFC 6749 §10.2)", name)
			}
		}
	}
	return b.submit(p, url.Values{"decision": {"approve"}})
}

// signedIn returns a browser in which alice has signed in and approved
// rpScope for rp, so that requests for any part of it get their answer at
// once, with no page.
func (e *env) signedIn(t testing.TB) *browser {
	t.Helper()
	b := e.browser(t)
	wantCode(t, b.signIn(http.MethodGet, authQuery()), rpState)
	return b
}

// authorizeNow sends an authorization request that needs no page and
// returns the answer: a 303 to the client (OIDC Core §3.1.2.3: a session
// and a consent that cover the request).
func (b *browser) authorizeNow(method string, q url.Values) page {
	b.t.Helper()
	p := b.authorize(method, q)
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), rpRedirect+"?") { // no page needed
		b.t.Fatalf("authorize: %d to %q, want a 303 to the client with no page\n%s", p.status, p.header.Get("Location"), p.body)
	}
	return p
}

// wantRedirect checks an authorization response: a 303 to rp's redirect URI
// (never 307: RFC 9700 §4.12), not cached, with iss and state; it returns
// the query.
func wantRedirect(t testing.TB, p page, state string) url.Values {
	t.Helper()
	loc := p.header.Get("Location")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, rpRedirect+"?") { // RFC 6749 §4.1.2: to the redirection URI
		t.Fatalf("status %d, Location %q: want a 303 to %s\n%s", p.status, loc, rpRedirect, p.body)
	}
	if cc := p.header.Get("Cache-Control"); cc != "no-store" { // RFC 6749 §5.1 spirit: the URL carries a code
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if got := q["iss"]; len(got) != 1 || got[0] != specIssuer { // RFC 9207 §2
		t.Errorf("iss = %q, want [%q]", got, specIssuer)
	}
	if got := q["state"]; len(got) != 1 || got[0] != state { // RFC 6749 §4.1.2: exactly
		t.Errorf("state = %q, want [%q]", got, state)
	}
	return q
}

// wantCode checks a successful authorization response and returns its code.
func wantCode(t testing.TB, p page, state string) string {
	t.Helper()
	q := wantRedirect(t, p, state)
	if q.Has("error") { // RFC 6749 §4.1.2: a success
		t.Fatalf("error redirect: %s (%s)", q.Get("error"), q.Get("error_description"))
	}
	for k := range q {
		switch k {
		case "code", "state", "iss": // RFC 6749 §4.1.2; RFC 9207 §2
		default:
			t.Errorf("authorization response has parameter %q", k)
		}
	}
	if q.Get("code") == "" {
		t.Fatal("authorization response without code (RFC 6749 §4.1.2)")
	}
	return q.Get("code")
}

// wantRedirectError checks an error authorization response (RFC 6749
// §4.1.2.1): error, error_description containing desc ("" for none at
// all), state, iss and no code; it returns the query.
func wantRedirectError(t testing.TB, p page, code oauth.ErrorCode, desc string) url.Values {
	t.Helper()
	q := wantRedirect(t, p, rpState)
	if q.Get("error") != string(code) { // RFC 6749 §4.1.2.1
		t.Fatalf("error = %q (%q), want %s", q.Get("error"), q.Get("error_description"), code)
	}
	if q.Has("code") { // RFC 6749 §4.1.2.1: an error response carries no code
		t.Error("an error redirect carries a code")
	}
	d := q.Get("error_description")
	if desc == "" && q.Has("error_description") { // no internal detail
		t.Errorf("error_description %q, want none", d)
	}
	if !strings.Contains(d, desc) { // RFC 6749 §4.1.2.1: error_description
		t.Errorf("error_description %q does not contain %q", d, desc)
	}
	return q
}

// redeemRP redeems a code of rp at the token endpoint (RFC 6749 §4.1.3;
// RFC 7636 §4.5).
func (e *env) redeemRP(t testing.TB, code string) result {
	t.Helper()
	return e.token(t, creds(rpID, rpSecret), "grant_type", "authorization_code", "code", code,
		"redirect_uri", rpRedirect, "code_verifier", verifier)
}

// rsaPublicKey converts an RSA JWK (RFC 7518 §6.3.1) to a public key.
func rsaPublicKey(k map[string]any) (*rsa.PublicKey, error) {
	if k["kty"] != "RSA" {
		return nil, errors.New("not an RSA key")
	}
	var parts [2]*big.Int
	for i, name := range []string{"n", "e"} {
		s, _ := k[name].(string)
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) == 0 {
			return nil, errors.New("bad member " + name)
		}
		parts[i] = new(big.Int).SetBytes(b)
	}
	if !parts[1].IsInt64() || parts[1].Int64() > 1<<31-1 {
		return nil, errors.New("bad exponent")
	}
	return &rsa.PublicKey{N: parts[0], E: int(parts[1].Int64())}, nil
}

// verifyIDToken verifies an ID token of rp as a relying party must (OIDC
// Core §3.1.3.7; idTokenClaims) and the nonce sent; it returns the claims.
func (e *env) verifyIDToken(t testing.TB, tok, nonce string) jwt.MapClaims {
	t.Helper()
	claims := e.idTokenClaims(t, tok, rpID)
	if claims["nonce"] != nonce { // OIDC Core §3.1.3.7 step 11
		t.Errorf("nonce = %v, want %q", claims["nonce"], nonce)
	}
	return claims
}

// idTokenClaims verifies an ID token issued to the client aud: RS256 only
// (the spec's id_token_signing_alg) with a key of the published JWKS, iss,
// aud, exp and iat at the fake clock's time, not an access token; it
// returns the claims, numbers kept as json.Number.
func (e *env) idTokenClaims(t testing.TB, tok, aud string) jwt.MapClaims {
	t.Helper()
	keys := e.jwks(t)
	claims := jwt.MapClaims{}
	parsed, err := jwt.NewParser(
		jwt.WithValidMethods([]string{"RS256"}), // RFC 8725 §3.1: an allow-list
		jwt.WithIssuer(specIssuer),              // OIDC Core §3.1.3.7 step 2
		jwt.WithAudience(aud),                   // OIDC Core §3.1.3.7 step 3
		jwt.WithExpirationRequired(),            // OIDC Core §3.1.3.7 step 9
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(e.clock.Now),
		jwt.WithJSONNumber(),
	).ParseWithClaims(tok, claims, func(tk *jwt.Token) (any, error) {
		kid, _ := tk.Header["kid"].(string)
		k, ok := keys[kid] // RFC 8725 §3.10: kid only selects among published keys
		if !ok {
			return nil, errors.New("kid not in the JWKS")
		}
		return rsaPublicKey(k)
	})
	if err != nil { // OIDC Core §3.1.3.7 step 6: the signature, with the published key
		t.Fatalf("ID token does not verify with the JWKS: %v", err)
	}
	if typ := parsed.Header["typ"]; typ == "at+jwt" { // RFC 8725 §3.11: not an access token
		t.Errorf("ID token typ = %v", typ)
	}
	return claims
}

// atHash is the at_hash of an access token signed with RS256: the left half
// of its SHA-256, base64url (OIDC Core §3.1.3.6).
func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// TestAuthorizeSignIn: the whole code flow as a browser drives it: the
// authorization request (PKCE S256, state, nonce), the login page, the
// consent page, a 303 back to the client with code, state and iss; the
// code redeems for an access token about alice, with an ID token when
// openid was granted and a refresh token when offline_access was (OpenID
// requests) or the policy allows it (plain OAuth); the code is single-use.
func TestAuthorizeSignIn(t *testing.T) {
	tests := []struct {
		name        string
		scope       string
		wantID      bool
		wantRefresh bool
	}{
		{"openid with offline_access", "openid profile email offline_access", true, true},
		// README "offline_access (OIDC Core §11)": the spec declares offline_access.
		{"openid without offline_access", "openid profile", true, false},
		{"plain oauth", "read", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			b := e.browser(t)
			loginAt := e.clock.Now()
			p := b.authorize(http.MethodGet, authQuery("scope", tt.scope))
			wantHTML(t, p, "Sign in", rpName)
			p = b.submit(p, url.Values{"username": {aliceUser}, "password": {alicePassword}})
			if p.status != http.StatusSeeOther { // RFC 9700 §4.12
				t.Fatalf("login form: %d, want 303", p.status)
			}
			p = b.follow(p)
			wantHTML(t, p, "Allow", rpName)   // RFC 6749 §10.2
			e.clock.Advance(30 * time.Second) // the user reads the consent page
			code := wantCode(t, b.submit(p, url.Values{"decision": {"approve"}}), rpState)

			tok := wantToken(t, e.redeemRP(t, code))
			if tok.Scope != tt.scope { // RFC 6749 §5.1: the granted scope
				t.Errorf("scope %q, want %q", tok.Scope, tt.scope)
			}
			if (tok.RefreshToken != "") != tt.wantRefresh { // OIDC Core §11; RFC 6749 §5.1
				t.Errorf("refresh_token %q, want one: %v", tok.RefreshToken, tt.wantRefresh)
			}
			_, claims := e.verifyAccessJWT(t, tok.AccessToken)
			// RFC 9068 §2.2: sub is the end user, client_id the client.
			if claims["sub"] != aliceSub || claims["client_id"] != rpID || claims["scope"] != tt.scope {
				t.Errorf("sub %v client_id %v scope %v", claims["sub"], claims["client_id"], claims["scope"])
			}
			// RFC 9068 §2.2.1: auth_time is the login, not the issuance.
			if numClaim(claims, "auth_time") != jsonInt(loginAt.Unix()) || numClaim(claims, "iat") != jsonInt(e.clock.Now().Unix()) {
				t.Errorf("auth_time %v iat %v, want %d and %d", claims["auth_time"], claims["iat"], loginAt.Unix(), e.clock.Now().Unix())
			}
			if amr, _ := claims["amr"].([]any); len(amr) != 1 || amr[0] != "pwd" { // RFC 8176 §2; RFC 9068 §2.2.1
				t.Errorf("amr = %v, want [pwd]", claims["amr"])
			}
			if _, ok := claims["device_id"]; ok { // authorize_code.go: no campaign, no code data (README code_data)
				t.Error("device_id claim without a campaign")
			}

			raw, hasID := tok.Raw["id_token"].(string)
			if hasID != tt.wantID { // OIDC Core §3.1.3.3: an ID token exactly when openid was granted
				t.Fatalf("id_token present %v, want %v: %v", hasID, tt.wantID, tok.Raw)
			}
			if hasID {
				id := e.verifyIDToken(t, raw, rpNonce)
				if id["sub"] != aliceSub || id["azp"] != rpID { // OIDC Core §2
					t.Errorf("ID token sub %v azp %v", id["sub"], id["azp"])
				}
				if numClaim(id, "auth_time") != jsonInt(loginAt.Unix()) { // OIDC Core §2
					t.Errorf("ID token auth_time %v, want %d", id["auth_time"], loginAt.Unix())
				}
				if id["at_hash"] != atHash(tok.AccessToken) { // OIDC Core §3.1.3.6
					t.Errorf("at_hash %v, want %s", id["at_hash"], atHash(tok.AccessToken))
				}
				if numClaim(id, "exp") != jsonInt(e.clock.Now().Add(10*time.Minute).Unix()) { // OIDC Core §2 exp; the spec's id_token_ttl 10m
					t.Errorf("ID token exp %v", id["exp"])
				}
			}

			// RFC 6749 §4.1.2: the code is single-use,
			// and its replay revokes what it gave.
			wantError(t, e.redeemRP(t, code), http.StatusBadRequest, oauth.ErrInvalidGrant, "")
			if e.active(t, tok.AccessToken) {
				t.Error("access token still active after the code's replay (RFC 6749 §4.1.2)")
			}
		})
	}
}

// TestAuthorizeCodeData: the campaign property reaches the procedure from
// the query of a GET and from the form of a POST (OIDC Core §3.1.2.1), also
// across the login and consent pages; the procedure stores it as the
// code's typed Data.DeviceID, which the token step decodes and puts in the
// access token as device_id. The data stays on the server: neither the
// redirect nor the token response carries it.
func TestAuthorizeCodeData(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser(t)
	// Through the pages: the request waits on the server while alice signs in.
	firstPage := b.signIn(http.MethodGet, authQuery("campaign", "welcome"))
	first := wantCode(t, firstPage, rpState)

	tests := []struct {
		name   string
		method string
		path   string // the authorization endpoint, with a query for POST
		q      url.Values
		want   string // the device_id claim; "" for none
	}{
		{"get query", http.MethodGet, "", authQuery("campaign", "spring2031"), "spring2031"},
		{"post form", http.MethodPost, "", authQuery("campaign", "autumn"), "autumn"},
		{"no campaign", http.MethodGet, "", authQuery(), ""},
		// OIDC Core §3.1.2.1: a POST request's parameters come from the form body, not the URL.
		{"post ignores the url query", http.MethodPost, "/oauth2/authorize?campaign=fromquery", authQuery(), ""},
		{"post form wins over the url query", http.MethodPost, "/oauth2/authorize?campaign=fromquery", authQuery("campaign", "fromform"), "fromform"},
	}
	check := func(t *testing.T, p page, code, want string) {
		t.Helper()
		// RFC 6749 §4.1.2: code, state and iss only; CodeData's doc: stored server-side, never sent to the client.
		if strings.Contains(p.header.Get("Location"), "device") || strings.Contains(p.header.Get("Location"), "campaign") {
			t.Errorf("redirect %q carries the code data", p.header.Get("Location"))
		}
		tok := wantToken(t, e.redeemRP(t, code))
		if _, ok := tok.Raw["device_id"]; ok { // RFC 6749 §5.1: the data is in the token, not beside it
			t.Errorf("token response carries device_id: %v", tok.Raw)
		}
		_, claims := e.verifyAccessJWT(t, tok.AccessToken)
		got, has := claims["device_id"]
		if want == "" && has || want != "" && got != want { // README code_data: Data reappears at the token step
			t.Errorf("device_id claim %v (present %v), want %q", got, has, want)
		}
	}
	t.Run("through the pages", func(t *testing.T) {
		check(t, firstPage, first, "welcome")
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p page
			if tt.path != "" {
				p = b.send(tt.method, tt.path, tt.q)
			} else {
				p = b.authorizeNow(tt.method, tt.q)
			}
			check(t, p, wantCode(t, p, rpState), tt.want)
		})
	}
}

// TestAuthorizeCampaignInvalid: a campaign its validate rule
// (omitempty,alphanum,max=32) refuses is invalid_request naming the
// parameter, delivered to the redirect URI with state and iss, from the
// query of a GET and the form of a POST; no code is issued.
func TestAuthorizeCampaignInvalid(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signedIn(t)
	long := strings.Repeat("a", 33)
	tests := []struct {
		name, method, campaign, desc string
	}{
		{"get not alphanum", http.MethodGet, "spring-31", "parameter 'campaign' is invalid: must satisfy alphanum"},
		{"get too long", http.MethodGet, long, "parameter 'campaign' is invalid: must satisfy max=32"},
		{"post not alphanum", http.MethodPost, "a b", "parameter 'campaign' is invalid: must satisfy alphanum"},
		{"post too long", http.MethodPost, long, "parameter 'campaign' is invalid: must satisfy max=32"},
		{"get non-ascii", http.MethodGet, "caf\u00e9", "parameter 'campaign' is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.authorizeNow(tt.method, authQuery("campaign", tt.campaign))
			// RFC 6749 §4.1.2.1; RFC 9207 §2.
			wantRedirectError(t, p, oauth.ErrInvalidRequest, tt.desc)
		})
	}
	// The 32-character limit itself is allowed (max=32).
	wantCode(t, b.authorizeNow(http.MethodGet, authQuery("campaign", long[:32])), rpState)
}

// TestAuthorizeProcedureErrors: the procedure's errors reach the client as
// error redirects with state and iss: a typed error of the generated
// constructors as it is (access_denied with its description), a plain
// error and a panic as server_error without detail, their cause in the log
// only; the server keeps serving.
func TestAuthorizeProcedureErrors(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signedIn(t)
	tests := []struct {
		name, method, campaign string
		code                   oauth.ErrorCode
		desc                   string // "" for no error_description at all
		log                    string // in the log, never in the redirect
	}{
		// RFC 6749 §4.1.2.1: AuthorizeCodeErrors.AccessDenied.
		{"typed error get", http.MethodGet, "blocked", oauth.ErrAccessDenied, "campaign 'blocked' is closed", ""},
		{"typed error post", http.MethodPost, "blocked", oauth.ErrAccessDenied, "campaign 'blocked' is closed", ""},
		// RFC 6749 §4.1.2.1: server_error, without internal detail.
		{"plain error", http.MethodGet, "dbdown", oauth.ErrServerError, "", campaignStoreDetail},
		// A panic is recovered, logged with its value.
		{"panic", http.MethodGet, "boom", oauth.ErrServerError, "", "campaign store exploded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.authorizeNow(tt.method, authQuery("campaign", tt.campaign))
			wantRedirectError(t, p, tt.code, tt.desc)
			if tt.log != "" {
				if !strings.Contains(e.logs.String(), tt.log) { // logged
					t.Errorf("log lacks %q", tt.log)
				}
				if loc, _ := url.QueryUnescape(p.header.Get("Location")); strings.Contains(loc, tt.log) || strings.Contains(p.body, tt.log) { // never sent
					t.Error("the redirect carries the internal detail")
				}
			}
		})
	}
	if !strings.Contains(e.logs.String(), "authorize flow panicked") {
		t.Error("the panic was not logged as one")
	}
	// The server keeps running.
	wantCode(t, b.authorizeNow(http.MethodGet, authQuery()), rpState)

	t.Run("after the consent form", func(t *testing.T) {
		// A fresh user agent, and prompt=consent, so both pages show (alice
		// approved rp before: OIDC Core §3.1.2.1): the error answers the
		// consent POST, with a 303 (RFC 9700 §4.12).
		p := e.browser(t).signIn(http.MethodGet, authQuery("campaign", "blocked", "prompt", "consent"))
		wantRedirectError(t, p, oauth.ErrAccessDenied, "campaign 'blocked' is closed")
	})
}

// TestAuthorizeRequestErrorsBeforeProcedure: what the runtime refuses before
// the procedure runs still goes through the generated server: an unknown
// client is a page and never a redirect; missing PKCE for rp is
// invalid_request by redirect. The procedure's campaign is never seen.
func TestAuthorizeRequestErrorsBeforeProcedure(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser(t)
	p := b.authorize(http.MethodGet, authQuery("client_id", "nobody", "campaign", "blocked"))
	if p.status != http.StatusBadRequest || p.header.Get("Location") != "" { // RFC 6749 §4.1.2.1
		t.Errorf("unknown client: %d, Location %q; want a 400 page", p.status, p.header.Get("Location"))
	}
	p = b.authorize(http.MethodGet, authQuery("code_challenge", "", "code_challenge_method", "", "campaign", "blocked"))
	wantRedirectError(t, p, oauth.ErrInvalidRequest, "code_challenge") // RFC 9700 §2.1.1; RFC 7636 §4.4.1
}

// TestAuthorizeCampaignCheckedBeforeLogin: the generated flow's Check runs
// when the request arrives, so a malformed campaign is answered with
// invalid_request before the end user sees a login page, and prompt=none
// gets invalid_request rather than login_required (RFC 6749 §4.1.2.1;
// RFC 9207 §2).
func TestAuthorizeCampaignCheckedBeforeLogin(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser(t)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		p := b.authorize(method, authQuery("campaign", "spring-31"))
		wantRedirectError(t, p, oauth.ErrInvalidRequest, "parameter 'campaign' is invalid: must satisfy alphanum")
		p = b.authorize(method, authQuery("campaign", "spring-31", "prompt", "none"))
		wantRedirectError(t, p, oauth.ErrInvalidRequest, "parameter 'campaign' is invalid: must satisfy alphanum")
	}
	// A good campaign goes on to the login page.
	if p := b.authorize(http.MethodGet, authQuery("campaign", "spring31")); p.status != http.StatusOK || !strings.Contains(p.body, `name="password"`) {
		t.Errorf("campaign=spring31: %d; want the login page", p.status)
	}
}
