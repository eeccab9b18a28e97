package runtime

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The revocation endpoint (RFC 7009): the unit, then its pipeline, read
// top to bottom.

// revokeEndpointID is the revocation endpoint's id.
const revokeEndpointID = "oauth-revoke"

// revokeEndpoint lets a client revoke a refresh or access token it holds.
// Callers are clients, public ones too, identified by client_id (RFC 7009
// §5).
type revokeEndpoint struct{ unit }

func newRevokeEndpoint(s *Server) *revokeEndpoint {
	return &revokeEndpoint{s.newUnit(revokeEndpointID, "/oauth2/revoke", callerClient)}
}

// routes: POST only (RFC 7009 §2.1).
func (e *revokeEndpoint) routes() []route {
	return []route{{path: e.path, methods: []string{http.MethodPost}, serve: e.serve, refuse: e.refuse}}
}

// advertise sets revocation_endpoint and its client authentication
// methods (RFC 8414 §2).
func (e *revokeEndpoint) advertise(md *Metadata) {
	md.RevocationEndpoint = e.url()
	md.RevocationEndpointAuthMethodsSupported = slices.Clone(e.s.tokenAuthMethods)
	md.RevocationEndpointAuthSigningAlgValuesSupported = assertionAlgs(e.s.tokenAuthMethods)
}

// revocationCode reports whether the revocation endpoint may answer with
// the code (RFC 7009 §2.2.1; RFC 6749 §5.2).
func revocationCode(c oauth.ErrorCode) bool {
	switch c {
	case oauth.ErrInvalidRequest, oauth.ErrInvalidClient, oauth.ErrUnauthorizedClient,
		oauth.ErrUnsupportedTokenType, oauth.ErrServerError, oauth.ErrTemporarilyUnavail:
		return true
	}
	return false
}

func (e *revokeEndpoint) refuse(w http.ResponseWriter, r *http.Request) {
	req := e.s.newClientRequest(w, revokeEndpointID, "revocation", revocationCode)
	req.fail(r.Context(), http.StatusMethodNotAllowed, oauth.NewError(oauth.ErrInvalidRequest, "the revocation endpoint accepts POST only"))
}

// serve handles one revocation request.
func (e *revokeEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	s := e.s
	ctx := r.Context()
	now := s.clock.Now()
	req := s.newClientRequest(w, revokeEndpointID, "revocation", revocationCode)

	// 1. A POST (the router's), its form read once, the client
	// authenticated, and a token (RFC 7009 §2.1).
	auth, token, hint, ok := req.readToken(ctx, r, now, s.tokenAuthMethods)
	if !ok {
		return
	}
	reg := s.revocation
	req.log = s.requestLogger(reg.ID, auth.client.ID)

	// 2. The token, among the client's own: another client's token is
	// left alone, and the answer does not say so (RFC 7009 §2.1). The hint
	// only orders the lookup: a server that cannot locate the token with
	// it MUST search every type it supports (RFC 7009 §2.1), so a token of
	// the client's is revoked whatever the hint.
	found, err := s.findToken(ctx, token, hint, now)
	if err != nil {
		req.failCode(ctx, fmt.Errorf("revocation: %w", err))
		return
	}
	if id := found.clientID(); id != "" && id != auth.client.ID {
		req.log.LogAttrs(ctx, slog.LevelWarn, "revocation of another client's token refused")
		found = presentedToken{}
	}

	// 3. A hint of a type this server does not revoke, for a token that is
	// none of the client's access or refresh tokens, is
	// unsupported_token_type (RFC 7009 §2.2.1). Another client's token
	// gets the same answer as an unknown one.
	if found.grant == nil && hint != "" && hint != oauth.HintAccessToken && hint != oauth.HintRefreshToken {
		req.failCode(ctx, oauth.NewError(oauth.ErrUnsupportedTokenType, "token_type_hint must be access_token or refresh_token"))
		return
	}

	// 4. The flow, whose default revokes.
	c := &RevocationContext{
		Flow: reg.ID, Now: now, Issuer: s.settings.Issuer, Client: auth.client, Request: r, Log: req.log,
		Token: token, TokenTypeHint: hint, AccessToken: found.access, RefreshToken: found.refresh, Grant: found.grant,
		RevokeGrant: found.refresh != nil, server: s,
	}
	call, err := prepareFlow(ctx, c.Log, "revocation", reg.Flow.Prepare, c)
	if err != nil {
		req.failCode(ctx, err)
		return
	}
	resp, err := callFlow(ctx, c.Log, "revocation", call)
	if err != nil {
		req.failCode(ctx, err)
		return
	}
	if resp.Revoked {
		c.Log.LogAttrs(ctx, slog.LevelInfo, "token revoked", slog.Bool("grant", c.RevokeGrant))
		s.observeRevocation(ctx, c)
	}

	// 5. 200 with no body, whether or not anything was revoked (RFC 7009
	// §2.2).
	reply.NoStore(w.Header())
	w.WriteHeader(http.StatusOK)
}
