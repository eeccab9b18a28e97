package runtime

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The tokens a client gets for itself (client_credentials, RFC 6749 §4.4):
// no grant is stored, a JWT is not stored at all, an opaque token keeps a
// record without a grant, and each is revoked alone (RFC 7009 §2.1).

// ownFlow is a client_credentials procedure written inside a test.
type ownFlow func(ctx context.Context, t *TokenContext) (*TokenResponse, error)

func (f ownFlow) Prepare(t *TokenContext) (func(context.Context) (*TokenResponse, error), error) {
	return func(ctx context.Context) (*TokenResponse, error) { return f(ctx, t) }, nil
}

// ownOptions make the client_credentials flow issue format, with the
// procedure proc when it is not nil.
func ownOptions(format AccessTokenFormat, proc ownFlow) htOption {
	return func(_ *Settings, regs []Registration[TokenContext, TokenResponse]) {
		for i := range regs {
			if regs[i].Wire == string(oauth.GrantClientCredentials) {
				regs[i].Policy.AccessFormat = format
				if proc != nil {
					regs[i].Flow = proc
				}
			}
		}
	}
}

// ownToken gets conf a client_credentials token.
func (env *htEnv) ownToken(t testing.TB) string {
	t.Helper()
	return htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials", "scope", "read"),
		basic: htBasic("conf", htConfSecret)})).AccessToken
}

// ownCounts is how many grants and access-token records the store holds.
func ownCounts(env *htEnv) (grants, access int) {
	env.store.mu.Lock()
	defer env.store.mu.Unlock()
	return len(env.store.grants), len(env.store.access)
}

// TestOwnTokensStoreNoGrant: client_credentials stores no grant; a JWT
// nothing at all, an opaque token one record without a grant. Both are
// active for introspection, with the members they always had, and the
// procedure sees a Grant without an ID that stands for the client's.
func TestOwnTokensStoreNoGrant(t *testing.T) {
	for _, format := range []AccessTokenFormat{FormatJWT, FormatOpaque} {
		t.Run(string(format), func(t *testing.T) {
			var seen *IntrospectionContext
			env := itNewEnv(t, func(fl *Flows) {
				fl.Introspection.Flow = itFuncFlow{func(ctx context.Context, c *IntrospectionContext) (*IntrospectionResponse, error) {
					seen = c
					return c.Default(ctx)
				}}
			}, ownOptions(format, nil))
			tok := env.ownToken(t)
			grants, access := ownCounts(env)
			wantAccess := map[AccessTokenFormat]int{FormatJWT: 0, FormatOpaque: 1}[format]
			if grants != 0 || access != wantAccess {
				t.Fatalf("the store holds %d grants and %d access tokens, want 0 and %d", grants, access, wantAccess)
			}
			got := itMembers(t, env.introspect(t, tok))
			now := htStart.Unix()
			for k, v := range map[string]any{
				"active": true, "scope": "read", "client_id": "conf", "token_type": "Bearer", "sub": "conf",
				"aud": htIssuer, "iss": htIssuer, "exp": float64(now + 600), "iat": float64(now), "nbf": float64(now),
			} {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
			if _, ok := got["username"]; ok {
				t.Errorf("a client's own token has a username: %v", got["username"])
			}
			if seen == nil || seen.AccessToken == nil || seen.Grant == nil {
				t.Fatalf("the procedure saw %+v", seen)
			}
			if g := seen.Grant; g.ID != "" || g.ClientID != "conf" || g.Subject != "conf" || g.Scope.String() != "read" ||
				strings.Join(g.Audience, " ") != htIssuer || !g.Authentication.isZero() || g.Revoked {
				t.Errorf("Grant = %+v, want the client's, without an ID", g)
			}
			if r := seen.AccessToken; r.GrantID != "" || r.ClientID != "conf" || r.Claims.Subject != "conf" || r.Claims.JTI != got["jti"] {
				t.Errorf("AccessToken = %+v", r)
			}
			env.clock.Advance(10 * time.Minute)
			itWantInactive(t, env.introspect(t, tok))
		})
	}
}

// TestRevokeOwnToken: revoking a client's own token revokes it alone, by
// the client only; a JWT goes on the deny-list until it expires, and a
// procedure asking to revoke its grant revokes the token alone.
func TestRevokeOwnToken(t *testing.T) {
	for _, format := range []AccessTokenFormat{FormatJWT, FormatOpaque} {
		for _, revokeGrant := range []bool{false, true} {
			name := string(format)
			if revokeGrant {
				name += "/RevokeGrant"
			}
			t.Run(name, func(t *testing.T) {
				env := itNewEnv(t, func(fl *Flows) {
					if revokeGrant {
						fl.Revocation.Flow = rvGrantFlow{}
					}
				}, ownOptions(format, nil))
				tok, other := env.ownToken(t), env.ownToken(t)
				code := env.tokens(t) // alice's, through a grant
				rvWantOK(t, env.revoke(t, "other", htOtherSecret, tok))
				if !env.itActive(t, tok) {
					t.Fatal("another client revoked conf's token")
				}
				rvWantOK(t, env.revoke(t, "conf", htConfSecret, tok, "token_type_hint", "access_token"))
				itWantInactive(t, env.introspect(t, tok))
				if _, active, _ := env.srv.AccessTokenActive(context.Background(), Secret(tok)); active {
					t.Error("the revoked token is active for the server")
				}
				for _, live := range []string{other, code.AccessToken, code.RefreshToken} {
					if !env.itActive(t, live) {
						t.Error("revoking a client's own token revoked another token")
					}
				}
				rvWantOK(t, env.revoke(t, "conf", htConfSecret, tok)) // again: nothing left to revoke

				if format != FormatJWT {
					return
				}
				if _, access := ownCounts(env); access != 1 {
					t.Errorf("the store holds %d access-token records, want alice's only", access)
				}
				key := ownJWTKey(t, tok)
				if _, found, _ := env.store.State(context.Background(), statens.Revoked, key, env.clock.Now()); !found {
					t.Error("the revoked JWT is not on the deny-list")
				}
				env.clock.Advance(10 * time.Minute) // its exp: the deny-list need not keep it
				if _, found, _ := env.store.State(context.Background(), statens.Revoked, key, env.clock.Now()); found {
					t.Error("the deny-list keeps a JWT past its exp")
				}
			})
		}
	}
}

// ownJWTKey is the record key of a JWT: the SHA-256 of its jti.
func ownJWTKey(t *testing.T, tok string) []byte {
	t.Helper()
	var c jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(tok, &c); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(c.ID))
	return sum[:]
}

