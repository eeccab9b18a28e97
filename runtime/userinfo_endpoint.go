package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/oauthgen/oauthgen/runtime/internal/bearer"
	"github.com/oauthgen/oauthgen/runtime/internal/jsonx"
	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The userinfo endpoint (OIDC Core §5.3): the unit, then its pipeline,
// read top to bottom: the bearer token (RFC 6750 §2), its validation, the
// openid scope, the user, the flow, the response.

// userInfoEndpointID is the userinfo endpoint's id.
const userInfoEndpointID = "oauth-userinfo"

// userInfoEndpoint returns claims about the end user to the holder of an
// access token. Callers present a bearer token.
type userInfoEndpoint struct{ unit }

func newUserInfoEndpoint(s *Server) *userInfoEndpoint {
	return &userInfoEndpoint{s.newUnit(userInfoEndpointID, "/oauth2/userinfo", callerBearer)}
}

// routes: GET and POST (OIDC Core §5.3.1).
func (e *userInfoEndpoint) routes() []route {
	return []route{{path: e.path, methods: []string{http.MethodGet, http.MethodPost}, serve: e.s.serveUserInfo, refuse: e.s.refuseUserInfo}}
}

// advertise sets userinfo_endpoint (OIDC Discovery §3), on a server that
// speaks OpenID Connect.
func (e *userInfoEndpoint) advertise(md *Metadata) {
	if e.s.settings.OpenID() {
		md.UserInfoEndpoint = e.url()
	}
}

// refuseUserInfo answers a request that is neither GET nor POST.
func (s *Server) refuseUserInfo(w http.ResponseWriter, r *http.Request) {
	q := userInfoRequest{s: s, w: w}
	q.fail(r.Context(), http.StatusMethodNotAllowed, oauth.NewError(oauth.ErrInvalidRequest, "the userinfo endpoint accepts GET and POST only"))
}

