package runtime

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/jsonx"
	"github.com/oauthgen/oauthgen/runtime/internal/pushed"
	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The pushed authorization request endpoint (RFC 9126): the unit, then its
// pipeline, read top to bottom. It has no flow of its own: a pushed
// request is an authorization request, checked here as the authorization
// endpoint checks one (authorize_request.go) and by the authorization
// flow's Prepare, then kept in the store (runtime/internal/pushed) until
// the authorization endpoint takes it by its request_uri, once.

// Paths of the pushed authorization request endpoint.
const (
	parEndpointID  = "oauth-par"
	defaultPARPath = "/oauth2/par"
)

// parEndpoint accepts an authorization request pushed by a client and
// returns a request_uri for it. Callers are clients, authenticated as at
// the token endpoint (RFC 9126 §2.1): the same methods, throttle and
// answers.
type parEndpoint struct{ unit }

func newPAREndpoint(s *Server) *parEndpoint {
	return &parEndpoint{s.newUnit(parEndpointID, defaultPARPath, callerClient)}
}

// routes: POST only (RFC 9126 §2.1).
func (e *parEndpoint) routes() []route {
	return []route{{path: e.path, methods: []string{http.MethodPost}, serve: e.serve, refuse: e.refuse}}
}

// advertise sets pushed_authorization_request_endpoint and
// require_pushed_authorization_requests (RFC 9126 §5).
func (e *parEndpoint) advertise(md *Metadata) {
	md.PushedAuthorizationRequestEndpoint = e.url()
	required := e.s.settings.RequirePushedAuthorizationRequests
	md.RequirePushedAuthorizationRequests = &required
}

// parCode reports whether the endpoint may answer with the code: the
// authorization endpoint's errors (RFC 9126 §2.3) and invalid_client.
func parCode(c oauth.ErrorCode) bool {
	return c == oauth.ErrInvalidClient || authorizeEndpointCode(c) && c != oauth.ErrRequestURINotSupported
}

func (e *parEndpoint) refuse(w http.ResponseWriter, r *http.Request) {
	req := e.s.newClientRequest(w, parEndpointID, "par", parCode)
	req.fail(r.Context(), http.StatusMethodNotAllowed, oauth.NewError(oauth.ErrInvalidRequest, "the pushed authorization request endpoint accepts POST only"))
}

