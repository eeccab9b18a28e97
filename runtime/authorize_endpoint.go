package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/formpost"
	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/internal/session"
	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The authorization endpoint (RFC 6749 §3.1, §4.1.1-§4.1.2.1) and the
// end user's login and consent forms: the unit, then its pipeline, read
// top to bottom. The request is identified and validated
// (authorize_request.go), the end user signs in and consents (the pages,
// runtime/internal/session), the flow issues a code, and the response goes
// back to the client (authorize_response.go). Every step the
// specifications make mandatory runs here, so no flow can skip one.

// Paths of the authorization endpoint.
const (
	authorizeEndpointID  = "oauth-authorize"
	defaultAuthorizePath = "/oauth2/authorize"
	loginSubpath         = "/login"
	consentSubpath       = "/consent"
)

// authorizeEndpoint interacts with the end user and returns a code to the
// client's redirect URI. Its routes, under its path:
//
//	GET|POST path           the authorization request
//	POST     path/login     the login form
//	GET      path/consent   the consent page, after a login
//	POST     path/consent   the consent form
//
// Callers are the end user's browser, which signs in on its pages.
type authorizeEndpoint struct{ unit }

func newAuthorizeEndpoint(s *Server) *authorizeEndpoint {
	return &authorizeEndpoint{s.newUnit(authorizeEndpointID, defaultAuthorizePath, callerSession)}
}

// routes: another method is 405 with an error page, never a redirect
// (RFC 6749 §3.1; RFC 9110 §15.5.6).
func (e *authorizeEndpoint) routes() []route {
	getPost := []string{http.MethodGet, http.MethodPost}
	return []route{
		{path: e.path, methods: getPost, serve: e.s.serveAuthorize,
			refuse: e.s.refusePage("The sign-in service accepts GET and POST requests only.")},
		{path: e.path + loginSubpath, methods: []string{http.MethodPost}, serve: e.s.serveLogin,
			refuse: e.s.refusePage("This form accepts POST requests only.")},
		{path: e.path + consentSubpath, methods: getPost, serve: e.s.serveConsent,
			refuse: e.s.refusePage("This page accepts GET and POST requests only.")},
	}
}

// advertise sets authorization_endpoint, response type code delivered by
// query or form_post, and iss in every response (RFC 8414 §2; RFC 9207
// §3).
func (e *authorizeEndpoint) advertise(md *Metadata) {
	md.AuthorizationEndpoint = e.url()
	md.ResponseTypesSupported = []string{"code"}
	md.ResponseModesSupported = []string{string(oauth.ResponseModeQuery), string(oauth.ResponseModeFormPost)}
	md.AuthorizationResponseIssParameterSupported = true
}

// refusePage answers a request with a method the route does not serve
// with the error page.
func (s *Server) refusePage(text string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.showError(r.Context(), w, r, pageErr(http.StatusMethodNotAllowed, "Method not allowed", text, nil))
	}
}

// The messages of the login page. One message for an unknown account and a
// wrong password, so the page tells no one whether the account exists; a
// throttled attempt says how long to wait, which is the same for accounts
// that exist and that do not (docs/throttling.md).
const loginFailedMessage = "Sign-in failed: the username or password is incorrect."

// loginThrottledMessage is the login page's message for an attempt refused
// by the throttle for d.
func loginThrottledMessage(d time.Duration) string {
	return "Too many failed sign-in attempts. " + tryAgainIn(d)
}

// tryAgainIn tells the end user how long a throttle makes them wait.
func tryAgainIn(d time.Duration) string {
	wait := "a few seconds"
	switch {
	case d > 90*time.Second:
		wait = fmt.Sprintf("%d minutes", int((d+time.Minute-1)/time.Minute))
	case d > 5*time.Second:
		wait = fmt.Sprintf("%d seconds", int((d+time.Second-1)/time.Second))
	}
	return "Try again in " + wait + "."
}

// endUser is the state of the end user's side of the endpoint.
type endUser struct {
	sessions     *session.Sessions
	interactions *session.Interactions
	consents     *session.Consents
	formPost     *formpost.Page
}

