package runtime

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// TestTokenEndpointErrors covers every error path of the token endpoint's
// pipeline before a flow runs: status, error code, the no-store headers
// (checked by htWantError) and WWW-Authenticate.
func TestTokenEndpointErrors(t *testing.T) {
	env := htNewEnv(t)
	cc := htForm("grant_type", "client_credentials")
	conf := htBasic("conf", htConfSecret)
	tests := []struct {
		name      string
		rq        htRequest
		status    int
		code      oauth.ErrorCode
		challenge bool // WWW-Authenticate: Basic realm="issuer"
		desc      string
	}{
		{"GET", htRequest{method: http.MethodGet, basic: conf}, 405, oauth.ErrInvalidRequest, false, ""},
		{"PUT", htRequest{method: http.MethodPut, body: cc, basic: conf}, 405, oauth.ErrInvalidRequest, false, ""},
		{"JSON body", htRequest{contentType: htStr("application/json"), body: `{"grant_type":"client_credentials"}`, basic: conf}, 400, oauth.ErrInvalidRequest, false, ""},
		{"no content type", htRequest{contentType: htStr(""), body: cc, basic: conf}, 400, oauth.ErrInvalidRequest, false, ""},
		{"multipart", htRequest{contentType: htStr("multipart/form-data; boundary=x"), body: cc, basic: conf}, 400, oauth.ErrInvalidRequest, false, ""},
		{"client_secret in URL", htRequest{path: "/oauth2/token?client_secret=x", body: cc, basic: conf}, 400, oauth.ErrInvalidRequest, false, ""},
		{"client_assertion in URL", htRequest{path: "/oauth2/token?client_assertion=x", body: cc, basic: conf}, 400, oauth.ErrInvalidRequest, false, ""},
		{"repeated grant_type", htRequest{body: cc + "&" + cc, basic: conf}, 400, oauth.ErrInvalidRequest, false, "parameter 'grant_type' is repeated"},
		{"repeated scope", htRequest{body: cc + "&scope=read&scope=write", basic: conf}, 400, oauth.ErrInvalidRequest, false, ""},
		{"malformed escape", htRequest{body: cc + "&scope=%zz", basic: conf}, 400, oauth.ErrInvalidRequest, false, ""},
		{"semicolon", htRequest{body: "grant_type=client_credentials;scope=read", basic: conf}, 400, oauth.ErrInvalidRequest, false, ""},
		{"grant_type missing", htRequest{body: "scope=read", basic: conf}, 400, oauth.ErrInvalidRequest, false, "parameter 'grant_type' is missing"},
		{"grant_type empty", htRequest{body: "grant_type=", basic: conf}, 400, oauth.ErrInvalidRequest, false, ""},
		{"grant_type unknown", htRequest{body: htForm("grant_type", "password"), basic: conf}, 400, oauth.ErrUnsupportedGrantType, false, ""},
		{"no client authentication", htRequest{body: cc}, 400, oauth.ErrInvalidClient, false, "client authentication failed"},
		{"Basic and client_secret", htRequest{body: cc + "&client_secret=" + htConfSecret, basic: conf}, 400, oauth.ErrInvalidRequest, false, ""},
		{"Basic and client_assertion", htRequest{body: cc + "&client_assertion=x&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer", basic: conf}, 400, oauth.ErrInvalidRequest, false, ""},
		{"client_secret and client_assertion", htRequest{body: cc + "&client_id=post&client_secret=" + htPostSecret + "&client_assertion=x"}, 400, oauth.ErrInvalidRequest, false, ""},
		{"client_assertion (not enabled)", htRequest{body: cc + "&client_id=conf&client_assertion=x&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, 400, oauth.ErrInvalidClient, false, ""},
		{"client_secret without client_id", htRequest{body: cc + "&client_secret=" + htPostSecret}, 400, oauth.ErrInvalidRequest, false, ""},
		{"Authorization repeated", htRequest{body: cc, header: http.Header{"Authorization": {htBasicHeader("conf", htConfSecret), htBasicHeader("conf", htConfSecret)}}}, 400, oauth.ErrInvalidRequest, false, ""},
		{"malformed Basic base64", htRequest{body: cc, header: http.Header{"Authorization": {"Basic !!!"}}}, 400, oauth.ErrInvalidRequest, false, ""},
		{"Basic without colon", htRequest{body: cc, header: http.Header{"Authorization": {"Basic Y29uZg=="}}}, 400, oauth.ErrInvalidRequest, false, ""},
		{"Basic with bad escape", htRequest{body: cc, header: http.Header{"Authorization": {"Basic JXp6OnNlY3JldA=="}}}, 400, oauth.ErrInvalidRequest, false, ""},
		{"Bearer scheme", htRequest{body: cc, header: http.Header{"Authorization": {"Bearer abc"}}}, 401, oauth.ErrInvalidClient, true, ""},
		{"Basic id differs from client_id", htRequest{body: cc + "&client_id=post", basic: conf}, 400, oauth.ErrInvalidRequest, false, ""},
		{"wrong Basic secret", htRequest{body: cc, basic: htBasic("conf", "wrong")}, 401, oauth.ErrInvalidClient, true, "client authentication failed"},
		{"unknown client (Basic)", htRequest{body: cc, basic: htBasic("nobody", "wrong")}, 401, oauth.ErrInvalidClient, true, ""},
		{"Basic with empty secret", htRequest{body: cc, basic: htBasic("conf", "")}, 401, oauth.ErrInvalidClient, true, ""},
		{"wrong post secret", htRequest{body: cc + "&client_id=post&client_secret=wrong"}, 400, oauth.ErrInvalidClient, false, ""},
		{"unknown client (post)", htRequest{body: cc + "&client_id=nobody&client_secret=wrong"}, 400, oauth.ErrInvalidClient, false, ""},
		{"basic client uses post", htRequest{body: cc + "&client_id=conf&client_secret=" + htConfSecret}, 400, oauth.ErrInvalidClient, false, ""},
		{"post client uses Basic", htRequest{body: cc, basic: htBasic("post", htPostSecret)}, 401, oauth.ErrInvalidClient, true, ""},
		{"public client sends a secret", htRequest{body: cc + "&client_id=pub&client_secret=x"}, 400, oauth.ErrInvalidClient, false, ""},
		{"confidential client sends only client_id", htRequest{body: cc + "&client_id=conf"}, 400, oauth.ErrInvalidClient, false, ""},
		{"unknown public client", htRequest{body: cc + "&client_id=nobody"}, 400, oauth.ErrInvalidClient, false, ""},
		{"public client on client_credentials", htRequest{body: cc + "&client_id=pub"}, 400, oauth.ErrInvalidClient, false, ""},
		{"public client on extension grant", htRequest{body: htForm("grant_type", string(htExtensionGrant), "client_id", "pub", "link_token", "x")}, 400, oauth.ErrInvalidClient, false, ""},
		{"not registered for the grant", htRequest{body: htForm("grant_type", "refresh_token", "refresh_token", "x"), basic: htBasic("noref", htConfSecret)}, 400, oauth.ErrUnauthorizedClient, false, ""},
		{"not registered for client_credentials", htRequest{body: cc, basic: htBasic("other", htOtherSecret)}, 400, oauth.ErrUnauthorizedClient, false, ""},
		{"malformed scope", htRequest{body: cc + `&scope=read+%22x`, basic: conf}, 400, oauth.ErrInvalidScope, false, ""},
		{"scope not allowed", htRequest{body: cc + "&scope=read+admin", basic: conf}, 400, oauth.ErrInvalidScope, false, ""},
		{"no scope and no default", htRequest{body: cc, basic: htBasic("nodefault", htConfSecret)}, 400, oauth.ErrInvalidScope, false, ""},
		{"refresh scope not allowed for client", htRequest{body: htForm("grant_type", "refresh_token", "refresh_token", "x", "scope", "admin"), basic: conf}, 400, oauth.ErrInvalidScope, false, ""},
		{"generated validator", htRequest{body: cc + "&tenant=no-dashes", basic: conf}, 400, oauth.ErrInvalidRequest, false, "parameter 'tenant' is invalid: must satisfy alphanum"},
		{"generated validator max", htRequest{body: cc + "&tenant=" + strings.Repeat("a", 33), basic: conf}, 400, oauth.ErrInvalidRequest, false, "parameter 'tenant' is invalid: must satisfy max=32"},
		{"extension grant property missing", htRequest{body: htForm("grant_type", string(htExtensionGrant)), basic: conf}, 400, oauth.ErrInvalidRequest, false, "parameter 'link_token' is missing"},
		{"extension grant fails closed", htRequest{body: htForm("grant_type", string(htExtensionGrant), "link_token", "x"), basic: conf}, 400, oauth.ErrInvalidGrant, false, ""},
		{"code missing", htRequest{body: htForm("grant_type", "authorization_code"), basic: conf}, 400, oauth.ErrInvalidRequest, false, "parameter 'code' is missing"},
		{"refresh_token missing", htRequest{body: htForm("grant_type", "refresh_token"), basic: conf}, 400, oauth.ErrInvalidRequest, false, "parameter 'refresh_token' is missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := env.do(t, tc.rq)
			b := htWantError(t, w, tc.status, tc.code)
			if tc.desc != "" && b.ErrorDescription != tc.desc {
				t.Errorf("error_description = %q, want %q", b.ErrorDescription, tc.desc)
			}
			got := w.Header().Get("WWW-Authenticate")
			if tc.challenge && got != `Basic realm="`+htIssuer+`"` {
				t.Errorf("WWW-Authenticate = %q, want Basic realm", got)
			}
			if !tc.challenge && got != "" {
				t.Errorf("WWW-Authenticate = %q, want none", got)
			}
			if tc.status == 405 && w.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", w.Header().Get("Allow"))
			}
		})
	}
}

