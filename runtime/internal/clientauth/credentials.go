package clientauth

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Credentials are what a request presents to authenticate its client.
type Credentials struct {
	// ID is the client_id the request names.
	ID string
	// Secret is the presented secret; empty for a public client and an
	// assertion.
	Secret string
	// Assertion is the JWT client assertion of private_key_jwt or
	// client_secret_jwt (RFC 7523 §2.2), not verified yet: ID is its sub.
	Assertion string
	// Method is how the client presented them; an assertion's is
	// private_key_jwt until the client's registration says otherwise.
	Method oauth.ClientAuthMethod
	// Header is whether the request used the Authorization header: a
	// failed authentication is then 401 with a challenge for its scheme
	// (RFC 6749 §5.2).
	Header bool
}

// The longest client_id and secret a request may present. Registered ids
// and generated secrets are far shorter; the caps keep a request from
// making every log line, throttle key and hash of it as large as its
// headers or body allow.
const (
	MaxIDBytes     = 512
	MaxSecretBytes = 1024
	// maxBasicBytes bounds the Authorization header before it is decoded:
	// the base64 of an id and a secret each percent-encoded in full.
	maxBasicBytes = len("Basic ") + (3*(MaxIDBytes+MaxSecretBytes)+1+2)/3*4
)

// Failed is the one answer to every failed authentication (unknown client,
// wrong secret, wrong or disabled method, no credentials), so that none can
// be told apart.
func Failed() *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidClient, "client authentication failed")
}

// FromRequest finds the credentials of a request: client_secret_basic,
// client_secret_post, a JWT client assertion (private_key_jwt or
// client_secret_jwt, RFC 7523 §2.2), or a public client naming itself with client_id (method none).
// A request that uses more than one method, repeats the Authorization
// header, sends malformed Basic credentials or only one of the two
// assertion parameters is invalid_request (RFC 6749 §2.3); one without
// credentials, or with an assertion of another type or that names no
// client, fails authentication. The returned Credentials carry Header
// even on failure.
func FromRequest(r *http.Request, p form.Params) (Credentials, *oauth.Error) {
	var c Credentials
	authz := r.Header["Authorization"]
	if len(authz) > 1 {
		return c, oauth.NewError(oauth.ErrInvalidRequest, "the Authorization header is repeated")
	}
	c.Header = len(authz) == 1
	hasSecret := p.Has("client_secret")
	hasAssertion := p.Has("client_assertion") || p.Has("client_assertion_type")

	// RFC 6749 §2.3: one authentication method per request.
	n := 0
	for _, used := range [...]bool{c.Header, hasSecret, hasAssertion} {
		if used {
			n++
		}
	}
	if n > 1 {
		return c, oauth.NewError(oauth.ErrInvalidRequest, "more than one client authentication method is used")
	}

	bodyID := p.Get("client_id")
	switch {
	case c.Header:
		id, secret, e := parseBasic(authz[0])
		if e != nil {
			return c, e
		}
		if bodyID != "" && bodyID != id {
			return c, oauth.NewError(oauth.ErrInvalidRequest, "client_id differs from the client in the Authorization header")
		}
		c.ID, c.Secret, c.Method = id, secret, oauth.AuthClientSecretBasic
	case hasAssertion:
		a, e := assertionCredentials(p, bodyID)
		if e != nil {
			return Credentials{Header: c.Header, Method: a.Method}, e
		}
		return a, nil
	case hasSecret:
		if bodyID == "" {
			return c, oauth.NewError(oauth.ErrInvalidRequest, "client_secret is sent without client_id")
		}
		c.ID, c.Secret, c.Method = bodyID, p.Get("client_secret"), oauth.AuthClientSecretPost
	case bodyID != "":
		c.ID, c.Method = bodyID, oauth.AuthNone // RFC 6749 §2.1, §3.2.1
	default:
		return c, Failed() // no client authentication included (RFC 6749 §5.2)
	}
	if len(c.ID) > MaxIDBytes || len(c.Secret) > MaxSecretBytes {
		return Credentials{Header: c.Header}, oauth.NewError(oauth.ErrInvalidRequest, "the client_id or client_secret is too long")
	}
	return c, nil
}

// parseBasic decodes client_secret_basic credentials (RFC 6749 §2.3.1 and
// Appendix B; RFC 7617 §2): base64, split at the first ':', then
// form-urldecode each part, so that ids and secrets with ':', '+', '%' or
// '/' work. Another scheme fails authentication; a malformed header is
// invalid_request.
func parseBasic(h string) (string, string, *oauth.Error) {
	if len(h) > maxBasicBytes {
		return "", "", oauth.NewError(oauth.ErrInvalidRequest, "the client_id or client_secret is too long")
	}
	scheme, cred, _ := strings.Cut(strings.TrimSpace(h), " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", Failed()
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return "", "", oauth.NewError(oauth.ErrInvalidRequest, "malformed Basic credentials")
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", oauth.NewError(oauth.ErrInvalidRequest, "malformed Basic credentials")
	}
	id, err := url.QueryUnescape(user)
	if err != nil || id == "" {
		return "", "", oauth.NewError(oauth.ErrInvalidRequest, "malformed Basic credentials")
	}
	secret, err := url.QueryUnescape(pass)
	if err != nil {
		return "", "", oauth.NewError(oauth.ErrInvalidRequest, "malformed Basic credentials")
	}
	return id, secret, nil
}
