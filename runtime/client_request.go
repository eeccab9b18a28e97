package runtime

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// clientRequest is one request to an endpoint whose callers are clients
// (the token, introspection and revocation endpoints): it reads the form,
// authenticates the client and answers failures as OAuth JSON errors with
// no-store (RFC 6749 §5.2), the same way at every such endpoint.
type clientRequest struct {
	s   *Server
	w   http.ResponseWriter
	log *slog.Logger
	// id is the endpoint's id; endpoint names it in logs; answers are the
	// error codes it may answer with, others becoming server_error.
	id       string
	endpoint string
	answers  func(oauth.ErrorCode) bool
	// header is whether the client used the Authorization header: a failed
	// authentication is then 401 with a Basic challenge.
	header bool
	// unauthorized makes every failed authentication 401 with a Basic
	// challenge, whatever the method: the introspection endpoint's answer
	// to invalid credentials (RFC 7662 §2.3).
	unauthorized bool
}

func (s *Server) newClientRequest(w http.ResponseWriter, id, endpoint string, answers func(oauth.ErrorCode) bool) clientRequest {
	return clientRequest{s: s, w: w, log: s.log, id: id, endpoint: endpoint, answers: answers}
}

// readForm reads the request's form: no client credentials in the URL
// (RFC 6749 §2.3.1), a form body within Settings.MaxBodyBytes, no
// repeated parameter (RFC 6749 §3.2). On failure it has answered.
func (q *clientRequest) readForm(ctx context.Context, r *http.Request) (form.Params, bool) {
	if r.URL.RawQuery != "" && form.QueryCarriesCredentials(r.URL.RawQuery) {
		q.failCode(ctx, oauth.NewError(oauth.ErrInvalidRequest, "client credentials must not be sent in the URL"))
		return form.Params{}, false
	}
	params, e := form.ParseBody(q.w, r, q.s.settings.MaxBodyBytes)
	if e != nil {
		q.failCode(ctx, e)
		return form.Params{}, false
	}
	return params, true
}

// authenticate authenticates the client with one of methods (RFC 6749
// §2.3). On failure it has answered: invalid_client, 401 with a challenge
// when the client used the Authorization header; 429 with Retry-After
// when the brute-force throttle refused the attempt (RFC 6585 §4).
func (q *clientRequest) authenticate(ctx context.Context, r *http.Request, p form.Params, now time.Time, methods []oauth.ClientAuthMethod) (clientAuth, bool) {
	auth, e := q.s.authenticateObserved(ctx, r, p, now, q.id, methods)
	q.header = auth.header
	if e == nil {
		return auth, true
	}
	if auth.id != "" {
		q.log = q.log.With("client_id", auth.id) // not a secret; helps spot guessing
	}
	if auth.retryAfter > 0 {
		// No challenge: retrying with credentials now would not help.
		q.header = false
		q.throttled(ctx, auth.retryAfter, e)
		return auth, false
	}
	q.failCode(ctx, e)
	return auth, false
}

// readToken reads a request about a token, at the introspection and
// revocation endpoints: the form, the client authenticated with one of
// methods, the token parameter (required) and its token_type_hint. On
// failure it has answered.
func (q *clientRequest) readToken(ctx context.Context, r *http.Request, now time.Time, methods []oauth.ClientAuthMethod) (clientAuth, Secret, oauth.TokenTypeHint, bool) {
	params, ok := q.readForm(ctx, r)
	if !ok {
		return clientAuth{}, "", "", false
	}
	auth, ok := q.authenticate(ctx, r, params, now, methods)
	if !ok {
		return auth, "", "", false
	}
	token := Secret(params.Get("token"))
	if token == "" {
		q.failCode(ctx, oauth.NewError(oauth.ErrInvalidRequest, "parameter 'token' is missing"))
		return auth, "", "", false
	}
	return auth, token, oauth.TokenTypeHint(params.Get("token_type_hint")), true
}

// failCode answers err with the status of its code.
func (q *clientRequest) failCode(ctx context.Context, err error) { q.fail(ctx, 0, err) }

// throttled answers an attempt a brute-force throttle refused for wait:
// err as 429 with Retry-After in whole seconds (RFC 6585 §4).
func (q *clientRequest) throttled(ctx context.Context, wait time.Duration, err error) {
	q.w.Header().Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
	q.fail(ctx, http.StatusTooManyRequests, err)
}

// fail logs err and writes it. status 0 means the code's status. An error
// that is not an *oauth.Error, or whose code the endpoint cannot answer
// with, becomes server_error; its cause is logged, never sent.
func (q *clientRequest) fail(ctx context.Context, status int, err error) {
	e := endpointFailure(ctx, q.log, q.endpoint, q.answers, err)
	if status == 0 {
		status = e.Code.Status()
	}
	var challenge []string
	if e.Code == oauth.ErrInvalidClient && (q.header || q.unauthorized) && status != http.StatusTooManyRequests {
		// RFC 6749 §5.2: 401 with a challenge for the scheme the client
		// used. Other methods get 400, except at the introspection
		// endpoint (RFC 7662 §2.3).
		status, challenge = http.StatusUnauthorized, q.s.basicChallenge
	}
	reply.Error(q.w, status, e, challenge)
}
