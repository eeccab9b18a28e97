package runtime

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/jsonx"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// DeviceAuthorizationContext holds the fields of the device authorization
// flow's context (RFC 8628 §3.1). Generated contexts embed a
// *DeviceAuthorizationContext. By the time a procedure sees it, the client
// is authenticated (or, public, identified), registered for the device
// code grant, and its scope and resources checked.
type DeviceAuthorizationContext struct {
	// Flow is the flow type id.
	Flow string
	// Now is the request instant.
	Now time.Time
	// Issuer is the exact issuer identifier.
	Issuer string
	// Client is the authenticated (or, for public clients, identified)
	// client. Never nil.
	Client *Client
	// ClientAuth records how the client proved its identity.
	ClientAuth oauth.ClientAuthMethod
	// Policy is the flow's token settings; DeviceCodeTTL is the codes'
	// lifetime.
	Policy TokenPolicy
	// Request is the raw request, read-only; its body has been read.
	Request *http.Request
	// Log is tagged with the flow and client_id. It never logs a Secret.
	Log *slog.Logger
	// RequestedScope is the scope parameter; empty when omitted.
	RequestedScope oauth.ScopeSet
	// GrantedScope is the scope the end user is asked to approve: the
	// request's, else the client's default scopes. The procedure may
	// narrow it before calling Default; it may not widen it past the
	// client's scopes.
	GrantedScope oauth.ScopeSet
	// Resources are the resource parameters (RFC 8707 §2), each one of the
	// client's audiences; empty when omitted.
	Resources []string
	// ExpiresIn is how long the device code and user code live
	// (Policy.DeviceCodeTTL, 10 minutes by default, at most 30), and
	// Interval how long the device waits between polls (5 seconds by
	// default, at least 1). The procedure may change them before calling
	// Default.
	ExpiresIn time.Duration
	Interval  time.Duration

	form   form.Params
	server *Server
	// issued is the device code Default issued in this request; the
	// endpoint answers only with it.
	issued Secret
}

// Param returns the value of a form parameter, or "" when it was omitted or
// empty. Repeated parameters never reach here: the endpoint refuses them.
func (c *DeviceAuthorizationContext) Param(name string) string { return c.form.Get(name) }

// Default is the default procedure of the device authorization flow: it
// stores the request under a new device code and user code, waiting for
// the end user on the verification page, and returns them (RFC 8628 §3.2).
func (c *DeviceAuthorizationContext) Default(ctx context.Context) (*DeviceAuthorizationResponse, error) {
	return c.server.startDeviceAuthorization(ctx, c)
}

// DeviceAuthorizationResponse is the answer of the device authorization
// endpoint (RFC 8628 §3.2). The endpoint answers only with the device code
// that Default issued in the same request.
type DeviceAuthorizationResponse struct {
	// DeviceCode is the device's secret for the token requests.
	DeviceCode Secret
	// UserCode is what the end user types on the verification page, shown
	// as XXXX-XXXX.
	UserCode string
	// VerificationURI is the verification page; VerificationURIComplete
	// the same with the user code filled in, for a QR code (RFC 8628
	// §3.3.1). The page still asks the end user to confirm the code.
	VerificationURI         string
	VerificationURIComplete string
	// ExpiresIn is the codes' lifetime, Interval the polling interval;
	// both are sent in whole seconds.
	ExpiresIn time.Duration
	Interval  time.Duration
}

// encode writes the response as RFC 8628 §3.2 says: the required members,
// then verification_uri_complete and interval when set.
func (r *DeviceAuthorizationResponse) encode() []byte {
	b := make([]byte, 0, 320)
	b = append(b, `{"device_code":`...)
	b = jsonx.AppendString(b, r.DeviceCode.Reveal())
	b = append(b, `,"user_code":`...)
	b = jsonx.AppendString(b, r.UserCode)
	b = append(b, `,"verification_uri":`...)
	b = jsonx.AppendString(b, r.VerificationURI)
	if r.VerificationURIComplete != "" {
		b = append(b, `,"verification_uri_complete":`...)
		b = jsonx.AppendString(b, r.VerificationURIComplete)
	}
	b = append(b, `,"expires_in":`...)
	b = strconv.AppendInt(b, int64(r.ExpiresIn/time.Second), 10)
	if r.Interval > 0 {
		b = append(b, `,"interval":`...)
		b = strconv.AppendInt(b, int64((r.Interval+time.Second-1)/time.Second), 10)
	}
	return append(b, '}')
}
