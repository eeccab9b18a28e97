package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// callFlow calls a flow's generated code (and through it the team's
// procedure) for an endpoint. A panic becomes server_error, logged with its
// stack, and the process keeps running (security.md S-77); so does a flow
// that returns neither a response nor an error. Every endpoint calls its
// flow through here, so none can forget.
func callFlow[R any](ctx context.Context, log *slog.Logger, endpoint string, call func() (*R, error)) (resp *R, err error) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler { // net/http's way to abort a response: not ours to recover
			panic(p)
		}
		log.LogAttrs(ctx, slog.LevelError, endpoint+" flow panicked",
			slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
		resp, err = nil, oauth.NewError(oauth.ErrServerError, "").WithCause(fmt.Errorf("%s flow panicked: %v", endpoint, p))
	}()
	resp, err = call()
	if err == nil && resp == nil {
		err = oauth.NewError(oauth.ErrServerError, "").WithCause(fmt.Errorf("%s flow returned neither a response nor an error", endpoint))
	}
	return resp, err
}