// TestBodyTooLarge: a body over the limit is invalid_request.
func TestBodyTooLarge(t *testing.T) {
	env := htNewEnv(t, func(s *Settings, _ []Registration[TokenContext, TokenResponse]) { s.MaxBodyBytes = 128 })
	body := htForm("grant_type", "client_credentials", "pad", strings.Repeat("x", 200))
	htWantError(t, env.do(t, htRequest{body: body, basic: htBasic("conf", htConfSecret)}), 400, oauth.ErrInvalidRequest)

	// Without Content-Length the limit is enforced while reading.
	r := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(body))
	r.ContentLength = -1
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", htBasicHeader("conf", htConfSecret))
	w := httptest.NewRecorder()
	env.srv.ServeHTTP(w, r)
	htWantError(t, w, 400, oauth.ErrInvalidRequest)

	// Just under the limit works.
	ok := htForm("grant_type", "client_credentials")
	htWantOK(t, env.do(t, htRequest{body: ok, basic: htBasic("conf", htConfSecret)}))
}

// TestUnknownClientAndWrongSecretIdentical: an unknown client and a wrong
// secret get the same status, headers and body.
func TestUnknownClientAndWrongSecretIdentical(t *testing.T) {
	env := htNewEnv(t)
	cc := htForm("grant_type", "client_credentials")
	for _, pair := range [][2]htRequest{
		{{body: cc, basic: htBasic("conf", "wrong")}, {body: cc, basic: htBasic("nobody", "wrong")}},
		{{body: cc + "&client_id=post&client_secret=wrong"}, {body: cc + "&client_id=nobody&client_secret=wrong"}},
		{{body: cc + "&client_id=conf"}, {body: cc + "&client_id=nobody"}},
	} {
		a, b := env.do(t, pair[0]), env.do(t, pair[1])
		if a.Code != b.Code || a.Body.String() != b.Body.String() {
			t.Errorf("responses differ:\n%d %s\n%d %s", a.Code, a.Body, b.Code, b.Body)
		}
		if len(a.Header()) != len(b.Header()) {
			t.Errorf("headers differ: %v vs %v", a.Header(), b.Header())
		}
		for k := range a.Header() {
			if k == "X-Request-Id" {
				continue // each request's own, and random
			}
			if a.Header().Get(k) != b.Header().Get(k) {
				t.Errorf("header %s differs: %q vs %q", k, a.Header().Get(k), b.Header().Get(k))
			}
		}
	}
}

