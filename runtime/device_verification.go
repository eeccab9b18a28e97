package runtime

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/devicecode"
	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/internal/session"
	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
)

// The device verification page (RFC 8628 §3.3): the end user enters the
// user code their device shows, signs in with the login form and session
// of the authorization endpoint's pages (attemptLogin), and approves or
// denies the device's request on the consent page. Every form is one
// interaction (runtime/internal/session) bound to the browser's cookie,
// with a single-use CSRF token (RFC 6749 §10.12); its Params hold the
// user code once one is entered. Wrong codes are throttled per browser
// session and source and per source (RFC 8628 §5.1); the code of
// verification_uri_complete only fills the form in, so the end user
// confirms it and then the request on the consent page, never with a
// GET (RFC 8628 §5.4).

// The pages' messages.
const (
	deviceCodeWrongMessage = "That code is not valid. Check the code shown on your device and enter it again."
	deviceGoneTitle        = "This code can no longer be used"
	deviceGoneMessage      = "The code has expired or was already used. Start again on your device to get a new code."
)

// deviceVerifyPath is the verification page's path, the verification_uri's.
func (s *Server) deviceVerifyPath() string {
	return s.settings.Paths[deviceEndpointID] + deviceVerifySubpath
}

// deviceFormActions are the CSP form-action sources of the device pages:
// the server only.
func (s *Server) deviceFormActions() []string { return []string{"'self'", s.origin()} }

// serveDeviceVerify shows the user code form (GET, pre-filled by
// verification_uri_complete's user_code) and handles it (POST).
func (s *Server) serveDeviceVerify(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.clock.Now()
	us, ok := s.pageSession(w, r, now)
	if !ok {
		return
	}
	if r.Method == http.MethodGet {
		prefill := ""
		if q, e := form.Split(r.URL.RawQuery); e == nil {
			if code, ok := devicecode.NormalizeUserCode(q.Get("user_code")); ok {
				prefill = devicecode.FormatUserCode(code)
			}
		}
		if !us.HasCookie {
			id := session.NewID()
			if err := s.endUser.sessions.SetCookie(ctx, w, id, now); err != nil {
				s.showError(ctx, w, r, unavailablePage(err))
				return
			}
			us.Key = id.Key()
		}
		s.showDeviceCode(ctx, w, r, "", session.Interaction{Browser: us.Key, Step: session.StepDeviceCode}, prefill, "", now)
		return
	}

	f, ok := s.claimForm(w, r, us, session.StepDeviceCode, now)
	if !ok {
		return
	}
	posted, id, rec := f.posted, f.id, f.rec

	// The throttle first, so a refused guess is not even looked up
	// (RFC 8628 §5.1); then the code.
	typed := posted.Get("user_code")
	browser := string(us.Key[:])
	addr := s.clientIP.Addr(r)
	refusal, err := s.userCodes.Check(ctx, browser, addr, now)
	if err != nil {
		s.endDeviceInteraction(ctx, id)
		s.showError(ctx, w, r, unavailablePage(err))
		return
	}
	if refusal.Refused() {
		s.log.LogAttrs(ctx, slog.LevelInfo, "user code throttled", slog.String("by", refusal.By), slog.String("client_addr", addr))
		s.endDeviceInteraction(ctx, id)
		s.deviceThrottled(ctx, w, r, refusal.Wait)
		return
	}
	code, _ := devicecode.NormalizeUserCode(typed)
	found, ok, err := s.devices.Lookup(ctx, code, now)
	if err != nil {
		s.endDeviceInteraction(ctx, id)
		s.showError(ctx, w, r, unavailablePage(err))
		return
	}
	if !ok {
		s.log.LogAttrs(ctx, slog.LevelInfo, "wrong user code", slog.String("client_addr", addr))
		if err := s.userCodes.Fail(ctx, browser, addr, now); err != nil {
			// An uncounted guess would be a free one: fail closed.
			s.endDeviceInteraction(ctx, id)
			if errors.Is(err, ttltable.ErrFull) {
				s.deviceThrottled(ctx, w, r, throttle.UserCodeWindow)
				return
			}
			s.showError(ctx, w, r, unavailablePage(err))
			return
		}
		if len(typed) > 16 {
			typed = "" // not worth showing back
		}
		s.showDeviceCode(ctx, w, r, id, rec, typed, deviceCodeWrongMessage, now)
		return
	}
	client, ok := s.deviceClient(ctx, w, r, id, found)
	if !ok {
		return
	}

	// The code is right: sign in, unless signed in, then consent.
	rec.Params = form.Params{}.With("user_code", code)
	if !us.SignedIn {
		s.showDeviceLogin(ctx, w, r, id, rec, client, "", "", now)
		return
	}
	s.toDeviceConsent(ctx, w, r, id, rec, now)
}

