package runtime

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The token endpoint (RFC 6749 §3.2): the unit, then its pipeline, read top
// to bottom. Every step that the specifications make mandatory runs here,
// before or after the flow, and what a step does for a flow is the flow's
// policy (flowkit.GrantPolicy), so no flow can skip one.

// tokenEndpointID is the token endpoint's id.
const tokenEndpointID = "oauth-token"

// tokenEndpoint exchanges a grant for tokens: every token flow and every
// extension grant, selected by grant_type. Callers are clients.
type tokenEndpoint struct{ unit }

func newTokenEndpoint(s *Server) *tokenEndpoint {
	return &tokenEndpoint{s.newUnit(tokenEndpointID, "/oauth2/token", callerClient)}
}

// routes: POST only (RFC 6749 §3.2); another method is 405 with an OAuth
// error body.
func (e *tokenEndpoint) routes() []route {
	return []route{{path: e.path, methods: []string{http.MethodPost}, serve: e.s.serveToken, refuse: e.s.refuseToken}}
}

// advertise sets token_endpoint, the enabled grant types in registration
// order (an omitted member would mean authorization_code and implicit),
// the client authentication methods, and S256 when codes are redeemed
// (RFC 8414 §2; RFC 7636 §4.2).
func (e *tokenEndpoint) advertise(md *Metadata) {
	md.TokenEndpoint = e.url()
	md.GrantTypesSupported = slices.Clone(e.s.grantOrder)
	md.TokenEndpointAuthMethodsSupported = slices.Clone(e.s.tokenAuthMethods)
	md.TokenEndpointAuthSigningAlgValuesSupported = assertionAlgs(e.s.tokenAuthMethods)
	if e.s.codeGrant != "" {
		md.CodeChallengeMethodsSupported = []string{oauth.PKCEMethodS256}
	}
}

// refuseToken answers a request that is not a POST.
func (s *Server) refuseToken(w http.ResponseWriter, r *http.Request) {
	req := s.newClientRequest(w, tokenEndpointID, "token", tokenEndpointCode)
	req.fail(r.Context(), http.StatusMethodNotAllowed, oauth.NewError(oauth.ErrInvalidRequest, "the token endpoint accepts POST only"))
}

// serveToken handles one token request.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.clock.Now() // read once per request
	req := s.newClientRequest(w, tokenEndpointID, "token", tokenEndpointCode)

	// 1-2. A POST (the router's), its form read once (clientRequest).
	params, ok := req.readForm(ctx, r)
	if !ok {
		return
	}

	// 3. grant_type: missing is invalid_request, not enabled is
	// unsupported_grant_type (RFC 6749 §5.2).
	gt := oauth.GrantType(params.Get("grant_type"))
	if gt == "" {
		req.failCode(ctx, oauth.NewError(oauth.ErrInvalidRequest, "parameter 'grant_type' is missing"))
		return
	}
	reg, ok := s.flows[gt]
	if !ok {
		req.failCode(ctx, oauth.NewError(oauth.ErrUnsupportedGrantType, "grant type is not supported"))
		return
	}
	pol := reg.Grant
	s.observed(ctx).SetFlow(reg.ID) // a registered flow: the label's values are bounded

	// 4. Authenticate the client (RFC 6749 §2.3).
	auth, ok := req.authenticate(ctx, r, params, now, s.tokenAuthMethods)
	if !ok {
		return
	}
	client := auth.client

	// 5. A public client only where the flow admits it (RFC 6749 §2.1), and
	// the client registered for the grant type (RFC 6749 §5.2).
	if client.IsPublic() && pol.Clients != flowkit.AnyClients {
		req.failCode(ctx, oauth.NewError(oauth.ErrInvalidClient, "public clients cannot use this grant type"))
		return
	}
	if !client.AllowsGrant(gt) {
		req.failCode(ctx, oauth.NewError(oauth.ErrUnauthorizedClient, "client is not registered for this grant type"))
		return
	}

	// 6. Sender constraint (DPoP, RFC 9449; mTLS, RFC 8705): not built yet.

	// 7. Scope (RFC 6749 §3.3), by the flow's policy.
	requested, granted, e := s.tokenScope(params, client, pol)
	if e != nil {
		req.failCode(ctx, e)
		return
	}

	// 8. Resources (RFC 8707 §2), by the flow's policy.
	resources, e := tokenResources(params, client, pol)
	if e != nil {
		req.failCode(ctx, e)
		return
	}

	// 9. A grant without an end user: its tokens' sub is the client_id, so
	// a client_id that is an end user's subject gets none (RFC 9068 §5).
	if pol.EndUser == flowkit.NoEndUser {
		if e := s.checkNoUserNamed(ctx, client.ID, req.log); e != nil {
			req.failCode(ctx, e)
			return
		}
	}

	// 10. The context, and the flow's own properties, parsed into its typed
	// context and validated by generated code.
	t := s.newTokenContext(r, reg, auth, params, now, requested, granted, resources)
	req.log = t.Log
	call, err := prepareFlow(ctx, t.Log, "token", reg.Flow.Prepare, t)
	if err != nil {
		req.failCode(ctx, err)
		return
	}

	// 11. The grant's credential: a code or a refresh token, redeemed with
	// every check, or the resource owner's password, checked behind the
	// login throttle; it sets the default token data.
	if err := s.redeem(ctx, t); err != nil {
		if t.retryAfter > 0 {
			req.throttled(ctx, t.retryAfter, err)
			return
		}
		req.failCode(ctx, err)
		return
	}

	// 12. The team's procedure.
	resp, err := callFlow(ctx, t.Log, "token", call)
	if err != nil {
		req.failCode(ctx, err)
		return
	}

	// 13. Check the response, then 14. write it with no-store.
	out, err := s.finishResponse(ctx, t, resp)
	if err != nil {
		req.failCode(ctx, err)
		return
	}
	reply.JSON(w, http.StatusOK, out)
	s.observeTokens(ctx, t, resp)
}