// TestClientCredentialsSuccess covers the default procedure with each
// authentication method.
func TestClientCredentialsSuccess(t *testing.T) {
	env := htNewEnv(t)
	cc := htForm("grant_type", "client_credentials")
	tests := []struct {
		name      string
		rq        htRequest
		wantScope string
	}{
		{"Basic, default scope", htRequest{body: cc, basic: htBasic("conf", htConfSecret)}, "read"},
		{"Basic, requested scope", htRequest{body: cc + "&scope=write+read", basic: htBasic("conf", htConfSecret)}, "write read"},
		{"Basic and the same client_id", htRequest{body: cc + "&client_id=conf", basic: htBasic("conf", htConfSecret)}, "read"},
		{"post", htRequest{body: cc + "&client_id=post&client_secret=" + htPostSecret}, "read"},
		{"Basic secret a:b+c%/d", htRequest{body: cc, basic: htBasic("weird", htWeirdSecret)}, "read"},
		{"bcrypt", htRequest{body: cc, basic: htBasic("bcrypt", htBcryptPass)}, "read"},
		{"charset parameter", htRequest{contentType: htStr("application/x-www-form-urlencoded; charset=UTF-8"), body: cc, basic: htBasic("conf", htConfSecret)}, "read"},
		{"empty parameters ignored", htRequest{body: cc + "&scope=&tenant=", basic: htBasic("conf", htConfSecret)}, "read"},
		{"valid tenant", htRequest{body: cc + "&tenant=acme42", basic: htBasic("conf", htConfSecret)}, "read"},
		{"unknown parameters ignored", htRequest{body: cc + "&foo=bar&other=1", basic: htBasic("conf", htConfSecret)}, "read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := htWantOK(t, env.do(t, tc.rq))
			if b.ExpiresIn != 600 {
				t.Errorf("expires_in = %d, want 600", b.ExpiresIn)
			}
			if b.Scope != tc.wantScope {
				t.Errorf("scope = %q, want %q", b.Scope, tc.wantScope)
			}
			if b.RefreshToken != "" {
				t.Errorf("client_credentials issued a refresh token (RFC 6749 §4.4.3)")
			}
			if strings.Count(b.AccessToken, ".") != 0 {
				t.Errorf("want an opaque token, got %q", b.AccessToken)
			}
			rec, ok, err := env.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
			if err != nil || !ok {
				t.Fatalf("issued token not active: %v", err)
			}
			if rec.Claims.Subject != rec.ClientID || rec.Claims.Audience[0] != htIssuer {
				t.Errorf("claims %+v: want sub = client_id and aud = issuer", rec.Claims)
			}
		})
	}
}