// serveAuthorize handles one authorization request.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.clock.Now() // read once per request

	// 1. A GET or POST (the router's), whose parameters, query or form, are
	// parsed once.
	p, repeated, pe := s.authorizeParams(w, r)
	if pe != nil {
		s.showError(ctx, w, r, pe)
		return
	}
	// A pushed request (RFC 9126 §4): client_id and request_uri name the
	// parameters the client pushed, which replace the request's own; the
	// request_uri is used up here, and the interaction keeps the pushed
	// parameters from now on.
	pushed := false
	if s.pushed != nil && p.Has("request_uri") {
		if p, pe = s.takePushed(ctx, p, repeated, now); pe != nil {
			s.showError(ctx, w, r, pe)
			return
		}
		repeated, pushed = nil, true
	}

	// 2. The client and its redirect URI: errors are pages, never
	// redirects (RFC 6749 §4.1.2.1; RFC 9700 §4.11).
	ar, pe := s.identifyAuthorizeClient(ctx, p, repeated)
	if pe != nil {
		s.showError(ctx, w, r, pe)
		return
	}
	ar.pushed = pushed

	// 3. From here on, errors go back to the redirect URI, with state
	// and iss (RFC 9207 §2).
	if e := s.checkAuthorizeRequest(ar, repeated); e != nil {
		s.authorizeFail(ctx, w, ar, e)
		return
	}
	// The flow's own properties are parsed and checked now, before any
	// page: a malformed one is invalid_request at once, not after the end
	// user has signed in and consented, and prompt=none gets it rather
	// than login_required.
	a := s.newAuthorizeContext(r, ar, Authentication{}, now)
	call, err := prepareFlow(ctx, ar.log, "authorize", s.authorize.Flow.Prepare, a)
	if err != nil {
		s.authorizeFail(ctx, w, ar, err)
		return
	}

	// 10-13. The end user: session, prompt, max_age, login, consent; then
	// the flow, with the context just prepared, and the response.
	us, err := s.endUser.sessions.Current(ctx, r, now)
	if err != nil {
		s.authorizeFail(ctx, w, ar, stateUnavailable(err))
		return
	}
	if auth, ok := s.interact(ctx, w, r, ar, pending{}, us, now, false); ok {
		a.authenticate(auth)
		s.finishAuthorize(ctx, w, ar, a, call, pending{})
	}
}

// pending is the interaction a request continues; id is empty for a new
// authorization request.
type pending struct {
	id  string
	rec session.Interaction
}

// interact decides what the end user must do: sign in when there is no
// session, when prompt asks for a login (prompt=login,
// prompt=select_account) or the session is older than max_age, unless they
// signed in during this very interaction; then consent, unless they already
// approved every granted scope for this client and prompt is not consent.
// prompt=none never shows a page: it answers login_required or
// consent_required (OIDC Core §3.1.2.1). afterPost is set when answering a
// form POST, which must be a 303 redirect (RFC 9700 §4.12).
//
// It answers the request itself, except when the end user is signed in and
// has consented: then it returns their authentication and true, and the
// caller runs the flow (finishAuthorize).
func (s *Server) interact(ctx context.Context, w http.ResponseWriter, r *http.Request, ar *authorizeRequest,
	pd pending, us session.Browser, now time.Time, afterPost bool) (Authentication, bool) {
	needLogin := !us.SignedIn
	if us.SignedIn && !pd.rec.LoggedIn {
		if ar.prompt.Has(oauth.PromptLogin) || ar.prompt.Has(oauth.PromptSelectAccount) {
			needLogin = true
		}
		if ar.maxAge != nil && (*ar.maxAge == 0 || now.Sub(us.Session.AuthTime) > *ar.maxAge) {
			needLogin = true
		}
	}
	if needLogin {
		if ar.prompt.Has(oauth.PromptNone) {
			s.endInteraction(ctx, ar, pd)
			s.authorizeFail(ctx, w, ar, oauth.NewError(oauth.ErrLoginRequired, "the end user is not signed in"))
			return Authentication{}, false
		}
		if !us.HasCookie {
			id := session.NewID()
			if err := s.endUser.sessions.SetCookie(ctx, w, id, now); err != nil {
				s.authorizeFail(ctx, w, ar, stateUnavailable(err))
				return Authentication{}, false
			}
			us.Key = id.Key()
		}
		rec := session.Interaction{Browser: us.Key, Step: session.StepLogin, Params: ar.params, Pushed: ar.pushed}
		if pd.id != "" {
			rec.Browser = pd.rec.Browser
		}
		username := ar.loginHint // OIDC Core §3.1.2.1
		if username == "" && us.SignedIn {
			username = us.Session.Username // prompt=login, select_account, max_age
		}
		s.showLogin(w, r, ar, pd.id, rec, username, "", now)
		return Authentication{}, false
	}

	auth := authenticationOf(us.Session)
	covered := false
	if !ar.prompt.Has(oauth.PromptConsent) {
		var err error
		if covered, err = s.endUser.consents.Covers(ctx, auth.Subject, ar.client.ID, ar.granted, now); err != nil {
			s.authorizeFail(ctx, w, ar, stateUnavailable(err))
			return Authentication{}, false
		}
	}
	if !covered {
		if ar.prompt.Has(oauth.PromptNone) {
			s.endInteraction(ctx, ar, pd)
			s.authorizeFail(ctx, w, ar, oauth.NewError(oauth.ErrConsentRequired, "the end user has not approved this request"))
			return Authentication{}, false
		}
		rec := session.Interaction{Browser: us.Key, Step: session.StepConsent, Params: ar.params, LoggedIn: pd.rec.LoggedIn, Pushed: ar.pushed}
		id, csrf, err := s.saveInteraction(ctx, pd.id, s.clientIP.Addr(r), rec, now)
		if err != nil {
			s.authorizeFail(ctx, w, ar, interactionUnavailable(err))
			return Authentication{}, false
		}
		if afterPost {
			// The consent page is a GET of its own, so a reload does not
			// post the login form again.
			reply.SeeOther(w, s.settings.Paths[authorizeEndpointID]+consentSubpath+"?interaction="+url.QueryEscape(id))
			return Authentication{}, false
		}
		s.showConsent(w, r, ar, us.Session, id, csrf)
		return Authentication{}, false
	}
	return auth, true
}

