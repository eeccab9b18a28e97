package runtime

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The types of the authorization endpoint (RFC 6749 §3.1, §4.1). The
// endpoint itself is authorize_endpoint.go.

// AuthorizeContext holds the fields every authorization flow's context has.
// Generated contexts embed a *AuthorizeContext. By the time a procedure
// sees it, the client is identified, the redirect URI matched exactly, the
// request validated, PKCE checked, the end user authenticated and consent
// given.
type AuthorizeContext struct {
	// Flow is the flow type id, oauth-authorize-authorization-code.
	Flow string
	// Now is the request instant.
	Now time.Time
	// Issuer is the exact issuer identifier; the response carries it as iss (RFC 9207).
	Issuer string
	// Client is the identified client. Never nil.
	Client *Client
	// Policy is the flow's token settings; CodeTTL is the code's lifetime.
	Policy TokenPolicy
	// Request is the raw request, read-only.
	Request *http.Request
	// Log is tagged with the flow and client_id.
	Log *slog.Logger

	// ClientID is client_id.
	ClientID string
	// RedirectURI is the redirect URI the response goes to, matched exactly.
	RedirectURI *url.URL
	// RedirectURIProvided is whether redirect_uri was sent (RFC 6749 §4.1.3).
	RedirectURIProvided bool
	// ResponseType is response_type ("code").
	ResponseType string
	// ResponseMode is query or form_post.
	ResponseMode oauth.ResponseMode
	// State is echoed exactly (RFC 6749 §4.1.2).
	State string
	// Nonce is the OpenID Connect nonce; it reappears in the ID token.
	Nonce string
	// RequestedScope is scope; GrantedScope is requested ∩ allowed ∩ consented.
	RequestedScope oauth.ScopeSet
	GrantedScope   oauth.ScopeSet
	// Prompt is prompt (OIDC Core §3.1.2.1).
	Prompt oauth.PromptSet
	// MaxAge is max_age; nil when absent.
	MaxAge *time.Duration
	// LoginHint and UILocales are passed through to the pages.
	LoginHint string
	UILocales []string
	// CodeChallenge and CodeChallengeMethod are the PKCE challenge (RFC 7636 §4.3).
	CodeChallenge       string
	CodeChallengeMethod string
	// Resources are the resource parameters (RFC 8707 §2).
	Resources []string
	// Authentication is the authenticated end user.
	Authentication Authentication
	// Code is the authorization code the default procedure issues: bound to
	// the client, the redirect URI, the PKCE challenge, the nonce, the
	// granted scope, the resources and the end user, expiring after
	// Policy.CodeTTL. The procedure may change it before calling Default;
	// generated code stores the flow's typed CodeData in Code.Data.
	Code AuthorizationCode

	params form.Params
	server *Server
	// redirectRaw is the redirect URI exactly as matched: codes are bound
	// to it (RFC 6749 §4.1.3).
	redirectRaw string
}

// Param returns a request parameter (query for GET, form for POST), or ""
// when it was omitted or empty.
func (a *AuthorizeContext) Param(name string) string { return a.params.Get(name) }

// AuthorizeResponse is a successful authorization response. The runtime
// adds state and iss (RFC 9207 §2) and delivers it in the response mode.
type AuthorizeResponse struct {
	// Code is the authorization code.
	Code Secret
}

// Default is the default procedure of the authorization flow: it issues
// a.Code with IssueCode and returns it; the runtime adds state and iss to
// the response.
func (a *AuthorizeContext) Default(ctx context.Context) (*AuthorizeResponse, error) {
	code, err := a.IssueCode(ctx, a.Code)
	if err != nil {
		return nil, err
	}
	return &AuthorizeResponse{Code: code}, nil
}
