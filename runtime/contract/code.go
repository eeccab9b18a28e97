package contract

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

var (
	// formTag and inputTag find the form of a page and its inputs; attr
	// reads an attribute of either.
	formTag  = regexp.MustCompile(`(?is)<form\b[^>]*>`)
	inputTag = regexp.MustCompile(`(?is)<(?:input|button)\b[^>]*>`)
	attr     = regexp.MustCompile(`(?is)\b([a-z-]+)="([^"]*)"`)
)

// attrs are the attributes of one tag.
func attrs(tag string) map[string]string {
	m := map[string]string{}
	for _, a := range attr.FindAllStringSubmatch(tag, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2])
	}
	return m
}

// authorization is what the authorization endpoint sent back to the
// client's redirect URI, with what the request bound it to.
type authorization struct {
	params   url.Values
	verifier string
	nonce    string
	scope    oauth.ScopeSet
	client   *client
}

// userScope is the scope the code checks ask for: openid when the server
// speaks OpenID Connect, offline_access when it issues refresh tokens for
// it, and one plain scope.
func (h *harness) userScope() oauth.ScopeSet {
	var s oauth.ScopeSet
	for _, sc := range []string{"openid", "offline_access"} {
		if h.allowed.Contains(sc) {
			s = append(s, sc)
		}
	}
	if p := plainScopes(h.allowed); len(p) > 0 {
		s = append(s, p[0])
	}
	return s
}

// authorize runs the authorization endpoint as a browser would for client
// c: the request (with PKCE when pkce is set), the login page, the
// consent page, up to the redirect to the client. It fails the test when
// the endpoint stops elsewhere.
func (h *harness) authorize(t *testing.T, ua *http.Client, c *client, pkce bool) authorization {
	t.Helper()
	a := authorization{verifier: randomString() + randomString(), nonce: randomString(), scope: h.userScope(), client: c}
	q := h.withValues(h.suite.Flows.Authorize.ID, url.Values{
		"response_type": {"code"}, "client_id": {c.id}, "redirect_uri": {redirectURI},
		"scope": {a.scope.String()}, "state": {"contract-state"}, "nonce": {a.nonce},
	})
	if pkce {
		setChallenge(q, a.verifier)
	}
	if h.parRequired() {
		q = h.push(t, c, q) // RFC 9126 §4: the only way in
	}
	a.params = h.interact(t, ua, q)
	return a
}

// interact sends the authorization request q as a browser would, through
// the login and consent pages, and returns the parameters of the redirect
// to the client. It fails the test when the endpoint stops elsewhere.
func (h *harness) interact(t *testing.T, ua *http.Client, q url.Values) url.Values {
	t.Helper()
	back := h.browse(t, ua, h.url("oauth-authorize")+"?"+q.Encode(), "the authorization endpoint", "approve", nil,
		func(u *url.URL) bool { return strings.HasPrefix(u.String(), redirectURI) })
	if back == nil {
		t.Fatalf("the authorization endpoint stopped at a page without a form, not at the client")
	}
	return back.Query()
}