// TestClientCredentialsAudience: the client's default audiences become aud.
func TestClientCredentialsAudience(t *testing.T) {
	env := htNewEnv(t)
	b := htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials"), basic: htBasic("aud", htConfSecret)}))
	rec, ok, _ := env.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
	if !ok || len(rec.Claims.Audience) != 1 || rec.Claims.Audience[0] != "https://api.example" {
		t.Fatalf("aud = %v, want [https://api.example]", rec.Claims.Audience)
	}
}

// TestBasicWithOAuth2Library: golang.org/x/oauth2 with AuthStyleInHeader and
// the secret a:b+c%/d gets a token (RFC 6749 §2.3.1).
func TestBasicWithOAuth2Library(t *testing.T) {
	env := htNewEnv(t)
	ts := httptest.NewServer(env.srv)
	defer ts.Close()
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		id, secret := "weird", htWeirdSecret
		if style == oauth2.AuthStyleInParams {
			id, secret = "post", htPostSecret
		}
		cfg := clientcredentials.Config{
			ClientID: id, ClientSecret: secret, TokenURL: ts.URL + "/oauth2/token",
			Scopes: []string{"read"}, AuthStyle: style,
		}
		tok, err := cfg.Token(context.Background())
		if err != nil {
			t.Fatalf("style %v: %v", style, err)
		}
		if tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.Expiry.IsZero() {
			t.Fatalf("style %v: token %+v", style, tok)
		}
	}
	// A wrong secret is an *oauth2.RetrieveError with invalid_client.
	cfg := clientcredentials.Config{ClientID: "weird", ClientSecret: "a:b+c%/e", TokenURL: ts.URL + "/oauth2/token", AuthStyle: oauth2.AuthStyleInHeader}
	_, err := cfg.Token(context.Background())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_client" || re.Response.StatusCode != 401 {
		t.Fatalf("wrong secret: %v", err)
	}
}

