package runtime

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TokenContext holds the fields every token flow's context has. Generated
// contexts embed a *TokenContext. By the time a procedure sees it, the
// client is authenticated, the grant type, scope and resources checked
// against the flow's policy, and the grant's credential (a code, a refresh
// token) redeemed.
type TokenContext struct {
	// Flow is the flow type id.
	Flow string
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
	// Resources are the resource parameters (RFC 8707 §2), checked against
	// what the client or the redeemed grant allows; empty when omitted.
	Resources []string

	// Code is the authorization code the request redeemed, consumed and
	// checked; nil unless the flow redeems codes.
	Code *AuthorizationCode
	// RefreshToken is the refresh token the request presented, checked
	// and, with rotation, rotated; nil unless the flow redeems refresh
	// tokens.
	RefreshToken *RefreshTokenRecord
	// Grant is the existing grant the request continues: the refresh
	// token's. Nil when the flow creates a grant.
	Grant *Grant
	// Authentication is the end user's authentication behind the tokens:
	// the code's, the grant's, or the password grant's (the user the
	// password authenticated, now, by pwd). Zero when no end user
	// authorized them yet.
	Authentication Authentication
	// Assertion is the JWT bearer assertion the request presented
	// (RFC 7523 §2.1), verified and used; nil unless the flow's credential
	// is an assertion. Its subject is Authentication's.
	Assertion *AssertionClaims
	// Subject is the subject token of a token exchange (RFC 8693 §2.1) as
	// the runtime validated it by subject_token_type; nil when the flow's
	// credential is not a subject token, or when the runtime could not
	// validate it (another issuer's token, a type it does not read, an
	// invalid token): the default procedure then refuses the request, and
	// a team's procedure may validate c.Param("subject_token") itself.
	Subject *ValidatedToken
	// Actor is the actor token of a token exchange (RFC 8693 §2.1), as
	// Subject; nil when the request has none or the runtime could not
	// validate it. When both are validated and the subject token has a
	// may_act claim, it names the actor (RFC 8693 §4.4).
	Actor *ValidatedToken
	// RequestedTokenType is the requested_token_type of a token exchange
	// (RFC 8693 §2.1), a well-formed token type URI; empty when omitted,
	// which asks for an access token.
	RequestedTokenType oauth.TokenType
	// RequestedAudience are the audience parameters of a token exchange (RFC 8693
	// §2.1), each one of the client's registered audiences; empty when
	// omitted. With Resources they are the issued token's audience.
	RequestedAudience []string

	form   form.Params
	server *Server
	// grant is the flow's policy.
	grant flowkit.GrantPolicy
	// presented is the refresh token value of the request; a refresh
	// without rotation returns it unchanged.
	presented Secret
	// codeHash is the hash of the authorization code being redeemed; the
	// grant issuer records its grant on that code.
	codeHash []byte
	// issuedAccess is the last access token Issuers.Access issued in this
	// request; the endpoint derives expires_in from it.
	issuedAccess IssuedToken
	// issuedID is the last ID token Issuers.ID issued in this request,
	// with its at_hash; the endpoint checks the response against it.
	issuedID issuedIDToken
	// retryAfter is set when the login throttle refused the request's
	// password: the answer is then 429 with Retry-After (RFC 6585 §4).
	retryAfter time.Duration
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
	return requestHeader(t.Request, name)
}

// requestHeader returns the one value of a request header, "" when absent;
// a repeated header is invalid_request.
func requestHeader(r *http.Request, name string) (string, error) {
	vs := r.Header.Values(name)
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