// serve handles one pushed authorization request.
func (e *parEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	s := e.s
	ctx := r.Context()
	now := s.clock.Now()
	req := s.newClientRequest(w, parEndpointID, "par", parCode)

	// 1. A POST (the router's), its form read once (no repeated
	// parameter, no credentials in the URL), and the client authenticated
	// as at the token endpoint (RFC 9126 §2.1).
	params, ok := req.readForm(ctx, r)
	if !ok {
		return
	}
	auth, ok := req.authenticate(ctx, r, params, now, s.tokenAuthMethods)
	if !ok {
		return
	}
	req.log = s.requestLogger(s.authorize.ID, auth.client.ID)

	// 2. The authorization request: without request_uri (RFC 9126 §2.1)
	// or client credentials, for the authenticated client, within the size
	// an authorization request may have.
	if params.Has("request_uri") {
		req.failCode(ctx, oauth.NewError(oauth.ErrInvalidRequest, "parameter 'request_uri' must not be pushed (RFC 9126 §2.1)"))
		return
	}
	p := params.Without("client_secret", "client_assertion", "client_assertion_type").With("client_id", auth.client.ID).Clone()
	if p.Size() > maxAuthorizeParamBytes {
		req.failCode(ctx, oauth.NewError(oauth.ErrInvalidRequest, "the authorization request is too large"))
		return
	}

	// 3. The checks of the authorization endpoint (RFC 9126 §2.1): the
	// registered redirect URI, then the rest, then the flow's own
	// properties; each failure is a JSON error here (RFC 9126 §2.3).
	ar, pe := s.identifyAuthorizeClient(ctx, p, nil)
	if pe != nil {
		if pe.status >= http.StatusInternalServerError {
			req.failCode(ctx, oauth.ServerError("%s", pe.message).WithCause(pe.cause))
			return
		}
		req.failCode(ctx, oauth.NewError(oauth.ErrInvalidRequest, pushedPageMessage(pe)))
		return
	}
	ar.pushed = true
	if e := s.checkAuthorizeRequest(ar, nil); e != nil {
		req.failCode(ctx, e)
		return
	}
	a := s.newAuthorizeContext(r, ar, Authentication{}, now)
	if _, err := prepareFlow(ctx, ar.log, "authorize", s.authorize.Flow.Prepare, a); err != nil {
		req.failCode(ctx, err)
		return
	}

	// 4. Kept until used once or expired; a public client's pushes count
	// against its source's quota (docs/throttling.md).
	uri, err := s.pushed.Push(ctx, auth.client.ID, auth.client.IsPublic(), s.clientIP.Addr(r), p, now)
	switch {
	case errors.Is(err, pushed.ErrQuota):
		w.Header().Set("Retry-After", strconv.Itoa(int(pushed.TTL/time.Second)))
		req.fail(ctx, http.StatusTooManyRequests, oauth.NewError(oauth.ErrInvalidRequest, "too many pushed authorization requests from this network; try again later")) // RFC 9126 §2.3
		return
	case errors.Is(err, ttltable.ErrFull):
		req.failCode(ctx, oauth.NewError(oauth.ErrTemporarilyUnavail, "too many pushed authorization requests; try again later").WithCause(err))
		return
	case err != nil:
		req.failCode(ctx, oauth.AsError(err))
		return
	}
	req.log.LogAttrs(ctx, slog.LevelDebug, "authorization request pushed")

	// 5. 201 with the request_uri and its lifetime (RFC 9126 §2.2).
	var buf [160]byte
	b := append(buf[:0], `{"request_uri":`...)
	b = jsonx.AppendString(b, uri)
	b = append(b, `,"expires_in":`...)
	b = strconv.AppendInt(b, int64(pushed.TTL/time.Second), 10)
	b = append(b, '}')
	reply.JSON(w, http.StatusCreated, b)
}

// pushedPageMessage is the error_description of a push whose client or
// redirect URI the authorization endpoint would refuse with a page.
func pushedPageMessage(pe *pageError) string {
	switch pe.message {
	case pageRedirectMissing:
		return "parameter 'redirect_uri' is missing"
	case pageRedirectMalformed:
		return "parameter 'redirect_uri' is malformed"
	case pageRedirectUnregistered:
		return "redirect_uri is not registered for this client"
	}
	return "the authorization request is invalid"
}

// takePushed returns the parameters of the pushed request that the
// authorization request's client_id and request_uri name, and forgets
// them: a request_uri is used once (RFC 9126 §4). The request's other
// parameters are ignored. A missing or repeated client_id or request_uri,
// and a request_uri that is unknown, expired, already used or another
// client's, is an error page: the redirect URI is in the pushed request,
// which is not there to say it.
func (s *Server) takePushed(ctx context.Context, p form.Params, repeated []string, now time.Time) (form.Params, *pageError) {
	switch {
	case slices.Contains(repeated, "client_id"):
		return form.Params{}, badRequestPage("The request names its application more than once.", nil)
	case slices.Contains(repeated, "request_uri"):
		return form.Params{}, badRequestPage("The request names its sign-in request more than once.", nil)
	case p.Get("client_id") == "":
		return form.Params{}, badRequestPage("The request does not name the application that sent it.", nil)
	}
	pp, ok, err := s.pushed.Take(ctx, p.Get("client_id"), p.Get("request_uri"), now)
	if err != nil {
		return form.Params{}, unavailablePage(err)
	}
	if !ok {
		return form.Params{}, pageErr(http.StatusBadRequest, "This sign-in request has expired",
			"The sign-in request is unknown, has expired or was already used. Go back to the application and start again.", nil)
	}
	return pp, nil
}
