package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The introspection endpoint (RFC 7662, RFC 9701): the unit, then its
// pipeline, read top to bottom.

// introspectEndpointID is the introspection endpoint's id.
const introspectEndpointID = "oauth-introspect"

// Media types of introspection responses (RFC 9701 §4, §5).
const (
	introspectionJWTType = "application/token-introspection+jwt"
	introspectionJWTTyp  = "token-introspection+jwt"
)

// introspectEndpoint tells an authenticated caller, usually a resource
// server, whether a token is active and what it carries. Callers are
// clients that authenticate with a credential (not "none", RFC 7662 §2.1)
// and that the registry allows to introspect (Client.Introspection).
type introspectEndpoint struct {
	unit
	methods []oauth.ClientAuthMethod
}

func newIntrospectEndpoint(s *Server) *introspectEndpoint {
	e := &introspectEndpoint{unit: s.newUnit(introspectEndpointID, "/oauth2/introspect", callerClient)}
	for _, m := range s.tokenAuthMethods {
		if m != oauth.AuthNone {
			e.methods = append(e.methods, m)
		}
	}
	return e
}

// routes: POST only (RFC 7662 §2.1).
func (e *introspectEndpoint) routes() []route {
	return []route{{path: e.path, methods: []string{http.MethodPost}, serve: e.serve, refuse: e.refuse}}
}

// advertise sets introspection_endpoint, its client authentication methods
// (RFC 8414 §2) and the algorithm of JWT responses (RFC 9701 §7).
func (e *introspectEndpoint) advertise(md *Metadata) {
	md.IntrospectionEndpoint = e.url()
	md.IntrospectionEndpointAuthMethodsSupported = slices.Clone(e.methods)
	md.IntrospectionEndpointAuthSigningAlgValuesSupported = assertionAlgs(e.methods)
	md.IntrospectionSigningAlgValuesSupported = []string{e.s.settings.SigningAlg}
}

// introspectionCode reports whether the introspection endpoint may answer
// with the code (RFC 7662 §2.3; RFC 6749 §5.2).
func introspectionCode(c oauth.ErrorCode) bool {
	switch c {
	case oauth.ErrInvalidRequest, oauth.ErrInvalidClient, oauth.ErrUnauthorizedClient, oauth.ErrServerError:
		return true
	}
	return false
}

func (e *introspectEndpoint) refuse(w http.ResponseWriter, r *http.Request) {
	req := e.s.newClientRequest(w, introspectEndpointID, "introspection", introspectionCode)
	req.fail(r.Context(), http.StatusMethodNotAllowed, oauth.NewError(oauth.ErrInvalidRequest, "the introspection endpoint accepts POST only"))
}

// serve handles one introspection request.
func (e *introspectEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	s := e.s
	ctx := r.Context()
	now := s.clock.Now()
	req := s.newClientRequest(w, introspectEndpointID, "introspection", introspectionCode)
	req.unauthorized = true // RFC 7662 §2.3: invalid credentials are 401

	// 1. A POST (the router's), its form read once, the caller
	// authenticated with a credential, a token, and a caller allowed to
	// introspect (RFC 7662 §2.1, §4).
	auth, token, hint, ok := req.readToken(ctx, r, now, e.methods)
	if !ok {
		return
	}
	reg := s.introspection
	req.log = s.requestLogger(reg.ID, auth.client.ID)
	if !auth.client.Introspection {
		req.failCode(ctx, oauth.NewError(oauth.ErrUnauthorizedClient, "this client may not introspect tokens"))
		return
	}

	// 2. The token, looked up as the hint suggests; an unknown hint is
	// only a hint (RFC 7662 §2.1).
	found, err := s.findToken(ctx, token, hint, now)
	if err != nil {
		req.failCode(ctx, fmt.Errorf("introspection: %w", err))
		return
	}

	// 3. The context with the standard answer, then the flow.
	c := &IntrospectionContext{
		Flow: reg.ID, Now: now, Issuer: s.settings.Issuer, Client: auth.client, Request: r, Log: req.log,
		Token: token, TokenTypeHint: hint, AccessToken: found.access, RefreshToken: found.refresh, Grant: found.grant,
	}
	if c.Defaults, err = s.introspectionDefaults(ctx, found); err != nil {
		req.failCode(ctx, err)
		return
	}
	call, err := prepareFlow(ctx, c.Log, "introspection", reg.Flow.Prepare, c)
	if err != nil {
		req.failCode(ctx, err)
		return
	}
	resp, err := callFlow(ctx, c.Log, "introspection", call)
	if err != nil {
		req.failCode(ctx, err)
		return
	}

	// 4. The answer, JSON or, when the caller asks for it, a JWT signed by
	// the server (RFC 9701 §4); no-store either way.
	members, err := resp.members()
	if err != nil {
		req.failCode(ctx, err)
		return
	}
	if acceptsIntrospectionJWT(r.Header.Values("Accept")) {
		jwt, err := s.introspectionJWT(ctx, auth.client.ID, members, now)
		if err != nil {
			req.failCode(ctx, err)
			return
		}
		reply.Body(w, http.StatusOK, []string{introspectionJWTType}, []byte(jwt))
		return
	}
	body, err := json.Marshal(members)
	if err != nil {
		req.failCode(ctx, oauth.ServerError("introspection: encode: %w", err))
		return
	}
	reply.JSON(w, http.StatusOK, body)
}