// endInteraction forgets the interaction once the request is answered.
// A store that fails to forget it only leaves it to expire: its form's
// CSRF token is already consumed.
func (s *Server) endInteraction(ctx context.Context, ar *authorizeRequest, pd pending) {
	if pd.id == "" {
		return
	}
	s.obs.InteractionEnded()
	if err := s.endUser.interactions.End(ctx, pd.id); err != nil {
		log := s.log
		if ar != nil {
			log = ar.log
		}
		log.LogAttrs(ctx, slog.LevelWarn, "interaction not ended", slog.String("cause", err.Error()))
	}
}

// showLogin renders the login page for the interaction id (new when
// empty), with a new CSRF token.
func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, ar *authorizeRequest, id string, rec session.Interaction,
	username, message string, now time.Time) {
	rec.Step = session.StepLogin
	id, csrf, err := s.saveInteraction(r.Context(), id, s.clientIP.Addr(r), rec, now)
	if err != nil {
		s.authorizeFail(r.Context(), w, ar, interactionUnavailable(err))
		return
	}
	reply.PageHeaders(w.Header(), s.formActions(ar), "")
	s.pages.Login(w, r, LoginPage{
		Action:      s.settings.Paths[authorizeEndpointID] + loginSubpath,
		Interaction: id,
		CSRF:        csrf,
		ClientName:  clientDisplayName(ar.client),
		Username:    username,
		Error:       message,
		UILocales:   ar.uiLocales,
	})
}

// showConsent renders the consent page: the client's name and the scopes
// with the spec's descriptions (RFC 6749 §10.2).
func (s *Server) showConsent(w http.ResponseWriter, r *http.Request, ar *authorizeRequest, sess session.Session, id, csrf string) {
	reply.PageHeaders(w.Header(), s.formActions(ar), "")
	s.pages.Consent(w, r, ConsentPage{
		Action:      s.settings.Paths[authorizeEndpointID] + consentSubpath,
		Interaction: id,
		CSRF:        csrf,
		ClientName:  clientDisplayName(ar.client),
		Scopes:      s.scopeInfos(ar.granted),
		Username:    sess.Username,
		UILocales:   ar.uiLocales,
	})
}

// formActions are the CSP form-action sources of the login and consent
// pages: the server, and the redirect URI their forms end on.
func (s *Server) formActions(ar *authorizeRequest) []string {
	return []string{"'self'", s.origin(), reply.CSPSource(ar.redirect)}
}

// scopeInfos describes the scopes with the spec's descriptions.
func (s *Server) scopeInfos(scope oauth.ScopeSet) []ScopeInfo {
	out := make([]ScopeInfo, 0, len(scope))
	for _, name := range scope {
		info := ScopeInfo{Name: name}
		for _, sc := range s.settings.Scopes {
			if sc.Name == name {
				info.Description = sc.Description
			}
		}
		out = append(out, info)
	}
	return out
}

