package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/session"
)

// EndSessionContext holds the fields of the end-session flow's context
// (OpenID Connect RP-Initiated Logout 1.0). Generated contexts embed a
// *EndSessionContext. By the time a procedure sees it, the id_token_hint
// (if any) is verified as an ID token of this server for the client, the
// post_logout_redirect_uri (if any) is one the client registered, and the
// end user has confirmed the logout unless the hint proved that the
// client of their current session asked for it.
type EndSessionContext struct {
	// Flow is the flow type id.
	Flow string
	// Now is the request instant.
	Now time.Time
	// Issuer is the exact issuer identifier.
	Issuer string
	// Client is the relying party that asked, identified by client_id or
	// by the hint's audience; nil when the request names none.
	Client *Client
	// Request is the raw request, read-only (for a confirmed logout, the
	// confirmation form); Log is tagged with the flow and the client_id.
	Request *http.Request
	Log     *slog.Logger
	// ClientID is Client's id, or empty.
	ClientID string
	// IDTokenHint are the claims of the verified id_token_hint; nil
	// without one. Its expiry is not enforced (RP-Initiated Logout 1.0
	// §2: the OP SHOULD accept an expired one).
	IDTokenHint *IDTokenClaims
	// LogoutHint is logout_hint, the end user the client means; it is
	// only a hint.
	LogoutHint string
	// PostLogoutRedirectURI is the post_logout_redirect_uri, exactly as
	// the client registered it; empty without one. State is state, sent
	// back with it (RP-Initiated Logout 1.0 §3).
	PostLogoutRedirectURI string
	State                 string
	// UILocales are the end user's preferred languages (ui_locales).
	UILocales []string
	// Authentication is the login session being ended; zero when the
	// browser has none.
	Authentication Authentication

	server  *Server
	w       http.ResponseWriter
	browser session.Browser
}

// EndSessionResponse is the outcome of a logout. The endpoint sends the
// browser to PostLogoutRedirectURI with State, or, when it is empty, shows
// the signed-out page; a URI the client did not register is server_error,
// never a redirect (RFC 9700 §4.11.2).
type EndSessionResponse struct {
	// PostLogoutRedirectURI is where the browser goes next: one of the
	// client's registered post_logout_redirect_uris, or empty.
	PostLogoutRedirectURI string
	// State is added to it as the state query parameter when not empty.
	State string
	// Ended says whether a login session was ended.
	Ended bool
	// Notified are the clients sent a logout token (Back-Channel Logout
	// 1.0 §2.5), delivered or still being retried.
	Notified []string
}

// Default is the default procedure of the end-session flow: it ends the
// browser's login session on every instance (its record is deleted from
// the store, its cookie cleared), sends a logout token to each client of
// the session registered for back-channel logout (Back-Channel Logout 1.0
// §2.5), and sends the browser to the request's post_logout_redirect_uri
// with its state, or to the signed-out page.
func (c *EndSessionContext) Default(ctx context.Context) (*EndSessionResponse, error) {
	resp := &EndSessionResponse{PostLogoutRedirectURI: c.PostLogoutRedirectURI, State: c.State}
	if !c.browser.HasCookie {
		return resp, nil
	}
	s := c.server
	clients, err := s.endUser.sessions.End(ctx, c.w, c.browser, c.Now)
	if err != nil {
		return nil, fmt.Errorf("end session: %w", err)
	}
	resp.Ended = c.browser.SignedIn
	if resp.Ended {
		resp.Notified = s.notifyLogout(ctx, c.Log, c.Authentication, clients, c.Now)
	}
	return resp, nil
}
