package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oauthgen/oauthgen/runtime/internal/clientauth"
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
// "none" makes it public; a confidential
// client needs a secret hash NewClientSecret or bcrypt produced, a public one
// must have none; redirect URIs must be absolute https, loopback http
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
	switch c.AuthMethod {
	case oauth.AuthClientSecretBasic, oauth.AuthClientSecretPost:
		if err := clientauth.CheckHash(c.secretHash); err != nil {
			errs = append(errs, fmt.Errorf("confidential client: %w", err))
		}
	case oauth.AuthNone:
		if c.secretHash != "" {
			errs = append(errs, errors.New(`public client (token_endpoint_auth_method "none") must not have a secret`))
		}
	default:
		errs = append(errs, fmt.Errorf("unsupported token_endpoint_auth_method %q", c.AuthMethod))
	}
	for _, u := range c.RedirectURIs {
		if err := redirecturi.Check(u); err != nil {
			errs = append(errs, fmt.Errorf("redirect_uri %q: %w", u, err))
		}
	}
	if len(c.GrantTypes) == 0 {
		errs = append(errs, errors.New("grant_types is empty"))
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

// clientRecord is one client in a clients file: the members of Client's
// JSON names (RFC 7591 plus oauthgen's scopes, default_scopes, audiences and
// require_pkce) and the secret's hash.
type clientRecord struct {
	Client
	ClientSecretHash string `json:"client_secret_hash"`
	// ClientSecret exists only to refuse a secret in clear with a clear message.
	ClientSecret *json.RawMessage `json:"client_secret"`
}

// ParseClientsJSON reads clients from JSON: an array of client objects, or an
// object {"clients": [...]}. Each object has the members client_id,
// client_name, token_endpoint_auth_method, client_secret_hash, redirect_uris,
// grant_types, scopes, default_scopes, audiences and require_pkce; any other
// member is an error, and so is client_secret: files hold secrets only as
// hashes (NewClientSecret, HashClientSecret or bcrypt). The clients are not
// validated yet: pass them to NewMemoryClients.
func ParseClientsJSON(data []byte) ([]*Client, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	var recs []clientRecord
	var err error
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var doc struct {
			Clients []clientRecord `json:"clients"`
		}
		err = decodeStrictJSON(data, &doc)
		recs = doc.Clients
	} else {
		err = decodeStrictJSON(data, &recs)
	}
	if err != nil {
		return nil, err
	}
	out := make([]*Client, 0, len(recs))
	for i, r := range recs {
		if r.ClientSecret != nil {
			return nil, fmt.Errorf("client %d (%q): client_secret in clear is not allowed; store client_secret_hash instead", i, r.ID)
		}
		out = append(out, r.client())
	}
	return out, nil
}

// client converts the record.
func (r clientRecord) client() *Client {
	c := r.Client
	c.SetSecretHash(r.ClientSecretHash)
	return &c
}

// decodeStrictJSON decodes one JSON value, refusing unknown members and
// trailing data, and reports syntax and type errors with line and column.
func decodeStrictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			l, c := lineCol(data, se.Offset)
			return fmt.Errorf("%d:%d: %w", l, c, err)
		case errors.As(err, &te):
			l, c := lineCol(data, te.Offset)
			return fmt.Errorf("%d:%d: %w", l, c, err)
		default: // unknown member, unexpected end: the decoder's position is close
			l, c := lineCol(data, dec.InputOffset())
			return fmt.Errorf("%d:%d: %w", l, c, err)
		}
	}
	if dec.More() {
		l, c := lineCol(data, dec.InputOffset())
		return fmt.Errorf("%d:%d: unexpected data after the JSON value", l, c)
	}
	return nil
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col = 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
