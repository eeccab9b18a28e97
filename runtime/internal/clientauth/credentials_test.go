package clientauth

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// jwtOf is a compact JWS whose claims are the JSON claims; its header
// and signature are not read by FromRequest.
func jwtOf(claims string) string {
	return "eyJhbGciOiJFUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".c2ln"
}

// assertionForm is the body of a request with the assertion.
func assertionForm(a string, extra ...string) string {
	v := url.Values{"client_assertion_type": {AssertionType}, "client_assertion": {a}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v.Encode()
}

func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

// TestFromRequest: every way of presenting credentials, and every way of
// getting it wrong, with the method found or the error code.
func TestFromRequest(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	for _, tc := range []struct {
		name   string
		authz  []string
		body   string
		id     string
		method oauth.ClientAuthMethod
		err    oauth.ErrorCode
	}{
		{name: "basic", authz: []string{basic("a:b", "s/+%")}, id: "a:b", method: oauth.AuthClientSecretBasic},
		{name: "basic with the same client_id", authz: []string{basic("a", "s")}, body: "client_id=a", id: "a", method: oauth.AuthClientSecretBasic},
		{name: "post", body: "client_id=a&client_secret=s", id: "a", method: oauth.AuthClientSecretPost},
		{name: "none", body: "client_id=a", id: "a", method: oauth.AuthNone},
		{name: "longest id and secret", authz: []string{basic(long(MaxIDBytes), long(MaxSecretBytes))}, id: long(MaxIDBytes), method: oauth.AuthClientSecretBasic},
		{name: "longest, percent-encoded", authz: []string{basic(strings.Repeat("é", MaxIDBytes/2), strings.Repeat("é", MaxSecretBytes/2))}, id: strings.Repeat("é", MaxIDBytes/2), method: oauth.AuthClientSecretBasic},

		{name: "assertion", body: assertionForm(jwtOf(`{"iss":"a","sub":"a"}`)), id: "a", method: oauth.AuthPrivateKeyJWT},
		{name: "assertion with its client_id", body: assertionForm(jwtOf(`{"iss":"a","sub":"a"}`), "client_id", "a"), id: "a", method: oauth.AuthPrivateKeyJWT},

		{name: "nothing", err: oauth.ErrInvalidClient},
		{name: "assertion of another type", body: "client_assertion=x&client_assertion_type=y", err: oauth.ErrInvalidClient},
		{name: "assertion without its type", body: "client_assertion=x", err: oauth.ErrInvalidRequest},
		{name: "assertion type alone", body: "client_assertion_type=" + url.QueryEscape(AssertionType), err: oauth.ErrInvalidRequest},
		{name: "assertion and Basic", authz: []string{basic("a", "s")}, body: assertionForm(jwtOf(`{"iss":"a","sub":"a"}`)), err: oauth.ErrInvalidRequest},
		{name: "assertion and a secret", body: assertionForm(jwtOf(`{"iss":"a","sub":"a"}`), "client_id", "a", "client_secret", "s"), err: oauth.ErrInvalidRequest},
		{name: "assertion of another client_id", body: assertionForm(jwtOf(`{"iss":"a","sub":"a"}`), "client_id", "b"), err: oauth.ErrInvalidRequest},
		{name: "assertion not a JWT", body: assertionForm("abc"), err: oauth.ErrInvalidClient},
		{name: "assertion without sub", body: assertionForm(jwtOf(`{"iss":"a"}`)), err: oauth.ErrInvalidClient},
		{name: "assertion iss differs", body: assertionForm(jwtOf(`{"iss":"b","sub":"a"}`)), err: oauth.ErrInvalidClient},
		{name: "assertion sub not a string", body: assertionForm(jwtOf(`{"iss":1,"sub":1}`)), err: oauth.ErrInvalidClient},
		{name: "assertion sub too long", body: assertionForm(jwtOf(`{"iss":"` + long(MaxIDBytes+1) + `","sub":"` + long(MaxIDBytes+1) + `"}`)), err: oauth.ErrInvalidClient},
		{name: "assertion too long", body: assertionForm(long(MaxAssertionBytes + 1)), err: oauth.ErrInvalidRequest},
		{name: "bearer scheme", authz: []string{"Bearer x"}, err: oauth.ErrInvalidClient},
		{name: "repeated header", authz: []string{basic("a", "s"), basic("a", "s")}, err: oauth.ErrInvalidRequest},
		{name: "two methods", authz: []string{basic("a", "s")}, body: "client_secret=s", err: oauth.ErrInvalidRequest},
		{name: "other client_id in the body", authz: []string{basic("a", "s")}, body: "client_id=b", err: oauth.ErrInvalidRequest},
		{name: "secret without id", body: "client_secret=s", err: oauth.ErrInvalidRequest},
		{name: "bad base64", authz: []string{"Basic !!!"}, err: oauth.ErrInvalidRequest},
		{name: "no colon", authz: []string{"Basic " + base64.StdEncoding.EncodeToString([]byte("abc"))}, err: oauth.ErrInvalidRequest},
		{name: "empty id", authz: []string{basic("", "s")}, err: oauth.ErrInvalidRequest},
		{name: "bad escape", authz: []string{"Basic " + base64.StdEncoding.EncodeToString([]byte("a%zz:s"))}, err: oauth.ErrInvalidRequest},
		{name: "id too long, basic", authz: []string{basic(long(MaxIDBytes+1), "s")}, err: oauth.ErrInvalidRequest},
		{name: "secret too long, basic", authz: []string{basic("a", long(MaxSecretBytes+1))}, err: oauth.ErrInvalidRequest},
		{name: "header too long", authz: []string{"Basic " + long(700<<10)}, err: oauth.ErrInvalidRequest},
		{name: "id too long, post", body: "client_id=" + long(MaxIDBytes+1) + "&client_secret=s", err: oauth.ErrInvalidRequest},
		{name: "secret too long, post", body: "client_id=a&client_secret=" + long(MaxSecretBytes+1), err: oauth.ErrInvalidRequest},
		{name: "id too long, none", body: "client_id=" + long(MaxIDBytes+1), err: oauth.ErrInvalidRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/token", nil)
			r.Header["Authorization"] = tc.authz
			p, _ := form.Parse(tc.body)
			c, e := FromRequest(r, p)
			if tc.err != "" {
				if e == nil || e.Code != tc.err {
					t.Fatalf("error %v, want %s", e, tc.err)
				}
				if c.Header != (len(tc.authz) == 1) {
					t.Errorf("Header = %v on failure", c.Header)
				}
				return
			}
			if e != nil || c.ID != tc.id || c.Method != tc.method {
				t.Errorf("got %q %s, %v; want %q %s", c.ID, c.Method, e, tc.id, tc.method)
			}
		})
	}
}