func clientDisplayName(c *Client) string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

// serveLogin handles the login form: the interaction and its CSRF token
// (else 403 and nothing happens; RFC 6749 §10.12), the throttle (RFC 6749
// §10.10), the password check (UserStore.Authenticate), and on success a
// new session and the next step, answered with 303 (RFC 9700 §4.12).
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.clock.Now()
	us, ok := s.pageSession(w, r, now)
	if !ok {
		return
	}
	f, ok := s.claimForm(w, r, us, session.StepLogin, now)
	if !ok {
		return
	}
	posted, id, rec := f.posted, f.id, f.rec
	pd := pending{id: id, rec: rec}
	ar, ok := s.resumeAuthorize(ctx, w, r, pd)
	if !ok {
		return
	}

	// The throttle, the password, a new session.
	username := posted.Get("username")
	us, message, err := s.attemptLogin(ctx, w, r, us, ar.client.ID, ar.log, username, Secret(posted.Get("password")), now)
	if err != nil {
		s.endInteraction(ctx, ar, pd)
		s.authorizeFail(ctx, w, ar, stateUnavailable(err))
		return
	}
	if message != "" {
		s.showLogin(w, r, ar, id, rec, username, message, now)
		return
	}
	pd.rec.Browser, pd.rec.LoggedIn = us.Key, true
	if auth, ok := s.interact(ctx, w, r, ar, pd, us, now, true); ok {
		s.finishAuthorize(ctx, w, ar, s.newAuthorizeContext(r, ar, auth, now), nil, pd)
	}
}

// attemptLogin checks a login form's username and password for the client
// clientID, behind the login throttle (RFC 6749 §10.10;
// docs/throttling.md), with the user store (UserStore.Authenticate), and
// on success starts a new session under a new cookie and returns the
// browser's new state. A refused or failed attempt returns the message to
// show on the login page again; an error is the store's, which the caller
// answers as temporarily unavailable. The authorization endpoint's login
// form and the device verification page's share it.
func (s *Server) attemptLogin(ctx context.Context, w http.ResponseWriter, r *http.Request, us session.Browser,
	clientID string, log *slog.Logger, username string, password Secret, now time.Time) (session.Browser, string, error) {
	addr := s.clientIP.Addr(r)
	refusal, err := s.loginThrottle.Check(ctx, username, addr, now)
	if err != nil {
		return us, "", err
	}
	s.observeLoginThrottle(ctx, clientID, refusal.Refused(), addr)
	if refusal.Refused() {
		log.LogAttrs(ctx, slog.LevelInfo, "login throttled", slog.String("by", refusal.By), slog.String("client_addr", addr))
		return us, loginThrottledMessage(refusal.Wait), nil
	}
	subject, ok, err := s.users.Authenticate(ctx, username, password)
	if err != nil {
		log.LogAttrs(ctx, slog.LevelError, "user store failed", slog.String("cause", err.Error()))
		s.observeLogin(ctx, clientID, "", addr, loginFailedUserStore)
		return us, loginFailedMessage, nil
	}
	if !ok || subject == "" {
		log.LogAttrs(ctx, slog.LevelInfo, "login failed", slog.String("client_addr", addr))
		s.observeLogin(ctx, clientID, "", addr, loginFailedCredentials)
		if err := s.loginThrottle.Fail(ctx, username, addr, now); err != nil {
			// An uncounted failure would be a free guess: fail closed.
			if errors.Is(err, ttltable.ErrFull) {
				return us, loginThrottledMessage(throttle.LoginWindow), nil
			}
			return us, "", err
		}
		return us, loginFailedMessage, nil
	}
	if err := s.loginThrottle.Succeed(ctx, username, addr); err != nil {
		// The old failures only count on until their window ends.
		log.LogAttrs(ctx, slog.LevelWarn, "login failures not reset", slog.String("cause", err.Error()))
	}
	ls := session.Session{Subject: subject, Username: username, AMR: []string{"pwd"}} // RFC 8176 §2
	if us, err = s.endUser.sessions.Login(ctx, w, us, ls, now); err != nil {
		return us, "", err
	}
	s.observeLogin(ctx, clientID, subject, addr, "")
	return us, "", nil
}

