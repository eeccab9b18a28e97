package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/internal/devicecode"
	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The device authorization endpoint (RFC 8628 §3.1-§3.2) and its
// verification page (§3.3, device_verification.go): the unit, then the
// endpoint's pipeline, read top to bottom. The device's token requests are
// the token endpoint's (redeem_device.go); the state of each device
// authorization is in the store (runtime/internal/devicecode).

// Paths of the device authorization endpoint.
const (
	deviceEndpointID  = "oauth-device-authorization"
	defaultDevicePath = "/oauth2/device_authorization"
	// deviceVerifySubpath is the verification page, the verification_uri;
	// its login and consent forms are under it.
	deviceVerifySubpath = "/verify"
)

// deviceEndpoint starts device authorizations for clients, and serves the
// verification page where the end user approves them. Its routes, under
// its path:
//
//	POST     path                  the device authorization request (clients)
//	GET|POST path/verify           the user code form (browsers)
//	POST     path/verify/login     the login form
//	GET|POST path/verify/consent   the consent page and form
type deviceEndpoint struct{ unit }

func newDeviceEndpoint(s *Server) *deviceEndpoint {
	return &deviceEndpoint{s.newUnit(deviceEndpointID, defaultDevicePath, callerClient)}
}

// routes: the endpoint is POST only (RFC 8628 §3.1), another method is 405
// with an OAuth error body; the pages answer another method with the
// error page.
func (e *deviceEndpoint) routes() []route {
	getPost := []string{http.MethodGet, http.MethodPost}
	verify := e.path + deviceVerifySubpath
	return []route{
		{path: e.path, methods: []string{http.MethodPost}, serve: e.serve, refuse: e.refuse},
		{path: verify, methods: getPost, serve: e.s.serveDeviceVerify,
			refuse: e.s.refusePage("This page accepts GET and POST requests only.")},
		{path: verify + loginSubpath, methods: []string{http.MethodPost}, serve: e.s.serveDeviceLogin,
			refuse: e.s.refusePage("This form accepts POST requests only.")},
		{path: verify + consentSubpath, methods: getPost, serve: e.s.serveDeviceConsent,
			refuse: e.s.refusePage("This page accepts GET and POST requests only.")},
	}
}

// advertise sets device_authorization_endpoint (RFC 8628 §4); the token
// endpoint lists the device code grant type with the others.
func (e *deviceEndpoint) advertise(md *Metadata) {
	md.DeviceAuthorizationEndpoint = e.url()
}

// deviceCode reports whether the device authorization endpoint may answer
// with the code (RFC 8628 §3.2: the token endpoint's, RFC 6749 §5.2).
func deviceCode(c oauth.ErrorCode) bool {
	switch c {
	case oauth.ErrInvalidRequest, oauth.ErrInvalidClient, oauth.ErrUnauthorizedClient, oauth.ErrInvalidScope,
		oauth.ErrInvalidTarget, oauth.ErrAccessDenied, oauth.ErrServerError, oauth.ErrTemporarilyUnavail:
		return true
	}
	return false
}

func (e *deviceEndpoint) refuse(w http.ResponseWriter, r *http.Request) {
	req := e.s.newClientRequest(w, deviceEndpointID, "device_authorization", deviceCode)
	req.fail(r.Context(), http.StatusMethodNotAllowed, oauth.NewError(oauth.ErrInvalidRequest, "the device authorization endpoint accepts POST only"))
}

// devicePolicy is what the device authorization endpoint checks of a
// request, as the token endpoint would of a grant: scope and resources
// from the request (RFC 8628 §3.1).
var devicePolicy = flowkit.GrantPolicy{Scope: flowkit.ScopeFromRequest, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.EndUserOfGrant}

// serve handles one device authorization request.
func (e *deviceEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	s := e.s
	ctx := r.Context()
	now := s.clock.Now()
	req := s.newClientRequest(w, deviceEndpointID, "device_authorization", deviceCode)
	reg := s.device

	// 1. A POST (the router's), its form read once, and the client
	// authenticated as at the token endpoint (RFC 8628 §3.1): a
	// confidential client with its credentials, a public one by client_id.
	params, ok := req.readForm(ctx, r)
	if !ok {
		return
	}
	auth, ok := req.authenticate(ctx, r, params, now, s.tokenAuthMethods)
	if !ok {
		return
	}
	client := auth.client
	req.log = s.requestLogger(reg.ID, client.ID)

	// 2. The client registered for the device code grant (RFC 6749 §5.2).
	if !client.AllowsGrant(s.deviceGrant) {
		req.failCode(ctx, oauth.NewError(oauth.ErrUnauthorizedClient, "client is not registered for the device code grant"))
		return
	}

	// 3. Scope (RFC 6749 §3.3) and resources (RFC 8707 §2), as at the
	// token endpoint.
	requested, granted, oe := s.tokenScope(params, client, devicePolicy)
	if oe != nil {
		req.failCode(ctx, oe)
		return
	}
	resources, oe := tokenResources(params, client, devicePolicy)
	if oe != nil {
		req.failCode(ctx, oe)
		return
	}

	// 4. The flow: its properties, then the team's procedure, whose
	// default stores the authorization.
	c := &DeviceAuthorizationContext{
		Flow: reg.ID, Now: now, Issuer: s.settings.Issuer, Client: client, ClientAuth: auth.method,
		Policy: reg.Policy, Request: r, Log: req.log, RequestedScope: requested, GrantedScope: granted,
		Resources: resources, ExpiresIn: reg.Policy.DeviceCodeTTL, Interval: devicecode.DefaultInterval,
		form: params, server: s,
	}
	call, err := prepareFlow(ctx, c.Log, "device_authorization", reg.Flow.Prepare, c)
	if err != nil {
		req.failCode(ctx, err)
		return
	}
	resp, err := callFlow(ctx, c.Log, "device_authorization", call)
	if err == nil && (c.issued == "" || !resp.DeviceCode.Equal(c.issued) || resp.UserCode == "" || resp.VerificationURI == "" || resp.ExpiresIn <= 0) {
		err = oauth.ServerError("device authorization response without the device code, user code, verification URI and lifetime Default issued")
	}
	var quota *quotaError
	switch {
	case errors.As(err, &quota):
		w.Header().Set("Retry-After", strconv.Itoa(int(devicecode.DefaultTTL/time.Second)))
		req.fail(ctx, http.StatusTooManyRequests, oauth.NewError(oauth.ErrTemporarilyUnavail, "too many device authorizations from this network; try again later"))
		return
	case err != nil:
		req.failCode(ctx, err)
		return
	}
	req.log.LogAttrs(ctx, slog.LevelDebug, "device authorization started")

	// 5. 200 with the codes, no-store (RFC 8628 §3.2).
	reply.JSON(w, http.StatusOK, resp.encode())
}