// tokenScope checks the scope parameter, which must be well formed and
// allowed for the client (RFC 6749 §3.3), and returns it with the scope
// the policy grants: the request's or the client's default scopes
// (ScopeFromRequest, none at all is invalid_scope), none yet
// (ScopeFromGrant: the redemption decides), or the client's default scopes
// (ScopeRefused, where a scope parameter is invalid_scope). Without an end
// user, openid is invalid_scope on an OpenID server (OIDC Core §3.1.2.1).
func (s *Server) tokenScope(p form.Params, client *Client, pol flowkit.GrantPolicy) (requested, granted oauth.ScopeSet, e *oauth.Error) {
	requested, ok := oauth.ParseScope(p.Get("scope"))
	if !ok {
		return nil, nil, oauth.NewError(oauth.ErrInvalidScope, "malformed scope")
	}
	if extra := requested.Without(client.Scopes); len(extra) > 0 {
		return nil, nil, oauth.NewError(oauth.ErrInvalidScope, "scope '"+extra.String()+"' is not allowed for this client")
	}
	switch pol.Scope {
	case flowkit.ScopeFromRequest:
		granted = requested
		if len(granted) == 0 {
			granted = slices.Clone(client.DefaultScopes) // the registry's slice stays untouched
		}
		if len(granted) == 0 {
			return nil, nil, oauth.NewError(oauth.ErrInvalidScope, "scope is required: the client has no default scope")
		}
	case flowkit.ScopeRefused:
		if len(requested) > 0 {
			return nil, nil, oauth.NewError(oauth.ErrInvalidScope, "this grant type takes no scope parameter")
		}
		granted = slices.Clone(client.DefaultScopes)
	}
	if pol.EndUser == flowkit.NoEndUser && s.settings.OpenID() && granted.Contains(oauth.ScopeOpenID) {
		return nil, nil, oauth.NewError(oauth.ErrInvalidScope, "scope 'openid' needs an end user; this grant has none")
	}
	return requested, granted, nil
}

// tokenResources checks the resource parameters (RFC 8707 §2) by the
// policy: each must be one of the client's registered audiences
// (ResourcesFromRequest); the redemption checks them against its grant's
// (ResourcesFromGrant); none may be sent (ResourcesRefused).
func tokenResources(p form.Params, client *Client, pol flowkit.GrantPolicy) ([]string, *oauth.Error) {
	switch pol.Resources {
	case flowkit.ResourcesFromRequest:
		return resourceParams(p, client.Audiences, "is not allowed for this client")
	case flowkit.ResourcesRefused:
		if p.Has("resource") {
			return nil, oauth.NewError(oauth.ErrInvalidTarget, "this grant type takes no resource parameter")
		}
	}
	return nil, nil
}

