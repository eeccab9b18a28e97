package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/oauthgen/oauthgen/runtime/internal/observe"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The calls of generated code and, through it, of the team's procedures.
// A panic in either becomes server_error, logged with its stack, and the
// process keeps running; so does generated code that returns neither a
// result nor an error. Every endpoint calls its flow through here, so none
// can forget.

// prepareFlow runs a flow's Prepare on the endpoint's base context c.
func prepareFlow[C, R any](ctx context.Context, log *slog.Logger, endpoint string,
	prepare func(C) (func(context.Context) (*R, error), error), c C) (call func(context.Context) (*R, error), err error) {
	defer recoverFlow(ctx, log, endpoint, &err)
	call, err = prepare(c)
	if err == nil && call == nil {
		err = oauth.ServerError("%s flow prepared no call", endpoint)
	}
	return call, err
}

// callFlow makes the call a flow prepared: the team's procedure, in the
// span "procedure" of a traced request.
func callFlow[R any](ctx context.Context, log *slog.Logger, endpoint string, call func(context.Context) (*R, error)) (resp *R, err error) {
	ctx, span := observe.StartSpan(ctx, "procedure")
	defer func() { span.End(err) }() // after the recovery, which sets err
	defer recoverFlow(ctx, log, endpoint, &err)
	resp, err = call(ctx)
	if err == nil && resp == nil {
		err = oauth.ServerError("%s flow returned neither a response nor an error", endpoint)
	}
	return resp, err
}

// recoverFlow turns a panic into server_error in *err, logged with its
// stack. net/http's own way to abort a response is not recovered.
func recoverFlow(ctx context.Context, log *slog.Logger, endpoint string, err *error) {
	p := recover()
	if p == nil {
		return
	}
	if p == http.ErrAbortHandler {
		panic(p)
	}
	log.LogAttrs(ctx, slog.LevelError, endpoint+" flow panicked",
		slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
	*err = oauth.NewError(oauth.ErrServerError, "").WithCause(errors.New(endpoint + " flow panicked: " + fmt.Sprint(p)))
}