// serveConsent shows the consent page after a login (GET) and handles the
// consent form (POST): the interaction and its CSRF token (else 403,
// nothing issued; RFC 6749 §10.12), then deny (access_denied, RFC 6749
// §4.1.2.1) or approve (remembered, then the code).
func (s *Server) serveConsent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.clock.Now()
	us, ok := s.pageSession(w, r, now)
	if !ok {
		return
	}

	switch r.Method {
	case http.MethodGet:
		id := r.URL.Query().Get("interaction")
		rec, ok, err := s.endUser.interactions.View(ctx, id, session.StepConsent, us.Key, now)
		if err != nil {
			s.showError(ctx, w, r, unavailablePage(err))
			return
		}
		if !us.SignedIn || !ok {
			s.showError(ctx, w, r, formExpiredPage())
			return
		}
		ar, ok := s.resumeAuthorize(ctx, w, r, pending{id: id, rec: rec})
		if !ok {
			return
		}
		id, csrf, err := s.endUser.interactions.Save(ctx, id, s.clientIP.Addr(r), rec, now)
		if err != nil {
			s.authorizeFail(ctx, w, ar, stateUnavailable(err))
			return
		}
		s.showConsent(w, r, ar, us.Session, id, csrf)
	case http.MethodPost:
		f, ok := s.claimForm(w, r, us, session.StepConsent, now)
		if !ok {
			return
		}
		posted := f.posted
		pd := pending{id: f.id, rec: f.rec}
		ar, ok := s.resumeAuthorize(ctx, w, r, pd)
		if !ok {
			return
		}
		switch posted.Get("decision") {
		case "approve":
			auth := authenticationOf(us.Session)
			if err := s.endUser.consents.Remember(ctx, auth.Subject, ar.client.ID, ar.granted, now); err != nil {
				s.endInteraction(ctx, ar, pd)
				s.authorizeFail(ctx, w, ar, stateUnavailable(err))
				return
			}
			s.observeConsent(ctx, ar, auth.Subject, true)
			s.finishAuthorize(ctx, w, ar, s.newAuthorizeContext(r, ar, auth, now), nil, pd)
		case "deny":
			s.observeConsent(ctx, ar, us.Session.Subject, false)
			s.endInteraction(ctx, ar, pd)
			s.authorizeFail(ctx, w, ar, oauth.NewError(oauth.ErrAccessDenied, "the end user denied the request")) // RFC 6749 §4.1.2.1
		default:
			s.endInteraction(ctx, ar, pd)
			s.showError(ctx, w, r, badRequestPage("The consent form was not filled in.", nil))
		}
	}
}

// claimedForm is an end user's form POST whose interaction was claimed.
type claimedForm struct {
	posted form.Params
	id     string
	rec    session.Interaction
}

// claimForm reads an end user's form POST for the interaction's step and
// claims its interaction (session.Interactions.Claim): bound to the
// browser's cookie, or for a login form to the cookie a login in another
// tab replaced, with the page's single-use CSRF token (RFC 6749 §10.12).
// A form after the login needs the end user still signed in. On failure
// it has answered: 400 for a body that is not a form, 403 for a form
// refused (nothing happens), 503 for a store failure.
func (s *Server) claimForm(w http.ResponseWriter, r *http.Request, us session.Browser, step session.Step, now time.Time) (claimedForm, bool) {
	ctx := r.Context()
	posted, pe := s.endUserForm(w, r)
	if pe != nil {
		s.showError(ctx, w, r, pe)
		return claimedForm{}, false
	}
	var browsers []session.Key
	if us.HasCookie {
		browsers = append(browsers, us.Key)
		if prev := us.Session.Previous; prev != (session.Key{}) && (step == session.StepLogin || step == session.StepDeviceLogin) {
			browsers = append(browsers, prev)
		}
	}
	id := posted.Get("interaction")
	rec, ok, err := s.endUser.interactions.Claim(ctx, id, posted.Get("csrf"), step, browsers, now)
	if err != nil {
		s.showError(ctx, w, r, unavailablePage(err))
		return claimedForm{}, false
	}
	if !ok || (step == session.StepConsent || step == session.StepDeviceConsent) && !us.SignedIn {
		s.showError(ctx, w, r, formExpiredPage())
		return claimedForm{}, false
	}
	return claimedForm{posted: posted, id: id, rec: rec}, true
}

