package runtime

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/observe"
	"github.com/oauthgen/oauthgen/runtime/internal/session"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The server's observability (docs/observability.md): the mechanics are in
// internal/observe; this file wires them to the server.

// initObserve builds the server's Observer from cfg at NewServer: nil when
// nothing is observed, so the default path pays a nil check. When store
// calls are measured or traced, the store is wrapped, before anything
// holds it; the logger's lines get the request id.
func (s *Server) initObserve(cfg Config) error {
	logging := cfg.Logger != nil && cfg.Logger.Handler() != slog.DiscardHandler
	obs, err := observe.New(observe.Options{
		Registerer:     cfg.Metrics,
		TracerProvider: cfg.TracerProvider,
		Audit:          cfg.AuditLog,
		Logging:        logging,
		Now:            s.clock.Now,
		InteractionTTL: session.InteractionTTL,
	})
	if err != nil || obs == nil {
		return err
	}
	s.obs = obs
	if logging {
		s.log = slog.New(observe.LogHandler(cfg.Logger.Handler()))
	}
	if obs.StoreObserved() {
		if m, ok := s.store.(*MemoryStore); ok {
			m.adoptClock(s.clock) // NewServer's own adoption no longer sees it
		}
		s.store = observedStore{Store: s.store, o: obs}
	}
	return nil
}

// serveObserved serves an observed request: its id, span and metrics
// around the router's answer. The endpoint and, for an endpoint of one
// flow, the flow are the route's.
func (s *Server) serveObserved(w http.ResponseWriter, r *http.Request) {
	endpoint, path, flow := observe.NoEndpoint, "", ""
	if rte, ok := s.router.routes[r.URL.Path]; ok {
		endpoint, path, flow = rte.endpoint, rte.path, rte.flow
	}
	w, r, q := s.obs.Begin(w, r, endpoint, path, flow)
	defer q.End()
	s.router.ServeHTTP(w, r)
}

// observed is the observed request of ctx; nil when the server observes
// nothing, without looking.
func (s *Server) observed(ctx context.Context) *observe.Request {
	if s.obs == nil {
		return nil
	}
	return observe.FromContext(ctx)
}

// endpointFlow is the flow of an endpoint that serves one, for the
// request metrics and spans; empty for the token endpoint, whose flow is
// the request's grant type, and for the endpoints without a flow.
func (s *Server) endpointFlow(id string) string {
	switch {
	case (id == authorizeEndpointID || id == parEndpointID) && s.authorize != nil:
		return s.authorize.ID
	case id == userInfoEndpointID && s.userinfo != nil:
		return s.userinfo.ID
	case id == introspectEndpointID && s.introspection != nil:
		return s.introspection.ID
	case id == revokeEndpointID && s.revocation != nil:
		return s.revocation.ID
	case id == endSessionEndpointID && s.endSession != nil:
		return s.endSession.ID
	case id == deviceEndpointID && s.device != nil:
		return s.device.ID
	}
	return ""
}

// authenticateObserved is authenticateClient, in the span
// "client_authentication" of a traced request.
func (s *Server) authenticateObserved(ctx context.Context, r *http.Request, p form.Params, now time.Time, endpoint string, methods []oauth.ClientAuthMethod) (clientAuth, *oauth.Error) {
	if s.obs == nil {
		return s.authenticateClient(ctx, r, p, now, endpoint, methods)
	}
	ctx, span := observe.StartSpan(ctx, "client_authentication")
	auth, e := s.authenticateClient(ctx, r, p, now, endpoint, methods)
	if auth.method != "" {
		span.SetAttributes(observe.AttrClientAuthMethod.String(string(auth.method)))
	}
	if e != nil {
		span.End(e)
	} else {
		span.End(nil)
	}
	return auth, e
}

// observeTokens counts the tokens of a successful token response and
// audits their issue: the access token, a refresh token unless it is the
// one presented (a refresh without rotation), an ID token.
func (s *Server) observeTokens(ctx context.Context, t *TokenContext, resp *TokenResponse) {
	q := s.observed(ctx)
	if q == nil {
		return
	}
	tokens := make([]string, 0, 3)
	tokens = append(tokens, observe.TokenAccess)
	if resp.RefreshToken != "" && !resp.RefreshToken.Equal(t.presented) {
		tokens = append(tokens, observe.TokenRefresh)
	}
	if resp.IDToken != "" {
		tokens = append(tokens, observe.TokenID)
	}
	for _, typ := range tokens {
		q.TokenIssued(typ)
	}
	if !q.Audits() {
		return
	}
	scope := resp.Scope
	if len(scope) == 0 {
		scope = t.GrantedScope
	}
	attrs := []slog.Attr{slog.String("client_id", t.Client.ID)}
	if sub := tokenSubject(t); sub != "" {
		attrs = append(attrs, slog.String("subject", sub))
	}
	attrs = append(attrs, slog.String("flow", t.Flow), slog.String("grant_type", string(t.GrantType)),
		slog.String("scope", scope.String()), slog.Any("tokens", tokens))
	q.Audit(ctx, slog.LevelInfo, observe.EventTokenIssued, attrs...)
}

// tokenSubject is the end user behind the tokens of t: the code's or the
// refresh token's grant's; empty for a grant without one.
func tokenSubject(t *TokenContext) string {
	if t.Authentication.Subject != "" {
		return t.Authentication.Subject
	}
	if t.Grant != nil && t.Grant.Subject != t.Client.ID {
		return t.Grant.Subject
	}
	return ""
}