// serveDeviceLogin handles the verification page's login form: the
// interaction and its CSRF token (else 403), the code still pending, the
// login (attemptLogin, shared with the authorization endpoint), then the
// consent page, by a 303 (RFC 9700 §4.12).
func (s *Server) serveDeviceLogin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.clock.Now()
	us, ok := s.pageSession(w, r, now)
	if !ok {
		return
	}
	f, ok := s.claimForm(w, r, us, session.StepDeviceLogin, now)
	if !ok {
		return
	}
	posted, id, rec := f.posted, f.id, f.rec
	found, client, ok := s.resumeDevice(ctx, w, r, id, rec, now)
	if !ok {
		return
	}
	username := posted.Get("username")
	log := s.requestLogger(s.device.ID, found.ClientID)
	us, message, err := s.attemptLogin(ctx, w, r, us, found.ClientID, log, username, Secret(posted.Get("password")), now)
	if err != nil {
		s.endDeviceInteraction(ctx, id)
		s.showError(ctx, w, r, unavailablePage(err))
		return
	}
	if message != "" {
		s.showDeviceLogin(ctx, w, r, id, rec, client, username, message, now)
		return
	}
	rec.Browser = us.Key
	s.toDeviceConsent(ctx, w, r, id, rec, now)
}

// serveDeviceConsent shows the consent page for the device's request
// (GET, after the code form or a login) and handles it (POST): the
// interaction and its CSRF token (else 403), a signed-in end user, the
// code still pending; then the decision, recorded once
// (devicecode.Authorizations.Decide), and the result page.
func (s *Server) serveDeviceConsent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.clock.Now()
	us, ok := s.pageSession(w, r, now)
	if !ok {
		return
	}
	if r.Method == http.MethodGet {
		id := r.URL.Query().Get("interaction")
		rec, ok, err := s.endUser.interactions.View(ctx, id, session.StepDeviceConsent, us.Key, now)
		if err != nil {
			s.showError(ctx, w, r, unavailablePage(err))
			return
		}
		if !ok || !us.SignedIn {
			s.showError(ctx, w, r, formExpiredPage())
			return
		}
		found, client, ok := s.resumeDevice(ctx, w, r, id, rec, now)
		if !ok {
			return
		}
		id, csrf, err := s.endUser.interactions.Save(ctx, id, s.clientIP.Addr(r), rec, now)
		if err != nil {
			s.showError(ctx, w, r, unavailablePage(err))
			return
		}
		reply.PageHeaders(w.Header(), s.deviceFormActions(), "")
		s.pages.Consent(w, r, ConsentPage{
			Action: s.deviceVerifyPath() + consentSubpath, Interaction: id, CSRF: csrf,
			ClientName: clientDisplayName(client), Scopes: s.scopeInfos(found.Scope), Username: us.Session.Username,
		})
		return
	}

	f, ok := s.claimForm(w, r, us, session.StepDeviceConsent, now)
	if !ok {
		return
	}
	posted, id, rec := f.posted, f.id, f.rec
	found, client, ok := s.resumeDevice(ctx, w, r, id, rec, now)
	if !ok {
		return
	}
	s.endDeviceInteraction(ctx, id)
	var d devicecode.Decision
	switch posted.Get("decision") {
	case "approve":
		auth := authenticationOf(us.Session)
		d = devicecode.Decision{Approved: true, Scope: found.Scope, Subject: auth.Subject, AuthTime: auth.AuthTime, AMR: auth.AMR, SID: auth.SessionID}
	case "deny":
	default:
		s.showError(ctx, w, r, badRequestPage("The consent form was not filled in.", nil))
		return
	}
	decided, err := s.devices.Decide(ctx, found, d, now)
	if err != nil {
		s.showError(ctx, w, r, unavailablePage(err))
		return
	}
	if !decided {
		s.showError(ctx, w, r, pageErr(http.StatusConflict, deviceGoneTitle, deviceGoneMessage, nil))
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "device authorization decided", slog.String("client_id", client.ID),
		slog.String("sub", us.Session.Subject), slog.Bool("approved", d.Approved))
	reply.PageHeaders(w.Header(), nil, "")
	s.pages.Device(w, r, DevicePage{Done: true, Approved: d.Approved, ClientName: clientDisplayName(client)})
}

// showDeviceCode renders the user code form for the interaction id (new
// when empty, within its source's quota), with a new CSRF token.
func (s *Server) showDeviceCode(ctx context.Context, w http.ResponseWriter, r *http.Request, id string, rec session.Interaction,
	userCode, message string, now time.Time) {
	rec.Step = session.StepDeviceCode
	id, csrf, err := s.endUser.interactions.Save(ctx, id, s.clientIP.Addr(r), rec, now)
	if err != nil {
		s.deviceUnavailable(ctx, w, r, err)
		return
	}
	reply.PageHeaders(w.Header(), s.deviceFormActions(), "")
	s.pages.Device(w, r, DevicePage{Action: s.deviceVerifyPath(), Interaction: id, CSRF: csrf, UserCode: userCode, Error: message})
}

