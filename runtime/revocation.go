package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// RevocationContext holds the fields of the revocation flow's context
// (RFC 7009). Generated contexts embed a *RevocationContext. By the time a
// procedure sees it, the client is authenticated and the token has been
// looked up among the client's own: another client's token is not found,
// so nothing of it can be revoked.
type RevocationContext struct {
	// Flow is the flow type id.
	Flow string
	// Now is the request instant.
	Now time.Time
	// Issuer is the exact issuer identifier.
	Issuer string
	// Client is the authenticated client.
	Client *Client
	// Request is the raw request, read-only; its body has been read.
	Request *http.Request
	// Log is tagged with the flow and the client_id.
	Log *slog.Logger
	// Token is the token presented; TokenTypeHint the client's guess of
	// its type, which only ordered the lookup (RFC 7009 §2.1).
	Token         Secret
	TokenTypeHint oauth.TokenTypeHint
	// AccessToken or RefreshToken is the client's active token found, and
	// Grant its grant; all nil when there is none to revoke. An access
	// token a client got for itself has no stored grant: Grant is then the
	// one it stands for, without an ID, and the token is revoked alone
	// whatever RevokeGrant says.
	AccessToken  *AccessTokenRecord
	RefreshToken *RefreshTokenRecord
	Grant        *Grant
	// RevokeGrant says whether Default revokes the whole grant, and with
	// it every token issued against it: true for a refresh token (RFC 7009
	// §2.1), false for an access token, which is then revoked alone. A
	// refresh token is revoked only with its grant. The procedure may
	// change it.
	RevokeGrant bool

	server *Server
}

// RevocationResponse is the outcome of a revocation. The endpoint answers
// 200 with an empty body whatever it says (RFC 7009 §2.2); it is logged.
type RevocationResponse struct {
	// Revoked is whether a token or grant was revoked.
	Revoked bool
}

// Default is the default procedure of the revocation flow: it revokes the
// grant (RevokeGrant) or the access token alone, and nothing when no token
// of the client was found. An access token a client got for itself has no
// grant to revoke (its Grant has no ID): it is revoked alone, and so is
// one a token exchange recorded against another client's grant (the
// subject token's, RFC 8693 §2.1), which its holder cannot revoke.
func (c *RevocationContext) Default(ctx context.Context) (*RevocationResponse, error) {
	switch {
	case c.Grant == nil:
		return &RevocationResponse{}, nil
	case c.RevokeGrant && c.Grant.ID != "" && c.Grant.ClientID == c.Client.ID:
		if err := c.server.store.RevokeGrant(ctx, c.Grant.ID); err != nil {
			return nil, fmt.Errorf("revoke grant: %w", err)
		}
	case c.AccessToken != nil:
		if err := c.server.revokeAccessToken(ctx, c.AccessToken, c.Now); err != nil {
			return nil, err
		}
	default:
		return &RevocationResponse{}, nil
	}
	return &RevocationResponse{Revoked: true}, nil
}

// revokeAccessToken revokes the access token of rec alone (RFC 7009 §2.1):
// its stored record is marked revoked; a JWT that has none goes on the
// deny-list until it expires, after which its exp refuses it anyway.
func (s *Server) revokeAccessToken(ctx context.Context, rec *AccessTokenRecord, now time.Time) error {
	if !rec.unstored {
		if err := s.store.RevokeAccessToken(ctx, rec.Key); err != nil {
			return fmt.Errorf("revoke access token: %w", err)
		}
		return nil
	}
	if err := s.store.PutState(ctx, statens.Revoked, rec.Key, []byte{1}, rec.ExpiresAt, now); err != nil {
		return fmt.Errorf("revoke access token: %w", err)
	}
	return nil
}
