package runtime

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/clientauth"
	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/throttle"
	"github.com/oauthgen/oauthgen/runtime/internal/ttltable"
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

// authenticateClient authenticates the client of a request to the
// endpoint with the id (RFC 6749 §2.3) with one of methods:
// client_secret_basic, client_secret_post, private_key_jwt or
// client_secret_jwt (RFC 7523 §2.2), or none (a public client naming itself with client_id). It
// returns the client, or an error: invalid_request for a request that uses
// more than one method or is malformed, invalid_client for any failure of
// authentication itself, the same for an unknown client, a wrong secret
// and an assertion it did not sign. Authentication by a credential is
// throttled per client_id and source, per source and per client (RFC 6749
// §2.3.1; docs/throttling.md), and every failure of it takes as long as
// checking the slowest secret hash in use, so that its time tells no one
// whether the client exists.
func (s *Server) authenticateClient(ctx context.Context, r *http.Request, p form.Params, now time.Time, endpoint string, methods []oauth.ClientAuthMethod) (clientAuth, *oauth.Error) {
	cred, e := clientauth.FromRequest(r, p)
	res := clientAuth{id: cred.ID, method: cred.Method, header: cred.Header}
	if e != nil {
		return res, e
	}
	if cred.Method == oauth.AuthNone {
		client, err := s.clients.Client(ctx, cred.ID)
		if err != nil {
			return res, oauth.AsError(fmt.Errorf("look up client: %w", err))
		}
		if client == nil || client.AuthMethod != oauth.AuthNone || !slices.Contains(methods, oauth.AuthNone) {
			return res, clientauth.Failed()
		}
		res.client = client
		return res, nil
	}

	// A throttled attempt gets no secret check at all.
	started := time.Now() // real time: what an observer measures
	addr := s.clientIP.Addr(r)
	refusal, err := s.throttle.Check(ctx, cred.ID, addr, now)
	if err != nil {
		return res, oauth.AsError(err)
	}
	s.observeClientThrottle(ctx, refusal.Refused(), cred.ID, addr)
	if refusal.Refused() {
		res.retryAfter = refusal.Wait
		return res, oauth.NewError(oauth.ErrInvalidClient, "too many failed authentication attempts; try again later")
	}
	client, err := s.clients.Client(ctx, cred.ID)
	if err != nil {
		return res, oauth.AsError(fmt.Errorf("look up client: %w", err))
	}
	// An assertion is private_key_jwt or client_secret_jwt, as the client
	// registered: VerifyAssertion keeps each to its own algorithms.
	assertion := cred.Assertion != ""
	if assertion && client != nil && client.AuthMethod == oauth.AuthClientSecretJWT {
		cred.Method, res.method = oauth.AuthClientSecretJWT, oauth.AuthClientSecretJWT
	}
	// The method must be enabled at the endpoint and be the one the client
	// registered (OpenID Connect Dynamic Client Registration 1.0 §2). A
	// confidential client sending only client_id fails before this.
	known := client != nil && client.AuthMethod == cred.Method && slices.Contains(methods, cred.Method)
	switch {
	case assertion && known:
		e = s.verifyClientAssertion(ctx, client, cred.Assertion, endpoint, now)
		if e == nil {
			res.client = client
			return res, nil
		}
		if e.Code != oauth.ErrInvalidClient {
			return res, e // the store failed: not the client's failure
		}
	case assertion:
		e = clientauth.Failed()
	case !known:
		s.secrets.Dummy(cred.Secret) // the work of a fast hash's check
		e = clientauth.Failed()
	case s.secrets.Verify(client.ID, client.secretHash, cred.Secret, now):
		res.client = client
		return res, nil
	default:
		e = clientauth.Failed()
	}
	var throttled *oauth.Error
	res.retryAfter, throttled = s.clientAuthFailed(ctx, cred.ID, addr, now)
	if throttled != nil && (res.retryAfter > 0 || throttled.Code != oauth.ErrInvalidClient) {
		e = throttled // throttled, or the count failed
	}
	s.secrets.PadFailure(ctx, started)
	return res, e
}

// clientAuthFailed counts a failed client authentication. A failure that
// cannot be counted would be a free guess, so it is refused as throttled
// when the store is at its budget, and an error otherwise.
func (s *Server) clientAuthFailed(ctx context.Context, id, addr string, now time.Time) (time.Duration, *oauth.Error) {
	err := s.throttle.Fail(ctx, id, addr, now)
	switch {
	case err == nil:
		return 0, clientauth.Failed()
	case errors.Is(err, ttltable.ErrFull):
		return throttle.ClientAuthWindow, oauth.NewError(oauth.ErrInvalidClient, "too many failed authentication attempts; try again later")
	default:
		return 0, oauth.AsError(err)
	}
}

// expectSecretHashes tells the secret verifier the hashes of the
// registered clients, when the registry can list them (MemoryClients,
// runtime/clientfile), so that failed authentications are padded to the
// slowest hash's check from the first request on (PadFailure). A
// registry that cannot list its clients teaches the verifier with its
// first bcrypt check.
func (s *Server) expectSecretHashes() {
	lister, ok := s.clients.(interface{ IDs() []string })
	if !ok {
		return
	}
	for _, id := range lister.IDs() {
		if c, err := s.clients.Client(context.Background(), id); err == nil && c != nil {
			s.secrets.Expect(c.secretHash)
		}
	}
}
