package runtime

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

func TestRefreshTokenIssue(t *testing.T) {
	ctx := context.Background()
	s, clk, store := tkServer(t, oauth.AlgES256)
	tc := tkContext(s, clk, tkPolicy(FormatJWT))
	g := tkGrant(t, tc)

	if v, err := tc.Issuers.Refresh(ctx, nil, g); v != "" || err != nil {
		t.Errorf("Issue(nil) = %q, %v; want \"\", nil", v.Reveal(), err)
	}

	v, err := tc.Issuers.Refresh(ctx, &RefreshTokenData{}, g)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(v.Reveal()); err != nil || len(raw) < 32 {
		t.Errorf("refresh token decodes to %d bytes (%v), want ≥ 32", len(raw), err)
	}
	rec, found, err := store.RefreshToken(ctx, tkSHA256(v.Reveal()))
	if err != nil || !found {
		t.Fatalf("record: %v, %v", found, err)
	}
	if rec.GrantID != g.ID || rec.ClientID != "client-a" || len(rec.FamilyID) < 22 || len(rec.ID) < 22 ||
		!rec.Scope.Equal(g.Scope) || !rec.IssuedAt.Equal(tkNow) || !rec.RotatedAt.IsZero() ||
		!rec.ExpiresAt.Equal(tkNow.Add(720*time.Hour)) || !rec.IdleExpiresAt.Equal(tkNow.Add(72*time.Hour)) {
		t.Errorf("record = %+v", rec)
	}
	if strings.Contains(tkDump(store), v.Reveal()) {
		t.Error("the raw refresh token appears in the store dump")
	}

	// Given values are kept; the idle deadline never passes the absolute one.
	data := &RefreshTokenData{
		Scope:         oauth.ScopeSet{"read"},
		ExpiresAt:     tkNow.Add(time.Hour),
		IdleExpiresAt: tkNow.Add(2 * time.Hour),
		FamilyID:      rec.FamilyID,
	}
	v2, err := tc.Issuers.Refresh(ctx, data, g)
	if err != nil {
		t.Fatal(err)
	}
	rec2, _, _ := store.RefreshToken(ctx, tkSHA256(v2.Reveal()))
	if rec2.FamilyID != rec.FamilyID || rec2.ID == rec.ID || !rec2.Scope.Equal(oauth.ScopeSet{"read"}) ||
		!rec2.ExpiresAt.Equal(tkNow.Add(time.Hour)) || !rec2.IdleExpiresAt.Equal(tkNow.Add(time.Hour)) || v2.Equal(v) {
		t.Errorf("second record = %+v", rec2)
	}

	// The token never outlives its grant.
	g.ExpiresAt = tkNow.Add(30 * time.Minute)
	v3, err := tc.Issuers.Refresh(ctx, &RefreshTokenData{}, g)
	if err != nil {
		t.Fatal(err)
	}
	rec3, _, _ := store.RefreshToken(ctx, tkSHA256(v3.Reveal()))
	if !rec3.ExpiresAt.Equal(g.ExpiresAt) || !rec3.IdleExpiresAt.Equal(g.ExpiresAt) {
		t.Errorf("record of a grant expiring in 30m: expires %v idle %v", rec3.ExpiresAt, rec3.IdleExpiresAt)
	}

	// Without TTLs the token does not expire.
	tc.Policy.RefreshTTL, tc.Policy.RefreshIdleTTL = 0, 0
	g.ExpiresAt = time.Time{}
	v4, err := tc.Issuers.Refresh(ctx, &RefreshTokenData{}, g)
	if err != nil {
		t.Fatal(err)
	}
	if rec4, _, _ := store.RefreshToken(ctx, tkSHA256(v4.Reveal())); !rec4.ExpiresAt.IsZero() || !rec4.IdleExpiresAt.IsZero() {
		t.Errorf("record without TTLs: %+v", rec4)
	}
}

func TestRefreshTokenIssueErrors(t *testing.T) {
	tests := []struct {
		name  string
		data  RefreshTokenData
		grant func(Grant) Grant
	}{
		{name: "scope wider than the grant", data: RefreshTokenData{Scope: oauth.ScopeSet{"read", "admin"}}},
		{name: "no grant", grant: func(Grant) Grant { return Grant{} }},
		{name: "grant of another client", grant: func(g Grant) Grant { g.ClientID = "client-b"; return g }},
		{name: "already expired", data: RefreshTokenData{ExpiresAt: tkNow}},
		{name: "already idle", data: RefreshTokenData{IdleExpiresAt: tkNow.Add(-time.Second)}},
		{name: "grant already expired", grant: func(g Grant) Grant { g.ExpiresAt = tkNow.Add(-time.Hour); return g }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, clk, store := tkServer(t, oauth.AlgES256)
			tc := tkContext(s, clk, tkPolicy(FormatOpaque))
			g := tkGrant(t, tc)
			if tt.grant != nil {
				g = tt.grant(g)
			}
			v, err := tc.Issuers.Refresh(context.Background(), &tt.data, g)
			tkWantServerError(t, err)
			if v != "" || len(store.refresh) != 0 {
				t.Error("a refresh token was issued")
			}
		})
	}
}