// TestProcedureFailures: panics and internal errors are 500 server_error
// without detail, the process keeps serving; a response the runtime cannot
// send is server_error too.
func TestProcedureFailures(t *testing.T) {
	env := htNewEnv(t)
	form := htForm("grant_type", string(htCustomGrant), "client_id", "pub")
	tests := []struct {
		name string
		proc func(ctx context.Context, t *TokenContext) (*TokenResponse, error)
	}{
		{"panic", func(context.Context, *TokenContext) (*TokenResponse, error) { panic("boom: internal detail") }},
		{"panic with error", func(context.Context, *TokenContext) (*TokenResponse, error) { panic(errors.New("internal detail")) }},
		{"plain error", func(context.Context, *TokenContext) (*TokenResponse, error) {
			return nil, errors.New("database password=internal detail")
		}},
		{"wrapped server_error", func(context.Context, *TokenContext) (*TokenResponse, error) {
			return nil, oauth.NewError(oauth.ErrServerError, "internal detail")
		}},
		{"code not allowed at the token endpoint", func(context.Context, *TokenContext) (*TokenResponse, error) {
			return nil, oauth.NewError(oauth.ErrInvalidToken, "internal detail")
		}},
		{"nil response", func(context.Context, *TokenContext) (*TokenResponse, error) { return nil, nil }},
		{"no access token", func(context.Context, *TokenContext) (*TokenResponse, error) {
			return &TokenResponse{Scope: oauth.ScopeSet{"read"}}, nil
		}},
		{"Extra shadows expires_in", func(ctx context.Context, t *TokenContext) (*TokenResponse, error) {
			r, err := htIssue(ctx, t)
			if err == nil {
				r.Extra = map[string]any{"expires_in": 1}
			}
			return r, err
		}},
		{"Extra shadows token_type", func(ctx context.Context, t *TokenContext) (*TokenResponse, error) {
			r, err := htIssue(ctx, t)
			if err == nil {
				r.Extra = map[string]any{"token_type": "mac"}
			}
			return r, err
		}},
		{"Extra not encodable", func(ctx context.Context, t *TokenContext) (*TokenResponse, error) {
			r, err := htIssue(ctx, t)
			if err == nil {
				r.Extra = map[string]any{"ch": make(chan int)}
			}
			return r, err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env.custom = tc.proc
			w := env.do(t, htRequest{body: form})
			b := htWantError(t, w, 500, oauth.ErrServerError)
			if w.Body.String() != `{"error":"server_error"}` {
				t.Errorf("body = %s, want exactly {\"error\":\"server_error\"}", w.Body)
			}
			_ = b
			// The next request is served normally.
			env.custom = htIssue
			htWantOK(t, env.do(t, htRequest{body: form}))
		})
	}
	if !strings.Contains(env.logs.String(), "token flow panicked") || !strings.Contains(env.logs.String(), "goroutine") {
		t.Errorf("panic not logged with a stack")
	}
}

