package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

const clientUsage = `usage: oauthgen client new [flags]

Mints a client: its id (random unless -id) and a secret of 256 bits from
crypto/rand. It prints on stdout the client's entry for the clients file
that oauthgen init writes (clients.yaml, read by runtime/clientfile): one
item of the list under its clients: key, indented by two spaces, after a
comment line. That list ends the file init writes, so appending registers
the client:

  go tool oauthgen client new -id reporting -scopes read >> clients.yaml

The comment line also keeps the entry apart from a last line that lacks
its newline. A file whose list is not last, whose top level is the list
itself, or in JSON, takes the entry by hand.

The secret is printed once, on stderr: the entry keeps only its hash, so
it cannot be shown again. A private_key_jwt client has no secret: it signs
assertions with its own private key, and the entry holds its public keys,
inline (-jwks, a file with its JWK Set) or at its -jwks-uri.

A client_secret_jwt client MACs its assertions with its secret (RFC 7523
§2.2; OpenID Connect Core §9), so the server needs the secret itself: it
is printed once on stderr for the client, AND written in clear into the
entry (client_secret). The clients file then holds a credential and must
be protected like a private key; prefer private_key_jwt.

Flags (lists are comma-separated):
  -id NAME               client_id (default: random, URL-safe)
  -name TEXT             client_name, shown to end users
  -auth-method METHOD    token_endpoint_auth_method: client_secret_basic
                         (default), client_secret_post, private_key_jwt
                         (with -jwks or -jwks-uri), client_secret_jwt (its
                         256-bit secret written into the entry), or none
                         (a public client: no secret)
  -jwks FILE             private_key_jwt: a JSON file of the client's JWK
                         Set, public keys only (RFC 7517 §5)
  -jwks-uri URL          private_key_jwt: the https URL of the client's JWK Set
  -signing-alg ALG       private_key_jwt, client_secret_jwt:
                         token_endpoint_auth_signing_alg, the one algorithm
                         of its assertions (RS256, PS256, ES256 or EdDSA;
                         HS256 for client_secret_jwt; default any)
  -grant-types LIST      grant_types (default: client_credentials)
  -redirect-uris LIST    redirect_uris (authorization_code)
  -scopes LIST           scopes the client may request
  -default-scopes LIST   default_scopes, granted when a request names none
  -audiences LIST        audiences (resources) it may request tokens for
  -require-pkce          require_pkce
  -require-par           require_pushed_authorization_requests: its
                         authorization requests must be pushed first
                         (RFC 9126 §6; the spec declares endpoints.par)
  -introspection         introspection: it may call the introspection endpoint
  -post-logout-redirect-uris LIST
                         post_logout_redirect_uris: where the end-session
                         endpoint may return the browser after a logout
  -backchannel-logout-uri URL
                         backchannel_logout_uri: receives logout tokens
`

// clientEntry is one client of a clients file, in the order and with the
// names runtime/clientfile reads (runtime.Client's JSON names).
type clientEntry struct {
	ID         string `yaml:"client_id"`
	Name       string `yaml:"client_name,omitempty"`
	AuthMethod string `yaml:"token_endpoint_auth_method"`
	SecretHash string `yaml:"client_secret_hash,omitempty"`
	// Secret is a client_secret_jwt client's secret, in clear: the server
	// verifies its assertions with it.
	Secret        string   `yaml:"client_secret,omitempty"`
	RedirectURIs  []string `yaml:"redirect_uris,flow,omitempty"`
	GrantTypes    []string `yaml:"grant_types,flow,omitempty"`
	Scopes        []string `yaml:"scopes,flow,omitempty"`
	DefaultScopes []string `yaml:"default_scopes,flow,omitempty"`
	Audiences     []string `yaml:"audiences,flow,omitempty"`
	RequirePKCE   bool     `yaml:"require_pkce,omitempty"`
	RequirePAR    bool     `yaml:"require_pushed_authorization_requests,omitempty"`
	Introspection bool     `yaml:"introspection,omitempty"`
	JWKSURI       string   `yaml:"jwks_uri,omitempty"`
	SigningAlg    string   `yaml:"token_endpoint_auth_signing_alg,omitempty"`
	JWKS          any      `yaml:"jwks,omitempty"`
	// PostLogoutRedirectURIs and BackchannelLogoutURI serve logout
	// (OpenID Connect RP-Initiated Logout 1.0, Back-Channel Logout 1.0).
	PostLogoutRedirectURIs []string `yaml:"post_logout_redirect_uris,flow,omitempty"`
	BackchannelLogoutURI   string   `yaml:"backchannel_logout_uri,omitempty"`
}