// introspectionDefaults is the standard answer about a token found: its
// members (RFC 7662 §2.2), with the end user's username when the user
// store knows one; {"active": false} for a token not found.
func (s *Server) introspectionDefaults(ctx context.Context, p presentedToken) (IntrospectionResponse, error) {
	var d IntrospectionResponse
	switch {
	case p.access != nil:
		c := p.access.Claims
		d = IntrospectionResponse{
			Active: true, Scope: c.Scope, ClientID: p.access.ClientID, TokenType: "Bearer",
			ExpiresAt: p.access.ExpiresAt, IssuedAt: c.IssuedAt, NotBefore: c.IssuedAt,
			Subject: c.Subject, Audience: c.Audience, Issuer: c.Issuer, JTI: c.JTI, Act: c.Act,
		}
	case p.refresh != nil:
		d = IntrospectionResponse{
			Active: true, Scope: p.refresh.Scope, ClientID: p.refresh.ClientID,
			ExpiresAt: p.refresh.ExpiresAt, IssuedAt: p.refresh.IssuedAt, NotBefore: p.refresh.IssuedAt,
			Subject: p.grant.Subject, Audience: p.grant.Audience, Issuer: s.settings.Issuer, JTI: p.refresh.ID,
		}
	default:
		return IntrospectionResponse{}, nil
	}
	if user := p.grant.Authentication.Subject; user != "" && s.users != nil {
		claims, found, err := s.users.Claims(ctx, user)
		if err != nil {
			return IntrospectionResponse{}, fmt.Errorf("introspection: look up the end user: %w", err)
		}
		if found {
			d.Username = claims.PreferredUsername
		}
	}
	return d, nil
}

// acceptsIntrospectionJWT reports whether the Accept header values ask for
// a JWT response with a non-zero quality (RFC 9701 §4; RFC 9110 §12.5.1).
func acceptsIntrospectionJWT(accept []string) bool {
	for _, v := range accept {
		for _, item := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(item))
			if err != nil || mt != introspectionJWTType {
				continue
			}
			if q, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(q, 64); err != nil || f <= 0 {
					continue
				}
			}
			return true
		}
	}
	return false
}

// introspectionJWT signs the answer for the caller: iss, aud (the caller),
// iat and the answer as token_introspection, with the header typ
// token-introspection+jwt, by the key of the access tokens (RFC 9701 §5).
func (s *Server) introspectionJWT(ctx context.Context, caller string, members map[string]any, now time.Time) (string, error) {
	payload, err := json.Marshal(map[string]any{
		"iss": s.settings.Issuer, "aud": caller, "iat": now.Unix(), "token_introspection": members,
	})
	if err != nil {
		return "", oauth.ServerError("introspection: encode: %w", err)
	}
	keys, err := s.keys.keySet(ctx, now)
	if err != nil {
		return "", fmt.Errorf("introspection: %w", err)
	}
	key := keys.ForAlg(s.settings.SigningAlg)
	if key == nil {
		key = keys.Active()
	}
	tok, err := key.signPayload(introspectionJWTTyp, payload)
	if err != nil {
		return "", oauth.ServerError("introspection: sign: %w", err)
	}
	return tok, nil
}
