package runtime

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/jsonx"
	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/golang-jwt/jwt/v5"
)

// tkDecodeJWT splits a compact JWS and decodes its header and claims.
func tkDecodeJWT(t *testing.T, tok string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d segments, want 3", len(parts))
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("segment %d: %v", i, err)
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(dst); err != nil {
			t.Fatalf("segment %d is not JSON: %v (%s)", i, err, b)
		}
	}
	return header, claims
}

// TestAccessTokenJWT: a JWT access token follows RFC 9068.
func TestAccessTokenJWT(t *testing.T) {
	for _, alg := range []string{oauth.AlgES256, oauth.AlgRS256, oauth.AlgEdDSA} {
		t.Run(alg, func(t *testing.T) {
			ctx := context.Background()
			s, clk, store := tkServer(t, alg)
			tc := tkContext(s, clk, tkPolicy(FormatJWT))
			g := tkGrant(t, tc)
			c := tkClaims()
			c.AuthTime = tkNow.Add(-time.Minute)
			c.ACR = "urn:acr:pwd"
			c.AMR = []string{"pwd", "otp"}
			c.Extra = map[string]any{"tenant": "t1", "roles": []string{"a", "b"}}
			it, err := tc.Issuers.Access(ctx, c, g)
			if err != nil {
				t.Fatalf("Access.Issue: %v", err)
			}
			if c.JTI != "" || c.Issuer != "" || !c.ExpiresAt.IsZero() {
				t.Error("Issue changed the caller's claims")
			}
			if it.Format != FormatJWT || !it.ExpiresAt.Equal(tkNow.Add(10*time.Minute)) {
				t.Errorf("IssuedToken format %q expires %v, want jwt and now+10m", it.Format, it.ExpiresAt)
			}
			h, cl := tkDecodeJWT(t, it.Value.Reveal())
			if h["typ"] != "at+jwt" || h["alg"] != alg || h["kid"] != tkKeysOf(t, s).Active().KID() || len(h) != 3 {
				t.Errorf("header = %v, want exactly typ at+jwt, alg %s, kid %s", h, alg, tkKeysOf(t, s).Active().KID())
			}
			for _, name := range []string{"iss", "exp", "aud", "sub", "client_id", "iat", "jti"} { // RFC 9068 §2.2
				if _, ok := cl[name]; !ok {
					t.Errorf("claim %q missing from %v", name, cl)
				}
			}
			want := map[string]any{
				"iss": tkIssuer, "sub": "alice", "aud": "https://api.example", "client_id": "client-a",
				"scope": "read write", "acr": "urn:acr:pwd", "tenant": "t1",
				"exp": json.Number(strconv.FormatInt(tkNow.Add(10*time.Minute).Unix(), 10)),
				"iat": json.Number(strconv.FormatInt(tkNow.Unix(), 10)), "auth_time": json.Number(strconv.FormatInt(tkNow.Add(-time.Minute).Unix(), 10)),
			}
			for name, v := range want {
				if cl[name] != v {
					t.Errorf("claim %q = %#v, want %#v", name, cl[name], v)
				}
			}
			if amr, _ := json.Marshal(cl["amr"]); string(amr) != `["pwd","otp"]` {
				t.Errorf("amr = %s", amr)
			}
			if roles, _ := json.Marshal(cl["roles"]); string(roles) != `["a","b"]` {
				t.Errorf("roles = %s", roles)
			}
			jti, _ := cl["jti"].(string)
			if len(jti) < 22 {
				t.Errorf("jti = %q, want 128 random bits", jti)
			}
			// The JWT verifies with the key set.
			var rc jwt.RegisteredClaims
			if err := tkKeysOf(t, s).Verify(it.Value.Reveal(), "at+jwt", &rc, jwt.WithTimeFunc(clk.Now), jwt.WithIssuer(tkIssuer), jwt.WithAudience("https://api.example")); err != nil {
				t.Errorf("Verify: %v", err)
			}
			// It is recorded under SHA-256(jti) against the grant.
			rec, found, err := store.AccessToken(ctx, tkSHA256(jti))
			if err != nil || !found || rec.GrantID != g.ID || rec.ClientID != "client-a" || rec.Claims.JTI != jti {
				t.Errorf("record = %+v, %v, %v; want one for grant %s", rec, found, err, g.ID)
			}
		})
	}
}

