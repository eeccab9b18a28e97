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
	"strconv"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The token endpoint (RFC 6749 §3.2). This file is the pipeline of flows.md
// §2.3, read top to bottom: every step that the specifications make
// mandatory runs here, before or after the flow, so no flow can skip one
// (conventions R-04).

// serveToken handles one token request.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.clock.Now() // flows.md §3.5: read once per request
	req := tokenRequest{s: s, w: w, log: s.log}

	// 1. POST only (RFC 6749 §3.2; RFC 9110 §15.5.6).
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		req.fail(ctx, http.StatusMethodNotAllowed, oauth.NewError(oauth.ErrInvalidRequest, "the token endpoint accepts POST only"))
		return
	}
	// Form body only (flows.md §2.1 rule 3).
	if !form.IsFormContentType(r.Header.Get("Content-Type")) {
		req.failCode(ctx, oauth.NewError(oauth.ErrInvalidRequest, "Content-Type must be application/x-www-form-urlencoded"))
		return
	}
	// No client credentials in the URL (RFC 6749 §2.3.1; security.md S-32).
	if r.URL.RawQuery != "" && form.QueryCarriesCredentials(r.URL.RawQuery) {
		req.failCode(ctx, oauth.NewError(oauth.ErrInvalidRequest, "client credentials must not be sent in the URL"))
		return
	}

	// 2. Parse the form once (flows.md §2.1 rules 4-7).
	body, e := form.ReadBody(w, r, s.settings.MaxBodyBytes)
	if e != nil {
		req.failCode(ctx, e)
		return
	}
	params, e := form.Parse(body)
	if e != nil {
		req.failCode(ctx, e)
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

	// 4. Authenticate the client (flows.md §2.2).
	auth, e := s.authenticateClient(ctx, r, params, now, s.tokenAuthMethods)
	req.header = auth.header
	if e != nil {
		if auth.id != "" {
			req.log = s.log.With("client_id", auth.id) // not a secret; helps spot guessing
		}
		if auth.retryAfter > 0 {
			// RFC 6585 §4: 429 with Retry-After; no challenge, since
			// retrying with credentials now would not help.
			w.Header().Set("Retry-After", strconv.FormatInt(int64((auth.retryAfter+time.Second-1)/time.Second), 10))
			req.header = false
			req.fail(ctx, http.StatusTooManyRequests, e)
			return
		}
		req.failCode(ctx, e)
		return
	}
	client := auth.client
	// A public client cannot use a flow that admits only confidential
	// clients: it cannot authenticate (RFC 6749 §4.4 for client_credentials).
	if client.IsPublic() && !reg.PublicClients {
		req.failCode(ctx, oauth.NewError(oauth.ErrInvalidClient, "public clients cannot use this grant type"))
		return
	}

	// 5. The client must be registered for the grant type (RFC 6749 §5.2).
	if !client.AllowsGrant(gt) {
		req.failCode(ctx, oauth.NewError(oauth.ErrUnauthorizedClient, "client is not registered for this grant type"))
		return
	}

	// 6. Sender constraint (DPoP, RFC 9449; mTLS, RFC 8705): not built yet.

	// 7. Scope (RFC 6749 §3.3): valid syntax, allowed for the client. When
	// it is omitted, a new grant gets the client's default scopes, and no
	// defaults is invalid_scope. For authorization_code and refresh_token
	// the flow decides: the code's scope, or the presented token's.
	requested, ok := oauth.ParseScope(params.Get("scope"))
	if !ok {
		req.failCode(ctx, oauth.NewError(oauth.ErrInvalidScope, "malformed scope"))
		return
	}
	if extra := requested.Without(client.Scopes); len(extra) > 0 {
		req.failCode(ctx, oauth.NewError(oauth.ErrInvalidScope, "scope '"+extra.String()+"' is not allowed for this client"))
		return
	}
	var granted oauth.ScopeSet
	if gt != oauth.GrantAuthorizationCode && gt != oauth.GrantRefreshToken {
		granted = requested
		if len(granted) == 0 {
			granted = slices.Clone(client.DefaultScopes) // the registry's slice stays untouched
		}
		if len(granted) == 0 {
			req.failCode(ctx, oauth.NewError(oauth.ErrInvalidScope, "scope is required: the client has no default scope"))
			return
		}
	}

	// 8. resource (RFC 8707 §2). A new grant's resources must be among the
	// client's registered audiences; authorization_code and refresh_token
	// check them against the code's or the grant's, in their flows.
	var resources []string
	if gt != oauth.GrantAuthorizationCode && gt != oauth.GrantRefreshToken {
		if resources, e = resourceParams(params, client.Audiences, "is not allowed for this client"); e != nil {
			req.failCode(ctx, e)
			return
		}
	}

	// 11. The context and its default token data (flows.md §3).
	t := s.newTokenContext(r, reg, auth, params, now, requested, granted, resources)
	req.log = t.Log

	// 9, 10, 12. The flow parses and validates its parameters, runs its
	// checks and calls the procedure; panics are recovered (S-77).
	resp, err := callFlow(ctx, t.Log, "token", func() (*TokenResponse, error) { return reg.Flow.Token(ctx, t) })
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
}

