package runtime

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

func TestGrantIssue(t *testing.T) {
	ctx := context.Background()
	s, clk, store := tkServer(t, oauth.AlgES256)
	tc := tkContext(s, clk, tkPolicy(FormatOpaque))
	d := GrantData{
		Subject:        "alice",
		Scope:          oauth.ScopeSet{"read"},
		Audience:       []string{"https://api.example"},
		Authentication: Authentication{Subject: "alice", AMR: []string{"pwd"}},
		ExpiresAt:      tkNow.Add(time.Hour),
		Data:           json.RawMessage(`{"k":"v"}`),
	}
	g, err := tc.Issuers.Grant(ctx, d)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if len(g.ID) < 22 || g.ClientID != "client-a" || g.Subject != "alice" || !g.Created.Equal(tkNow) ||
		g.Revoked || !g.ExpiresAt.Equal(d.ExpiresAt) || string(g.Data) != `{"k":"v"}` {
		t.Errorf("grant = %+v", g)
	}
	d.Scope[0], d.Authentication.AMR[0] = "admin", "none"
	if g.Scope[0] != "read" || g.Authentication.AMR[0] != "pwd" {
		t.Error("the grant shares slices with the GrantData")
	}
	stored, found, err := store.Grant(ctx, g.ID)
	if err != nil || !found || stored.Subject != "alice" || stored.Revoked {
		t.Fatalf("stored grant = %+v, %v, %v", stored, found, err)
	}
	g2, err := tc.Issuers.Grant(ctx, GrantData{Subject: "alice"})
	if err != nil || g2.ID == g.ID {
		t.Errorf("second grant: id %q, %v; want a new id", g2.ID, err)
	}

	if err := tc.Issuers.RevokeGrant(ctx, g.ID); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if stored, _, _ := store.Grant(ctx, g.ID); !stored.Revoked {
		t.Error("the grant is not revoked after Revoke")
	}
	if stored, _, _ := store.Grant(ctx, g2.ID); stored.Revoked {
		t.Error("Revoke revoked another grant")
	}
}

func TestGrantIssueErrors(t *testing.T) {
	tests := []struct {
		name   string
		data   GrantData
		client *Client
	}{
		{"another client", GrantData{Subject: "alice", ClientID: "client-b"}, &Client{ID: "client-a"}},
		{"no subject", GrantData{}, &Client{ID: "client-a"}},
		{"no client at all", GrantData{Subject: "alice"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, clk, store := tkServer(t, oauth.AlgES256)
			tc := tkContext(s, clk, tkPolicy(FormatOpaque))
			tc.Client = tt.client
			_, err := tc.Issuers.Grant(context.Background(), tt.data)
			tkWantServerError(t, err)
			if len(store.grants) != 0 {
				t.Error("a grant was stored")
			}
		})
	}
}
