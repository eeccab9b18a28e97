package runtime

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/testclock"
	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/golang-jwt/jwt/v5"
)

// idServer is tkServer speaking OpenID Connect: the openid scope declared,
// ID tokens signed with idAlg, access tokens with ES256.
func idServer(t *testing.T, idAlg string) (*Server, *testclock.Clock) {
	t.Helper()
	s, clk, _ := tkServer(t, oauth.AlgES256)
	s.settings.Scopes = []ScopeInfo{{Name: oauth.ScopeOpenID}}
	s.settings.IDTokenSigningAlg = idAlg
	s.settings.IDTokenTTL = 5 * time.Minute
	var extra []*SigningKey
	for _, a := range requiredKeyAlgs(s.settings)[1:] {
		extra = append(extra, tkKey(t, a))
	}
	ks, err := NewKeySet(tkKey(t, oauth.AlgES256), extra...)
	if err != nil {
		t.Fatalf("NewKeySet: %v", err)
	}
	s.keys = staticKeys{ks}
	return s, clk
}

// TestIDTokenHashVectors: at_hash and c_hash are the base64url left half
// of the hash (OIDC Core §3.1.3.6, §3.3.2.11); the values are the examples
// of OIDC Core Appendix A.
func TestIDTokenHashVectors(t *testing.T) {
	s, clk := idServer(t, oauth.AlgRS256)
	i := tkContext(s, clk, tkPolicy(FormatJWT)).Issuers
	if got, want := i.AtHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"), "77QmUPtjPfzWtF2AnpK9RQ"; got != want {
		t.Errorf("AtHash = %q, want %q", got, want)
	}
	if got, want := i.CHash("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"), "LDktKdoQak3Pk0cnXxCltA"; got != want {
		t.Errorf("CHash = %q, want %q", got, want)
	}
}

