package runtime

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The types of OpenID Connect: ID tokens, user claims and the userinfo
// endpoint (OIDC Core §2, §5.1, §5.3).

// IDTokenClaims are the claims of an ID token (OIDC Core §2). A procedure
// edits c.Defaults.ID before it is issued.
type IDTokenClaims struct {
	Issuer    string
	Subject   string
	Audience  Audience
	ExpiresAt time.Time
	IssuedAt  time.Time
	// AuthTime is always included (OIDC Core §2 requires it with max_age).
	AuthTime time.Time
	// Nonce is the authorization request's nonce, when it had one.
	Nonce string
	ACR   string
	AMR   []string
	// AuthorizedParty is azp: the client_id.
	AuthorizedParty string
	// SessionID is sid (Back-Channel Logout 1.0).
	SessionID string
	// AtHash and CHash are set by the issuer from the tokens returned alongside (OIDC Core §3.1.3.6).
	AtHash string
	CHash  string
	// User are standard claims put in the ID token itself.
	User UserClaims
	// Extra holds the team's own claims; registered names are refused.
	Extra map[string]any
}

// Address is the address claim (OIDC Core §5.1.1).
type Address struct {
	Formatted     string `json:"formatted,omitempty"`
	StreetAddress string `json:"street_address,omitempty"`
	Locality      string `json:"locality,omitempty"`
	Region        string `json:"region,omitempty"`
	PostalCode    string `json:"postal_code,omitempty"`
	Country       string `json:"country,omitempty"`
}

// UserClaims are the standard claims of OIDC Core §5.1, typed. Empty
// members are omitted.
type UserClaims struct {
	Name                string   `json:"name,omitempty"`
	GivenName           string   `json:"given_name,omitempty"`
	FamilyName          string   `json:"family_name,omitempty"`
	MiddleName          string   `json:"middle_name,omitempty"`
	Nickname            string   `json:"nickname,omitempty"`
	PreferredUsername   string   `json:"preferred_username,omitempty"`
	Profile             string   `json:"profile,omitempty"`
	Picture             string   `json:"picture,omitempty"`
	Website             string   `json:"website,omitempty"`
	Gender              string   `json:"gender,omitempty"`
	Birthdate           string   `json:"birthdate,omitempty"`
	Zoneinfo            string   `json:"zoneinfo,omitempty"`
	Locale              string   `json:"locale,omitempty"`
	UpdatedAt           int64    `json:"updated_at,omitempty"`
	Email               string   `json:"email,omitempty"`
	EmailVerified       *bool    `json:"email_verified,omitempty"`
	PhoneNumber         string   `json:"phone_number,omitempty"`
	PhoneNumberVerified *bool    `json:"phone_number_verified,omitempty"`
	Address             *Address `json:"address,omitempty"`
}

// UserStore authenticates end users and provides their claims. It is the
// team's: MemoryUsers is an in-memory one for examples and tests.
type UserStore interface {
	// Authenticate checks a username and password. An unknown user and a
	// wrong password both give ok false after comparable work, so neither
	// can be told apart.
	Authenticate(ctx context.Context, username string, password Secret) (subject string, ok bool, err error)
	// Claims returns the claims of a subject; found is false when there is none.
	Claims(ctx context.Context, subject string) (claims UserClaims, found bool, err error)
}

// UserInfoContext holds the fields of the userinfo flow's context
// (OIDC Core §5.3). Generated contexts embed a *UserInfoContext. By the
// time a procedure sees it, the access token has been validated.
type UserInfoContext struct {
	Flow    string
	Now     time.Time
	Issuer  string
	Request *http.Request
	Log     *slog.Logger
	// AccessToken is the presented token; Token is what the server
	// remembers of it (claims, grant, client).
	AccessToken Secret
	Token       AccessTokenRecord
	// Client is the client the token was issued to.
	Client *Client
	// Subject is the token's sub; Scope its granted scope.
	Subject string
	Scope   oauth.ScopeSet
	// Defaults is the response the default procedure returns: sub and the
	// claims the scope grants (OIDC Core §5.4), from the UserStore.
	Defaults UserInfoResponse
}