// client runs `oauthgen client SUBVERB`; only new exists.
func (c *command) client(args []string) int {
	if len(args) == 0 || args[0] != "new" {
		fmt.Fprint(c.stderr, clientUsage)
		return exitUsage
	}
	return c.clientNew(args[1:])
}

// clientNew mints a client and prints its clients-file entry on stdout and
// its secret, once, on stderr.
func (c *command) clientNew(args []string) int {
	var e clientEntry
	var grants, redirects, scopes, defaults, audiences, jwksFile, postLogout string
	fs := flag.NewFlagSet("oauthgen client new", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&e.ID, "id", "", "client_id")
	fs.StringVar(&e.Name, "name", "", "client_name")
	fs.StringVar(&e.AuthMethod, "auth-method", string(oauth.AuthClientSecretBasic), "token_endpoint_auth_method")
	fs.StringVar(&grants, "grant-types", string(oauth.GrantClientCredentials), "grant_types")
	fs.StringVar(&redirects, "redirect-uris", "", "redirect_uris")
	fs.StringVar(&scopes, "scopes", "", "scopes")
	fs.StringVar(&defaults, "default-scopes", "", "default_scopes")
	fs.StringVar(&audiences, "audiences", "", "audiences")
	fs.BoolVar(&e.RequirePKCE, "require-pkce", false, "require_pkce")
	fs.BoolVar(&e.RequirePAR, "require-par", false, "require_pushed_authorization_requests")
	fs.BoolVar(&e.Introspection, "introspection", false, "introspection")
	fs.StringVar(&jwksFile, "jwks", "", "jwks")
	fs.StringVar(&e.JWKSURI, "jwks-uri", "", "jwks_uri")
	fs.StringVar(&e.SigningAlg, "signing-alg", "", "token_endpoint_auth_signing_alg")
	fs.StringVar(&postLogout, "post-logout-redirect-uris", "", "post_logout_redirect_uris")
	fs.StringVar(&e.BackchannelLogoutURI, "backchannel-logout-uri", "", "backchannel_logout_uri")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(c.stdout, clientUsage)
			return exitOK
		}
		fmt.Fprintf(c.stderr, "oauthgen client new: %v\n%s", err, clientUsage)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "oauthgen client new: unexpected arguments %s\n", strings.Join(fs.Args(), " "))
		return exitUsage
	}
	if e.ID == "" {
		e.ID = randomClientID()
	}
	e.GrantTypes, e.RedirectURIs = list(grants), list(redirects)
	e.Scopes, e.DefaultScopes, e.Audiences = list(scopes), list(defaults), list(audiences)
	e.PostLogoutRedirectURIs = list(postLogout)

	if jwksFile != "" {
		data, err := os.ReadFile(jwksFile)
		if err != nil {
			fmt.Fprintf(c.stderr, "oauthgen client new: -jwks: %v\n", err)
			return exitUsage
		}
		if err := json.Unmarshal(data, &e.JWKS); err != nil {
			fmt.Fprintf(c.stderr, "oauthgen client new: -jwks %s: %v\n", jwksFile, err)
			return exitUsage
		}
	}
	var secret runtime.Secret
	switch e.AuthMethod {
	case string(oauth.AuthNone), string(oauth.AuthPrivateKeyJWT):
	case string(oauth.AuthClientSecretJWT):
		secret, _ = runtime.NewClientSecret()
		e.Secret = secret.Reveal() // the server needs it: the entry keeps it
	default:
		secret, e.SecretHash = runtime.NewClientSecret()
	}
	// The runtime validates the client as it will when it loads the file.
	if _, err := runtime.NewMemoryClients(e.client()); err != nil {
		fmt.Fprintf(c.stderr, "oauthgen client new: %s\n", unwrapClient(err))
		return exitUsage
	}
	entry, err := e.yaml()
	if err != nil {
		return c.fail(err)
	}
	_, _ = c.stdout.Write(entry)
	switch {
	case e.Secret != "":
		fmt.Fprintf(c.stderr, "oauthgen: client_secret of %s, the key of its client_secret_jwt assertions; the entry holds it in clear too, so protect the clients file like a private key:\n%s\n", e.ID, secret.Reveal())
	case secret != "":
		fmt.Fprintf(c.stderr, "oauthgen: client_secret of %s, shown only this once (the entry keeps only its hash):\n%s\n", e.ID, secret.Reveal())
	}
	return exitOK
}