// serveUserInfo handles one userinfo request.
func (s *Server) serveUserInfo(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.clock.Now()
	q := userInfoRequest{s: s, w: w}

	// 1. A GET or POST (the router's) with a bearer token (RFC 6750 §2).
	raw, e := bearer.FromRequest(w, r, s.settings.MaxBodyBytes)
	token := Secret(raw)
	if e != nil {
		q.fail(ctx, 0, e)
		return
	}
	if token == "" {
		q.challengeOnly() // RFC 6750 §3.1: no error code without a token
		return
	}

	// 2. An active access token of this server: not a refresh token, not an
	// ID token, not expired, not revoked (RFC 6750 §3.1; RFC 8725 §3.11).
	rec, grant, active, err := s.accessTokenActiveAt(ctx, token, now)
	if err != nil {
		q.fail(ctx, 0, oauth.AsError(fmt.Errorf("userinfo: %w", err)))
		return
	}
	if !active || rec.Claims.Subject == "" {
		q.fail(ctx, 0, oauth.NewError(oauth.ErrInvalidToken, "the access token is invalid, expired or revoked"))
		return
	}
	q.log = s.requestLogger(s.userinfo.ID, rec.ClientID)
	// The token must be about an end user who signed in: its grant records
	// their authentication, with the token's subject (OIDC Core §5.3). A
	// grant without one (client_credentials, whose sub is a client_id)
	// never reaches a user's claims, whatever its sub (RFC 9068 §5).
	if a := grant.Authentication; a.Subject == "" || a.Subject != rec.Claims.Subject || grant.Subject != a.Subject {
		q.fail(ctx, 0, oauth.NewError(oauth.ErrInvalidToken, "the access token was not issued to an end user").
			WithCause(errors.New("the token's grant has no authenticated end user")))
		return
	}
	// The token must be meant for this server: its audience names the
	// issuer, the resource the userinfo endpoint belongs to (RFC 8707 §2;
	// RFC 9068 §4). A token restricted to another resource is refused.
	if !s.userInfoAudience(rec.Claims.Audience) {
		q.fail(ctx, 0, oauth.NewError(oauth.ErrInvalidToken, "the access token is not meant for the userinfo endpoint").
			WithCause(fmt.Errorf("aud %q names neither the issuer nor the userinfo endpoint", []string(rec.Claims.Audience))))
		return
	}

	// 3. The openid scope (OIDC Core §5.3).
	scope := rec.Claims.Scope
	if !scope.Contains(oauth.ScopeOpenID) {
		q.fail(ctx, 0, oauth.NewError(oauth.ErrInsufficientScope, "the access token lacks the openid scope"))
		return
	}

	// 4. The client and the user still exist.
	client, err := s.clients.Client(ctx, rec.ClientID)
	if err != nil {
		q.fail(ctx, 0, oauth.AsError(fmt.Errorf("userinfo: look up client: %w", err)))
		return
	}
	if client == nil {
		q.fail(ctx, 0, oauth.NewError(oauth.ErrInvalidToken, "the access token is invalid, expired or revoked").
			WithCause(errors.New("the client no longer exists")))
		return
	}
	sub := rec.Claims.Subject
	claims, found, err := s.users.Claims(ctx, sub)
	if err != nil {
		q.fail(ctx, 0, oauth.AsError(fmt.Errorf("userinfo: look up user claims: %w", err)))
		return
	}
	if !found {
		q.fail(ctx, 0, oauth.NewError(oauth.ErrInvalidToken, "the access token is invalid, expired or revoked").
			WithCause(errors.New("the user no longer exists")))
		return
	}

	// 5. The flow and its procedure; panics are recovered.
	u := &UserInfoContext{
		Flow:        s.userinfo.ID,
		Now:         now,
		Issuer:      s.settings.Issuer,
		Request:     r,
		Log:         q.logger(),
		AccessToken: token,
		Token:       rec,
		Client:      client,
		Subject:     sub,
		Scope:       slices.Clone(scope),
		Defaults:    UserInfoResponse{Subject: sub, UserClaims: claimsByScope(claims, scope)},
	}
	call, err := prepareFlow(ctx, u.Log, "userinfo", s.userinfo.Flow.Prepare, u)
	var resp *UserInfoResponse
	if err == nil {
		resp, err = callFlow(ctx, u.Log, "userinfo", call)
	}
	if err != nil {
		q.fail(ctx, 0, err)
		return
	}

	// 6. The response: sub is the token's (OIDC Core §5.3.2), no-store.
	if resp.Subject != sub {
		q.fail(ctx, 0, oauth.NewError(oauth.ErrServerError, "").WithCause(
			fmt.Errorf("userinfo response sub %q is not the token's %q (OIDC Core §5.3.2)", resp.Subject, sub)))
		return
	}
	body, err := encodeUserInfo(resp)
	if err != nil {
		q.fail(ctx, 0, oauth.NewError(oauth.ErrServerError, "").WithCause(err))
		return
	}
	reply.JSON(w, http.StatusOK, body)
}

// userInfoAudience reports whether an access token's audience lets it be
// used at the userinfo endpoint: it names the issuer, the server's own
// resource indicator, or the userinfo endpoint's URL.
func (s *Server) userInfoAudience(aud Audience) bool {
	url := s.origin() + s.settings.Paths[userInfoEndpointID]
	return slices.Contains(aud, s.settings.Issuer) || slices.Contains(aud, url)
}

// claimsByScope selects the standard claims a scope grants (OIDC Core
// §5.4): profile, email, address and phone.
func claimsByScope(c UserClaims, scope oauth.ScopeSet) UserClaims {
	var out UserClaims
	if scope.Contains(oauth.ScopeProfile) {
		out.Name, out.FamilyName, out.GivenName, out.MiddleName = c.Name, c.FamilyName, c.GivenName, c.MiddleName
		out.Nickname, out.PreferredUsername, out.Profile, out.Picture = c.Nickname, c.PreferredUsername, c.Profile, c.Picture
		out.Website, out.Gender, out.Birthdate, out.Zoneinfo = c.Website, c.Gender, c.Birthdate, c.Zoneinfo
		out.Locale, out.UpdatedAt = c.Locale, c.UpdatedAt
	}
	if scope.Contains(oauth.ScopeEmail) {
		out.Email, out.EmailVerified = c.Email, cloneBool(c.EmailVerified)
	}
	if scope.Contains(oauth.ScopeAddress) && c.Address != nil {
		a := *c.Address
		out.Address = &a
	}
	if scope.Contains(oauth.ScopePhone) {
		out.PhoneNumber, out.PhoneNumberVerified = c.PhoneNumber, cloneBool(c.PhoneNumberVerified)
	}
	return out
}