// pageSession reads the browser's login session for an end user's page;
// on a store failure it has answered with the 503 page.
func (s *Server) pageSession(w http.ResponseWriter, r *http.Request, now time.Time) (session.Browser, bool) {
	us, err := s.endUser.sessions.Current(r.Context(), r, now)
	if err != nil {
		s.showError(r.Context(), w, r, unavailablePage(err))
		return session.Browser{}, false
	}
	return us, true
}

// formExpiredPage answers a form whose interaction is unknown, expired,
// already used, another browser's, or whose CSRF token is missing or wrong
// (RFC 6749 §10.12).
func formExpiredPage() *pageError {
	return pageErr(http.StatusForbidden, "This page has expired",
		"The form was not accepted. Go back to the application and start again.", nil)
}

// endUserForm reads the form of a login or consent POST.
func (s *Server) endUserForm(w http.ResponseWriter, r *http.Request) (form.Params, *pageError) {
	if !form.IsFormContentType(r.Header.Get("Content-Type")) {
		return form.Params{}, badRequestPage("The request must be a form.", nil)
	}
	body, e := form.ReadBody(w, r, s.settings.MaxBodyBytes)
	if e != nil {
		return form.Params{}, badRequestPage("The request could not be read.", e)
	}
	p, e := form.Parse(body)
	if e != nil {
		return form.Params{}, badRequestPage("The form is malformed.", e)
	}
	return p, nil
}

// resumeAuthorize validates the interaction's request again, as it is now
// registered: the client may have changed since the page was shown. A
// failure answers the request (an error page, or an error redirect) and
// ends the interaction.
func (s *Server) resumeAuthorize(ctx context.Context, w http.ResponseWriter, r *http.Request, pd pending) (*authorizeRequest, bool) {
	ar, pe := s.identifyAuthorizeClient(ctx, pd.rec.Params, nil)
	if pe != nil {
		s.endInteraction(ctx, ar, pd)
		s.showError(ctx, w, r, pe)
		return nil, false
	}
	ar.pushed = pd.rec.Pushed
	if e := s.checkAuthorizeRequest(ar, nil); e != nil {
		s.endInteraction(ctx, ar, pd)
		s.authorizeFail(ctx, w, ar, e)
		return nil, false
	}
	return ar, true
}

// finishAuthorize answers the approved request with the context a: the
// flow's call (prepared when call is nil, as after a login or consent
// form, whose request is a new one), panics recovered, then the response
// with state and iss. The interaction ends first: it is single use.
func (s *Server) finishAuthorize(ctx context.Context, w http.ResponseWriter, ar *authorizeRequest, a *AuthorizeContext,
	call func(context.Context) (*AuthorizeResponse, error), pd pending) {
	s.endInteraction(ctx, ar, pd)
	var err error
	if call == nil {
		call, err = prepareFlow(ctx, a.Log, "authorize", s.authorize.Flow.Prepare, a)
	}
	var resp *AuthorizeResponse
	if err == nil {
		resp, err = callFlow(ctx, a.Log, "authorize", call)
	}
	if err == nil && resp.Code == "" {
		err = oauth.ServerError("authorization response without code")
	}
	if err != nil {
		s.authorizeFail(ctx, w, ar, err)
		return
	}
	s.recordRelying(ctx, a)
	s.authorizeSuccess(w, ar, resp)
	s.observeCode(ctx, a)
}

// recordRelying records the client among the relying parties of the end
// user's session, which a logout notifies (Back-Channel Logout 1.0 §2.5):
// it got a code, so an ID token with the session's sid. A failure costs a
// notification, not the sign-in: it is logged.
func (s *Server) recordRelying(ctx context.Context, a *AuthorizeContext) {
	if s.endSession == nil {
		return
	}
	if err := s.endUser.sessions.AddRelying(ctx, a.Authentication.SessionID, a.Client.ID, a.Now.Add(session.TTL), a.Now); err != nil {
		a.Log.LogAttrs(ctx, slog.LevelWarn, "relying party not recorded in the session", slog.String("cause", err.Error()))
	}
}

