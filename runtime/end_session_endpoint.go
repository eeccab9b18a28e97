package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/internal/session"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0) and
// its confirmation form: the unit, then its pipeline, read top to bottom.
// Errors are pages, never redirects: a redirect goes only to a
// post_logout_redirect_uri the identified client registered (RFC 9700
// §4.11.2).

// Paths of the end-session endpoint.
const (
	endSessionEndpointID  = "openid-end-session"
	defaultEndSessionPath = "/oauth2/logout"
	confirmSubpath        = "/confirm"
)

// endSessionEndpoint ends the end user's login session at a relying
// party's request. Its routes, under its path:
//
//	GET|POST path          the logout request
//	POST     path/confirm  the confirmation form
//
// Callers are the end user's browser.
type endSessionEndpoint struct{ unit }

func newEndSessionEndpoint(s *Server) *endSessionEndpoint {
	return &endSessionEndpoint{s.newUnit(endSessionEndpointID, defaultEndSessionPath, callerSession)}
}

// routes: GET and POST (RP-Initiated Logout 1.0 §2); another method is 405
// with an error page.
func (e *endSessionEndpoint) routes() []route {
	return []route{
		{path: e.path, methods: []string{http.MethodGet, http.MethodPost}, serve: e.s.serveEndSession,
			refuse: e.s.refusePage("The sign-out service accepts GET and POST requests only.")},
		{path: e.path + confirmSubpath, methods: []string{http.MethodPost}, serve: e.s.serveEndSessionConfirm,
			refuse: e.s.refusePage("This form accepts POST requests only.")},
	}
}

// advertise sets end_session_endpoint (RP-Initiated Logout 1.0 §2.1) and
// back-channel logout with sid (Back-Channel Logout 1.0 §2.1), which the
// endpoint always does for clients that register a receiver.
func (e *endSessionEndpoint) advertise(md *Metadata) {
	md.EndSessionEndpoint = e.url()
	md.BackchannelLogoutSupported = true
	md.BackchannelLogoutSessionSupported = true
}

// endSessionParams are the request parameters the endpoint reads; each
// may appear once.
var endSessionParams = []string{"id_token_hint", "logout_hint", "client_id", "post_logout_redirect_uri", "state", "ui_locales"}

// endSessionRequest is a checked logout request.
type endSessionRequest struct {
	params   form.Params
	client   *Client
	hint     *IDTokenClaims
	redirect string
	log      *slog.Logger
}

// logoutPage builds the error page of a logout request.
func logoutPage(message string, cause error) *pageError {
	return pageErr(http.StatusBadRequest, "This sign-out request is invalid", message, cause)
}

// serveEndSession handles one logout request.
func (s *Server) serveEndSession(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.clock.Now()

	// 1. A GET or POST (the router's), whose parameters, query or form,
	// are parsed once; none of ours twice.
	p, repeated, pe := s.authorizeParams(w, r)
	if pe == nil {
		if i := slices.IndexFunc(repeated, func(n string) bool { return slices.Contains(endSessionParams, n) }); i >= 0 {
			pe = logoutPage("A parameter of the request is repeated.", fmt.Errorf("%s repeated", repeated[i]))
		}
	}
	if pe != nil {
		s.showError(ctx, w, r, pe)
		return
	}

	// 2. The hint, the client and its post-logout redirect URI.
	er, pe := s.checkEndSession(ctx, p, now)
	if pe != nil {
		s.showError(ctx, w, r, pe)
		return
	}

	// 3. The browser's session. Without a hint that proves the client of
	// this very session asked, the end user confirms first: a forged
	// logout link cannot end a session silently (§6).
	us, ok := s.pageSession(w, r, now)
	if !ok {
		return
	}
	if us.SignedIn && !hintMatches(er.hint, us.Session) {
		s.showLogoutConfirm(w, r, er, us, now)
		return
	}
	s.finishEndSession(ctx, w, r, er, us, now)
}

// hintMatches reports whether the verified hint is of the session: its
// sid, or when the hint has none, its subject.
func hintMatches(h *IDTokenClaims, ls session.Session) bool {
	switch {
	case h == nil:
		return false
	case h.SessionID != "":
		return h.SessionID == ls.SID && h.Subject == ls.Subject
	default:
		return h.Subject == ls.Subject
	}
}