// TestIDTokenHashFollowsAlg: SHA-256 for RS256 and ES256, SHA-512 for EdDSA.
func TestIDTokenHashFollowsAlg(t *testing.T) {
	const v = "some-access-token"
	s256 := sha256.Sum256([]byte(v))
	s512 := sha512.Sum512([]byte(v))
	b64 := base64.RawURLEncoding.EncodeToString
	for _, tc := range []struct {
		alg, want string
	}{
		{oauth.AlgRS256, b64(s256[:16])},
		{oauth.AlgES256, b64(s256[:16])},
		{oauth.AlgEdDSA, b64(s512[:32])},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			s, clk := idServer(t, tc.alg)
			i := tkContext(s, clk, tkPolicy(FormatJWT)).Issuers
			if got := i.AtHash(v); got != tc.want {
				t.Errorf("AtHash = %q, want %q", got, tc.want)
			}
			if got := i.CHash(v); got != tc.want {
				t.Errorf("CHash = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestIDTokenIssue: the header, the claims and their defaults (OIDC Core §2).
func TestIDTokenIssue(t *testing.T) {
	for _, alg := range []string{oauth.AlgRS256, oauth.AlgES256, oauth.AlgEdDSA} {
		t.Run(alg, func(t *testing.T) {
			s, clk := idServer(t, alg)
			tc := tkContext(s, clk, tkPolicy(FormatJWT))
			g := tkGrant(t, tc)
			verified := false
			tok, err := tc.Issuers.ID(context.Background(), &IDTokenClaims{
				Nonce:  "n-0S6_WzA2Mj",
				AtHash: "at", CHash: "ch",
				User:  UserClaims{Name: "Alice", EmailVerified: &verified},
				Extra: map[string]any{"tenant": "acme"},
			}, g)
			if err != nil {
				t.Fatalf("Issue: %v", err)
			}
			h, c := tkDecodeJWT(t, tok)
			key := tkKeysOf(t, s).ForAlg(alg)
			if h["typ"] != "JWT" || h["alg"] != alg || h["kid"] != key.KID() {
				t.Errorf("header = %v, want typ JWT, alg %s, kid %s", h, alg, key.KID())
			}
			want := map[string]string{
				"iss": tkIssuer, "sub": "alice", "aud": "client-a", "azp": "client-a",
				"exp":       jsonNum(tkNow.Add(5 * time.Minute)),
				"iat":       jsonNum(tkNow),
				"auth_time": jsonNum(tkNow.Add(-time.Minute)),
				"nonce":     "n-0S6_WzA2Mj", "acr": "urn:acr:pwd", "amr": "[pwd]",
				"at_hash": "at", "c_hash": "ch", "name": "Alice", "email_verified": "false", "tenant": "acme",
			}
			for k, v := range want {
				if got := jsonText(c[k]); got != v {
					t.Errorf("claim %s = %s, want %s", k, got, v)
				}
			}
			for _, k := range []string{"sid", "email", "jti", "scope", "client_id"} {
				if _, ok := c[k]; ok {
					t.Errorf("claim %s present, want absent", k)
				}
			}
			// It verifies with the server's keys as typ JWT, never as an access token.
			var rc jwt.RegisteredClaims
			if err := tkKeysOf(t, s).Verify(tok, idTokenTyp, &rc, jwt.WithTimeFunc(clk.Now)); err != nil {
				t.Errorf("Verify as JWT: %v", err)
			}
			if err := tkKeysOf(t, s).Verify(tok, accessTokenTyp, &rc, jwt.WithTimeFunc(clk.Now)); err == nil {
				t.Error("an ID token verified as an at+jwt access token")
			}
		})
	}
}

// jsonNum renders an instant as its NumericDate text.
func jsonNum(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// jsonText renders a decoded JSON value compactly: strings bare, arrays as [a b].
func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return "<absent>"
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	case []any:
		out := "["
		for i, e := range x {
			if i > 0 {
				out += " "
			}
			out += jsonText(e)
		}
		return out + "]"
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// TestIDTokenIssueNil: nil claims issue nothing.
func TestIDTokenIssueNil(t *testing.T) {
	s, clk := idServer(t, oauth.AlgRS256)
	tc := tkContext(s, clk, tkPolicy(FormatJWT))
	tok, err := tc.Issuers.ID(context.Background(), nil, tkGrant(t, tc))
	if tok != "" || err != nil {
		t.Fatalf("Issue(nil) = %q, %v; want \"\", nil", tok, err)
	}
}

// TestIDTokenIssueLeavesClaims: the caller's claims are not modified.
func TestIDTokenIssueLeavesClaims(t *testing.T) {
	s, clk := idServer(t, oauth.AlgRS256)
	tc := tkContext(s, clk, tkPolicy(FormatJWT))
	c := &IDTokenClaims{}
	if _, err := tc.Issuers.ID(context.Background(), c, tkGrant(t, tc)); err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if c.Subject != "" || c.Issuer != "" || len(c.Audience) != 0 || !c.IssuedAt.IsZero() {
		t.Errorf("claims modified: %+v", c)
	}
}

// TestIDTokenIssueErrors: a procedure's misuse is server_error.
func TestIDTokenIssueErrors(t *testing.T) {
	cases := []struct {
		name   string
		server func(s *Server)
		claims IDTokenClaims
		grant  func(g *Grant)
	}{
		{name: "not OpenID", server: func(s *Server) { s.settings.Scopes = nil }},
		{name: "no key of the alg", server: func(s *Server) {
			ks, _ := NewKeySet(tkKeysOf(t, s).ForAlg(oauth.AlgES256))
			s.keys = staticKeys{ks}
		}},
		{name: "Extra shadows nonce", claims: IDTokenClaims{Extra: map[string]any{"nonce": "x"}}},
		{name: "Extra shadows email", claims: IDTokenClaims{Extra: map[string]any{"email": "x"}}},
		{name: "Extra shadows at_hash", claims: IDTokenClaims{Extra: map[string]any{"at_hash": "x"}}},
		{name: "Extra empty name", claims: IDTokenClaims{Extra: map[string]any{"": "x"}}},
		{name: "Extra not encodable", claims: IDTokenClaims{Extra: map[string]any{"f": func() {}}}},
		{name: "grant of another client", grant: func(g *Grant) { g.ClientID = "client-b" }},
		{name: "grant without ID", grant: func(g *Grant) { g.ID = "" }},
		{name: "grant without end user", grant: func(g *Grant) { g.Authentication = Authentication{} }},
		{name: "sub not the grant's", claims: IDTokenClaims{Subject: "mallory"}},
		{name: "aud without client_id", claims: IDTokenClaims{Audience: Audience{"https://api.example"}}},
		{name: "azp another client", claims: IDTokenClaims{AuthorizedParty: "client-b"}},
		{name: "exp not after iat", claims: IDTokenClaims{IssuedAt: tkNow, ExpiresAt: tkNow}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, clk := idServer(t, oauth.AlgRS256)
			ctx := tkContext(s, clk, tkPolicy(FormatJWT))
			g := tkGrant(t, ctx)
			if tc.server != nil {
				tc.server(s)
			}
			if tc.grant != nil {
				tc.grant(&g)
			}
			c := tc.claims
			tok, err := ctx.Issuers.ID(context.Background(), &c, g)
			if tok != "" {
				t.Errorf("token issued: %q", tok)
			}
			tkWantServerError(t, err)
		})
	}
}

// TestIDTokenAudienceMayHaveMore: aud may name others besides the client
// (OIDC Core §2); it is then an array.
func TestIDTokenAudienceMayHaveMore(t *testing.T) {
	s, clk := idServer(t, oauth.AlgRS256)
	tc := tkContext(s, clk, tkPolicy(FormatJWT))
	tok, err := tc.Issuers.ID(context.Background(), &IDTokenClaims{Audience: Audience{"client-a", "https://api.example"}}, tkGrant(t, tc))
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	_, c := tkDecodeJWT(t, tok)
	if got := jsonText(c["aud"]); got != "[client-a https://api.example]" {
		t.Errorf("aud = %s", got)
	}
}

// TestIDTokenNotAnAccessToken: an ID token is never an active access token
// (RFC 8725 §3.11).
func TestIDTokenNotAnAccessToken(t *testing.T) {
	s, clk := idServer(t, oauth.AlgES256) // same algorithm and key as access tokens
	tc := tkContext(s, clk, tkPolicy(FormatJWT))
	tok, err := tc.Issuers.ID(context.Background(), &IDTokenClaims{}, tkGrant(t, tc))
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if _, active, err := s.AccessTokenActive(context.Background(), Secret(tok)); active || err != nil {
		t.Errorf("AccessTokenActive(id token) = %v, %v; want inactive", active, err)
	}
}