// newAuthorizeContext builds the context of a validated request and its
// default code data for the end user auth (none yet for Flow.Check).
// Request is the request being answered: the authorization request itself,
// or the login or consent form; Param reads the authorization request's
// parameters.
func (s *Server) newAuthorizeContext(r *http.Request, ar *authorizeRequest, auth Authentication, now time.Time) *AuthorizeContext {
	reg := s.authorize
	a := &AuthorizeContext{
		Flow:                reg.ID,
		Now:                 now,
		Issuer:              s.settings.Issuer,
		Client:              ar.client,
		Policy:              reg.Policy,
		Request:             r,
		Log:                 ar.log,
		ClientID:            ar.client.ID,
		RedirectURI:         ar.redirect,
		RedirectURIProvided: ar.redirectProvided,
		ResponseType:        ar.responseType,
		ResponseMode:        ar.mode,
		State:               ar.state,
		Nonce:               ar.nonce,
		RequestedScope:      slices.Clone(ar.requested),
		GrantedScope:        slices.Clone(ar.granted),
		Prompt:              slices.Clone(ar.prompt),
		MaxAge:              ar.maxAge,
		LoginHint:           ar.loginHint,
		UILocales:           slices.Clone(ar.uiLocales),
		CodeChallenge:       ar.challenge,
		CodeChallengeMethod: ar.method,
		Resources:           slices.Clone(ar.resources),
		params:              ar.params,
		server:              s,
		redirectRaw:         ar.redirectRaw,
	}
	a.Code = AuthorizationCode{
		ClientID:            ar.client.ID,
		RedirectURI:         ar.redirectRaw,
		RedirectURIProvided: ar.redirectProvided,
		Scope:               slices.Clone(ar.granted),
		Nonce:               ar.nonce,
		CodeChallenge:       ar.challenge,
		CodeChallengeMethod: ar.method,
		Resources:           slices.Clone(ar.resources),
		ExpiresAt:           now.Add(reg.Policy.CodeTTL),
	}
	a.authenticate(auth)
	return a
}

// authenticate records the end user in the context and in its code data:
// at creation, or once the context Flow.Check saw is approved in the same
// request.
func (a *AuthorizeContext) authenticate(auth Authentication) {
	a.Authentication = auth
	a.Code.Authentication = auth
	a.Code.Authentication.AMR = slices.Clone(auth.AMR)
}

// normaliseAuthorize checks the authorization endpoint's registration at
// NewServer and fills its defaults: the code lifetime (60 s; at most 10
// minutes, RFC 6749 §4.1.2) and the session key (at least 32 bytes; none
// means the store's shared key). It returns the registration's copy and
// the key.
func normaliseAuthorize(reg *Registration[AuthorizeContext, AuthorizeResponse], key []byte) (*Registration[AuthorizeContext, AuthorizeResponse], []byte, error) {
	if reg == nil {
		return nil, key, nil
	}
	r := *reg // the caller's value stays theirs
	var errs []error
	if r.Flow == nil {
		errs = append(errs, errors.New("authorize flow: Flow is nil"))
	}
	if r.Wire != "" && r.Wire != "code" {
		errs = append(errs, fmt.Errorf("authorize flow: Wire %q is not the response_type code, the one this endpoint serves", r.Wire))
	}
	switch p := r.Policy.CodeTTL; {
	case p == 0:
		r.Policy.CodeTTL = defaultCodeTTL
	case p < 0 || p > maxCodeTTL:
		errs = append(errs, fmt.Errorf("authorize flow: CodeTTL %v outside (0, %v]", p, maxCodeTTL))
	}
	key, err := normaliseSessionKey(key)
	return &r, key, errors.Join(append(errs, err)...)
}

// normaliseSessionKey checks Config.SessionKey of a server with end-user
// pages: at least 32 bytes, or none for the store's shared key. It returns
// the key to use.
func normaliseSessionKey(key []byte) ([]byte, error) {
	switch {
	case len(key) == 0:
		return nil, nil // the key the store keeps (session.New)
	case len(key) < session.KeyBytes:
		return nil, fmt.Errorf("config: SessionKey must be at least %d bytes", session.KeyBytes)
	}
	return slices.Clone(key), nil
}

// newEndUser builds the end-user state of a server with an authorization
// endpoint, kept in its store. Its login throttle is the server's
// (Server.loginThrottle), which a password grant shares.
func newEndUser(st Store, key []byte, issuer string) *endUser {
	return &endUser{
		sessions:     session.New(st, key, issuer),
		interactions: session.NewInteractions(st),
		consents:     session.NewConsents(st),
		formPost:     formpost.New(),
	}
}

// authenticationOf is the end user's authentication a login session
// records.
func authenticationOf(ls session.Session) Authentication {
	return Authentication{Subject: ls.Subject, AuthTime: ls.AuthTime, AMR: slices.Clone(ls.AMR), SessionID: ls.SID}
}
