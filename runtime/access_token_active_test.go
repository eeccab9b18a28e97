package runtime

import (
	"context"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/golang-jwt/jwt/v5"
)

func TestAccessTokenActive(t *testing.T) {
	for _, f := range []AccessTokenFormat{FormatJWT, FormatOpaque} {
		t.Run(string(f), func(t *testing.T) {
			ctx := context.Background()
			s, clk, _ := tkServer(t, oauth.AlgES256)
			tc := tkContext(s, clk, tkPolicy(f))
			g := tkGrant(t, tc)
			it, err := tc.Issuers.Access(ctx, tkClaims(), g)
			if err != nil {
				t.Fatal(err)
			}
			other, err := tc.Issuers.Access(ctx, tkClaims(), tkGrant(t, tc))
			if err != nil {
				t.Fatal(err)
			}
			active := func(tok Secret) bool {
				t.Helper()
				rec, ok, err := s.AccessTokenActive(ctx, tok)
				if err != nil {
					t.Fatalf("AccessTokenActive: %v", err)
				}
				if ok && rec.ClientID != "client-a" {
					t.Errorf("active record = %+v", rec)
				}
				return ok
			}
			if !active(it.Value) {
				t.Fatal("a fresh token is inactive")
			}
			clk.Set(it.ExpiresAt.Add(-time.Second))
			if !active(it.Value) {
				t.Error("inactive one second before expiry")
			}
			clk.Set(it.ExpiresAt)
			if active(it.Value) {
				t.Error("active at its expiry")
			}
			clk.Set(tkNow)
			if err := tc.Issuers.RevokeGrant(ctx, g.ID); err != nil {
				t.Fatal(err)
			}
			if active(it.Value) {
				t.Error("active after its grant was revoked")
			}
			if !active(other.Value) {
				t.Error("revoking one grant deactivated another grant's token")
			}
		})
	}
}

func TestAccessTokenInactive(t *testing.T) {
	ctx := context.Background()
	s, clk, store := tkServer(t, oauth.AlgES256)
	tc := tkContext(s, clk, tkPolicy(FormatJWT))
	g := tkGrant(t, tc)
	it, err := tc.Issuers.Access(ctx, tkClaims(), g)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{"iss": tkIssuer, "exp": tkNow.Add(time.Hour).Unix(), "jti": "unknown"}
	unrecorded, err := tkKeysOf(t, s).Sign("at+jwt", claims)
	if err != nil {
		t.Fatal(err)
	}
	wrongTyp, err := tkKeysOf(t, s).Sign("JWT", claims)
	if err != nil {
		t.Fatal(err)
	}
	claims["iss"] = "https://other.example"
	foreignIss, err := tkKeysOf(t, s).Sign("at+jwt", claims)
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := GenerateSigningKey(oauth.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := stranger.Sign("at+jwt", claims)
	if err != nil {
		t.Fatal(err)
	}
	// A record whose grant is unknown.
	orphan := newSecretValue()
	if err := store.SaveAccessToken(ctx, AccessTokenRecord{Key: hashSecret(orphan), GrantID: "gone", ExpiresAt: tkNow.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// A record with no grant at all.
	loose := newSecretValue()
	if err := store.SaveAccessToken(ctx, AccessTokenRecord{Key: hashSecret(loose), ExpiresAt: tkNow.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// A grant that has expired.
	expiring, err := tc.Issuers.Grant(ctx, GrantData{Subject: "alice", Audience: []string{"x"}, ExpiresAt: tkNow.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	short, err := tc.Issuers.Access(ctx, tkClaims(), expiring)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		tok  Secret
		at   time.Time
	}{
		{"empty", "", tkNow},
		{"unknown opaque", newSecretValue(), tkNow},
		{"JWT without record", Secret(unrecorded), tkNow},
		{"JWT with wrong typ", Secret(wrongTyp), tkNow},
		{"JWT from another issuer", Secret(foreignIss), tkNow},
		{"forged JWT", Secret(forged), tkNow},
		{"truncated JWT", it.Value[:len(it.Value)-4], tkNow},
		{"record of an unknown grant", orphan, tkNow},
		{"record without grant", loose, tkNow},
		{"grant expired", short.Value, tkNow.Add(2 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.Set(tt.at)
			_, ok, err := s.AccessTokenActive(ctx, tt.tok)
			if err != nil || ok {
				t.Errorf("AccessTokenActive = %v, %v; want inactive, nil", ok, err)
			}
		})
	}
	clk.Set(tkNow)
	if _, ok, _ := s.AccessTokenActive(ctx, short.Value); !ok {
		t.Error("the short grant's token is inactive before the grant expires")
	}
}