// TestOwnJWTClaimsRead: the record of a JWT that was never stored is read
// from the token: every claim, the team's own in Extra.
func TestOwnJWTClaimsRead(t *testing.T) {
	env := itNewEnv(t, nil, ownOptions(FormatJWT, func(ctx context.Context, tc *TokenContext) (*TokenResponse, error) {
		tc.Defaults.Access.Extra = map[string]any{"tenant": "acme", "n": 3, "tags": []string{"a", "b"}}
		return tc.Default(ctx)
	}))
	tok := env.ownToken(t)
	rec, active, err := env.srv.AccessTokenActive(context.Background(), Secret(tok))
	if err != nil || !active {
		t.Fatalf("AccessTokenActive = %v, %v", active, err)
	}
	c := rec.Claims
	if rec.GrantID != "" || rec.ClientID != "conf" || c.ClientID != "conf" || c.Subject != "conf" || c.Issuer != htIssuer ||
		strings.Join(c.Audience, " ") != htIssuer || c.Scope.String() != "read" || c.JTI == "" ||
		!c.IssuedAt.Equal(htStart.Truncate(time.Second)) || !c.ExpiresAt.Equal(rec.ExpiresAt) ||
		!rec.ExpiresAt.Equal(htStart.Add(10*time.Minute).Truncate(time.Second)) {
		t.Errorf("record = %+v", rec)
	}
	extra, _ := json.Marshal(c.Extra)
	if string(extra) != `{"n":3,"tags":["a","b"],"tenant":"acme"}` {
		t.Errorf("Extra = %s", extra)
	}
}

// TestOwnTokenFallsBackToAGrant: what a client's own token cannot carry
// without a grant gets one, stored as before: carry-over data, an end
// user's authentication; a token whose subject is not the client is
// stored without a grant; and a procedure's own grant is honoured, so
// that revoking it revokes the token.
func TestOwnTokenFallsBackToAGrant(t *testing.T) {
	for _, tc := range []struct {
		name           string
		proc           ownFlow
		grants, access int
		revokeGrant    bool // revoking the stored grant deactivates the token
	}{
		{"carry-over data", func(ctx context.Context, t *TokenContext) (*TokenResponse, error) {
			t.Defaults.Grant.Data = json.RawMessage(`{"k":1}`)
			return t.Default(ctx)
		}, 1, 1, true},
		{"another subject", func(ctx context.Context, t *TokenContext) (*TokenResponse, error) {
			t.Defaults.Access.Subject = "svc-account"
			return t.Default(ctx)
		}, 0, 1, false},
		{"the procedure's grant", func(ctx context.Context, t *TokenContext) (*TokenResponse, error) {
			g, err := t.Issuers.Grant(ctx, t.Defaults.Grant)
			if err != nil {
				return nil, err
			}
			tok, err := t.Issuers.Access(ctx, t.Defaults.Access, g)
			if err != nil {
				return nil, err
			}
			return &TokenResponse{AccessToken: tok.Value}, nil
		}, 1, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := itNewEnv(t, nil, ownOptions(FormatJWT, tc.proc))
			tok := env.ownToken(t)
			if grants, access := ownCounts(env); grants != tc.grants || access != tc.access {
				t.Fatalf("the store holds %d grants and %d access tokens, want %d and %d", grants, access, tc.grants, tc.access)
			}
			rec, active, err := env.srv.AccessTokenActive(context.Background(), Secret(tok))
			if err != nil || !active {
				t.Fatalf("AccessTokenActive = %v, %v", active, err)
			}
			if !tc.revokeGrant {
				rvWantOK(t, env.revoke(t, "conf", htConfSecret, tok))
				itWantInactive(t, env.introspect(t, tok))
				return
			}
			if err := env.store.RevokeGrant(context.Background(), rec.GrantID); err != nil {
				t.Fatal(err)
			}
			itWantInactive(t, env.introspect(t, tok))
		})
	}
}

