package runtime

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TokenFlow is implemented by the generated code of each token flow. Token
// parses the flow's parameters into its typed context, validates it, runs the
// flow's runtime checks and calls the team's procedure. Everything before it
// (method, content type, form parsing, client authentication, grant and scope
// checks) and after it (response checks, JSON, headers) is the endpoint's.
type TokenFlow interface {
	Token(ctx context.Context, t *TokenContext) (*TokenResponse, error)
}

// TokenContext holds the fields every token flow's context has
// (flows.md §3.1, §3.2). Generated contexts embed a *TokenContext.
type TokenContext struct {
	// Flow is the flow type id.
	Flow FlowID
	// Now is the request instant, read once from the server's Clock.
	Now time.Time
	// Issuer is the exact issuer identifier.
	Issuer string
	// Client is the authenticated (or, for public clients, identified) client. Never nil.
	Client *Client
	// ClientAuth records how the client proved its identity.
	ClientAuth oauth.ClientAuthMethod
	// Policy is the flow's token settings.
	Policy TokenPolicy
	// Defaults is the default token data for this flow; the procedure may change it.
	Defaults DefaultData
	// Issuers issue grants and tokens.
	Issuers Issuers
	// Request is the raw request, read-only; its body has already been read.
	Request *http.Request
	// Log is tagged with the flow and client_id. It never logs a Secret.
	Log *slog.Logger
	// GrantType is the grant_type parameter.
	GrantType oauth.GrantType
	// RequestedScope is the scope parameter; empty when omitted.
	RequestedScope oauth.ScopeSet
	// GrantedScope is the scope the tokens will carry.
	GrantedScope oauth.ScopeSet

	form   form.Params
	server *Server
	// codeHash is the hash of the authorization code being redeemed; the
	// grant issuer records its grant on that code.
	codeHash []byte
	// issuedAccess is the last access token Issuers.Access issued in this
	// request; the endpoint derives expires_in from it.
	issuedAccess IssuedToken
	// issuedID is the last ID token Issuers.ID issued in this request,
	// with its at_hash; the endpoint checks the response against it.
	issuedID issuedIDToken
}

// issuedIDToken is an ID token the issuer signed and its at_hash claim.
type issuedIDToken struct {
	token  string
	atHash string
}

// Param returns the value of a form parameter, or "" when it was omitted or
// empty (RFC 6749 §3.1: an empty parameter is treated as omitted). Repeated
// parameters never reach here: the endpoint refuses them.
func (t *TokenContext) Param(name string) string { return t.form.Get(name) }

// Header returns the value of a request header, for header-sourced
// properties: "" when absent. A header sent more than once is
// invalid_request, like a repeated parameter (RFC 6749 §3.2).
func (t *TokenContext) Header(name string) (string, error) {
	vs := t.Request.Header.Values(name)
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		return vs[0], nil
	default:
		return "", oauth.NewError(oauth.ErrInvalidRequest, "header '"+oauth.SafeText(name)+"' is repeated")
	}
}

// noteAccess remembers an access token Issuers.Access issued, so that the
// endpoint can derive expires_in from its expiry.
func (t *TokenContext) noteAccess(tok IssuedToken) { t.issuedAccess = tok }
