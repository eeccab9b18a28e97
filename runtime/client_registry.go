package runtime

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/runtime/internal/clientauth"
	"github.com/oauthgen/oauthgen/runtime/internal/jwkset"
	"github.com/oauthgen/oauthgen/runtime/internal/redirecturi"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// MemoryClients is an immutable in-memory ClientRegistry, built once from
// validated clients. It is safe for concurrent use.
type MemoryClients struct {
	byID  map[string]*Client
	order []string
}

var _ ClientRegistry = (*MemoryClients)(nil)

// NewMemoryClients validates each client and returns a registry of copies of
// them. A client needs a unique non-empty id and a known
// token_endpoint_auth_method (client_secret_basic when empty, RFC 7591 §2);
// "none" makes it public; a client_secret_basic or client_secret_post
// client needs a secret hash NewClientSecret or bcrypt produced, a public
// or private_key_jwt one must have none; a private_key_jwt client needs
// jwks (a JWK Set of public keys) or an https jwks_uri; a
// client_secret_jwt client needs a SigningSecret of at least 32 octets
// and only it may have one; redirect URIs must be absolute https, loopback http
// (RFC 8252 §7.3) or a private-use scheme (RFC 8252 §7.1), without fragment
// (RFC 6749 §3.1.2); grant types must be known or absolute URIs (RFC 6749
// §4.5); scopes must be valid tokens (RFC 6749 §3.3) and default scopes a
// subset of the scopes.
func NewMemoryClients(clients ...*Client) (*MemoryClients, error) {
	m := &MemoryClients{byID: make(map[string]*Client, len(clients))}
	var errs []error
	for i, c := range clients {
		if c == nil {
			errs = append(errs, fmt.Errorf("client %d: nil", i))
			continue
		}
		cp := *c
		if err := normaliseClient(&cp); err != nil {
			errs = append(errs, fmt.Errorf("client %d (%q): %w", i, c.ID, err))
			continue
		}
		if _, dup := m.byID[cp.ID]; dup {
			errs = append(errs, fmt.Errorf("client %d (%q): duplicate client_id", i, c.ID))
			continue
		}
		m.byID[cp.ID] = &cp
		m.order = append(m.order, cp.ID)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return m, nil
}

// Client returns a copy of the registered client, or (nil, nil) when there
// is none. The copy keeps a procedure's change from reaching other requests;
// its slices are shared and must be treated as read-only.
func (m *MemoryClients) Client(_ context.Context, id string) (*Client, error) {
	c, ok := m.byID[id]
	if !ok {
		return nil, nil
	}
	cp := *c
	return &cp, nil
}

// IDs returns the registered client ids in registration order.
func (m *MemoryClients) IDs() []string { return append([]string(nil), m.order...) }

// normaliseClient fills the defaults of c and validates it.
func normaliseClient(c *Client) error {
	var errs []error
	if c.ID == "" {
		errs = append(errs, errors.New("client_id is empty"))
	}
	if c.AuthMethod == "" {
		c.AuthMethod = oauth.AuthClientSecretBasic // RFC 7591 §2 default
	}
	c.jwks = nil
	if c.AuthMethod != oauth.AuthPrivateKeyJWT && (len(c.JWKS) > 0 || c.JWKSURI != "") {
		errs = append(errs, errors.New("jwks and jwks_uri are for private_key_jwt clients only"))
	}
	if c.AuthMethod != oauth.AuthPrivateKeyJWT && c.AuthMethod != oauth.AuthClientSecretJWT && c.TokenEndpointAuthSigningAlg != "" {
		errs = append(errs, errors.New("token_endpoint_auth_signing_alg is for private_key_jwt and client_secret_jwt clients only"))
	}
	if c.AuthMethod != oauth.AuthClientSecretJWT && c.SigningSecret != "" {
		errs = append(errs, errors.New("client_secret (a secret the server keeps in clear) is for client_secret_jwt clients only; other clients keep only its hash (client_secret_hash)"))
	}
	switch c.AuthMethod {
	case oauth.AuthClientSecretBasic, oauth.AuthClientSecretPost:
		if err := clientauth.CheckHash(c.secretHash); err != nil {
			errs = append(errs, fmt.Errorf("confidential client: %w", err))
		}
	case oauth.AuthNone:
		if c.secretHash != "" {
			errs = append(errs, errors.New(`public client (token_endpoint_auth_method "none") must not have a secret`))
		}
	case oauth.AuthPrivateKeyJWT:
		errs = append(errs, normaliseKeyClient(c)...)
	case oauth.AuthClientSecretJWT:
		errs = append(errs, normaliseSecretJWTClient(c)...)
	default:
		errs = append(errs, fmt.Errorf("unsupported token_endpoint_auth_method %q", c.AuthMethod))
	}
	for _, u := range c.RedirectURIs {
		if err := redirecturi.Check(u); err != nil {
			errs = append(errs, fmt.Errorf("redirect_uri %q: %w", u, err))
		}
	}
	for _, u := range c.PostLogoutRedirectURIs {
		if err := redirecturi.Check(u); err != nil {
			errs = append(errs, fmt.Errorf("post_logout_redirect_uri %q: %w", u, err))
		}
	}
	if u := c.BackchannelLogoutURI; u != "" {
		if err := checkBackchannelLogoutURI(u); err != nil {
			errs = append(errs, fmt.Errorf("backchannel_logout_uri %q: %w", u, err))
		}
	}
	if len(c.GrantTypes) == 0 && !c.Introspection {
		errs = append(errs, errors.New("grant_types is empty, and the client does not introspect"))
	}
	if c.Introspection && c.IsPublic() {
		errs = append(errs, errors.New("a public client cannot introspect: the caller must authenticate (RFC 7662 §2.1)"))
	}
	for i, g := range c.GrantTypes {
		if err := oauth.CheckGrantType(g); err != nil {
			errs = append(errs, err)
		}
		for _, h := range c.GrantTypes[:i] {
			if h == g {
				errs = append(errs, fmt.Errorf("grant type %q listed twice", g))
			}
		}
	}
	if c.AllowsGrant(oauth.GrantClientCredentials) && c.IsPublic() {
		errs = append(errs, errors.New("a public client cannot use client_credentials (RFC 6749 §4.4)"))
	}
	if c.AllowsGrant(oauth.GrantAuthorizationCode) && len(c.RedirectURIs) == 0 {
		errs = append(errs, errors.New("authorization_code needs at least one redirect_uri"))
	}
	for _, s := range c.Scopes {
		if s == "" || !oauth.ValidScopeToken(s) {
			errs = append(errs, fmt.Errorf("scope %q is not a valid scope token (RFC 6749 §3.3)", s))
		}
	}
	if !c.DefaultScopes.SubsetOf(c.Scopes) {
		errs = append(errs, errors.New("default_scopes must be a subset of scopes"))
	}
	for _, a := range c.Audiences {
		if a == "" {
			errs = append(errs, errors.New("audiences contains an empty value"))
		}
	}
	return errors.Join(errs...)
}

// checkBackchannelLogoutURI accepts an absolute https URL, or http on a
// loopback IP literal (as redirect URIs may be, RFC 8252 §7.3: for tests
// and local receivers), without user information or fragment (Back-Channel
// Logout 1.0 §2.2; OIDC Core §3.1.2.1 for the fragment).
func checkBackchannelLogoutURI(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("is not a URL")
	case u.Host == "" || u.Opaque != "":
		return errors.New("must be an absolute URL")
	case u.User != nil || u.Fragment != "" || strings.Contains(s, "#"):
		return errors.New("must have no user information or fragment")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && redirecturi.IsLoopbackIP(u.Hostname()):
		return nil
	}
	return errors.New("must be https, or http on a loopback IP literal")
}