// checkEndSession checks a logout request: the id_token_hint must be an
// ID token of this server, the client_id (when both are sent) one of its
// audience, the client registered, and the post_logout_redirect_uri one the
// identified client registered, by exact string match; without a client it
// cannot be trusted (RP-Initiated Logout 1.0 §2, §3; RFC 9700 §4.11.2).
func (s *Server) checkEndSession(ctx context.Context, p form.Params, now time.Time) (*endSessionRequest, *pageError) {
	er := &endSessionRequest{params: p, log: s.log}
	if raw := p.Get("id_token_hint"); raw != "" {
		h, err := s.verifyIDTokenHint(ctx, raw, now)
		if err != nil {
			if !errors.Is(err, errNotOwnIDToken) {
				return nil, unavailablePage(err)
			}
			return nil, logoutPage("The request's ID token is not valid.", err)
		}
		er.hint = h
	}
	clientID := p.Get("client_id")
	switch h := er.hint; {
	case h == nil:
	case clientID != "":
		if !slices.Contains(h.Audience, clientID) {
			return nil, logoutPage("The request's ID token was not issued to this application.", errors.New("client_id is not in the hint's aud"))
		}
	case h.AuthorizedParty != "":
		clientID = h.AuthorizedParty
	case len(h.Audience) == 1:
		clientID = h.Audience[0]
	}
	if clientID != "" {
		c, err := s.clients.Client(ctx, clientID)
		if err != nil {
			return nil, unavailablePage(err)
		}
		if c == nil {
			return nil, logoutPage("The application is not registered.", errors.New("unknown client_id"))
		}
		er.client = c
		er.log = s.requestLogger(s.endSession.ID, c.ID)
	}
	if raw := p.Get("post_logout_redirect_uri"); raw != "" {
		switch {
		case er.client == nil:
			return nil, logoutPage("The request does not say which application it comes from, so it cannot return there.",
				errors.New("post_logout_redirect_uri without client_id or id_token_hint"))
		case !slices.Contains(er.client.PostLogoutRedirectURIs, raw):
			return nil, logoutPage("The return address of the request is not registered for this application.",
				errors.New("post_logout_redirect_uri not registered"))
		}
		er.redirect = raw
	}
	return er, nil
}

// showLogoutConfirm asks the end user to confirm the logout: the request
// waits in the store as an interaction bound to the browser's cookie, and
// the form carries its id and a single-use CSRF token (RFC 6749 §10.12).
func (s *Server) showLogoutConfirm(w http.ResponseWriter, r *http.Request, er *endSessionRequest, us session.Browser, now time.Time) {
	ctx := r.Context()
	rec := session.Interaction{Browser: us.Key, Step: session.StepLogout, Params: er.params}
	id, csrf, err := s.saveInteraction(ctx, "", s.clientIP.Addr(r), rec, now)
	if err != nil {
		s.showError(ctx, w, r, interactionPage(err))
		return
	}
	actions := []string{"'self'", s.origin()}
	if u, err := url.Parse(er.redirect); er.redirect != "" && err == nil {
		actions = append(actions, reply.CSPSource(u)) // the form ends there
	}
	reply.PageHeaders(w.Header(), actions, "")
	page := LogoutPage{
		Action:      s.settings.Paths[endSessionEndpointID] + confirmSubpath,
		Interaction: id,
		CSRF:        csrf,
		UILocales:   strings.Fields(er.params.Get("ui_locales")),
	}
	if er.client != nil {
		page.ClientName = clientDisplayName(er.client)
	}
	s.pages.Logout(w, r, page)
}

// interactionPage is the page of a confirmation that could not be saved:
// 429 when the source has too many pending, else 503.
func interactionPage(err error) *pageError {
	if errors.Is(err, session.ErrQuota) {
		return pageErr(http.StatusTooManyRequests, "Too many requests", "Too many requests from this network are waiting. Try again later.", err)
	}
	return unavailablePage(err)
}