func cloneBool(b *bool) *bool {
	if b == nil {
		return nil
	}
	v := *b
	return &v
}

// Default is the default procedure of the userinfo flow: it returns
// u.Defaults, sub and the claims the token's scope grants (OIDC Core §5.4).
func (u *UserInfoContext) Default(context.Context) (*UserInfoResponse, error) {
	return &u.Defaults, nil
}

// isRegisteredUserInfoClaim reports whether an Extra member would shadow a
// member the response defines (OIDC Core §5.1, §5.3.2) or one a signed
// response would carry (iss, aud).
func isRegisteredUserInfoClaim(name string) bool {
	return name == "" || name == "sub" || name == "iss" || name == "aud" || isUserClaim(name)
}

// encodeUserInfo encodes the userinfo response (OIDC Core §5.3.2):
// {"sub":…, the standard claims that are set, Extra in name order}. An
// Extra member that shadows a registered claim is an error.
func encodeUserInfo(resp *UserInfoResponse) ([]byte, error) {
	for name := range resp.Extra {
		if isRegisteredUserInfoClaim(name) {
			return nil, fmt.Errorf("userinfo response: Extra claim %q shadows a registered claim", name)
		}
	}
	dst := make([]byte, 0, 256)
	dst = append(dst, `{"sub":`...)
	dst = jsonx.AppendString(dst, resp.Subject)
	dst, err := appendUserClaims(dst, &resp.UserClaims)
	if err != nil {
		return nil, fmt.Errorf("userinfo response: %w", err)
	}
	if dst, err = jsonx.AppendMembers(dst, resp.Extra); err != nil {
		return nil, fmt.Errorf("userinfo response: %w", err)
	}
	return dst, nil
}

// userInfoRequest carries what the error path of one userinfo request needs.
type userInfoRequest struct {
	s   *Server
	w   http.ResponseWriter
	log *slog.Logger
}

func (q *userInfoRequest) logger() *slog.Logger {
	if q.log != nil {
		return q.log
	}
	return q.s.log
}

// userInfoEndpointCode reports whether the userinfo endpoint may answer
// with the code (RFC 6750 §3.1).
func userInfoEndpointCode(c oauth.ErrorCode) bool {
	switch c {
	case oauth.ErrInvalidRequest, oauth.ErrInvalidToken, oauth.ErrInsufficientScope, oauth.ErrServerError, oauth.ErrTemporarilyUnavail:
		return true
	}
	return false
}

// realm is the challenge's realm parameter: the issuer (RFC 6750 §3).
func (q *userInfoRequest) realm() string {
	return `Bearer realm="` + reply.QuotedStringSafe(q.s.settings.Issuer) + `"`
}

// challengeOnly answers a request without a token: 401 and a bare
// challenge, no error code (RFC 6750 §3.1), nothing cached.
func (q *userInfoRequest) challengeOnly() { reply.Challenge(q.w, []string{q.realm()}) }

// fail logs err and writes it as JSON with no-store. status 0 means the
// code's status: invalid_request 400, invalid_token 401, insufficient_scope
// 403 (RFC 6750 §3.1), each with a Bearer challenge naming the error; any
// other code becomes server_error, its cause logged and never sent.
func (q *userInfoRequest) fail(ctx context.Context, status int, err error) {
	e := endpointFailure(ctx, q.logger(), "userinfo", userInfoEndpointCode, err)
	if status == 0 {
		status = e.Code.Status()
	}
	var challenge []string
	switch e.Code {
	case oauth.ErrInvalidRequest, oauth.ErrInvalidToken, oauth.ErrInsufficientScope:
		if status != e.Code.Status() {
			break // 405: the method, not the token, is wrong
		}
		c := q.realm() + `, error="` + string(e.Code) + `"`
		if e.Description != "" {
			c += `, error_description="` + oauth.SafeText(e.Description) + `"`
		}
		if e.Code == oauth.ErrInsufficientScope {
			c += `, scope="` + oauth.ScopeOpenID + `"` // RFC 6750 §3: the scope needed
		}
		challenge = []string{c}
	}
	reply.Error(q.w, status, e, challenge)
}
