package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/internal/pkce"
	"github.com/oauthgen/oauthgen/runtime/internal/redirecturi"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Parsing and validation of an authorization request (RFC 6749 §4.1.1;
// OIDC Core §3.1.2.1). Two phases, because they fail differently:
// identifying the client and its redirect URI fails with an error page and
// never redirects (RFC 6749 §4.1.2.1); everything after that goes back to
// the redirect URI.

// authorizeRequest is a parsed authorization request. It is immutable once
// checkAuthorizeRequest has passed.
type authorizeRequest struct {
	params form.Params
	client *Client
	// pushed is whether the parameters were pushed (RFC 9126) and arrived
	// by their request_uri.
	pushed bool
	// log is the server's logger tagged with the flow and client_id.
	log *slog.Logger

	// redirectRaw is the redirect URI the response goes to, exactly as
	// sent (or the client's only registered one); redirect is it parsed.
	redirectRaw      string
	redirect         *url.URL
	redirectProvided bool
	// mode is how responses, errors included, are delivered.
	mode oauth.ResponseMode
	// state is echoed exactly when sent (RFC 6749 §4.1.2).
	state string

	responseType string
	// requested is scope as sent; granted is what the response grants:
	// requested, or the client's default scopes when scope was omitted.
	requested, granted oauth.ScopeSet

	nonce     string
	prompt    oauth.PromptSet
	maxAge    *time.Duration
	loginHint string
	uiLocales []string
	challenge string
	method    string
	resources []string
}

// pageError is an error the end user sees as a page, because there is no
// redirect URI to send it to, or because it concerns their own form.
type pageError struct {
	status  int
	title   string
	message string
	cause   error
}

// pageErr builds a pageError with the cause err (nil allowed).
func pageErr(status int, title, message string, cause error) *pageError {
	return &pageError{status: status, title: title, message: message, cause: cause}
}

// unavailablePage is the page of a request whose state the store could not
// read or write, before the server knows where to redirect (503, the
// status of temporarily_unavailable; RFC 6749 §4.1.2.1).
func unavailablePage(cause error) *pageError {
	return pageErr(http.StatusServiceUnavailable, "Sign-in is temporarily unavailable",
		"The server cannot complete the sign-in right now. Try again in a moment.", cause)
}

// badRequestPage is the page of a request the server cannot redirect.
func badRequestPage(message string, cause error) *pageError {
	return pageErr(http.StatusBadRequest, "This sign-in request is invalid", message, cause)
}

// authorizeParams reads the request's parameters: the query of a GET, the
// form body of a POST (RFC 6749 §3.1). A malformed query or body is an
// error page: nothing in it can be trusted to redirect to. Repeated
// parameters are returned, not refused: the caller answers them once it
// knows where to.
func (s *Server) authorizeParams(w http.ResponseWriter, r *http.Request) (form.Params, []string, *pageError) {
	raw := r.URL.RawQuery
	if r.Method == http.MethodPost {
		if !form.IsFormContentType(r.Header.Get("Content-Type")) {
			return form.Params{}, nil, badRequestPage("The request must be a form.", nil)
		}
		body, e := form.ReadBody(w, r, s.settings.MaxBodyBytes)
		if e != nil {
			return form.Params{}, nil, badRequestPage("The request could not be read.", e)
		}
		raw = body
	}
	p, e := form.Split(raw)
	if e != nil {
		return form.Params{}, nil, badRequestPage("The request is malformed.", e)
	}
	if p.Size() > maxAuthorizeParamBytes {
		return form.Params{}, nil, badRequestPage("The request is too large.", nil)
	}
	return p, p.RepeatedNames(), nil
}

// maxAuthorizeParamBytes bounds the parameters of an authorization request,
// which wait on the server while the end user signs in: with at most
// maxInteractions of them, the pending requests of a server stay under
// 128 MiB however they are sent.
const maxAuthorizeParamBytes = 8 << 10

// The messages of the pages of a redirect URI the endpoint cannot use; the
// pushed authorization request endpoint answers them in its own words.
const (
	pageRedirectMissing      = "The request does not say where to return to."
	pageRedirectMalformed    = "The return address of the request is malformed."
	pageRedirectUnregistered = "The return address of the request is not registered for this application."
)

// identifyAuthorizeClient identifies the client and its redirect URI. A
// missing, repeated or unknown client_id, and a redirect URI that is missing
// where required, repeated, malformed or not registered, is an error page
// (RFC 6749 §4.1.2.1). It also settles how errors are delivered from then
// on: the response mode (query unless form_post was asked for once) and
// state (unless repeated).
func (s *Server) identifyAuthorizeClient(ctx context.Context, p form.Params, repeated []string) (*authorizeRequest, *pageError) {
	if slices.Contains(repeated, "client_id") {
		return nil, badRequestPage("The request names its application more than once.", nil)
	}
	id := p.Get("client_id")
	if id == "" {
		return nil, badRequestPage("The request does not name the application that sent it.", nil)
	}
	client, err := s.clients.Client(ctx, id)
	if err != nil {
		return nil, pageErr(http.StatusInternalServerError, "Something went wrong",
			"The sign-in service cannot handle this request right now. Try again later.", fmt.Errorf("look up client: %w", err))
	}
	if client == nil {
		return nil, badRequestPage("The application that sent you here is not registered.", nil)
	}

	if slices.Contains(repeated, "redirect_uri") {
		return nil, badRequestPage("The request names its return address more than once.", nil)
	}
	raw := p.Get("redirect_uri")
	provided := raw != ""
	if !provided {
		if s.settings.OpenID() && scopeParamHas(p, "openid") {
			// OIDC Core §3.1.2.1: redirect_uri is REQUIRED.
			return nil, badRequestPage(pageRedirectMissing, nil)
		}
		if len(client.RedirectURIs) != 1 { // RFC 6749 §3.1.2.3
			return nil, badRequestPage(pageRedirectMissing, nil)
		}
		raw = client.RedirectURIs[0]
	}
	u, ok := redirecturi.WellFormed(raw)
	if !ok {
		return nil, badRequestPage(pageRedirectMalformed, nil)
	}
	if provided && !redirecturi.Match(client.RedirectURIs, raw) {
		return nil, badRequestPage(pageRedirectUnregistered, nil)
	}

	ar := &authorizeRequest{params: p, client: client, log: s.requestLogger(s.authorize.ID, client.ID),
		redirectRaw: raw, redirect: u, redirectProvided: provided, mode: oauth.ResponseModeQuery}
	if !slices.Contains(repeated, "response_mode") && p.Get("response_mode") == string(oauth.ResponseModeFormPost) {
		ar.mode = oauth.ResponseModeFormPost
	}
	if !slices.Contains(repeated, "state") {
		ar.state = p.Get("state")
	}
	return ar, nil
}

// scopeParamHas reports whether the scope parameter holds tok.
func scopeParamHas(p form.Params, tok string) bool {
	for _, t := range strings.Split(p.Get("scope"), " ") {
		if t == tok {
			return true
		}
	}
	return false
}

// checkAuthorizeRequest checks everything after the client and its redirect
// URI: repeated parameters, request objects, pushed requests where they
// are required, response_type, response_mode,
// scope, resource, PKCE, prompt and max_age. Its errors go back to the
// redirect URI (RFC 6749 §4.1.2.1).
//
// prompt, max_age and login_hint are honoured for every request, OpenID
// Connect or not: forcing a login is never less safe.
// prompt=select_account shows the login page, where the end user signs in
// with the account they choose: a browser has one session, so choosing an
// account is signing in to it.
func (s *Server) checkAuthorizeRequest(ar *authorizeRequest, repeated []string) *oauth.Error {
	p, client := ar.params, ar.client
	if len(repeated) > 0 {
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter '"+oauth.SafeText(repeated[0])+"' is repeated") // RFC 6749 §3.1
	}
	// Request objects are not supported (OIDC Core §6.1, §6.2; RFC 9101).
	if p.Has("request") {
		return oauth.NewError(oauth.ErrRequestNotSupported, "request objects are not supported")
	}
	if p.Has("request_uri") {
		return oauth.NewError(oauth.ErrRequestURINotSupported, "request_uri is not supported")
	}
	// A server or client that requires pushed requests refuses the others
	// (RFC 9126 §4, §5, §6).
	if !ar.pushed && (s.settings.RequirePushedAuthorizationRequests || client.RequirePushedAuthorizationRequests) {
		return oauth.NewError(oauth.ErrInvalidRequest, "authorization requests of this client must be pushed to the pushed authorization request endpoint (RFC 9126)")
	}

	// response_type (RFC 6749 §3.1.1, §4.1.2.1).
	ar.responseType = p.Get("response_type")
	switch {
	case ar.responseType == "":
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'response_type' is missing")
	case ar.responseType != "code":
		return oauth.NewError(oauth.ErrUnsupportedResponseType, "response_type must be 'code'")
	case !client.AllowsGrant(s.codeGrant):
		return oauth.NewError(oauth.ErrUnauthorizedClient, "client is not registered for the authorization code grant")
	}

	// response_mode. fragment is refused for code: it exists for tokens
	// returned to scripts in the page (implicit, hybrid), a code in a
	// fragment reaches the client only through script, and the metadata
	// advertises exactly query and form_post.
	switch m := p.Get("response_mode"); m {
	case "", string(oauth.ResponseModeQuery), string(oauth.ResponseModeFormPost):
	case "fragment":
		return oauth.NewError(oauth.ErrInvalidRequest, "response_mode 'fragment' is not supported with response_type 'code'; use query or form_post")
	default:
		return oauth.NewError(oauth.ErrInvalidRequest, "response_mode must be 'query' or 'form_post'")
	}

	// scope (RFC 6749 §3.3): well formed, allowed for the client; omitted
	// means the client's default scopes, and none is invalid_scope.
	requested, ok := oauth.ParseScope(p.Get("scope"))
	if !ok {
		return oauth.NewError(oauth.ErrInvalidScope, "malformed scope")
	}
	if extra := requested.Without(client.Scopes); len(extra) > 0 {
		return oauth.NewError(oauth.ErrInvalidScope, "scope '"+extra.String()+"' is not allowed for this client")
	}
	ar.requested, ar.granted = requested, requested
	if len(ar.granted) == 0 {
		ar.granted = slices.Clone(client.DefaultScopes)
	}
	if len(ar.granted) == 0 {
		return oauth.NewError(oauth.ErrInvalidScope, "scope is required: the client has no default scope")
	}
	ar.nonce = p.Get("nonce")

	// resource (RFC 8707 §2): among the client's registered audiences.
	resources, e := resourceParams(p, client.Audiences, "is not allowed for this client")
	if e != nil {
		return e
	}
	ar.resources = resources

	// PKCE (RFC 7636 §4.3, §4.4.1; RFC 9700 §2.1.1).
	ar.challenge, ar.method = p.Get("code_challenge"), p.Get("code_challenge_method")
	if e := pkce.CheckChallenge(s.pkceRequired(client), ar.challenge, ar.method); e != nil {
		return e
	}

	// prompt (OIDC Core §3.1.2.1): known values; none stands alone.
	for _, v := range strings.Fields(p.Get("prompt")) {
		switch v {
		case oauth.PromptNone, oauth.PromptLogin, oauth.PromptConsent, oauth.PromptSelectAccount:
		default:
			return oauth.NewError(oauth.ErrInvalidRequest, "prompt '"+oauth.SafeText(v)+"' is not supported")
		}
		if !ar.prompt.Has(v) {
			ar.prompt = append(ar.prompt, v)
		}
	}
	if ar.prompt.Has(oauth.PromptNone) && len(ar.prompt) > 1 {
		return oauth.NewError(oauth.ErrInvalidRequest, "prompt 'none' cannot be combined with other values")
	}
	// max_age: a non-negative number of seconds (OIDC Core §3.1.2.1).
	if v := p.Get("max_age"); v != "" {
		n, err := strconv.ParseUint(v, 10, 31)
		if err != nil {
			return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'max_age' must be a non-negative integer")
		}
		d := time.Duration(n) * time.Second
		ar.maxAge = &d
	}
	ar.loginHint = p.Get("login_hint")
	ar.uiLocales = strings.Fields(p.Get("ui_locales"))
	return nil
}