// TestOwnTokenNeverOutlivesItsGrantData: a client's own token expires no
// later than the grant it stands for would have.
func TestOwnTokenNeverOutlivesItsGrantData(t *testing.T) {
	for _, format := range []AccessTokenFormat{FormatJWT, FormatOpaque} {
		t.Run(string(format), func(t *testing.T) {
			env := itNewEnv(t, nil, ownOptions(format, func(ctx context.Context, tc *TokenContext) (*TokenResponse, error) {
				tc.Defaults.Grant.ExpiresAt = tc.Now.Add(time.Minute)
				return tc.Default(ctx)
			}))
			body := htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials"), basic: htBasic("conf", htConfSecret)}))
			if body.ExpiresIn != 60 {
				t.Errorf("expires_in = %d, want 60", body.ExpiresIn)
			}
			env.clock.Advance(time.Minute)
			itWantInactive(t, env.introspect(t, body.AccessToken))
		})
	}
}

// TestUnstoredJWTOfAnEndUser: a JWT of an end user that has no record is
// inactive, however well signed: only a client's own JWT needs none.
func TestUnstoredJWTOfAnEndUser(t *testing.T) {
	s, _, _ := tkServer(t, oauth.AlgES256)
	ks := tkKeysOf(t, s)
	exp := tkNow.Add(time.Hour).Unix()
	for _, tc := range []struct {
		name   string
		claims jwt.MapClaims
		active bool
	}{
		{"the client's own", jwt.MapClaims{"client_id": "svc"}, true},
		{"an end user's", jwt.MapClaims{"client_id": "svc", "sub": "alice"}, false},
		{"with auth_time", jwt.MapClaims{"client_id": "svc", "auth_time": tkNow.Unix()}, false},
		{"with acr", jwt.MapClaims{"client_id": "svc", "acr": "1"}, false},
		{"with amr", jwt.MapClaims{"client_id": "svc", "amr": []string{"pwd"}}, false},
		{"without client_id", jwt.MapClaims{"client_id": ""}, false},
		{"a scope that is not a string", jwt.MapClaims{"client_id": "svc", "scope": 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			claims := jwt.MapClaims{"iss": tkIssuer, "sub": "svc", "aud": "https://api.example", "exp": exp, "iat": tkNow.Unix(), "jti": "j-" + tc.name}
			for k, v := range tc.claims {
				claims[k] = v
			}
			tok, err := ks.Sign(accessTokenTyp, claims)
			if err != nil {
				t.Fatal(err)
			}
			if _, active, err := s.AccessTokenActive(context.Background(), Secret(tok)); err != nil || active != tc.active {
				t.Errorf("AccessTokenActive = %v, %v; want %v", active, err, tc.active)
			}
		})
	}
}

// TestOwnJWTAtUserInfo: a client's own JWT reaches no end user's claims.
func TestOwnJWTAtUserInfo(t *testing.T) {
	env := oidcNewEnv(t, oidcConfig{}, ownOptions(FormatJWT, nil))
	tok := htWantOK(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials", "scope", "read"),
		basic: htBasic("rp", htConfSecret)})).AccessToken
	w := env.userinfo(t, http.MethodGet, "Bearer "+tok, "", "")
	uiWant(t, w, http.StatusUnauthorized, oauth.ErrInvalidToken)
}

// TestOwnTokenRecordsInTheMemoryStore: a client_credentials JWT adds
// nothing to a MemoryStore, an opaque token one record and nothing else.
func TestOwnTokenRecordsInTheMemoryStore(t *testing.T) {
	for _, format := range []AccessTokenFormat{FormatJWT, FormatOpaque} {
		t.Run(string(format), func(t *testing.T) {
			env := htNewEnv(t, ownOptions(format, nil))
			for range 100 {
				env.ownToken(t)
			}
			env.store.mu.Lock()
			defer env.store.mu.Unlock()
			want := map[AccessTokenFormat]int{FormatJWT: 0, FormatOpaque: 100}[format]
			if n := len(env.store.grants) + len(env.store.access); n != want {
				t.Errorf("%d records, want %d", n, want)
			}
			if n := env.store.expiry.Len(); n != want {
				t.Errorf("%d records queued for pruning, want %d", n, want)
			}
			for _, e := range env.store.access {
				if r, _, _ := decodeAccess(env.store.slab.Get(e.ref)); r.GrantID != "" {
					t.Errorf("record with grant %q", r.GrantID)
				}
			}
		})
	}
}
