package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/oauthgen/oauthgen/runtime/internal/observe"
	"github.com/oauthgen/oauthgen/runtime/internal/session"
	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// endpointFailure is the error path every endpoint shares. err becomes an
// *oauth.Error (oauth.AsError); a code the endpoint cannot answer with
// (allowed reports false) becomes server_error, err kept as its cause. The
// error is logged at its code's level as "<endpoint> request failed", with
// its description and cause, and its code is the outcome of an observed
// request. The result is what may be sent: a server_error loses its
// detail, which stays in the log.
func endpointFailure(ctx context.Context, log *slog.Logger, endpoint string, allowed func(oauth.ErrorCode) bool, err error) *oauth.Error {
	e := oauth.AsError(err)
	if !allowed(e.Code) {
		e = oauth.NewError(oauth.ErrServerError, "").WithCause(fmt.Errorf("error code %q is not one the %s endpoint answers with: %w", e.Code, endpoint, err))
	}
	if level := e.Code.LogLevel(); log.Enabled(ctx, level) {
		attrs := []slog.Attr{slog.String("error", string(e.Code))}
		if e.Description != "" {
			attrs = append(attrs, slog.String("error_description", e.Description))
		}
		if c := e.Unwrap(); c != nil {
			attrs = append(attrs, slog.String("cause", c.Error()))
		}
		log.LogAttrs(ctx, level, endpoint+" request failed", attrs...)
	}
	observe.FromContext(ctx).Fail(string(e.Code)) // the outcome of the request's metrics and span
	if e.Code == oauth.ErrServerError {
		e = oauth.NewError(oauth.ErrServerError, "")
	}
	return e
}

// stateUnavailable is the answer of the authorization endpoint when its
// state (sessions, interactions, consents, throttles) cannot be read or
// written: temporarily_unavailable (RFC 6749 §4.1.2.1), the store's error
// kept as the cause for the log.
func stateUnavailable(err error) *oauth.Error {
	return oauth.NewError(oauth.ErrTemporarilyUnavail, "the server cannot complete the sign-in right now; try again").WithCause(err)
}

// interactionUnavailable is the answer when a sign-in cannot wait in the
// store: the source's quota of pending sign-ins is spent
// (session.ErrQuota), the store is at its budget, or it failed. It is
// temporarily_unavailable (RFC 6749 §4.1.2.1), back to the client.
func interactionUnavailable(err error) *oauth.Error {
	switch {
	case errors.Is(err, session.ErrQuota):
		return oauth.NewError(oauth.ErrTemporarilyUnavail, "too many sign-ins in progress from this network; try again later")
	case errors.Is(err, ttltable.ErrFull):
		return oauth.NewError(oauth.ErrTemporarilyUnavail, "too many sign-ins in progress; try again later")
	}
	return stateUnavailable(err)
}
