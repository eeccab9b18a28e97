// Package clientfile loads registered clients from a YAML or JSON file into
// a runtime.MemoryClients. It is the only package under runtime/ that reads
// YAML.
//
// A file holds either a list of clients or a mapping with one key, clients,
// whose value is that list. Each client has the members client_id,
// client_name, token_endpoint_auth_method, client_secret_hash,
// redirect_uris, grant_types, scopes, default_scopes, audiences,
// require_pkce, introspection, require_pushed_authorization_requests,
// post_logout_redirect_uris, backchannel_logout_uri,
// backchannel_logout_session_required, and for
// private_key_jwt clients jwks (a JWK
// Set of public keys, a mapping in YAML), jwks_uri and
// token_endpoint_auth_signing_alg (runtime.Client's JSON names), and for
// client_secret_jwt clients client_secret and
// token_endpoint_auth_signing_alg. Secrets appear only as hashes
// (runtime.NewClientSecret, runtime.HashClientSecret, or bcrypt), but for
// client_secret_jwt clients, whose secret the server needs in clear to
// verify their assertions (RFC 7523 §2.2; OIDC Core §9): such a file must
// be protected like a private key. A client_secret member on any other
// client is an error. Errors name file:line:col.
package clientfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Load reads the clients file at path (.yaml, .yml or .json) and returns the
// validated registry.
func Load(path string) (*runtime.MemoryClients, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("clientfile: %w", err)
	}
	return Parse(path, data)
}

// Parse reads clients from data, a clients file named name (.yaml, .yml or
// .json; the name also prefixes every error). Use it for a file embedded
// with go:embed.
func Parse(path string, data []byte) (*runtime.MemoryClients, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return loadJSON(path, data)
	case ".yaml", ".yml":
		return loadYAML(path, data)
	default:
		return nil, fmt.Errorf("clientfile: %s: unknown file type (want .yaml, .yml or .json)", path)
	}
}

// loadJSON parses with parseJSON, whose errors carry line:col.
func loadJSON(path string, data []byte) (*runtime.MemoryClients, error) {
	clients, err := parseJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	m, err := runtime.NewMemoryClients(clients...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// loadYAML walks the node tree so that every error has a position.
func loadYAML(path string, data []byte) (*runtime.MemoryClients, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	at := func(n *yaml.Node, format string, args ...any) error {
		return fmt.Errorf("%s:%d:%d: %s", path, n.Line, n.Column, fmt.Sprintf(format, args...))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return runtime.NewMemoryClients() // an empty file: no clients
	}
	list := doc.Content[0]
	if list.Kind == yaml.MappingNode {
		var found *yaml.Node
		for i := 0; i+1 < len(list.Content); i += 2 {
			k := list.Content[i]
			if k.Value != "clients" {
				return nil, at(k, "unknown key %q (want clients)", k.Value)
			}
			if found != nil {
				return nil, at(k, "clients is defined twice")
			}
			found = list.Content[i+1]
		}
		if found == nil {
			return runtime.NewMemoryClients()
		}
		list = found
	}
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return runtime.NewMemoryClients()
	}
	if list.Kind != yaml.SequenceNode {
		return nil, at(list, "want a list of clients")
	}
	var (
		errs []error
		all  []*runtime.Client
		seen = map[string]*yaml.Node{}
	)
	for _, n := range list.Content {
		c, err := decodeClient(n, at)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		// Validate each client alone, so that the error has its position.
		if _, err := runtime.NewMemoryClients(c); err != nil {
			errs = append(errs, at(n, "client %q: %v", c.ID, unwrapClientIndex(err)))
			continue
		}
		if prev, dup := seen[c.ID]; dup {
			errs = append(errs, at(n, "client_id %q is already used at line %d", c.ID, prev.Line))
			continue
		}
		seen[c.ID] = n
		all = append(all, c)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	m, err := runtime.NewMemoryClients(all...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// unwrapClientIndex drops the "client 0 (id): " prefix NewMemoryClients puts
// on the error of its only client.
func unwrapClientIndex(err error) string {
	s := err.Error()
	if i := strings.Index(s, "): "); i >= 0 && strings.HasPrefix(s, "client ") {
		return s[i+3:]
	}
	return s
}

// decodeClient decodes one client mapping, refusing unknown and duplicate
// keys and secrets in clear.
func decodeClient(n *yaml.Node, at func(*yaml.Node, string, ...any) error) (*runtime.Client, error) {
	if n.Kind != yaml.MappingNode {
		return nil, at(n, "want a client mapping")
	}
	c := &runtime.Client{}
	var secretHash string
	var jwks yaml.Node
	var secretAt *yaml.Node // the client_secret key, for its error
	fields := map[string]any{
		"client_id":                             &c.ID,
		"client_name":                           &c.Name,
		"token_endpoint_auth_method":            &c.AuthMethod,
		"client_secret_hash":                    &secretHash,
		"client_secret":                         &c.SigningSecret,
		"redirect_uris":                         &c.RedirectURIs,
		"grant_types":                           &c.GrantTypes,
		"scopes":                                &c.Scopes,
		"default_scopes":                        &c.DefaultScopes,
		"audiences":                             &c.Audiences,
		"require_pkce":                          &c.RequirePKCE,
		"introspection":                         &c.Introspection,
		"jwks":                                  &jwks,
		"jwks_uri":                              &c.JWKSURI,
		"token_endpoint_auth_signing_alg":       &c.TokenEndpointAuthSigningAlg,
		"require_pushed_authorization_requests": &c.RequirePushedAuthorizationRequests,
		"post_logout_redirect_uris":             &c.PostLogoutRedirectURIs,
		"backchannel_logout_uri":                &c.BackchannelLogoutURI,
		"backchannel_logout_session_required":   &c.BackchannelLogoutSessionRequired,
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			return nil, at(k, "key %q is defined twice", k.Value)
		}
		seen[k.Value] = true
		if k.Value == "client_secret" {
			secretAt = k
		}
		dst, ok := fields[k.Value]
		if !ok {
			return nil, at(k, "unknown key %q", k.Value)
		}
		if err := v.Decode(dst); err != nil {
			return nil, at(v, "%s: %v", k.Value, yamlMessage(err))
		}
	}
	if secretAt != nil && c.AuthMethod != oauth.AuthClientSecretJWT {
		return nil, at(secretAt, "%s", secretInClear)
	}
	c.SetSecretHash(secretHash)
	if jwks.Kind != 0 {
		// The JWK Set is JSON to the runtime: a mapping becomes its JSON.
		var v any
		if err := jwks.Decode(&v); err != nil {
			return nil, at(&jwks, "jwks: %v", yamlMessage(err))
		}
		if _, ok := v.(map[string]any); !ok {
			return nil, at(&jwks, `jwks: want a JWK Set, a mapping with "keys" (RFC 7517 §5)`)
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, at(&jwks, "jwks: %v", err)
		}
		c.JWKS = raw
	}
	return c, nil
}

// secretInClear refuses a secret in clear on a client that does not
// authenticate with client_secret_jwt.
const secretInClear = "client_secret (a secret in clear) is only for client_secret_jwt clients, whose assertions the server verifies with it; store client_secret_hash instead"

// yamlMessage strips yaml's "yaml: unmarshal errors:\n  line N: " wrapper,
// since the position is already given.
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg := te.Errors[0]
		if i := strings.Index(msg, ": "); strings.HasPrefix(msg, "line ") && i >= 0 {
			return msg[i+2:]
		}
		return msg
	}
	return err.Error()
}