// htIssue is a custom procedure that issues through the issuers itself.
func htIssue(ctx context.Context, t *TokenContext) (*TokenResponse, error) {
	g, err := t.Issuers.Grant(ctx, t.Defaults.Grant)
	if err != nil {
		return nil, err
	}
	tok, err := t.Issuers.Access(ctx, t.Defaults.Access, g)
	if err != nil {
		return nil, err
	}
	return &TokenResponse{AccessToken: tok.Value}, nil
}

// TestResponseDerivedMembers: token_type and expires_in come from the
// runtime even when a custom procedure sets them otherwise; scope defaults
// to the granted scope; Extra members are added.
func TestResponseDerivedMembers(t *testing.T) {
	for _, format := range []AccessTokenFormat{FormatJWT, FormatOpaque} {
		t.Run(string(format), func(t *testing.T) {
			env := htNewEnv(t, htPolicyOf(htCustomGrant, func(p *TokenPolicy) { p.AccessFormat = format; p.AccessTTL = 5 * time.Minute }))
			env.custom = func(ctx context.Context, t *TokenContext) (*TokenResponse, error) {
				t.Defaults.Access.ExpiresAt = t.Now.Add(90 * time.Second)
				r, err := htIssue(ctx, t)
				if err != nil {
					return nil, err
				}
				r.TokenType = "mac"
				r.ExpiresIn = 99999
				r.Extra = map[string]any{"b_extra": 1, "a_extra": "x"}
				return r, nil
			}
			w := env.do(t, htRequest{body: htForm("grant_type", string(htCustomGrant), "client_id", "pub", "scope", "write")})
			b := htWantOK(t, w)
			if b.ExpiresIn != 90 || b.Scope != "write" {
				t.Errorf("expires_in %d scope %q, want 90 and write", b.ExpiresIn, b.Scope)
			}
			if b.Raw["a_extra"] != "x" || b.Raw["b_extra"] != float64(1) {
				t.Errorf("extra members missing: %s", w.Body)
			}
			if !strings.Contains(w.Body.String(), `"a_extra":"x","b_extra":1}`) {
				t.Errorf("extra members not in name order: %s", w.Body)
			}
		})
	}
}

// TestSecretsNeverLogged runs hostile and successful requests with debug logs
// captured and checks that no secret sent or issued appears in them.
func TestSecretsNeverLogged(t *testing.T) {
	env := htNewEnv(t)
	secrets := []string{htConfSecret, htPostSecret, htWeirdSecret, htBcryptPass, "wrong-secret-XYZ", "stolen-code-XYZ",
		"stolen-refresh-XYZ", htVerifier, "bad-verifier-XYZ"}
	cc := htForm("grant_type", "client_credentials")
	reqs := []htRequest{
		{body: cc, basic: htBasic("conf", "wrong-secret-XYZ")},
		{body: cc, basic: htBasic("nobody", "wrong-secret-XYZ")},
		{body: cc + "&client_id=post&client_secret=wrong-secret-XYZ"},
		{body: cc + "&client_secret=" + htPostSecret, basic: htBasic("conf", htConfSecret)},
		{path: "/oauth2/token?client_secret=" + htPostSecret, body: cc},
		{body: cc, basic: htBasic("weird", htWeirdSecret)},
		{body: cc, basic: htBasic("bcrypt", htBcryptPass)},
		{body: htForm("grant_type", "authorization_code", "code", "stolen-code-XYZ", "code_verifier", "bad-verifier-XYZ"), basic: htBasic("conf", htConfSecret)},
		{body: htForm("grant_type", "refresh_token", "refresh_token", "stolen-refresh-XYZ"), basic: htBasic("conf", htConfSecret)},
		{body: htForm("grant_type", "client_credentials", "tenant", "wrong-secret-XYZ"), basic: htBasic("conf", htConfSecret)},
	}
	for _, rq := range reqs {
		env.do(t, rq)
	}
	// A full code and refresh exchange, with a replay.
	code := env.confCode(t)
	secrets = append(secrets, code.Reveal())
	b := htWantOK(t, env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)}))
	env.do(t, htRequest{body: htRedeemForm(code), basic: htBasic("conf", htConfSecret)})
	secrets = append(secrets, b.AccessToken, b.RefreshToken)
	env.do(t, htRequest{body: htForm("grant_type", "refresh_token", "refresh_token", b.RefreshToken), basic: htBasic("conf", htConfSecret)})
	env.custom = func(context.Context, *TokenContext) (*TokenResponse, error) { panic("procedure bug") }
	env.do(t, htRequest{body: htForm("grant_type", string(htCustomGrant), "client_id", "pub")})

	logs := env.logs.String()
	if !strings.Contains(logs, "invalid_client") || !strings.Contains(logs, "invalid_grant") {
		t.Fatalf("logs were not captured: %s", logs)
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("secret %q appears in the logs", s)
		}
	}
}