// normaliseKeyClient validates a private_key_jwt client: no secret, its
// public keys inline or at an https jwks_uri (never both: RFC 7591 §2),
// and its algorithm, if it names one, one the runtime verifies.
func normaliseKeyClient(c *Client) []error {
	var errs []error
	if c.secretHash != "" {
		errs = append(errs, errors.New("a private_key_jwt client must not have a secret"))
	}
	switch {
	case len(c.JWKS) > 0 && c.JWKSURI != "":
		errs = append(errs, errors.New("a private_key_jwt client has jwks or jwks_uri, not both (RFC 7591 §2)"))
	case len(c.JWKS) > 0:
		set, err := jwkset.Parse(c.JWKS)
		if err != nil {
			errs = append(errs, fmt.Errorf("jwks: %w", err))
		}
		c.jwks = set
	case c.JWKSURI != "":
		if err := jwkset.CheckURL(c.JWKSURI); err != nil {
			errs = append(errs, err)
		}
	default:
		errs = append(errs, errors.New("a private_key_jwt client needs jwks or jwks_uri: the public keys of its assertions"))
	}
	if a := c.TokenEndpointAuthSigningAlg; a != "" && !slices.Contains(clientauth.AssertionAlgs, a) {
		errs = append(errs, fmt.Errorf("token_endpoint_auth_signing_alg %q is not one of %s", a, strings.Join(clientauth.AssertionAlgs, ", ")))
	}
	return errs
}

// normaliseSecretJWTClient validates a client_secret_jwt client: its
// secret in clear, long enough for HS256 at least (RFC 7518 §3.2), and
// nothing else to authenticate it: no secret hash, no keys. Its
// algorithm, if it names one, is an HMAC one its secret is long enough
// for.
func normaliseSecretJWTClient(c *Client) []error {
	var errs []error
	if c.secretHash != "" {
		errs = append(errs, errors.New("a client_secret_jwt client has its secret (client_secret), not a secret hash: the server needs the secret itself to verify its assertions"))
	}
	n := len(c.SigningSecret)
	switch {
	case n == 0:
		errs = append(errs, errors.New("a client_secret_jwt client needs client_secret, the key of its assertions' HMAC"))
	case n < clientauth.MinSecretBytes:
		errs = append(errs, fmt.Errorf("client_secret has %d octets; client_secret_jwt needs at least %d (RFC 7518 §3.2)", n, clientauth.MinSecretBytes))
	}
	if a := c.TokenEndpointAuthSigningAlg; a != "" {
		switch {
		case !slices.Contains(clientauth.SecretAlgs, a):
			errs = append(errs, fmt.Errorf("token_endpoint_auth_signing_alg %q is not one of %s", a, strings.Join(clientauth.SecretAlgs, ", ")))
		case n >= clientauth.MinSecretBytes && !slices.Contains(clientauth.SecretAlgsFor(n), a):
			errs = append(errs, fmt.Errorf("client_secret has %d octets, too short for %s (RFC 7518 §3.2: at least the size of its hash output)", n, a))
		}
	}
	return errs
}
