package generated

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// The token endpoint's shared pipeline, through the generated server: every
// request here would reach a generated flow if the runtime let it through.

// TestTokenEndpointMethodNotAllowed: only POST is accepted, 405 names it in
// Allow (RFC 6749 §3.2; RFC 9110 §15.5.6) and the error is still no-store.
func TestTokenEndpointMethodNotAllowed(t *testing.T) {
	e := newEnv(t, nil)
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		t.Run(m, func(t *testing.T) {
			r := e.do(t, call{method: m, body: form("grant_type", "client_credentials"), basic: creds(svcID, svcSecret)})
			wantError(t, r, http.StatusMethodNotAllowed, oauth.ErrInvalidRequest, "POST")
			if got := r.header.Get("Allow"); got != http.MethodPost {
				t.Errorf("Allow = %q, want POST", got)
			}
		})
	}
}

// TestTokenEndpointRequestErrors: every malformed request or failed shared
// check gets its RFC 6749 §5.2 code, the no-store headers, and 401 with a
// Basic challenge only when the Authorization header was used.
func TestTokenEndpointRequestErrors(t *testing.T) {
	e := newEnv(t, nil)
	svc := creds(svcID, svcSecret)
	cc := form("grant_type", "client_credentials")
	big := cc + "&pad=" + strings.Repeat("a", 64<<10)
	tests := []struct {
		name   string
		c      call
		status int
		code   oauth.ErrorCode
		desc   string
	}{
		// RFC 6749 §4.4.2: the body is application/x-www-form-urlencoded.
		{"content type json", call{ctype: "application/json", body: `{"grant_type":"client_credentials"}`, basic: svc}, 400, oauth.ErrInvalidRequest, "Content-Type"},
		{"content type missing", call{ctype: "-", body: cc, basic: svc}, 400, oauth.ErrInvalidRequest, "Content-Type"},
		{"content type multipart", call{ctype: "multipart/form-data; boundary=x", body: cc, basic: svc}, 400, oauth.ErrInvalidRequest, "Content-Type"},
		// The body is limited (64 KiB), with or without Content-Length.
		{"body too large", call{body: big, basic: svc}, 400, oauth.ErrInvalidRequest, "too large"},
		{"body too large chunked", call{body: big, basic: svc, chunked: true}, 400, oauth.ErrInvalidRequest, "too large"},
		// RFC 6749 §3.2: parameters must not be included more than once.
		{"repeated grant_type", call{body: cc + "&" + cc, basic: svc}, 400, oauth.ErrInvalidRequest, "'grant_type' is repeated"},
		{"repeated scope", call{body: cc + "&scope=read&scope=write", basic: svc}, 400, oauth.ErrInvalidRequest, "'scope' is repeated"},
		{"repeated property", call{body: cc + "&tenant=a&tenant=b", basic: svc}, 400, oauth.ErrInvalidRequest, "'tenant' is repeated"},
		// A body that does not decode is refused, ';' included.
		{"bad percent-encoding", call{body: cc + "&tenant=%zz", basic: svc}, 400, oauth.ErrInvalidRequest, "malformed"},
		{"semicolon separator", call{body: cc + ";tenant=a", basic: svc}, 400, oauth.ErrInvalidRequest, "malformed"},
		// RFC 6749 §5.2: missing grant_type is invalid_request, an unknown one unsupported_grant_type.
		{"missing grant_type", call{body: form("scope", "read"), basic: svc}, 400, oauth.ErrInvalidRequest, "'grant_type' is missing"},
		{"empty grant_type", call{body: "grant_type=&scope=read", basic: svc}, 400, oauth.ErrInvalidRequest, "'grant_type' is missing"},
		{"password grant, client not registered for it", call{body: form("grant_type", "password", "username", "a", "password", "b"), basic: svc}, 400, oauth.ErrUnauthorizedClient, ""},
		{"device grant, client not registered for it", call{body: form("grant_type", deviceGrant, "device_code", "x"), basic: svc}, 400, oauth.ErrUnauthorizedClient, ""},
		{"grant_type is case-sensitive", call{body: form("grant_type", "Client_Credentials"), basic: svc}, 400, oauth.ErrUnsupportedGrantType, ""},
		// RFC 6749 §2.3.1: no client credentials in the URL.
		{"client_secret in query", call{query: "client_secret=" + svcSecret, body: cc + "&client_id=" + svcID}, 400, oauth.ErrInvalidRequest, "URL"},
		{"client_assertion in query", call{query: "client_assertion=x", body: cc, basic: svc}, 400, oauth.ErrInvalidRequest, "URL"},
		// Pairs url.ParseQuery would drop must not smuggle a secret past the check.
		{"undecodable client_secret in query", call{query: "client_secret=%zz", body: cc, basic: svc}, 400, oauth.ErrInvalidRequest, "URL"},
		{"client_secret after ';' in query", call{query: "x=1;client_secret=abc", body: cc, basic: svc}, 400, oauth.ErrInvalidRequest, "URL"},
		{"escaped client_secret key in query", call{query: "client%5Fsecret=abc", body: cc, basic: svc}, 400, oauth.ErrInvalidRequest, "URL"},
		// RFC 6749 §2.3: one authentication method per request.
		{"basic and client_secret", call{body: cc + "&client_id=" + svcID + "&client_secret=" + svcSecret, basic: svc}, 400, oauth.ErrInvalidRequest, "more than one"},
		{"basic and client_assertion", call{body: cc + "&client_assertion_type=x&client_assertion=y", basic: svc}, 400, oauth.ErrInvalidRequest, "more than one"},
		{"authorization header repeated", call{body: cc, header: http.Header{"Authorization": {basicAuth(svcID, svcSecret), basicAuth(svcID, svcSecret)}}}, 400, oauth.ErrInvalidRequest, "repeated"},
		{"malformed basic", call{body: cc, header: http.Header{"Authorization": {"Basic !!!"}}}, 400, oauth.ErrInvalidRequest, "Basic"},
		{"basic without colon", call{body: cc, header: http.Header{"Authorization": {"Basic c3Zj"}}}, 400, oauth.ErrInvalidRequest, "Basic"},
		{"body client_id differs from basic", call{body: cc + "&client_id=" + postID, basic: svc}, 400, oauth.ErrInvalidRequest, "client_id"},
		{"client_secret without client_id", call{body: cc + "&client_secret=" + postSecret}, 400, oauth.ErrInvalidRequest, "client_id"},
		// RFC 6749 §5.2: failed Basic authentication is 401 with a challenge.
		{"basic unknown client", call{body: cc, basic: creds("nobody", svcSecret)}, 401, oauth.ErrInvalidClient, "authentication failed"},
		{"basic wrong secret", call{body: cc, basic: creds(svcID, svcSecret+"x")}, 401, oauth.ErrInvalidClient, "authentication failed"},
		{"basic empty secret", call{body: cc, basic: creds(svcID, "")}, 401, oauth.ErrInvalidClient, "authentication failed"},
		{"bearer scheme", call{body: cc, header: http.Header{"Authorization": {"Bearer abc"}}}, 401, oauth.ErrInvalidClient, "authentication failed"},
		// RFC 6749 §5.2: other methods fail with 400 and no challenge.
		{"post wrong secret", call{body: cc + "&client_id=" + postID + "&client_secret=nope"}, 400, oauth.ErrInvalidClient, "authentication failed"},
		{"no client authentication", call{body: cc}, 400, oauth.ErrInvalidClient, "authentication failed"},
		// The client's registered method (token_endpoint_auth_method, RFC 7591 §2) is enforced.
		{"basic client using post", call{body: cc + "&client_id=" + svcID + "&client_secret=" + svcSecret}, 400, oauth.ErrInvalidClient, "authentication failed"},
		{"post client using basic", call{body: cc, basic: creds(postID, postSecret)}, 401, oauth.ErrInvalidClient, "authentication failed"},
		{"confidential client without secret", call{body: cc + "&client_id=" + svcID}, 400, oauth.ErrInvalidClient, "authentication failed"},
		// RFC 6749 §5.2: a client not registered for the grant type is unauthorized_client.
		{"cc-only asks authorization_code", call{body: form("grant_type", "authorization_code", "code", "x", "redirect_uri", svcRedirect), basic: creds(ccOnlyID, ccOnlySecret)}, 400, oauth.ErrUnauthorizedClient, ""},
		{"cc-only asks refresh_token", call{body: form("grant_type", "refresh_token", "refresh_token", "x"), basic: creds(ccOnlyID, ccOnlySecret)}, 400, oauth.ErrUnauthorizedClient, ""},
		{"cc-only asks magic link", call{body: form("grant_type", magicGrant, "link_token", strings.Repeat("x", 20)), basic: creds(ccOnlyID, ccOnlySecret)}, 400, oauth.ErrUnauthorizedClient, ""},
		{"linker asks client_credentials", call{body: cc, basic: creds(linkID, linkSecret)}, 400, oauth.ErrUnauthorizedClient, ""},
		{"svc asks magic link", call{body: form("grant_type", magicGrant, "link_token", strings.Repeat("x", 20)), basic: svc}, 400, oauth.ErrUnauthorizedClient, ""},
		// RFC 6749 §3.3: scope syntax, and only the client's scopes.
		{"scope with quote", call{body: form("grant_type", "client_credentials", "scope", `read "write`), basic: svc}, 400, oauth.ErrInvalidScope, "malformed"},
		{"scope with backslash", call{body: form("grant_type", "client_credentials", "scope", `read\`), basic: svc}, 400, oauth.ErrInvalidScope, "malformed"},
		{"scope with control char", call{body: form("grant_type", "client_credentials", "scope", "read\x01"), basic: svc}, 400, oauth.ErrInvalidScope, "malformed"},
		{"scope declared but not the client's", call{body: form("grant_type", "client_credentials", "scope", "read admin"), basic: svc}, 400, oauth.ErrInvalidScope, "not allowed"},
		{"scope unknown", call{body: form("grant_type", "client_credentials", "scope", "nope"), basic: svc}, 400, oauth.ErrInvalidScope, "not allowed"},
		{"scope omitted without defaults", call{body: cc, basic: creds(ccOnlyID, ccOnlySecret)}, 400, oauth.ErrInvalidScope, "scope is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do(t, tt.c), tt.status, tt.code, tt.desc)
		})
	}
	// None of the secrets sent above reached the log.
	logs := e.logs.String()
	for _, s := range []string{svcSecret, postSecret, svcSecret + "x"} {
		if strings.Contains(logs, s) {
			t.Errorf("a client secret appears in the log")
		}
	}
}

// TestUnknownClientAndWrongSecretIdentical: an unknown client and a wrong
// secret get byte-identical answers, for Basic (401) and for
// client_secret_post (400).
func TestUnknownClientAndWrongSecretIdentical(t *testing.T) {
	e := newEnv(t, nil)
	cc := form("grant_type", "client_credentials", "scope", "read")
	pairs := map[string][2]call{
		"basic": {
			{body: cc, basic: creds("nobody", svcSecret)},
			{body: cc, basic: creds(svcID, "wrong-secret")},
		},
		"post": {
			{body: cc + "&client_id=nobody&client_secret=" + postSecret},
			{body: cc + "&client_id=" + postID + "&client_secret=wrong-secret"},
		},
	}
	for name, p := range pairs {
		t.Run(name, func(t *testing.T) {
			a, b := e.do(t, p[0]), e.do(t, p[1])
			wantNoStore(t, a)
			if a.status != b.status || string(a.raw) != string(b.raw) {
				t.Fatalf("unknown client: %d %s; wrong secret: %d %s", a.status, a.raw, b.status, b.raw)
			}
			a.header.Del("Date")
			b.header.Del("Date")
			a.header.Del("X-Request-Id") // each request's own, and random
			b.header.Del("X-Request-Id")
			if len(a.header) != len(b.header) {
				t.Fatalf("headers differ: %v vs %v", a.header, b.header)
			}
			for k, v := range a.header {
				if !slices.Equal(v, b.header[k]) {
					t.Errorf("header %s: %q vs %q", k, v, b.header[k])
				}
			}
		})
	}
}

// TestScopeGranted: an omitted (or empty, RFC 6749 §3.1) scope gets the
// client's default scopes; a requested scope is granted as sent, duplicates
// dropped (RFC 6749 §3.3).
func TestScopeGranted(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, body, want string
	}{
		{"omitted", form("grant_type", "client_credentials"), "read"},
		{"empty", "grant_type=client_credentials&scope=", "read"},
		{"one", form("grant_type", "client_credentials", "scope", "write"), "write"},
		{"two in request order", form("grant_type", "client_credentials", "scope", "write read"), "write read"},
		{"duplicates and extra spaces", form("grant_type", "client_credentials", "scope", "read  read write"), "read write"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := wantToken(t, e.do(t, call{body: tt.body, basic: creds(svcID, svcSecret)}))
			if tok.Scope != tt.want {
				t.Errorf("response scope = %q, want %q", tok.Scope, tt.want)
			}
			_, claims := e.verifyAccessJWT(t, tok.AccessToken)
			if claims["scope"] != tt.want {
				t.Errorf("scope claim = %v, want %q (RFC 9068 §2.2.3)", claims["scope"], tt.want)
			}
		})
	}
}

// TestBasicSecretEncoding: Basic credentials are form-urldecoded after the
// split at the first ':', so ids and secrets with ':', '+', '%' and '/' work,
// and '+' is not confused with ' ' (RFC 6749 §2.3.1, Appendix B;
// RFC 7617 §2).
func TestBasicSecretEncoding(t *testing.T) {
	e := newEnv(t, nil)
	cc := form("grant_type", "client_credentials")
	tok := wantToken(t, e.do(t, call{body: cc, basic: creds(weirdID, weirdSecret)}))
	_, claims := e.verifyAccessJWT(t, tok.AccessToken)
	if claims["client_id"] != weirdID || claims["sub"] != weirdID {
		t.Errorf("client_id %v sub %v, want %q", claims["client_id"], claims["sub"], weirdID)
	}
	for _, wrong := range []string{"a:b c%/d", "a:b+c%2Fd", "a%3Ab+c%25%2Fd", "a:b+c%/"} {
		wantError(t, e.do(t, call{body: cc, basic: creds(weirdID, wrong)}), 401, oauth.ErrInvalidClient, "")
	}

	// golang.org/x/oauth2 encodes the same way, in the header and in the body.
	for _, c := range []struct {
		id, secret string
		style      oauth2.AuthStyle
	}{{weirdID, weirdSecret, oauth2.AuthStyleInHeader}, {postID, postSecret, oauth2.AuthStyleInParams}} {
		cfg := clientcredentials.Config{ClientID: c.id, ClientSecret: c.secret, TokenURL: e.ts.URL + "/oauth2/token", AuthStyle: c.style}
		tok, err := cfg.Token(context.Background())
		if err != nil {
			t.Fatalf("x/oauth2 %s: %v", c.id, err)
		}
		if tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.Expiry.IsZero() {
			t.Errorf("x/oauth2 %s: token %+v", c.id, tok)
		}
	}
	cfg := clientcredentials.Config{ClientID: weirdID, ClientSecret: "a:b c%/d", TokenURL: e.ts.URL + "/oauth2/token", AuthStyle: oauth2.AuthStyleInHeader}
	_, err := cfg.Token(context.Background())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_client" || re.Response.StatusCode != http.StatusUnauthorized {
		t.Fatalf("x/oauth2 wrong secret: %v", err)
	}
}

// TestContentTypeParameters: a charset parameter on the form content type is
// accepted.
func TestContentTypeParameters(t *testing.T) {
	e := newEnv(t, nil)
	wantToken(t, e.do(t, call{ctype: "application/x-www-form-urlencoded; charset=UTF-8",
		body: form("grant_type", "client_credentials"), basic: creds(svcID, svcSecret)}))
}

// TestBodyLimit: a body of exactly the 64 KiB limit is served, one byte more
// is invalid_request, with and without Content-Length.
func TestBodyLimit(t *testing.T) {
	e := newEnv(t, nil)
	head := form("grant_type", "client_credentials") + "&pad="
	body := head + strings.Repeat("a", 64<<10-len(head))
	for _, chunked := range []bool{false, true} {
		wantToken(t, e.do(t, call{body: body, basic: creds(svcID, svcSecret), chunked: chunked}))
		wantError(t, e.do(t, call{body: body + "a", basic: creds(svcID, svcSecret), chunked: chunked}),
			http.StatusBadRequest, oauth.ErrInvalidRequest, "too large")
	}
}