// client is the runtime's view of the entry.
func (e clientEntry) client() *runtime.Client {
	cl := &runtime.Client{
		ID:            e.ID,
		Name:          e.Name,
		AuthMethod:    oauth.ClientAuthMethod(e.AuthMethod),
		RedirectURIs:  e.RedirectURIs,
		Scopes:        oauth.ScopeSet(e.Scopes),
		DefaultScopes: oauth.ScopeSet(e.DefaultScopes),
		Audiences:     e.Audiences,
		RequirePKCE:   e.RequirePKCE,
		Introspection: e.Introspection,

		RequirePushedAuthorizationRequests: e.RequirePAR,
	}
	for _, g := range e.GrantTypes {
		cl.GrantTypes = append(cl.GrantTypes, oauth.GrantType(g))
	}
	cl.SetSecretHash(e.SecretHash)
	cl.SigningSecret = runtime.Secret(e.Secret)
	cl.JWKSURI, cl.TokenEndpointAuthSigningAlg = e.JWKSURI, e.SigningAlg
	cl.PostLogoutRedirectURIs, cl.BackchannelLogoutURI = e.PostLogoutRedirectURIs, e.BackchannelLogoutURI
	if e.JWKS != nil {
		cl.JWKS, _ = json.Marshal(e.JWKS) // decoded from JSON: it encodes back
	}
	return cl
}

// yaml renders the entry as one item of the clients: list, indented by two
// spaces as in the file init writes, after a comment line: appended with
// >> to that file, whose list ends it, it is the list's last item. Should
// the file's last line lack its newline, the comment is what joins it
// (a value followed by "  # ..."), and the entry still starts on a line
// of its own.
func (e clientEntry) yaml() ([]byte, error) {
	var buf bytes.Buffer
	switch {
	case e.SecretHash != "":
		buf.WriteString("# Added by oauthgen client new, which printed the secret once; only its hash is kept.\n")
	case e.Secret != "":
		buf.WriteString("# Added by oauthgen client new: a client_secret_jwt client, whose secret is kept in clear: protect this file like a key.\n")
	case e.AuthMethod == string(oauth.AuthPrivateKeyJWT):
		buf.WriteString("# Added by oauthgen client new: a private_key_jwt client, without a secret: it signs with its own key.\n")
	default:
		buf.WriteString("# Added by oauthgen client new: a public client, without a secret.\n")
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode([]clientEntry{e}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for line := range strings.Lines(buf.String()) {
		out.WriteString("  " + line)
	}
	return out.Bytes(), nil
}

// randomClientID is 128 random bits from crypto/rand in lower-case
// base32: URL-safe, and never starting with "-". A client_id is not a
// secret (RFC 6749 §2.2); it need not be guessable either.
func randomClientID() string {
	return strings.ToLower(rand.Text())
}

// list splits a comma-separated flag value, dropping empty items.
func list(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// unwrapClient drops the "client 0 (id): " prefix NewMemoryClients puts on
// the error of its only client.
func unwrapClient(err error) string {
	s := err.Error()
	if i := strings.Index(s, "): "); i >= 0 && strings.HasPrefix(s, "client ") {
		return s[i+3:]
	}
	return s
}