func TestAccessTokenJWTClaimShapes(t *testing.T) {
	ctx := context.Background()
	s, clk, _ := tkServer(t, oauth.AlgES256)
	tc := tkContext(s, clk, tkPolicy(FormatJWT))
	g := tkGrant(t, tc)

	c := tkClaims()
	c.Audience = Audience{"https://a.example", "https://b.example"}
	c.Scope = nil
	c.Subject = "ünï\"code\\\n\u2028"
	it, err := tc.Issuers.Access(ctx, c, g)
	if err != nil {
		t.Fatal(err)
	}
	_, cl := tkDecodeJWT(t, it.Value.Reveal())
	if aud, _ := json.Marshal(cl["aud"]); string(aud) != `["https://a.example","https://b.example"]` {
		t.Errorf("aud = %s, want an array for two audiences", aud)
	}
	for _, absent := range []string{"scope", "auth_time", "acr", "amr", "nbf"} {
		if _, ok := cl[absent]; ok {
			t.Errorf("claim %q present, want it omitted when empty", absent)
		}
	}
	if cl["sub"] != c.Subject {
		t.Errorf("sub = %q, want %q (escaping)", cl["sub"], c.Subject)
	}

	// Empty members come from the grant.
	it, err = tc.Issuers.Access(ctx, &AccessTokenClaims{}, g)
	if err != nil {
		t.Fatal(err)
	}
	_, cl = tkDecodeJWT(t, it.Value.Reveal())
	if cl["sub"] != "alice" || cl["aud"] != "https://api.example" || cl["client_id"] != "client-a" || cl["iss"] != tkIssuer {
		t.Errorf("defaults from the grant: %v", cl)
	}
}

func TestJWTStringEscapingMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\s`, "\x00\x01\x1f\t\n\r", "é日本\U0001F600", "\xff\xfebad", "\u2028\u2029", "<&>"} {
		got := jsonx.AppendString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("%q encodes to invalid JSON %s: %v", s, got, err)
			continue
		}
		want, _ := json.Marshal(s)
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("%q round-trips to %q, encoding/json gives %q", s, back, wantBack)
		}
	}
}

// TestAccessTokenOpaque: ≥ 256 random bits, stored only as a hash.
func TestAccessTokenOpaque(t *testing.T) {
	ctx := context.Background()
	s, clk, store := tkServer(t, oauth.AlgES256)
	tc := tkContext(s, clk, tkPolicy(FormatOpaque))
	g := tkGrant(t, tc)
	c := tkClaims()
	a, err := tc.Issuers.Access(ctx, c, g)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tc.Issuers.Access(ctx, c, g)
	if err != nil {
		t.Fatal(err)
	}
	if a.Format != FormatOpaque || a.Value.Equal(b.Value) {
		t.Errorf("format %q; two tokens equal: %v", a.Format, a.Value.Equal(b.Value))
	}
	raw, err := base64.RawURLEncoding.DecodeString(a.Value.Reveal())
	if err != nil || len(raw) < 32 {
		t.Errorf("opaque token decodes to %d bytes (%v), want ≥ 32", len(raw), err)
	}
	rec, found, err := store.AccessToken(ctx, tkSHA256(a.Value.Reveal()))
	if err != nil || !found || rec.GrantID != g.ID || rec.Claims.Subject != "alice" || rec.Claims.JTI == "" {
		t.Errorf("record = %+v, %v, %v", rec, found, err)
	}
	recB, _, _ := store.AccessToken(ctx, tkSHA256(b.Value.Reveal()))
	if recB.Claims.JTI == rec.Claims.JTI {
		t.Error("two tokens from the same claims share a jti")
	}
	dump := tkDump(store)
	for _, v := range []Secret{a.Value, b.Value} {
		if strings.Contains(dump, v.Reveal()) {
			t.Error("the raw opaque token appears in the store dump")
		}
	}
}

func TestAccessTokenIssueErrors(t *testing.T) {
	ctx := context.Background()
	s, clk, _ := tkServer(t, oauth.AlgES256)

	for _, name := range []string{"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope", "auth_time", "acr", "amr", "cnf", "act", "typ"} {
		t.Run("Extra shadows "+name, func(t *testing.T) {
			tc := tkContext(s, clk, tkPolicy(FormatJWT))
			c := tkClaims()
			c.Extra = map[string]any{"ok": 1, name: "x"}
			_, err := tc.Issuers.Access(ctx, c, tkGrant(t, tc))
			tkWantServerError(t, err)
		})
	}

	other := func(g Grant) Grant { g.ClientID = "client-b"; return g }
	tests := []struct {
		name   string
		format AccessTokenFormat
		claims func(*AccessTokenClaims)
		grant  func(Grant) Grant
		server func(*Server)
		ctx    func(*TokenContext)
	}{
		{name: "empty Extra name", format: FormatOpaque, claims: func(c *AccessTokenClaims) { c.Extra = map[string]any{"": 1} }},
		{name: "no grant", format: FormatOpaque, grant: func(Grant) Grant { return Grant{} }},
		{name: "grant of another client", format: FormatOpaque, grant: other},
		{name: "client_id differs from grant", format: FormatJWT, claims: func(c *AccessTokenClaims) { c.ClientID = "client-b" }},
		{name: "expires before issued", format: FormatOpaque, claims: func(c *AccessTokenClaims) { c.ExpiresAt = tkNow.Add(-time.Second) }},
		{name: "zero TTL", format: FormatOpaque, claims: func(c *AccessTokenClaims) { c.ExpiresAt = tkNow }},
		{name: "unknown format", format: "paseto"},
		{name: "JWT without aud", format: FormatJWT, claims: func(c *AccessTokenClaims) { c.Audience = nil },
			grant: func(g Grant) Grant { g.Audience = nil; return g }},
		{name: "JWT without iss", format: FormatJWT, ctx: func(tc *TokenContext) { tc.Issuer = "" }},
		{name: "JWT without keys", format: FormatJWT, server: func(s *Server) { s.keys = nil }},
		{name: "JWT with unencodable Extra", format: FormatJWT, claims: func(c *AccessTokenClaims) { c.Extra = map[string]any{"f": func() {}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, clk, _ := tkServer(t, oauth.AlgES256)
			tc := tkContext(s, clk, tkPolicy(tt.format))
			if tt.ctx != nil {
				tt.ctx(tc)
			}
			g := tkGrant(t, tc)
			c := tkClaims()
			if tt.claims != nil {
				tt.claims(c)
			}
			if tt.grant != nil {
				g = tt.grant(g)
			}
			if tt.server != nil {
				tt.server(s)
			}
			it, err := tc.Issuers.Access(ctx, c, g)
			tkWantServerError(t, err)
			if it.Value != "" {
				t.Error("a token was returned with the error")
			}
		})
	}

	t.Run("nil claims", func(t *testing.T) {
		tc := tkContext(s, clk, tkPolicy(FormatJWT))
		it, err := tc.Issuers.Access(ctx, nil, Grant{})
		if err != nil || it != (IssuedToken{}) {
			t.Errorf("Issue(nil) = %+v, %v; want zero, nil", it, err)
		}
	})
}

// TestAccessTokenSigningAlgFromSettings: Settings.SigningAlg picks the key.
func TestAccessTokenSigningAlgFromSettings(t *testing.T) {
	s, clk, _ := tkServer(t, oauth.AlgES256)
	ks, err := NewKeySet(tkKey(t, oauth.AlgES256), tkKey(t, oauth.AlgRS256))
	if err != nil {
		t.Fatal(err)
	}
	s.keys = staticKeys{ks}
	s.settings.SigningAlg = oauth.AlgRS256
	tc := tkContext(s, clk, tkPolicy(FormatJWT))
	it, err := tc.Issuers.Access(context.Background(), tkClaims(), tkGrant(t, tc))
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := tkDecodeJWT(t, it.Value.Reveal()); h["alg"] != oauth.AlgRS256 || h["kid"] != tkKey(t, oauth.AlgRS256).KID() {
		t.Errorf("header = %v, want the RS256 key", h)
	}
}

// tkNopStore discards writes, so benchmarks measure issuance, not map growth.
type tkNopStore struct{ MemoryStore }

func (*tkNopStore) SaveAccessToken(context.Context, AccessTokenRecord) error { return nil }

func benchmarkAccessToken(b *testing.B, alg string, f AccessTokenFormat) {
	ctx := context.Background()
	s, clk, _ := tkServer(b, alg)
	tc := tkContext(s, clk, tkPolicy(f))
	g := tkGrant(b, tc)
	s.store = &tkNopStore{}
	c := tkClaims()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tc.Issuers.Access(ctx, c, g); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignAccessTokenES256 issues RFC 9068 JWT access tokens.
func BenchmarkSignAccessTokenES256(b *testing.B) { benchmarkAccessToken(b, oauth.AlgES256, FormatJWT) }

// BenchmarkOpaqueAccessToken issues opaque access tokens.
func BenchmarkOpaqueAccessToken(b *testing.B) { benchmarkAccessToken(b, oauth.AlgES256, FormatOpaque) }