// checkNoUserNamed refuses a grant without an end user to a client whose
// client_id the user store knows as a subject, since its tokens' sub would
// pass for that user's (RFC 9068 §5); the refusal is logged.
func (s *Server) checkNoUserNamed(ctx context.Context, clientID string, log *slog.Logger) *oauth.Error {
	if s.users == nil {
		return nil
	}
	_, found, err := s.users.Claims(ctx, clientID)
	if err != nil {
		return oauth.AsError(fmt.Errorf("look up a user with the client_id as subject: %w", err))
	}
	if found {
		log.LogAttrs(ctx, slog.LevelWarn, "client_id is also an end user's subject; no token issued (RFC 9068 §5)",
			slog.String("client_id", clientID))
		return oauth.NewError(oauth.ErrUnauthorizedClient, "this client cannot get tokens without an end user")
	}
	return nil
}

// redeem checks the grant's credential by the flow's policy: it redeems
// the authorization code, the refresh token or the device code of the
// request, or
// authenticates the resource owner's password, or verifies a JWT bearer
// assertion and uses its jti, or validates a token exchange's subject and
// actor tokens, which sets the granted
// scope and the default token data. A flow whose grant is the client's
// own or its procedure's business has nothing to redeem.
func (s *Server) redeem(ctx context.Context, t *TokenContext) error {
	switch t.grant.Credential {
	case flowkit.CodeCredential:
		return s.redeemCode(ctx, t)
	case flowkit.RefreshCredential:
		return s.redeemRefreshToken(ctx, t)
	case flowkit.PasswordCredential:
		return s.redeemPassword(ctx, t)
	case flowkit.AssertionCredential:
		return s.redeemAssertion(ctx, t)
	case flowkit.SubjectTokenCredential:
		return s.redeemSubjectToken(ctx, t)
	case flowkit.DeviceCodeCredential:
		return s.redeemDeviceCode(ctx, t)
	}
	return nil
}

// tokenEndpointCode reports whether the token endpoint may answer with the
// code (RFC 6749 §5.2, RFC 8707 §2, RFC 8628 §3.5, RFC 9449 §5).
func tokenEndpointCode(c oauth.ErrorCode) bool {
	switch c {
	case oauth.ErrInvalidRequest, oauth.ErrInvalidClient, oauth.ErrInvalidGrant, oauth.ErrUnauthorizedClient,
		oauth.ErrUnsupportedGrantType, oauth.ErrInvalidScope, oauth.ErrInvalidTarget, oauth.ErrAccessDenied,
		oauth.ErrServerError, oauth.ErrTemporarilyUnavail, oauth.ErrAuthorizationPending, oauth.ErrSlowDown, oauth.ErrExpiredToken,
		"invalid_dpop_proof", "use_dpop_nonce":
		return true
	}
	return false
}

// newTokenContext builds the context of a request and its default token
// data for a new grant: a grant and an access token for the granted scope
// and audience, whose subject is the client until an end user is known
// (RFC 9068 §2.2), and a refresh token when the flow's tokens include one
// (canRefresh). A redemption refines these. The jti is left empty: the
// access token issuer draws it when it issues.
func (s *Server) newTokenContext(r *http.Request, reg *Registration[TokenContext, TokenResponse], auth clientAuth, p form.Params,
	now time.Time, requested, granted oauth.ScopeSet, resources []string) *TokenContext {
	client := auth.client
	aud := resources // the resource parameters, when any (RFC 8707 §2)
	if len(aud) == 0 {
		aud = slices.Clone(client.Audiences) // a procedure may edit its copy
	}
	if len(aud) == 0 {
		aud = []string{s.settings.Issuer} // RFC 9068 §3: a default resource
	}
	t := &TokenContext{
		Flow:           reg.ID,
		Now:            now,
		Issuer:         s.settings.Issuer,
		Client:         client,
		ClientAuth:     auth.method,
		Policy:         reg.Policy,
		Request:        r,
		Log:            s.requestLogger(reg.ID, client.ID),
		GrantType:      oauth.GrantType(reg.Wire),
		RequestedScope: requested,
		GrantedScope:   granted,
		Resources:      resources,
		form:           p,
		server:         s,
		grant:          reg.Grant,
	}
	accessExp := now.Add(reg.Policy.AccessTTL)
	t.Defaults = DefaultData{
		Grant: GrantData{
			Subject:   client.ID,
			ClientID:  client.ID,
			Scope:     granted,
			Audience:  aud,
			ExpiresAt: accessExp,
		},
		Access: &AccessTokenClaims{
			Issuer:    s.settings.Issuer,
			Subject:   client.ID,
			Audience:  Audience(aud),
			ClientID:  client.ID,
			IssuedAt:  now,
			ExpiresAt: accessExp,
			Scope:     granted,
		},
	}
	if s.canRefresh(t, granted) {
		t.Defaults.Refresh = newRefreshData(t, granted)
		t.Defaults.Grant.ExpiresAt = laterOf(accessExp, t.Defaults.Refresh.ExpiresAt)
	}
	t.Issuers = newIssuers(t)
	return t
}

