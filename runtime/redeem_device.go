package runtime

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/devicecode"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The redemption of a device code, for a flow whose credential is a device
// code (flowkit.DeviceCodeCredential; RFC 8628 §3.4-§3.5).

// errDeviceCodeInvalid is the one answer to a device code that is unknown,
// another client's or already redeemed (RFC 8628 §3.5; RFC 6749 §5.2);
// the log tells them apart no more than the store does.
func errDeviceCodeInvalid() *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidGrant, "device code is invalid")
}

// redeemDeviceCode answers the device's poll, in order
// (devicecode.Authorizations.Poll):
//
//  1. device_code is present, else invalid_request (RFC 8628 §3.4).
//  2. An authorization of this client has it, else invalid_grant: unknown,
//     another client's, or already redeemed.
//  3. Expired: expired_token.
//  4. A poll before the interval has passed since the last one is
//     slow_down, and the interval grows by 5 seconds for every later poll
//     (RFC 8628 §3.5).
//  5. No decision yet: authorization_pending; a denial: access_denied.
//  6. An approval: the authorization is consumed atomically, so of
//     concurrent polls one gets here; the others get invalid_grant.
//  7. The scope and resource parameters may narrow the approved ones,
//     never widen them (RFC 6749 §6; RFC 8707 §2.2).
//
// On success t holds the approving end user's authentication, the granted
// scope and the default token data: a grant and tokens for that user, a
// refresh token when canRefresh allows it, and an ID token when openid was
// granted.
func (s *Server) redeemDeviceCode(ctx context.Context, t *TokenContext) error {
	code := t.form.Get("device_code")
	if code == "" {
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'device_code' is missing")
	}
	p, err := s.devices.Poll(ctx, code, t.Client.ID, t.Now)
	if err != nil {
		return oauth.AsError(fmt.Errorf("poll device authorization: %w", err))
	}
	switch p.Status {
	case devicecode.Expired:
		return oauth.NewError(oauth.ErrExpiredToken, "the device code has expired; start again")
	case devicecode.SlowDown:
		return oauth.NewError(oauth.ErrSlowDown, "polling too fast; wait "+strconv.FormatInt(int64(p.Interval/time.Second), 10)+" seconds between requests")
	case devicecode.Pending:
		return oauth.NewError(oauth.ErrAuthorizationPending, "the end user has not yet approved the request")
	case devicecode.Denied:
		return oauth.NewError(oauth.ErrAccessDenied, "the end user denied the request")
	case devicecode.Approved:
	default:
		return errDeviceCodeInvalid().WithCause(errors.New("device code unknown, another client's or already redeemed"))
	}
	a, d := p.Authorization, p.Decision
	granted, e := narrowScope(t.RequestedScope, d.Scope, "was not approved for the device")
	if e != nil {
		return e
	}
	t.GrantedScope = granted
	t.Authentication = Authentication{Subject: d.Subject, AuthTime: d.AuthTime, AMR: d.AMR, SessionID: d.SID}
	rec := AuthorizationCode{
		ClientID: a.ClientID, Scope: granted, Resources: a.Resources,
		Authentication: t.Authentication, ExpiresAt: a.ExpiresAt,
	}
	resources, e := codeResources(t, rec.Resources)
	if e != nil {
		return e
	}
	t.Resources = resources
	fillCodeDefaults(t, rec, resources) // the defaults of an approved code: its user, scope and resources
	return nil
}