// browse goes through the server's pages from the URL start as a browser
// would: it follows redirects until one leaves, as leaves says, which it
// returns; it fills each page's form (its hidden fields, the user's
// username and password, the decision button, and the fields more sets)
// and posts it; a page without a form ends it, returning nil. what names
// the pages in the messages of the failures: a page that is not a 200, or
// more than 10 steps.
func (h *harness) browse(t *testing.T, ua *http.Client, start, what, decision string, more url.Values, leaves func(*url.URL) bool) *url.URL {
	t.Helper()
	next, err := http.NewRequest(http.MethodGet, start, nil)
	if err != nil {
		t.Fatalf("%s: %q: %v", what, start, err)
	}
	for range 10 {
		r := h.do(t, ua, next)
		if loc := r.header.Get("Location"); r.status >= 300 && r.status < 400 && loc != "" {
			u, err := next.URL.Parse(loc)
			if err != nil {
				t.Fatalf("%s redirects to %q: %v", r.req, loc, err)
			}
			if leaves(u) {
				return u
			}
			if next, err = http.NewRequest(http.MethodGet, u.String(), nil); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if r.status != http.StatusOK {
			t.Fatalf("%s stopped at %s: %d %.500s", what, r.req, r.status, r.body)
		}
		form := formTag.FindString(string(r.body))
		if form == "" {
			return nil
		}
		fields := url.Values{}
		for _, tag := range inputTag.FindAllString(string(r.body), -1) {
			in := attrs(tag)
			switch {
			case in["type"] == "hidden":
				fields.Set(in["name"], in["value"])
			case more.Has(in["name"]):
				fields.Set(in["name"], more.Get(in["name"]))
			case in["name"] == "username":
				fields.Set("username", h.username)
			case in["name"] == "password":
				fields.Set("password", h.password)
			case in["name"] == "decision" && in["value"] == decision:
				fields.Set("decision", decision)
			}
		}
		action, err := next.URL.Parse(attrs(form)["action"])
		if err != nil {
			t.Fatalf("the form of %s: %v", r.req, err)
		}
		if next, err = http.NewRequest(http.MethodPost, action.String(), strings.NewReader(fields.Encode())); err != nil {
			t.Fatal(err)
		}
		next.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	t.Fatalf("%s did not come to an end after 10 steps", what)
	return nil
}

// setChallenge sets the S256 PKCE challenge of verifier (RFC 7636 §4.2).
func setChallenge(q url.Values, verifier string) {
	sum := sha256.Sum256([]byte(verifier))
	q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
	q.Set("code_challenge_method", "S256")
}

// authorizeQuery is an authorization request of client c that passes
// every check before the flow's properties: PKCE, a scope, state, and
// valid values of the flow's required properties.
func (h *harness) authorizeQuery(c *client, flow string) url.Values {
	sum := sha256.Sum256([]byte(randomString()))
	return h.withValues(flow, url.Values{
		"response_type": {"code"}, "client_id": {c.id}, "redirect_uri": {redirectURI},
		"scope": {h.userScope().String()}, "state": {"contract-state"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	})
}

// code is the code of an authorization, which must have one.
func (a authorization) code(t *testing.T, h *harness) string {
	t.Helper()
	if e := a.params.Get("error"); e != "" {
		t.Fatalf("the authorization endpoint answered error=%s (%s), want a code", e, a.params.Get("error_description"))
	}
	if a.params.Get("state") != "contract-state" {
		t.Errorf("RFC 6749 §4.1.2: state came back as %q, want the request's", a.params.Get("state"))
	}
	if iss := a.params.Get("iss"); iss != "" && iss != h.issuer {
		t.Errorf("RFC 9207 §2: iss came back as %q, want %q", iss, h.issuer)
	}
	code := a.params.Get("code")
	if code == "" {
		t.Fatalf("RFC 6749 §4.1.2: the redirect has no code: %v", a.params)
	}
	return code
}

// redeem is the token request that redeems the authorization's code.
func (h *harness) redeem(code string, a authorization) url.Values {
	wire, _ := h.flow(flowkit.CodeCredential)
	form := url.Values{"grant_type": {wire}, "code": {code}, "redirect_uri": {redirectURI}, "code_verifier": {a.verifier}}
	for _, reg := range h.suite.Flows.Token {
		if reg.Wire == wire {
			form = h.withValues(reg.ID, form)
		}
	}
	return form
}

// signIn gets tokens by the code flow for the first confidential client.
func (h *harness) signIn(t *testing.T) (tokens, authorization) {
	t.Helper()
	c := h.confidential[0]
	a := h.authorize(t, browser(t), c, true)
	r := h.post(t, "oauth-token", h.redeem(a.code(t, h), a), as(c))
	return wantTokens(t, h, "RFC 6749 §4.1.4", r, grant{client: c, requested: a.scope, subject: h.subject}), a
}

// checkCodeTokens: the code is redeemed for tokens of the user who signed
// in, and for OpenID Connect an ID token of that user, for the client,
// with the request's nonce (OIDC Core §2, §3.1.3.7).
func checkCodeTokens(t *testing.T, h *harness) {
	tk, a := h.signIn(t)
	if !a.scope.Contains("openid") {
		if tk.IDToken != "" {
			t.Errorf("OIDC Core §3.1.3.3: an ID token without the openid scope")
		}
		return
	}
	if tk.IDToken == "" {
		t.Fatal("OIDC Core §3.1.3.3: the openid scope was granted but the response has no id_token")
	}
	var id struct {
		Iss   string          `json:"iss"`
		Sub   string          `json:"sub"`
		Aud   json.RawMessage `json:"aud"`
		Azp   string          `json:"azp"`
		Exp   int64           `json:"exp"`
		Iat   int64           `json:"iat"`
		Nonce string          `json:"nonce"`
	}
	parts := strings.Split(tk.IDToken, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[min(1, len(parts)-1)])
	if len(parts) != 3 || err != nil || json.Unmarshal(payload, &id) != nil {
		t.Fatalf("OIDC Core §2: the id_token is not a JWT: %.100s", tk.IDToken)
	}
	var aud []string
	if json.Unmarshal(id.Aud, &aud) != nil {
		var one string
		_ = json.Unmarshal(id.Aud, &one)
		aud = []string{one}
	}
	if id.Iss != h.issuer {
		t.Errorf("OIDC Core §2: the ID token's iss is %q, want %q", id.Iss, h.issuer)
	}
	if id.Sub != h.subject || id.Sub == "" {
		t.Errorf("OIDC Core §2: the ID token's sub is %q, want the user's, %q", id.Sub, h.subject)
	}
	if !slices.Contains(aud, a.client.id) {
		t.Errorf("OIDC Core §2: the ID token's aud %q does not contain the client, %s", aud, a.client.id)
	}
	if len(aud) > 1 && id.Azp != a.client.id {
		t.Errorf("OIDC Core §2: the ID token has several audiences and azp %q, want %s", id.Azp, a.client.id)
	}
	if id.Nonce != a.nonce {
		t.Errorf("OIDC Core §3.1.3.7: the ID token's nonce is %q, want the request's", id.Nonce)
	}
	if now := time.Now().Unix(); id.Exp <= now || id.Iat == 0 || id.Iat > now+60 {
		t.Errorf("OIDC Core §2: the ID token's exp %d and iat %d are not around now (%d)", id.Exp, id.Iat, now)
	}
}

// checkCodeSingleUse: a code is redeemed once; redeemed again it is
// invalid_grant and the tokens of the first redemption stop working
// (RFC 6749 §4.1.2, RFC 9700 §4.5).
func checkCodeSingleUse(t *testing.T, h *harness) {
	c := h.confidential[0]
	a := h.authorize(t, browser(t), c, true)
	code := a.code(t, h)
	tk := wantTokens(t, h, "RFC 6749 §4.1.4", h.post(t, "oauth-token", h.redeem(code, a), as(c)), grant{client: c, requested: a.scope, subject: h.subject})
	wantError(t, "RFC 6749 §4.1.2 (a code is used once)", h.post(t, "oauth-token", h.redeem(code, a), as(c)), http.StatusBadRequest, "invalid_grant")
	if h.active(t, tk.AccessToken) {
		t.Errorf("RFC 6749 §4.1.2: after the code was used twice, the access token of its first use is still active (it should be revoked)")
	}
}

// checkCodePKCE: the code needs the verifier of its challenge
// (RFC 7636 §4.6).
func checkCodePKCE(t *testing.T, h *harness) {
	c := h.confidential[0]
	a := h.authorize(t, browser(t), c, true)
	form := h.redeem(a.code(t, h), a)
	form.Set("code_verifier", randomString()+randomString())
	wantError(t, "RFC 7636 §4.6 (a wrong code_verifier)", h.post(t, "oauth-token", form, as(c)), http.StatusBadRequest, "invalid_grant")

	a = h.authorize(t, browser(t), c, true)
	form = h.redeem(a.code(t, h), a)
	form.Del("code_verifier")
	r := h.post(t, "oauth-token", form, as(c))
	if r.status == http.StatusOK {
		t.Fatalf("RFC 7636 §4.5: a code with a challenge was redeemed without code_verifier")
	}
	e := wantError(t, "RFC 7636 §4.5 (code_verifier missing)", r, http.StatusBadRequest, decodeError(t, r).Error)
	if e.Error != "invalid_grant" && e.Error != "invalid_request" {
		t.Errorf("RFC 7636 §4.6: code_verifier missing answered %q, want invalid_grant or invalid_request", e.Error)
	}
}

// checkCodeBinding: a code works only for its client and with its redirect
// URI (RFC 6749 §4.1.3).
func checkCodeBinding(t *testing.T, h *harness) {
	c := h.confidential[0]
	a := h.authorize(t, browser(t), c, true)
	wantError(t, "RFC 6749 §4.1.3 (a code of another client)", h.post(t, "oauth-token", h.redeem(a.code(t, h), a), as(h.other)), http.StatusBadRequest, "invalid_grant")

	a = h.authorize(t, browser(t), c, true)
	form := h.redeem(a.code(t, h), a)
	form.Set("redirect_uri", redirectURI+"/other")
	wantError(t, "RFC 6749 §4.1.3 (another redirect_uri)", h.post(t, "oauth-token", form, as(c)), http.StatusBadRequest, "invalid_grant")
}

// checkPublicPKCE: a public client gets no code without PKCE
// (RFC 9700 §2.1.1, RFC 7636 §4.4.1).
func checkPublicPKCE(t *testing.T, h *harness) {
	q := url.Values{"response_type": {"code"}, "client_id": {h.public.id}, "redirect_uri": {redirectURI}, "state": {"contract-state"}}
	if p := plainScopes(h.allowed); len(p) > 0 {
		q.Set("scope", p[0])
	}
	if h.parRequired() {
		wantError(t, "RFC 7636 §4.4.1, RFC 9126 §2.3 (a public client's push without code_challenge)", h.post(t, "oauth-par", q, as(h.public)), http.StatusBadRequest, "invalid_request")
		return
	}
	r := h.get(t, h.url("oauth-authorize")+"?"+q.Encode(), "")
	u, _ := url.Parse(r.header.Get("Location"))
	if u != nil && u.Query().Get("code") != "" {
		t.Fatalf("RFC 9700 §2.1.1: a public client got a code without PKCE")
	}
	if u == nil || u.Query().Get("error") != "invalid_request" {
		t.Errorf("RFC 7636 §4.4.1: a public client's request without code_challenge answered %d %q, want a redirect with error=invalid_request", r.status, r.header.Get("Location"))
	}
}

// checkUnregisteredRedirect: a redirect URI the client did not register
// gets an error page, never a redirect to it (RFC 6749 §4.1.2.1,
// RFC 9700 §4.1.3).
func checkUnregisteredRedirect(t *testing.T, h *harness) {
	q := h.authorizeQuery(h.confidential[0], h.suite.Flows.Authorize.ID)
	q.Set("redirect_uri", "https://attacker.example.test/cb")
	if h.parRequired() {
		wantError(t, "RFC 9126 §2.1 (a push with an unregistered redirect_uri)", h.post(t, "oauth-par", q, as(h.confidential[0])), http.StatusBadRequest, "invalid_request")
		return
	}
	r := h.get(t, h.url("oauth-authorize")+"?"+q.Encode(), "")
	if loc := r.header.Get("Location"); strings.Contains(loc, "attacker.example.test") {
		t.Fatalf("RFC 6749 §4.1.2.1: the authorization endpoint redirected to an unregistered redirect URI: %s", loc)
	}
	if r.status != http.StatusBadRequest {
		t.Errorf("RFC 6749 §4.1.2.1: an unregistered redirect URI answered %d, want 400 and an error page", r.status)
	}
}

// decodeError reads an error response without checking it.
func decodeError(t *testing.T, r reply) oauthError {
	t.Helper()
	var e oauthError
	r.json(t, &e)
	return e
}