// canRefresh reports whether the tokens of a new grant with scope include
// a refresh token: the flow's policy issues them, the server serves a flow
// that redeems them and the client is registered for its grant type, and,
// for an OpenID request, offline_access allows it (OIDC Core §11).
func (s *Server) canRefresh(t *TokenContext, scope oauth.ScopeSet) bool {
	return t.Policy.IssueRefresh && s.refreshGrant != "" && t.Client.AllowsGrant(s.refreshGrant) &&
		offlineAccessAllows(t, scope)
}

// requestLogger is the server's logger tagged with the flow and client_id; a
// discarding logger is returned as is, saving the copy.
func (s *Server) requestLogger(flow string, clientID string) *slog.Logger {
	if s.log.Handler() == slog.DiscardHandler {
		return s.log
	}
	return s.log.With(slog.String("flow", string(flow)), slog.String("client_id", clientID))
}

// newRefreshData is the refresh token of a new grant: the absolute and idle
// lifetimes of the policy from now.
func newRefreshData(t *TokenContext, scope oauth.ScopeSet) *RefreshTokenData {
	d := &RefreshTokenData{Scope: scope, ExpiresAt: t.Now.Add(t.Policy.RefreshTTL)}
	if t.Policy.RefreshIdleTTL > 0 {
		d.IdleExpiresAt = t.Now.Add(t.Policy.RefreshIdleTTL)
	}
	return d
}

func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// finishResponse checks the procedure's response and encodes it (RFC 6749
// §5.1): access_token must be set; token_type is the runtime's (Bearer,
// or N_A for a token exchange that issued no access token, with its
// issued_token_type, exchangeResponse);
// expires_in is derived from the issued token's expiry; scope is always
// included when there is one; an id_token must fit the response
// (checkIDTokenResponse); Extra may not shadow a member.
func (s *Server) finishResponse(ctx context.Context, t *TokenContext, resp *TokenResponse) ([]byte, error) {
	if resp.AccessToken == "" {
		return nil, oauth.NewError(oauth.ErrServerError, "").WithCause(errors.New("token response without access_token"))
	}
	out := *resp // the procedure's value is left as it was
	out.TokenType = "Bearer"
	if err := exchangeResponse(t, &out); err != nil {
		return nil, err
	}
	exp, err := s.accessExpiry(ctx, t, resp.AccessToken)
	if err != nil {
		return nil, err
	}
	if !exp.IsZero() {
		out.ExpiresIn = secondsUntil(t.Now, exp)
	}
	if len(out.Scope) == 0 {
		out.Scope = t.GrantedScope
	}
	if err := checkIDTokenResponse(t, &out); err != nil {
		return nil, err
	}
	var scratch [512]byte
	body, err := encodeTokenResponse(scratch[:0], &out)
	if err != nil {
		return nil, oauth.NewError(oauth.ErrServerError, "").WithCause(err)
	}
	return body, nil
}

// accessExpiry finds the expiry of the access token in the response.
// Issuers.Access notes every token it issues on the context, so a token of
// this request needs no decoding or look-up; any other token is looked up:
// a JWT's exp claim, or the store record of an opaque token. A token the
// server does not know keeps the procedure's expires_in (zero time returned).
func (s *Server) accessExpiry(ctx context.Context, t *TokenContext, tok Secret) (time.Time, error) {
	if t.issuedAccess.Value != "" && t.issuedAccess.Value.Equal(tok) {
		return t.issuedAccess.ExpiresAt, nil
	}
	raw := tok.Reveal()
	if strings.Count(raw, ".") == 2 {
		payload := raw[strings.IndexByte(raw, '.')+1 : strings.LastIndexByte(raw, '.')]
		dec, err := base64.RawURLEncoding.DecodeString(payload)
		var claims struct {
			Exp int64 `json:"exp"`
		}
		if err == nil && json.Unmarshal(dec, &claims) == nil && claims.Exp > 0 {
			return time.Unix(claims.Exp, 0), nil
		}
		return time.Time{}, nil
	}
	rec, found, err := s.store.AccessToken(ctx, hashSecret(tok))
	if err != nil {
		return time.Time{}, oauth.AsError(fmt.Errorf("look up access token: %w", err))
	}
	if !found {
		return time.Time{}, nil
	}
	return rec.ExpiresAt, nil
}