// TestClientAuthRecorded: the context records the method and the client.
func TestClientAuthRecorded(t *testing.T) {
	env := htNewEnv(t)
	var got *TokenContext
	env.custom = func(ctx context.Context, t *TokenContext) (*TokenResponse, error) {
		got = t
		return htIssue(ctx, t)
	}
	htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", string(htCustomGrant), "scope", "write"), basic: htBasic("conf", htConfSecret)}))
	if got.ClientAuth != oauth.AuthClientSecretBasic || got.Client.ID != "conf" || got.GrantType != htCustomGrant ||
		got.Flow != "test-custom" || !got.Now.Equal(htStart) || got.Issuer != htIssuer {
		t.Fatalf("context %+v", got)
	}
	if got.RequestedScope.String() != "write" || got.GrantedScope.String() != "write" {
		t.Fatalf("scopes %v %v", got.RequestedScope, got.GrantedScope)
	}
	d := got.Defaults
	if d.Grant.Subject != "conf" || d.Access.Subject != "conf" || d.Access.ClientID != "conf" ||
		!d.Access.ExpiresAt.Equal(htStart.Add(10*time.Minute)) || d.Refresh == nil {
		t.Fatalf("defaults %+v %+v %+v", d.Grant, d.Access, d.Refresh)
	}
}

// TestTokenContextHeader: a header sent twice is invalid_request.
func TestTokenContextHeader(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Header.Add("X-Tenant", "a")
	tc := &TokenContext{Request: r}
	if v, err := tc.Header("X-Tenant"); err != nil || v != "a" {
		t.Fatalf("Header = %q, %v", v, err)
	}
	if v, err := tc.Header("X-Missing"); err != nil || v != "" {
		t.Fatalf("missing header = %q, %v", v, err)
	}
	r.Header.Add("X-Tenant", "b")
	_, err := tc.Header("X-Tenant")
	var e *oauth.Error
	if !errors.As(err, &e) || e.Code != oauth.ErrInvalidRequest {
		t.Fatalf("repeated header: %v", err)
	}
}

// htRegistry is a ClientRegistry over a map, for clients MemoryClients
// would refuse.
type htRegistry map[string]*Client

func (r htRegistry) Client(_ context.Context, id string) (*Client, error) { return r[id], nil }

// TestPublicClientFromRegistry: a custom registry's client with method
// "none" is public, whatever else it says: it is never treated as a
// confidential client without a secret, so client_credentials refuses it.
func TestPublicClientFromRegistry(t *testing.T) {
	srv, err := NewServer(Config{Clients: htRegistry{
		"x": {ID: "x", AuthMethod: oauth.AuthNone, GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials}, DefaultScopes: oauth.ScopeSet{"read"}, Scopes: oauth.ScopeSet{"read"}},
	}, Keys: htKeys(t)}, htSettings(), Flows{Token: []Registration[TokenContext, TokenResponse]{{ID: "cc", Wire: string(oauth.GrantClientCredentials), Grant: htCCGrant, Flow: htCCFlow{}}}})
	if err != nil {
		t.Fatal(err)
	}
	env := &htEnv{srv: srv}
	htWantError(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials", "client_id", "x")}), 400, oauth.ErrInvalidClient)
}