// quotaError is the default procedure's refusal when the source's quota of
// device authorizations is spent; the endpoint answers it 429.
type quotaError struct{ error }

// startDeviceAuthorization is the default procedure of the device
// authorization flow: it checks what the procedure may have changed (the
// granted scope within the client's, the lifetime and interval within
// bounds), stores the authorization under a new device code and user code
// (devicecode.Authorizations.Start: a public client's count against its
// source's quota), and returns the response with the verification URIs.
func (s *Server) startDeviceAuthorization(ctx context.Context, c *DeviceAuthorizationContext) (*DeviceAuthorizationResponse, error) {
	if extra := c.GrantedScope.Without(c.Client.Scopes); len(extra) > 0 {
		return nil, oauth.ServerError("device authorization: granted scope %q is not allowed for the client", extra.String())
	}
	if len(c.GrantedScope) == 0 {
		return nil, oauth.NewError(oauth.ErrInvalidScope, "no scope to ask the end user for")
	}
	if c.ExpiresIn <= 0 || c.ExpiresIn > devicecode.MaxTTL {
		return nil, oauth.ServerError("device authorization: ExpiresIn %v outside (0, %v]", c.ExpiresIn, devicecode.MaxTTL)
	}
	if c.Interval < time.Second {
		return nil, oauth.ServerError("device authorization: Interval %v under 1s", c.Interval)
	}
	a := devicecode.Authorization{
		ClientID: c.Client.ID, Scope: slices.Clone(c.GrantedScope), Resources: slices.Clone(c.Resources),
		IssuedAt: c.Now, ExpiresAt: c.Now.Add(c.ExpiresIn), Interval: int64((c.Interval + time.Second - 1) / time.Second),
	}
	code, err := s.devices.Start(ctx, &a, c.Client.IsPublic(), s.clientIP.Addr(c.Request), c.Now)
	switch {
	case errors.Is(err, devicecode.ErrQuota):
		return nil, &quotaError{err}
	case errors.Is(err, ttltable.ErrFull):
		return nil, oauth.NewError(oauth.ErrTemporarilyUnavail, "too many device authorizations; try again later").WithCause(err)
	case err != nil:
		return nil, oauth.AsError(fmt.Errorf("device authorization: %w", err))
	}
	c.issued = Secret(code)
	verify := s.origin() + s.settings.Paths[deviceEndpointID] + deviceVerifySubpath
	shown := devicecode.FormatUserCode(a.UserCode)
	return &DeviceAuthorizationResponse{
		DeviceCode:              c.issued,
		UserCode:                shown,
		VerificationURI:         verify,
		VerificationURIComplete: verify + "?user_code=" + url.QueryEscape(shown),
		ExpiresIn:               c.ExpiresIn,
		Interval:                time.Duration(a.Interval) * time.Second,
	}, nil
}

// normaliseDevice checks the device authorization flow's registration at
// NewServer and fills its default: the codes' lifetime, 10 minutes, at
// most 30 (a user code must not stay guessable for long, RFC 8628 §5.1).
func normaliseDevice(reg *Registration[DeviceAuthorizationContext, DeviceAuthorizationResponse]) (*Registration[DeviceAuthorizationContext, DeviceAuthorizationResponse], error) {
	r, err := normaliseOne("device authorization", reg)
	if r == nil {
		return nil, err
	}
	switch ttl := r.Policy.DeviceCodeTTL; {
	case ttl == 0:
		r.Policy.DeviceCodeTTL = devicecode.DefaultTTL
	case ttl < 0 || ttl > devicecode.MaxTTL:
		err = errors.Join(err, fmt.Errorf("device authorization flow: DeviceCodeTTL %v outside (0, %v]", ttl, devicecode.MaxTTL))
	}
	return r, err
}
