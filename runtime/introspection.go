package runtime

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// IntrospectionContext holds the fields of the introspection flow's
// context (RFC 7662). Generated contexts embed a *IntrospectionContext. By
// the time a procedure sees it, the caller is authenticated and allowed to
// introspect, and the token has been looked up.
type IntrospectionContext struct {
	// Flow is the flow type id.
	Flow string
	// Now is the request instant.
	Now time.Time
	// Issuer is the exact issuer identifier.
	Issuer string
	// Client is the authenticated caller, usually a resource server.
	Client *Client
	// Request is the raw request, read-only; its body has been read.
	Request *http.Request
	// Log is tagged with the flow and the caller's client_id.
	Log *slog.Logger
	// Token is the token presented; TokenTypeHint the caller's guess of
	// its type, which only ordered the lookup (RFC 7662 §2.1).
	Token         Secret
	TokenTypeHint oauth.TokenTypeHint
	// AccessToken or RefreshToken is the active token found, and Grant its
	// grant; all nil when the token is not active. An access token a
	// client got for itself has no stored grant: Grant is then the one it
	// stands for (the client's, for the token's subject, scope and
	// audience), without an ID.
	AccessToken  *AccessTokenRecord
	RefreshToken *RefreshTokenRecord
	Grant        *Grant
	// Defaults is the standard answer: the token's members when it is
	// active, {"active": false} otherwise. The procedure may change it.
	Defaults IntrospectionResponse
}

// Default is the default procedure of the introspection flow: it answers
// with c.Defaults.
func (c *IntrospectionContext) Default(context.Context) (*IntrospectionResponse, error) {
	resp := c.Defaults
	return &resp, nil
}

// IntrospectionResponse is the answer of the introspection endpoint (RFC
// 7662 §2.2). An inactive token is answered with {"active": false} and
// nothing else, so the caller learns nothing about why; the other members
// are sent for an active token, each when it is set.
type IntrospectionResponse struct {
	Active bool
	// Scope is sent as one space-separated string.
	Scope    oauth.ScopeSet
	ClientID string
	// Username is the end user's preferred_username, when the user store
	// knows one.
	Username string
	// TokenType is "Bearer" for access tokens; refresh tokens have none
	// (RFC 6749 §5.1).
	TokenType string
	// ExpiresAt, IssuedAt and NotBefore are sent as NumericDates: exp,
	// iat, nbf.
	ExpiresAt time.Time
	IssuedAt  time.Time
	NotBefore time.Time
	Subject   string
	Audience  Audience
	Issuer    string
	JTI       string
	// Act is the act claim of an access token issued through a token
	// exchange to a party acting for its subject (RFC 8693 §4.1, §2.2.1).
	Act *ActorClaim
	// Extra holds members of the team's own; one that shadows a member
	// above is refused (server_error) when the response is written.
	Extra map[string]any
}

// introspectionMembers are the members an IntrospectionResponse writes.
var introspectionMembers = []string{"active", "scope", "client_id", "username", "token_type", "exp", "iat", "nbf", "sub", "aud", "iss", "jti", "act"}

// members is the response as a JSON object's members.
func (r *IntrospectionResponse) members() (map[string]any, error) {
	if !r.Active {
		return map[string]any{"active": false}, nil
	}
	m := make(map[string]any, len(introspectionMembers)+len(r.Extra))
	for k, v := range r.Extra {
		for _, reg := range introspectionMembers {
			if k == reg {
				return nil, oauth.ServerError("introspection: Extra member %q shadows a registered member", k)
			}
		}
		m[k] = v
	}
	m["active"] = true
	set := func(k string, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("scope", r.Scope.String())
	set("client_id", r.ClientID)
	set("username", r.Username)
	set("token_type", r.TokenType)
	set("sub", r.Subject)
	set("iss", r.Issuer)
	set("jti", r.JTI)
	for k, t := range map[string]time.Time{"exp": r.ExpiresAt, "iat": r.IssuedAt, "nbf": r.NotBefore} {
		if !t.IsZero() {
			m[k] = t.Unix()
		}
	}
	if len(r.Audience) > 0 {
		m["aud"] = r.Audience
	}
	if r.Act != nil {
		m["act"] = r.Act
	}
	return m, nil
}

// MarshalJSON writes the response as RFC 7662 §2.2 says.
func (r IntrospectionResponse) MarshalJSON() ([]byte, error) {
	m, err := r.members()
	if err != nil {
		return nil, err
	}
	return json.Marshal(m)
}