// showDeviceLogin renders the login page for the device's client, posting
// to the verification page's login form.
func (s *Server) showDeviceLogin(ctx context.Context, w http.ResponseWriter, r *http.Request, id string, rec session.Interaction,
	client *Client, username, message string, now time.Time) {
	rec.Step = session.StepDeviceLogin
	id, csrf, err := s.endUser.interactions.Save(ctx, id, s.clientIP.Addr(r), rec, now)
	if err != nil {
		s.deviceUnavailable(ctx, w, r, err)
		return
	}
	reply.PageHeaders(w.Header(), s.deviceFormActions(), "")
	s.pages.Login(w, r, LoginPage{
		Action: s.deviceVerifyPath() + loginSubpath, Interaction: id, CSRF: csrf,
		ClientName: clientDisplayName(client), Username: username, Error: message,
	})
}

// toDeviceConsent moves the interaction to the consent step and sends the
// browser to the consent page with a 303, so a reload posts nothing again.
func (s *Server) toDeviceConsent(ctx context.Context, w http.ResponseWriter, r *http.Request, id string, rec session.Interaction, now time.Time) {
	rec.Step = session.StepDeviceConsent
	id, _, err := s.endUser.interactions.Save(ctx, id, s.clientIP.Addr(r), rec, now)
	if err != nil {
		s.deviceUnavailable(ctx, w, r, err)
		return
	}
	reply.SeeOther(w, s.deviceVerifyPath()+consentSubpath+"?interaction="+url.QueryEscape(id))
}

// resumeDevice finds the pending authorization of the interaction's user
// code and its client, again: the code may have expired or been decided
// in another tab, the client removed. A failure answers the request and
// ends the interaction.
func (s *Server) resumeDevice(ctx context.Context, w http.ResponseWriter, r *http.Request, id string, rec session.Interaction,
	now time.Time) (devicecode.Found, *Client, bool) {
	found, ok, err := s.devices.Lookup(ctx, rec.Params.Get("user_code"), now)
	if err != nil {
		s.endDeviceInteraction(ctx, id)
		s.showError(ctx, w, r, unavailablePage(err))
		return found, nil, false
	}
	if !ok {
		s.endDeviceInteraction(ctx, id)
		s.showError(ctx, w, r, pageErr(http.StatusBadRequest, deviceGoneTitle, deviceGoneMessage, nil))
		return found, nil, false
	}
	client, ok := s.deviceClient(ctx, w, r, id, found)
	return found, client, ok
}

// deviceClient is the client of a pending authorization, still registered
// for the device code grant; otherwise it answers and ends the
// interaction.
func (s *Server) deviceClient(ctx context.Context, w http.ResponseWriter, r *http.Request, id string, found devicecode.Found) (*Client, bool) {
	client, err := s.clients.Client(ctx, found.ClientID)
	if err != nil || client == nil || !client.AllowsGrant(s.deviceGrant) {
		s.endDeviceInteraction(ctx, id)
		s.showError(ctx, w, r, pageErr(http.StatusBadRequest, deviceGoneTitle,
			"The application that asked for this code can no longer use it. Start again on your device.", err))
		return nil, false
	}
	return client, true
}

// deviceThrottled answers a user code form the throttle refused: 429 with
// Retry-After (RFC 6585 §4) and a page saying how long to wait.
func (s *Server) deviceThrottled(ctx context.Context, w http.ResponseWriter, r *http.Request, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
	s.showError(ctx, w, r, pageErr(http.StatusTooManyRequests, "Too many wrong codes",
		"Too many wrong codes were entered. "+tryAgainIn(wait), nil))
}

// deviceUnavailable answers a form whose interaction the store could not
// keep: the source's quota spent (429), the store full or failing (503).
func (s *Server) deviceUnavailable(ctx context.Context, w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, session.ErrQuota) {
		w.Header().Set("Retry-After", strconv.Itoa(int(session.InteractionTTL/time.Second)))
		s.showError(ctx, w, r, pageErr(http.StatusTooManyRequests, "Too many requests",
			"Too many sign-ins are in progress from your network. Try again later.", err))
		return
	}
	s.showError(ctx, w, r, unavailablePage(err))
}

// endDeviceInteraction forgets a device interaction once answered; a
// store that fails to forget it only leaves it to expire.
func (s *Server) endDeviceInteraction(ctx context.Context, id string) {
	if err := s.endUser.interactions.End(ctx, id); err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "interaction not ended", slog.String("cause", err.Error()))
	}
}
