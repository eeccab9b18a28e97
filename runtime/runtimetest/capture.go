package runtimetest

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// capture replaces every flow of fl with one that records the context its
// procedure would receive and ends the request there; the registrations
// keep their ids, wires and policies.
func (s *Server) capture(fl runtime.Flows) runtime.Flows {
	out := runtime.Flows{Token: make([]runtime.Registration[runtime.TokenContext, runtime.TokenResponse], len(fl.Token))}
	for i, r := range fl.Token {
		r.Flow = capturer[runtime.TokenContext, runtime.TokenResponse]{s}
		out.Token[i] = r
	}
	if r := fl.Authorize; r != nil {
		c := *r
		c.Flow = capturer[runtime.AuthorizeContext, runtime.AuthorizeResponse]{s}
		out.Authorize = &c
	}
	if r := fl.UserInfo; r != nil {
		c := *r
		c.Flow = capturer[runtime.UserInfoContext, runtime.UserInfoResponse]{s}
		out.UserInfo = &c
	}
	if r := fl.Introspection; r != nil {
		c := *r
		c.Flow = capturer[runtime.IntrospectionContext, runtime.IntrospectionResponse]{s}
		out.Introspection = &c
	}
	if r := fl.DeviceAuthorization; r != nil {
		c := *r
		c.Flow = capturer[runtime.DeviceAuthorizationContext, runtime.DeviceAuthorizationResponse]{s}
		out.DeviceAuthorization = &c
	}
	if r := fl.Revocation; r != nil {
		c := *r
		c.Flow = capturer[runtime.RevocationContext, runtime.RevocationResponse]{s}
		out.Revocation = &c
	}
	if r := fl.EndSession; r != nil {
		c := *r
		c.Flow = capturer[runtime.EndSessionContext, runtime.EndSessionResponse]{s}
		out.EndSession = &c
	}
	return out
}

// capturer is a flow whose call records the base context, after every
// step the endpoint runs before a procedure, and ends the request.
type capturer[C, R any] struct{ s *Server }

// Prepare returns the call that records c.
func (f capturer[C, R]) Prepare(c *C) (func(context.Context) (*R, error), error) {
	return func(context.Context) (*R, error) {
		f.s.captured = c
		return nil, errCaptured
	}, nil
}