// observeRevocation counts what a revocation request revoked and audits it.
func (s *Server) observeRevocation(ctx context.Context, c *RevocationContext) {
	q := s.observed(ctx)
	if q == nil {
		return
	}
	typ := observe.TokenAccess
	if c.RevokeGrant && c.Grant != nil && c.Grant.ID != "" { // as Default decides: a client's own token has no grant
		typ = observe.TokenGrant
	}
	q.TokenRevoked(typ, observe.RevokedByRequest)
	q.Audit(ctx, slog.LevelInfo, observe.EventTokenRevoked, slog.String("client_id", c.Client.ID), slog.String("type", typ))
}

// observeRefreshReuse counts the revocation of the grant of a refresh
// token used again after its rotation, and audits it.
func (s *Server) observeRefreshReuse(ctx context.Context, t *TokenContext, rec RefreshTokenRecord) {
	s.observeReplay(ctx, t, observe.EventRefreshReuse, observe.RevokedByRefreshReuse, rec.GrantID, rec.FamilyID, true)
}

// observeCodeReplay counts the revocation of the grant of an authorization
// code redeemed again, if it had one yet, and audits the replay.
func (s *Server) observeCodeReplay(ctx context.Context, t *TokenContext, grantID string) {
	s.observeReplay(ctx, t, observe.EventCodeReplay, observe.RevokedByCodeReplay, grantID, "", grantID != "")
}

// observeReplay counts the revocation of a replayed credential's grant
// (when revoked: there was one) for the reason, and audits the event.
func (s *Server) observeReplay(ctx context.Context, t *TokenContext, event, reason, grantID, familyID string, revoked bool) {
	q := s.observed(ctx)
	if q == nil {
		return
	}
	if revoked {
		q.TokenRevoked(observe.TokenGrant, reason)
	}
	if !q.Audits() {
		return
	}
	attrs := []slog.Attr{slog.String("client_id", t.Client.ID), slog.String("grant_id", grantID)}
	if familyID != "" {
		attrs = append(attrs, slog.String("family_id", familyID))
	}
	q.Audit(ctx, slog.LevelWarn, event, attrs...)
}

// observeClientThrottle counts a decision of the client authentication
// throttle and audits a refusal, naming the client_id tried and the
// source.
func (s *Server) observeClientThrottle(ctx context.Context, blocked bool, clientID, addr string) {
	q := s.observed(ctx)
	q.Throttled(observe.ThrottleClientAuth, blocked)
	if blocked {
		q.Audit(ctx, slog.LevelWarn, observe.EventClientAuthThrottled, slog.String("client_id", clientID), slog.String("client_addr", addr))
	}
}

// observeLoginThrottle counts a decision of the login throttle and audits
// a refusal. The username is never recorded: a password typed into its
// field would land in the audit log.
func (s *Server) observeLoginThrottle(ctx context.Context, clientID string, blocked bool, addr string) {
	q := s.observed(ctx)
	q.Throttled(observe.ThrottleLogin, blocked)
	if blocked {
		q.Audit(ctx, slog.LevelWarn, observe.EventLoginThrottled, slog.String("client_id", clientID), slog.String("client_addr", addr))
	}
}

// The reasons of EventLoginFailed.
const (
	loginFailedCredentials = "credentials"
	loginFailedUserStore   = "user_store_error"
)

// observeLogin audits a sign-in: subject is the end user signed in, or
// empty for a refusal for the reason (loginFailed…), on the login page or
// by a password grant at the token endpoint, for the client clientID.
func (s *Server) observeLogin(ctx context.Context, clientID, subject, addr, reason string) {
	q := s.observed(ctx)
	if subject != "" {
		q.Audit(ctx, slog.LevelInfo, observe.EventLoginSucceeded,
			slog.String("client_id", clientID), slog.String("subject", subject), slog.String("client_addr", addr))
		return
	}
	q.Audit(ctx, slog.LevelWarn, observe.EventLoginFailed,
		slog.String("client_id", clientID), slog.String("client_addr", addr), slog.String("reason", reason))
}

// observeConsent audits the end user's decision on the consent page.
func (s *Server) observeConsent(ctx context.Context, ar *authorizeRequest, subject string, approved bool) {
	q := s.observed(ctx)
	if approved {
		q.Audit(ctx, slog.LevelInfo, observe.EventConsentGranted,
			slog.String("client_id", ar.client.ID), slog.String("subject", subject), slog.String("scope", ar.granted.String()))
		return
	}
	q.Audit(ctx, slog.LevelInfo, observe.EventConsentDenied, slog.String("client_id", ar.client.ID), slog.String("subject", subject))
}

// observeCode counts an authorization code sent to the client and audits
// its issue.
func (s *Server) observeCode(ctx context.Context, a *AuthorizeContext) {
	q := s.observed(ctx)
	q.TokenIssued(observe.TokenCode)
	q.Audit(ctx, slog.LevelInfo, observe.EventCodeIssued, slog.String("client_id", a.ClientID),
		slog.String("subject", a.Code.Authentication.Subject), slog.String("flow", a.Flow), slog.String("scope", a.Code.Scope.String()))
}

// saveInteraction saves the interaction id (a new one when empty) of the
// end user at addr, and counts a new one as started.
func (s *Server) saveInteraction(ctx context.Context, id, addr string, rec session.Interaction, now time.Time) (string, string, error) {
	newID, csrf, err := s.endUser.interactions.Save(ctx, id, addr, rec, now)
	if err == nil && id == "" {
		s.obs.InteractionStarted()
	}
	return newID, csrf, err
}
