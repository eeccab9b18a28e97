package runtime

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// clientAuth is the outcome of client authentication at an endpoint.
type clientAuth struct {
	client *Client
	method ClientAuthMethod
	// id is the client_id the request named, for the log of a failure.
	id string
	// header is whether the request used the Authorization header: a failed
	// authentication is then 401 with a Basic challenge (RFC 6749 §5.2).
	header bool
	// retryAfter is set when the request was refused by the brute-force
	// throttle (security.md S-33): the answer is then 429.
	retryAfter time.Duration
}

// errClientAuthFailed is the one answer to every failed authentication
// (unknown client, wrong secret, wrong or disabled method, no credentials),
// so none can be told apart (flows.md §2.2 rule 9; security.md S-29).
func errClientAuthFailed() *Error {
	return NewError(ErrInvalidClient, "client authentication failed")
}

// authenticateClient authenticates the client of a request (flows.md §2.2)
// with client_secret_basic, client_secret_post, or none (a public client
// naming itself with client_id). It returns the client, or an error:
// invalid_request for a request that uses more than one method or is
// malformed, invalid_client for any failure of authentication itself.
func (s *Server) authenticateClient(ctx context.Context, r *http.Request, p Params, now time.Time) (clientAuth, *Error) {
	var (
		res    clientAuth
		id     string
		secret Secret
	)
	authz := r.Header["Authorization"]
	if len(authz) > 1 {
		return res, NewError(ErrInvalidRequest, "the Authorization header is repeated")
	}
	res.header = len(authz) == 1
	hasSecret := p.Has("client_secret")
	hasAssertion := p.Has("client_assertion") || p.Has("client_assertion_type")

	// RFC 6749 §2.3: one authentication method per request (security.md S-27).
	n := 0
	for _, used := range [...]bool{res.header, hasSecret, hasAssertion} {
		if used {
			n++
		}
	}
	if n > 1 {
		return res, NewError(ErrInvalidRequest, "more than one client authentication method is used")
	}

	bodyID := p.Get("client_id")
	switch {
	case res.header:
		var e *Error
		if id, secret, e = parseBasic(authz[0]); e != nil {
			return res, e
		}
		if bodyID != "" && bodyID != id {
			return res, NewError(ErrInvalidRequest, "client_id differs from the client in the Authorization header")
		}
		res.method = AuthClientSecretBasic
	case hasAssertion:
		// JWT client assertions (RFC 7523) are not enabled on this server.
		return res, errClientAuthFailed()
	case hasSecret:
		if bodyID == "" {
			return res, NewError(ErrInvalidRequest, "client_secret is sent without client_id")
		}
		id, secret, res.method = bodyID, Secret(p.Get("client_secret")), AuthClientSecretPost
	case bodyID != "":
		id, res.method = bodyID, AuthNone // RFC 6749 §2.1, §3.2.1
	default:
		return res, errClientAuthFailed() // no client authentication included (RFC 6749 §5.2)
	}

	res.id = id
	// Password-style authentication is throttled per client_id and source
	// address (RFC 6749 §2.3.1; security.md S-33). A blocked pair gets no
	// secret check at all.
	var throttle string
	if res.method != AuthNone {
		throttle = throttleKey(id, r)
		if d := s.throttle.blocked(throttle, now); d > 0 {
			res.retryAfter = d
			return res, NewError(ErrInvalidClient, "too many failed authentication attempts; try again later")
		}
	}
	client, err := s.clients.Client(ctx, id)
	if err != nil {
		return res, AsError(fmt.Errorf("look up client: %w", err))
	}
	// The method must be enabled on the server and be the one the client
	// registered (flows.md §2.2 rules 2, 3; security.md S-30). A confidential
	// client sending only client_id fails here: its method is not "none".
	if client == nil || client.AuthMethod != res.method || !s.authMethodEnabled(res.method) {
		if res.method != AuthNone {
			s.secrets.dummy(secret) // comparable work for every failure (S-29)
			s.throttle.fail(throttle, now)
		}
		return res, errClientAuthFailed()
	}
	if res.method != AuthNone {
		if !s.secrets.verify(client.ID, client.secretHash, secret, now) {
			s.throttle.fail(throttle, now)
			return res, errClientAuthFailed()
		}
		s.throttle.succeed(throttle)
	}
	// A registry other than MemoryClients may return a client whose Type
	// disagrees with its method; "none" must mean public (RFC 6749 §2.1),
	// or a secret-less client could pass as confidential.
	if (client.AuthMethod == AuthNone) != client.IsPublic() {
		return res, AsError(fmt.Errorf("client %q: type %q contradicts token_endpoint_auth_method %q", client.ID, client.Type, client.AuthMethod))
	}
	res.client = client
	return res, nil
}

// authMethodEnabled reports whether the spec enables the method.
func (s *Server) authMethodEnabled(m ClientAuthMethod) bool {
	return slices.Contains(s.settings.AuthMethods, m)
}

// parseBasic decodes client_secret_basic credentials (RFC 6749 §2.3.1 and
// Appendix B; RFC 7617 §2; security.md S-26): base64, split at the first ':',
// then form-urldecode each part, so that ids and secrets with ':', '+', '%'
// or '/' work. Another scheme fails authentication; a malformed header is
// invalid_request.
func parseBasic(h string) (string, Secret, *Error) {
	scheme, cred, _ := strings.Cut(strings.TrimSpace(h), " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", errClientAuthFailed()
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return "", "", NewError(ErrInvalidRequest, "malformed Basic credentials")
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", NewError(ErrInvalidRequest, "malformed Basic credentials")
	}
	id, err := url.QueryUnescape(user)
	if err != nil || id == "" {
		return "", "", NewError(ErrInvalidRequest, "malformed Basic credentials")
	}
	secret, err := url.QueryUnescape(pass)
	if err != nil {
		return "", "", NewError(ErrInvalidRequest, "malformed Basic credentials")
	}
	return id, Secret(secret), nil
}