// tokenRequest carries what the error path of one request needs.
type tokenRequest struct {
	s      *Server
	w      http.ResponseWriter
	log    *slog.Logger
	header bool // the client used the Authorization header
}

// failCode answers err with the status of its code at the token endpoint
// (flows.md §4.3).
func (q *tokenRequest) failCode(ctx context.Context, err error) {
	q.fail(ctx, 0, err)
}

// fail logs err and writes it. status 0 means the code's status. An error
// that is not an *oauth.Error, or whose code the token endpoint cannot return,
// becomes server_error; its cause is logged, never sent (flows.md §4.2).
func (q *tokenRequest) fail(ctx context.Context, status int, err error) {
	e := endpointFailure(ctx, q.log, "token", tokenEndpointCode, err)
	if status == 0 {
		status = e.Code.Status()
	}
	var challenge []string
	if e.Code == oauth.ErrInvalidClient && q.header {
		// RFC 6749 §5.2: 401 with a challenge for the scheme the client used
		// (security.md S-28). Other methods get 400 (flows.md §2.2 rule 9).
		status, challenge = http.StatusUnauthorized, q.s.basicChallenge
	}
	reply.Error(q.w, status, e, challenge)
}

// tokenEndpointCode reports whether the token endpoint may answer with the
// code (flows.md §4.3).
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
// data (flows.md §3.1-§3.3): a grant for the client itself, an access token
// for the granted scope, and a refresh token when the policy issues them and
// the client may use the refresh_token grant. Flows refine these. The jti
// is left empty: the access token issuer draws it when it issues.
func (s *Server) newTokenContext(r *http.Request, reg *TokenFlowRegistration, auth clientAuth, p form.Params,
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
		GrantType:      reg.GrantType,
		RequestedScope: requested,
		GrantedScope:   granted,
		form:           p,
		server:         s,
	}
	accessExp := now.Add(reg.Policy.AccessTTL)
	t.Defaults = DefaultData{
		Grant: GrantData{
			Subject:   client.ID, // a grant without a user (RFC 9068 §2.2)
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
	if reg.Policy.IssueRefresh && client.AllowsGrant(oauth.GrantRefreshToken) {
		t.Defaults.Refresh = newRefreshData(t, granted)
		t.Defaults.Grant.ExpiresAt = laterOf(accessExp, t.Defaults.Refresh.ExpiresAt)
	}
	t.Issuers = newIssuers(t)
	return t
}

// requestLogger is the server's logger tagged with the flow and client_id
// (flows.md §3.1); a discarding logger is returned as is, saving the copy.
func (s *Server) requestLogger(flow FlowID, clientID string) *slog.Logger {
	if s.log.Handler() == slog.DiscardHandler {
		return s.log
	}
	return s.log.With(slog.String("flow", string(flow)), slog.String("client_id", clientID))
}

// newRefreshData is the refresh token of a new grant: the absolute and idle
// lifetimes of the policy from now (flows.md §3.3).
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

// finishResponse checks the procedure's response and encodes it (flows.md
// §2.3 step 13): access_token must be set; token_type is the runtime's
// (Bearer); expires_in is derived from the issued token's expiry; scope is
// always included when there is one; an id_token must fit the response
// (checkIDTokenResponse); Extra may not shadow a member.
func (s *Server) finishResponse(ctx context.Context, t *TokenContext, resp *TokenResponse) ([]byte, error) {
	if resp.AccessToken == "" {
		return nil, oauth.NewError(oauth.ErrServerError, "").WithCause(errors.New("token response without access_token"))
	}
	out := *resp // the procedure's value is left as it was
	out.TokenType = "Bearer"
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
