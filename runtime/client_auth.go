package runtime

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/clientauth"
	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// clientAuth is the outcome of client authentication at an endpoint.
type clientAuth struct {
	client *Client
	method oauth.ClientAuthMethod
	// id is the client_id the request named, for the log of a failure.
	id string
	// header is whether the request used the Authorization header: a failed
	// authentication is then 401 with a Basic challenge (RFC 6749 §5.2).
	header bool
	// retryAfter is set when the request was refused by the brute-force
	// throttle: the answer is then 429 (RFC 6585 §4).
	retryAfter time.Duration
}

// authenticateClient authenticates the client of a request (RFC 6749
// §2.3) with one of methods: client_secret_basic, client_secret_post, or
// none (a public client naming itself with client_id). It returns the
// client, or an error: invalid_request for a request that uses more than
// one method or is malformed, invalid_client for any failure of
// authentication itself, the same for an unknown client and a wrong secret.
// Password-style authentication is throttled per client_id and source
// address (RFC 6749 §2.3.1).
func (s *Server) authenticateClient(ctx context.Context, r *http.Request, p form.Params, now time.Time, methods []oauth.ClientAuthMethod) (clientAuth, *oauth.Error) {
	cred, e := clientauth.FromRequest(r, p)
	res := clientAuth{id: cred.ID, method: cred.Method, header: cred.Header}
	if e != nil {
		return res, e
	}
	// A blocked pair gets no secret check at all.
	var key throttle.Key
	if cred.Method != oauth.AuthNone {
		key = throttle.ClientKey(cred.ID, s.clientIP.Addr(r))
		d, err := s.throttle.Blocked(ctx, key, now)
		if err != nil {
			return res, oauth.AsError(err)
		}
		if d > 0 {
			res.retryAfter = d
			return res, oauth.NewError(oauth.ErrInvalidClient, "too many failed authentication attempts; try again later")
		}
	}
	client, err := s.clients.Client(ctx, cred.ID)
	if err != nil {
		return res, oauth.AsError(fmt.Errorf("look up client: %w", err))
	}
	// The method must be enabled at the endpoint and be the one the client
	// registered (OpenID Connect Dynamic Client Registration 1.0 §2). A
	// confidential client sending only client_id fails here: its method is
	// not "none".
	if client == nil || client.AuthMethod != cred.Method || !slices.Contains(methods, cred.Method) {
		if cred.Method != oauth.AuthNone {
			s.secrets.Dummy(cred.Secret) // comparable work for every failure
			if err := s.throttle.Fail(ctx, key, now); err != nil {
				return res, oauth.AsError(err) // an uncounted failure would be a free guess
			}
		}
		return res, clientauth.Failed()
	}
	if cred.Method != oauth.AuthNone {
		if !s.secrets.Verify(client.ID, client.secretHash, cred.Secret, now) {
			if err := s.throttle.Fail(ctx, key, now); err != nil {
				return res, oauth.AsError(err)
			}
			return res, clientauth.Failed()
		}
		if err := s.throttle.Succeed(ctx, key, now); err != nil {
			return res, oauth.AsError(err)
		}
	}
	res.client = client
	return res, nil
}
