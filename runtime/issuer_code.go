package runtime

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/pkce"
	"github.com/oauthgen/oauthgen/runtime/internal/redirecturi"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Authorization code lifetimes (RFC 6749 §4.1.2: "A maximum authorization
// code lifetime of 10 minutes is RECOMMENDED").
const (
	defaultCodeTTL = 60 * time.Second
	maxCodeTTL     = 10 * time.Minute
)

// IssueCode issues an authorization code for c after the checks the server's
// IssueAuthorizationCode makes, and refuses, as server_error, a code the
// response could not carry: for another client or redirect URI than the
// request's, or for a scope the end user did not grant. An empty scope is
// the granted scope.
//
// The code is 256 random bits, stored only as its hash, bound to the
// client, redirect URI, PKCE challenge, nonce, scope and end user.
func (a *AuthorizeContext) IssueCode(ctx context.Context, c AuthorizationCode) (Secret, error) {
	if a == nil || a.server == nil {
		return "", oauth.ServerError("authorization code: the issuer is not bound to a request")
	}
	if c.ClientID != a.Client.ID {
		return "", oauth.ServerError("authorization code: client %q is not the request's", c.ClientID)
	}
	if c.RedirectURI != a.redirectRaw || c.RedirectURIProvided != a.RedirectURIProvided {
		return "", oauth.ServerError("authorization code: the redirect URI is not the request's")
	}
	if len(c.Scope) == 0 {
		c.Scope = slices.Clone(a.GrantedScope)
	}
	if !c.Scope.SubsetOf(a.GrantedScope) {
		return "", oauth.ServerError("authorization code: scope %q exceeds the granted scope", c.Scope.String())
	}
	return a.server.issueCodeFor(ctx, a.Client, c, a.Policy.CodeTTL) // the client the request identified
}

// IssueAuthorizationCode issues an authorization code outside the
// authorization endpoint, for a service that signs its users in and obtains
// their consent itself. It makes the checks of that endpoint: the client
// exists and is registered for the grant type that redeems codes; the
// redirect URI is registered, compared as an exact string (RFC 6749
// §3.1.2.3) but for the port of a loopback IP URI (RFC 8252 §7.3); the
// scope is allowed for the client (empty means its default scopes); a PKCE
// challenge is present for public clients, for clients that require PKCE
// and when the settings require it (RFC 9700 §2.1.1), uses S256 and is 43
// base64url characters; the code has an authenticated subject. A zero
// ExpiresAt means the authorization flow's CodeTTL (60 s by default); a
// lifetime over 10 minutes is refused. Hash, IssuedAt and GrantID are the
// runtime's. The code is 256 random bits, stored only as its SHA-256.
// Request errors are *oauth.Error values.
func (s *Server) IssueAuthorizationCode(ctx context.Context, c AuthorizationCode) (Secret, error) {
	ttl := defaultCodeTTL
	if s.authorize != nil {
		ttl = s.authorize.Policy.CodeTTL
	}
	if s.clients == nil {
		return "", oauth.ServerError("authorization code: the server has no client registry")
	}
	client, err := s.clients.Client(ctx, c.ClientID)
	if err != nil {
		return "", fmt.Errorf("authorization code: look up client: %w", err)
	}
	if client == nil {
		return "", oauth.NewError(oauth.ErrInvalidRequest, "unknown client")
	}
	return s.issueCodeFor(ctx, client, c, ttl)
}

// issueCodeFor is the one issuance of authorization codes, shared by
// IssueAuthorizationCode and the authorization endpoint's CodeIssuer, for
// client, the registered client c.ClientID names, with ttl when
// c.ExpiresAt is zero. The redirect URI is matched as at the authorization
// endpoint.
func (s *Server) issueCodeFor(ctx context.Context, client *Client, c AuthorizationCode, ttl time.Duration) (Secret, error) {
	if client.ID != c.ClientID {
		return "", oauth.ServerError("authorization code: client %q is not the request's %q", client.ID, c.ClientID)
	}
	if s.codeGrant == "" || !client.AllowsGrant(s.codeGrant) {
		return "", oauth.NewError(oauth.ErrUnauthorizedClient, "client may not redeem authorization codes")
	}

	redirect := c.RedirectURI
	if c.RedirectURIProvided {
		if !redirecturi.Match(client.RedirectURIs, redirect) { // exact match, RFC 9700 §4.1.3
			return "", oauth.NewError(oauth.ErrInvalidRequest, "redirect_uri is not registered")
		}
	} else {
		// RFC 6749 §3.1.2.3: without redirect_uri the client must have
		// exactly one registered URI.
		if len(client.RedirectURIs) != 1 {
			return "", oauth.NewError(oauth.ErrInvalidRequest, "redirect_uri is required")
		}
		if redirect != "" && redirect != client.RedirectURIs[0] {
			return "", oauth.NewError(oauth.ErrInvalidRequest, "redirect_uri is not registered")
		}
		redirect = client.RedirectURIs[0]
	}

	scope := c.Scope
	if len(scope) == 0 {
		scope = client.DefaultScopes // RFC 6749 §3.3
	}
	if !scope.SubsetOf(client.Scopes) {
		return "", oauth.NewError(oauth.ErrInvalidScope, "scope not allowed for the client")
	}
	if err := pkce.CheckChallenge(s.pkceRequired(client), c.CodeChallenge, c.CodeChallengeMethod); err != nil {
		return "", err
	}
	if c.Authentication.Subject == "" {
		return "", oauth.ServerError("authorization code: no authenticated subject")
	}
	now := s.clock.Now()
	exp := c.ExpiresAt
	if exp.IsZero() {
		exp = now.Add(ttl)
	}
	if !exp.After(now) || exp.Sub(now) > maxCodeTTL {
		return "", oauth.ServerError("authorization code: lifetime %v outside (0, %v]", exp.Sub(now), maxCodeTTL)
	}

	code := newSecretValue()
	rec := c
	rec.Hash = hashSecret(code)
	rec.ClientID = client.ID
	rec.RedirectURI = redirect
	rec.Scope = slices.Clone(scope)
	rec.Authentication.AMR = slices.Clone(c.Authentication.AMR)
	rec.Resources = slices.Clone(c.Resources)
	rec.IssuedAt = now
	rec.ExpiresAt = exp
	rec.GrantID = ""
	rec.Data = slices.Clone(c.Data)
	if err := s.store.SaveCode(ctx, rec); err != nil {
		return "", fmt.Errorf("save authorization code: %w", err)
	}
	return code, nil
}

// pkceRequired reports whether an authorization request of the client must
// carry a PKCE challenge: always for public clients (RFC 9700 §2.1.1), and
// for confidential ones that require it or when the settings require it of
// every client.
func (s *Server) pkceRequired(client *Client) bool {
	return client.IsPublic() || client.RequirePKCE || s.settings.RequirePKCE
}
