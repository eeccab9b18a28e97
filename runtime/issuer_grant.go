package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Grant stores a new active grant created now: the authorization a
// resource owner gave a client, against which tokens are issued and
// through which they are revoked. An empty ClientID is the
// requesting client's; a ClientID of another client is refused, and so is an
// empty Subject (for grants without a user it is the client_id, RFC 9068 §2.2).
func (i Issuers) Grant(ctx context.Context, d GrantData) (Grant, error) {
	t := i.t
	g, err := i.newGrant(d)
	if err != nil {
		return Grant{}, err
	}
	g.ID = randtok.NewID()
	if err := t.server.store.SaveGrant(ctx, g); err != nil {
		return Grant{}, fmt.Errorf("save grant: %w", err)
	}
	if t.codeHash != nil {
		// A grant issued while redeeming a code is recorded on the code, so
		// that a replay of the code revokes it (RFC 6749 §4.1.2). Doing it
		// here, not in the default procedure, covers custom procedures too.
		replayed, err := t.server.store.SetCodeGrant(ctx, t.codeHash, g.ID)
		if err != nil {
			return Grant{}, fmt.Errorf("record the grant of the code: %w", err)
		}
		if replayed {
			// The code was replayed while this redemption was running: the
			// replay could not see the grant, so revoke it now. This
			// redemption, the one that consumed the code, still completes
			// (exactly one redemption succeeds), but every token it gets is
			// dead, as after any replay (RFC 6749 §4.1.2).
			if err := i.RevokeGrant(ctx, g.ID); err != nil {
				return Grant{}, err
			}
			g.Revoked = true
			t.Log.LogAttrs(ctx, slog.LevelWarn, "authorization code replayed during its redemption; its grant is revoked",
				slog.String("grant_id", g.ID))
		}
	}
	return g, nil
}

// RevokeGrant revokes the grant and with it every token issued against it
// (RFC 7009 §2.1; RFC 6749 §4.1.2, §10.4).
func (i Issuers) RevokeGrant(ctx context.Context, id string) error {
	if err := i.t.server.store.RevokeGrant(ctx, id); err != nil {
		return fmt.Errorf("revoke grant: %w", err)
	}
	return nil
}

// newGrant is the grant d describes, created now, without an id and not
// stored. An empty ClientID is the requesting client's; a ClientID of
// another client is refused, and so is an empty Subject.
func (i Issuers) newGrant(d GrantData) (Grant, error) {
	t := i.t
	clientID := d.ClientID
	if t.Client != nil {
		if clientID == "" {
			clientID = t.Client.ID
		}
		if clientID != t.Client.ID {
			return Grant{}, oauth.ServerError("grant: client %q differs from the requesting client %q", clientID, t.Client.ID)
		}
	}
	if clientID == "" {
		return Grant{}, oauth.ServerError("grant: no client")
	}
	if d.Subject == "" {
		return Grant{}, oauth.ServerError("grant: no subject")
	}
	g := Grant{
		ClientID:       clientID,
		Subject:        d.Subject,
		Scope:          slices.Clone(d.Scope),
		Audience:       slices.Clone(d.Audience),
		Authentication: d.Authentication,
		Created:        t.Now,
		ExpiresAt:      d.ExpiresAt,
		Data:           slices.Clone(d.Data),
	}
	g.Authentication.AMR = slices.Clone(d.Authentication.AMR)
	return g, nil
}
