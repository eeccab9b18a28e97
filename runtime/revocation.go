package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

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
	// Grant its grant; all nil when there is none to revoke.
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
// of the client was found.
func (c *RevocationContext) Default(ctx context.Context) (*RevocationResponse, error) {
	switch {
	case c.Grant == nil:
		return &RevocationResponse{}, nil
	case c.RevokeGrant:
		if err := c.server.store.RevokeGrant(ctx, c.Grant.ID); err != nil {
			return nil, fmt.Errorf("revoke grant: %w", err)
		}
	case c.AccessToken != nil:
		if err := c.server.store.RevokeAccessToken(ctx, c.AccessToken.Key); err != nil {
			return nil, fmt.Errorf("revoke access token: %w", err)
		}
	default:
		return &RevocationResponse{}, nil
	}
	return &RevocationResponse{Revoked: true}, nil
}