// serveEndSessionConfirm handles the confirmation form: the interaction
// and its CSRF token, bound to this browser (else 403 and nothing
// happens), then the request checked again, as the client is registered
// now, and the logout.
func (s *Server) serveEndSessionConfirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.clock.Now()
	posted, pe := s.endUserForm(w, r)
	if pe != nil {
		s.showError(ctx, w, r, pe)
		return
	}
	us, ok := s.pageSession(w, r, now)
	if !ok {
		return
	}
	id := posted.Get("interaction")
	rec, ok, err := s.endUser.interactions.Claim(ctx, id, posted.Get("csrf"), session.StepLogout, []session.Key{us.Key}, now)
	if err != nil {
		s.showError(ctx, w, r, unavailablePage(err))
		return
	}
	if !ok || !us.HasCookie {
		s.showError(ctx, w, r, formExpiredPage())
		return
	}
	s.obs.InteractionEnded()
	if err := s.endUser.interactions.End(ctx, id); err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "interaction not ended", slog.String("cause", err.Error()))
	}
	er, pe := s.checkEndSession(ctx, rec.Params, now)
	if pe != nil {
		s.showError(ctx, w, r, pe)
		return
	}
	s.finishEndSession(ctx, w, r, er, us, now)
}

// finishEndSession runs the flow, whose default ends the session, and
// answers: a 303 to the post-logout redirect URI with state, or the
// signed-out page.
func (s *Server) finishEndSession(ctx context.Context, w http.ResponseWriter, r *http.Request, er *endSessionRequest, us session.Browser, now time.Time) {
	reg := s.endSession
	c := &EndSessionContext{
		Flow: reg.ID, Now: now, Issuer: s.settings.Issuer, Client: er.client, Request: r, Log: er.log,
		IDTokenHint: er.hint, LogoutHint: er.params.Get("logout_hint"), PostLogoutRedirectURI: er.redirect,
		State: er.params.Get("state"), UILocales: strings.Fields(er.params.Get("ui_locales")),
		server: s, w: w, browser: us,
	}
	if er.client != nil {
		c.ClientID = er.client.ID
	}
	if us.SignedIn {
		c.Authentication = authenticationOf(us.Session)
	}
	call, err := prepareFlow(ctx, c.Log, "end_session", reg.Flow.Prepare, c)
	var resp *EndSessionResponse
	if err == nil {
		resp, err = callFlow(ctx, c.Log, "end_session", call)
	}
	if err == nil && resp.PostLogoutRedirectURI != "" && (er.client == nil || !slices.Contains(er.client.PostLogoutRedirectURIs, resp.PostLogoutRedirectURI)) {
		err = oauth.ServerError("end session: post_logout_redirect_uri %q is not one the client registered", resp.PostLogoutRedirectURI)
	}
	if err != nil {
		s.showError(ctx, w, r, flowPage(err))
		return
	}
	if resp.Ended {
		c.Log.LogAttrs(ctx, slog.LevelInfo, "session ended", slog.Int("notified", len(resp.Notified)))
	}
	if resp.PostLogoutRedirectURI == "" {
		reply.PageHeaders(w.Header(), nil, "")
		s.pages.Logout(w, r, LogoutPage{SignedOut: true, UILocales: c.UILocales})
		return
	}
	reply.SeeOther(w, withState(resp.PostLogoutRedirectURI, resp.State))
}

// withState adds state to the query of a registered URI (RP-Initiated
// Logout 1.0 §3), keeping the query it has.
func withState(raw, state string) string {
	if state == "" {
		return raw
	}
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
	}
	return raw + sep + "state=" + url.QueryEscape(state)
}

// flowPage is the page of a procedure's error: its invalid_request as a
// 400, anything else as a 500 whose cause is only logged.
func flowPage(err error) *pageError {
	var oe *oauth.Error
	if errors.As(err, &oe) && oe.Code == oauth.ErrInvalidRequest {
		return logoutPage("The sign-out request was refused.", err)
	}
	return pageErr(http.StatusInternalServerError, "Sign-out failed", "The server could not sign you out. Try again in a moment.", err)
}
