package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/pkce"
	"github.com/oauthgen/oauthgen/runtime/internal/redirecturi"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Authorization code lifetimes (RFC 6749 §4.1.2: "A maximum authorization
// code lifetime of 10 minutes is RECOMMENDED"; security.md S-10).
const (
	defaultCodeTTL = 60 * time.Second
	maxCodeTTL     = 10 * time.Minute
)

// AuthorizationCodeRequest is what an authorization code is issued for: the
// outcome of an authorization request that the end user approved.
type AuthorizationCodeRequest struct {
	// ClientID is the client the code is issued to.
	ClientID string
	// RedirectURI is the redirect_uri of the request, or the client's only
	// registered URI when RedirectURIProvided is false.
	RedirectURI string
	// RedirectURIProvided is whether the request carried redirect_uri; the
	// token request must then repeat it (RFC 6749 §4.1.3).
	RedirectURIProvided bool
	// Scope is the granted scope; empty means the client's default scopes.
	Scope oauth.ScopeSet
	// Authentication is the end user's authentication.
	Authentication Authentication
	// Nonce is the OpenID Connect nonce.
	Nonce string
	// CodeChallenge and CodeChallengeMethod are the PKCE challenge (RFC 7636 §4.3).
	CodeChallenge       string
	CodeChallengeMethod string
	// Resources are the resource indicators of the request (RFC 8707 §2).
	Resources []string
	// TTL is the code's lifetime: 0 means the authorization_code flow's
	// CodeTTL, else 60 s; more than 10 minutes is refused.
	TTL time.Duration
	// Data is the team's carry-over data, JSON-encoded.
	Data json.RawMessage
}

// IssueAuthorizationCode issues an authorization code for req after the
// checks of flows.md §5.1: the client exists and may use the
// authorization_code grant; the redirect URI is registered, compared as an
// exact string (RFC 6749 §3.1.2.3) but for the port of a loopback IP URI
// (RFC 8252 §7.3); the scope is allowed for the client; a PKCE challenge is
// present for public clients, for clients that require PKCE and when the
// settings require it (RFC 9700 §2.1.1), uses S256 (security.md S-02) and
// is 43 base64url characters. The code is 256 random bits, stored only as
// its SHA-256 (security.md S-35, S-36). Request errors are *oauth.Error values.
func (s *Server) IssueAuthorizationCode(ctx context.Context, req AuthorizationCodeRequest) (Secret, error) {
	ttl := defaultCodeTTL
	if f := s.flows[oauth.GrantAuthorizationCode]; f != nil && f.Policy.CodeTTL > 0 {
		ttl = f.Policy.CodeTTL
	}
	return s.issueCode(ctx, req, ttl)
}

// issueCode looks up the client of req and issues its code (issueCodeFor).
func (s *Server) issueCode(ctx context.Context, req AuthorizationCodeRequest, defaultTTL time.Duration) (Secret, error) {
	if s.clients == nil {
		return "", issuerFault("authorization code: the server has no client registry")
	}
	client, err := s.clients.Client(ctx, req.ClientID)
	if err != nil {
		return "", fmt.Errorf("authorization code: look up client: %w", err)
	}
	if client == nil {
		return "", oauth.NewError(oauth.ErrInvalidRequest, "unknown client")
	}
	return s.issueCodeFor(ctx, client, req, defaultTTL)
}

// issueCodeFor is the one issuance of authorization codes, shared by
// IssueAuthorizationCode and the authorization endpoint's CodeIssuer, for
// client, the registered client req.ClientID names. A zero req.TTL means
// defaultTTL. The redirect URI is matched as at the authorization
// endpoint: exactly, with the loopback port variance of RFC 8252 §7.3
// (matchRedirectURI). PKCE is required of public clients, of clients that
// require it, and of every client when the settings require it
// (Settings.RequirePKCE).
func (s *Server) issueCodeFor(ctx context.Context, client *Client, req AuthorizationCodeRequest, defaultTTL time.Duration) (Secret, error) {
	if client.ID != req.ClientID {
		return "", issuerFault("authorization code: client %q is not the request's %q", client.ID, req.ClientID)
	}
	if !client.AllowsGrant(oauth.GrantAuthorizationCode) {
		return "", oauth.NewError(oauth.ErrUnauthorizedClient, "client may not use the authorization code grant")
	}

	redirect := req.RedirectURI
	if req.RedirectURIProvided {
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

	scope := req.Scope
	if len(scope) == 0 {
		scope = client.DefaultScopes // RFC 6749 §3.3
	}
	if !scope.SubsetOf(client.Scopes) {
		return "", oauth.NewError(oauth.ErrInvalidScope, "scope not allowed for the client")
	}

	if err := pkce.CheckChallenge(s.pkceRequired(client), req.CodeChallenge, req.CodeChallengeMethod); err != nil {
		return "", err
	}

	ttl := req.TTL
	if ttl == 0 {
		ttl = defaultTTL
	}
	if ttl < 0 || ttl > maxCodeTTL {
		return "", issuerFault("authorization code: TTL %v outside (0, %v]", ttl, maxCodeTTL)
	}
	if req.Authentication.Subject == "" {
		return "", issuerFault("authorization code: no authenticated subject")
	}

	now := s.clock.Now()
	code := newSecretValue()
	rec := AuthorizationCode{
		Hash:                hashSecret(code),
		ClientID:            client.ID,
		RedirectURI:         redirect,
		RedirectURIProvided: req.RedirectURIProvided,
		Scope:               slices.Clone(scope),
		Authentication:      req.Authentication,
		Nonce:               req.Nonce,
		CodeChallenge:       req.CodeChallenge,
		CodeChallengeMethod: req.CodeChallengeMethod,
		Resources:           slices.Clone(req.Resources),
		IssuedAt:            now,
		ExpiresAt:           now.Add(ttl),
		Data:                slices.Clone(req.Data),
	}
	rec.Authentication.AMR = slices.Clone(req.Authentication.AMR)
	if err := s.store.SaveCode(ctx, rec); err != nil {
		return "", fmt.Errorf("save authorization code: %w", err)
	}
	return code, nil
}

// pkceRequired reports whether an authorization request of the client must
// carry a PKCE challenge: always for public clients (RFC 9700 §2.1.1,
// security.md S-01), and for confidential ones that require it or when the
// settings require it of every client (flows.md §5.1 rule 2).
func (s *Server) pkceRequired(client *Client) bool {
	return client.IsPublic() || client.RequirePKCE || s.settings.RequirePKCE
}