// UserInfoResponse is the userinfo response (OIDC Core §5.3.2).
type UserInfoResponse struct {
	// Subject is sub: REQUIRED, and equal to the ID token's (OIDC Core §5.3.2).
	Subject string
	UserClaims
	// Extra holds the team's own claims; registered names are refused.
	Extra map[string]any
}

// Pages renders the end user's pages. The runtime sets the security headers
// (no-store, Content-Security-Policy frame-ancestors 'none',
// X-Frame-Options DENY) before it calls them; a team replaces the look
// without touching the protocol.
type Pages interface {
	Login(w http.ResponseWriter, r *http.Request, p LoginPage)
	Consent(w http.ResponseWriter, r *http.Request, p ConsentPage)
	Error(w http.ResponseWriter, r *http.Request, p ErrorPage)
	// Logout renders the end-session endpoint's pages: the confirmation
	// of a logout a relying party could not prove it asked for, and the
	// page of a finished logout (LogoutPage.SignedOut).
	Logout(w http.ResponseWriter, r *http.Request, p LogoutPage)
	// Device renders the device verification page (RFC 8628 §3.3): the
	// form for the user code, and the result of the end user's decision.
	Device(w http.ResponseWriter, r *http.Request, p DevicePage)
}

// LogoutPage is what the end-session endpoint shows (OpenID Connect
// RP-Initiated Logout 1.0 §2, §6): either a form asking the end user to
// confirm the logout, posted back with its hidden fields, or, when
// SignedOut, that the logout is done.
type LogoutPage struct {
	// Action is the URL the form posts to; Interaction and CSRF are hidden
	// fields. All empty when SignedOut.
	Action      string
	Interaction string
	CSRF        string
	// ClientName is the relying party that asked, when it is known.
	ClientName string
	// SignedOut says the logout is done.
	SignedOut bool
	UILocales []string
}

// DevicePage is what the device verification page shows (RFC 8628 §3.3):
// the form where the end user enters the user code their device shows,
// or, once they have approved or denied it on the consent page, the
// result, which tells them to return to their device.
type DevicePage struct {
	// Action is the URL the form posts to; Interaction and CSRF are
	// hidden fields; the code is posted as user_code.
	Action      string
	Interaction string
	CSRF        string
	// UserCode pre-fills the form: the code of verification_uri_complete,
	// which the end user must still confirm (RFC 8628 §5.4), or the last
	// attempt.
	UserCode string
	// Error is shown above the form, e.g. after a wrong code.
	Error string
	// Done is set once the end user has decided; Approved says how, and
	// ClientName names the device's client.
	Done       bool
	Approved   bool
	ClientName string
	UILocales  []string
}

// LoginPage is what the login page shows and posts back.
type LoginPage struct {
	// Action is the URL the form posts to; Interaction and CSRF are hidden fields.
	Action      string
	Interaction string
	CSRF        string
	ClientName  string
	// Username pre-fills the form (login_hint, or the last attempt).
	Username string
	// Error is shown above the form, e.g. after a failed attempt.
	Error     string
	UILocales []string
}

// ConsentPage is what the consent page shows and posts back.
type ConsentPage struct {
	Action      string
	Interaction string
	CSRF        string
	ClientName  string
	// Scopes are the requested scopes with the spec's descriptions.
	Scopes []ScopeInfo
	// Username is who is signed in.
	Username  string
	UILocales []string
}

// ErrorPage is an error shown to the end user instead of a redirect
// (RFC 6749 §4.1.2.1: unknown client, bad redirect URI). It carries no
// link back: the request named no client or redirect URI the runtime
// could trust, so the runtime's page offers the browser's history
// ("Go back", the one script its Content-Security-Policy admits).
type ErrorPage struct {
	Status  int
	Title   string
	Message string
}
