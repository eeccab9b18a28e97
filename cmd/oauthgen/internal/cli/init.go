package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"go/token"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/runtime"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/writer"
	"github.com/oauthgen/oauthgen/spec"
	"github.com/oauthgen/oauthgen/templates"
)

// schemaURL is the JSON Schema of the spec format at a release of oauthgen;
// a development build (no release, or a pseudo-version) points at main.
func schemaURL(v string) string {
	ref := v
	if ref == "" || ref == "(devel)" || strings.HasPrefix(ref, "v0.0.0-") {
		ref = "main"
	}
	return "https://raw.githubusercontent.com/oauthgen/oauthgen/" + ref + "/spec/oauthgen.schema.json"
}

// defaultPreset is init's preset without -preset: machine to machine, the
// one that needs no users and no pages.
const defaultPreset = "service"

// Files init writes besides the spec, relative to the package directory.
const (
	initGenerate = "generate.go"
	initClients  = "clients.yaml"
	initServe    = "serve/main.go"
)

// The development setup the starter files agree on: serve/main.go listens
// where the specs' issuer points, the specs' endpoint paths, and for the
// oidc preset serves the client's redirect URI itself: a page that shows
// the code and the command that redeems it (devRedeem, with the code).
const (
	devIssuer      = "http://127.0.0.1:8080"
	devRedirectURI = devIssuer + "/callback"
)

// The shell variables init's next steps export for the command that
// redeems a code, which serve/main.go's callback page shows.
const (
	devSecretVar   = "OAUTHGEN_DEV_CLIENT_SECRET"
	devVerifierVar = "OAUTHGEN_DEV_CODE_VERIFIER"
)

// devRedeem is the token request that redeems code for the oidc preset's
// client, exactly as serve/main.go's callback page writes it.
func devRedeem(clientID, code string) string {
	return fmt.Sprintf(`curl -u %s:"$%s" -d grant_type=authorization_code -d code=%s -d redirect_uri=%s -d code_verifier="$%s" %s/oauth2/token`,
		clientID, devSecretVar, code, url.QueryEscape(devRedirectURI), devVerifierVar, devIssuer)
}

// init writes a starter package for a preset (-preset; minimal, service or
// oidc) and asks nothing: oauthgen.yaml, with the schema modeline pinned to
// this release; generate.go, which runs `go tool oauthgen generate`;
// clients.yaml with one client whose new secret it prints once; and
// serve/main.go, a development server. It then prints the exact commands
// that generate, run and call the server. It never overwrites anything.
func (c *command) init() int {
	preset := c.opts.preset
	if preset == "" {
		preset = defaultPreset
	}
	if !slices.Contains(templates.Presets, preset) {
		return c.fail(usageError{fmt.Errorf("unknown preset %q; presets: %s", preset, strings.Join(templates.Presets, ", "))})
	}
	for _, name := range append(slices.Clone(specNames), initGenerate, initClients, initServe) {
		if _, err := os.Lstat(c.onDisk(name)); err == nil {
			return c.fail(fmt.Errorf("%s already exists; init never overwrites", name))
		}
	}
	abs, err := filepath.Abs(c.onDisk("."))
	if err != nil {
		return c.fail(err)
	}
	pkg := c.opts.pkg
	if pkg == "" {
		pkg = packageName(filepath.Base(abs))
	}
	if !token.IsIdentifier(pkg) || token.IsKeyword(pkg) || pkg == "_" {
		return c.fail(usageError{fmt.Errorf("%q is not a Go package name; pass --package NAME", pkg)})
	}
	specSrc, err := templates.Spec(templates.SpecData{Preset: preset, SchemaURL: schemaURL(version()), Package: pkg})
	if err != nil {
		return c.fail(err)
	}
	// The starter spec must pass the checks generate applies to it, which
	// are stricter about the package name than Go (no upper case, no _test).
	cat, err := spec.Builtin()
	if err != nil {
		return c.fail(fmt.Errorf("built-in catalogue: %w", err))
	}
	if _, err := spec.LoadData(specNames[0], specSrc, cat); err != nil {
		return c.fail(usageError{fmt.Errorf("%q is not a package name oauthgen generates; pass --package NAME:\n%v", pkg, err)})
	}
	// serve/main.go imports the package, so init needs its module.
	importPath, goMod, err := packageImportPath(abs)
	if err != nil {
		return c.fail(usageError{err})
	}
	genSrc, err := templates.GenerateFile(templates.GenerateData{Package: pkg})
	if err != nil {
		return c.fail(err)
	}
	steps := newInitSteps(preset)
	clientsSrc, err := templates.Clients(templates.ClientsData{Preset: preset, ClientID: steps.clientID,
		SecretHash: runtime.HashClientSecret(steps.secret), RedirectURI: devRedirectURI})
	if err != nil {
		return c.fail(err)
	}
	serveSrc, err := templates.Serve(templates.ServeData{Package: pkg, ImportPath: importPath, Users: preset == "oidc"})
	if err != nil {
		return c.fail(err)
	}
	if err := os.MkdirAll(c.onDisk(path.Dir(initServe)), 0o755); err != nil {
		return c.fail(err)
	}
	err = writer.CreateNew(c.onDisk("."), map[string][]byte{specNames[0]: specSrc, initGenerate: genSrc,
		initClients: clientsSrc, filepath.FromSlash(initServe): serveSrc})
	if err != nil {
		return c.fail(err)
	}
	hasTool := bytes.Contains(goMod, []byte("github.com/oauthgen/oauthgen/cmd/oauthgen"))
	fmt.Fprintf(c.stdout, "wrote %s (preset %s), %s, %s and %s (package %s).\n\n%s",
		specNames[0], preset, initGenerate, initClients, initServe, pkg, steps.text(c.opts.dir, hasTool))
	return exitOK
}

// initSteps are the next steps init prints, with the secrets of the
// development setup it made.
type initSteps struct {
	preset   string
	clientID string
	// secret is the client's; only its hash is written.
	secret runtime.Secret
	// password is alice's (preset oidc), for $OAUTHGEN_DEV_PASSWORD.
	password runtime.Secret
	// verifier and challenge are a PKCE pair (RFC 7636 §4.1, §4.2) for the
	// example authorization request of preset oidc.
	verifier, challenge string
}

func newInitSteps(preset string) initSteps {
	st := initSteps{preset: preset, clientID: "service"}
	st.secret, _ = runtime.NewClientSecret()
	if preset == "oidc" {
		st.clientID = "webapp"
		st.password, _ = runtime.NewClientSecret()
		v, _ := runtime.NewClientSecret()
		st.verifier = v.Reveal()
		sum := sha256.Sum256([]byte(st.verifier))
		st.challenge = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return st
}

// text is the numbered list of commands, each to run in the package
// directory (dir, as -C named it).
func (st initSteps) text(dir string, hasTool bool) string {
	var b strings.Builder
	n := 0
	step := func(format string, args ...any) {
		n++
		fmt.Fprintf(&b, "%d. "+format+"\n", append([]any{n}, args...)...)
	}
	b.WriteString("Next steps")
	if dir != "" {
		fmt.Fprintf(&b, " (in %s)", dir)
	}
	b.WriteString(":\n")
	if !hasTool {
		step("Add the generator to the module (until oauthgen is published, use the go mod edit of\n" +
			"   \"Adopt oauthgen in a service\" in oauthgen's README instead):\n" +
			"     go get -tool github.com/oauthgen/oauthgen/cmd/oauthgen@latest")
	}
	step("Generate the code and one procedure stub per flow (the same as go tool oauthgen generate):\n     go generate")
	step("Add the runtime's dependencies:\n     go mod tidy")
	if st.preset == "oidc" {
		step("Fill in the procedures if you need to; the stubs work unedited:\n" +
			"     authorize_code.go      Authorize: what the authorization step attaches to the code\n" +
			"     authorization_code.go  GenerateToken: the tokens the code is redeemed for\n" +
			"     refresh_token.go       GenerateToken: the tokens of a refresh\n" +
			"     user_info.go           Claims: what the userinfo endpoint says of the user\n" +
			"   Users who may sign in: devUsers in serve/main.go (replace it with your runtime.UserStore).")
		step("Run the server (alice's development password, printed only now):\n     OAUTHGEN_DEV_PASSWORD=%s go run ./serve", st.password.Reveal())
		step("In another terminal, keep the client %s's secret and the PKCE code verifier of the\n"+
			"   sign-in below (both printed only now):\n     export %s=%s %s=%s",
			st.clientID, devSecretVar, st.secret.Reveal(), devVerifierVar, st.verifier)
		step("Sign in as alice in a browser:\n"+
			"     %s/oauth2/authorize?response_type=code&client_id=%s&redirect_uri=%s&scope=openid+profile+offline_access&state=xyz&code_challenge=%s&code_challenge_method=S256\n"+
			"   After consent the browser lands on %s, a page of serve/main.go that\n"+
			"   shows the code and the command that redeems it for tokens; run it in that terminal:\n     %s",
			devIssuer, st.clientID, url.QueryEscape(devRedirectURI), st.challenge, devRedirectURI, devRedeem(st.clientID, "CODE"))
		step("Ask who signed in:\n     curl -H 'Authorization: Bearer ACCESS_TOKEN' %s/oauth2/userinfo", devIssuer)
	} else {
		step("Fill in the procedure if you need to; the stub works unedited:\n" +
			"     client_credentials.go  GenerateToken: the tokens a client gets for itself")
		step("Run the server:\n     go run ./serve")
		step("Get a token (the client %s's secret, printed only now):\n     curl -u %s:%s -d grant_type=client_credentials -d scope=read %s/oauth2/token",
			st.clientID, st.clientID, st.secret.Reveal(), devIssuer)
		if st.preset == "service" {
			step("Introspect it, as a resource server would:\n     curl -u %s:%s -d token=ACCESS_TOKEN %s/oauth2/introspect",
				st.clientID, st.secret.Reveal(), devIssuer)
		}
	}
	fmt.Fprintf(&b, "More clients: this appends one to %s and prints its secret once:\n     %s\n", initClients, st.moreClients())
	return b.String()
}

// moreClients is the client new command that appends another client of
// the preset's kind to the clients file init writes: a client_credentials
// client, or for oidc a web app that signs users in (NAME and REDIRECT_URI
// to fill in).
func (st initSteps) moreClients() string {
	flags := "-scopes read"
	if st.preset == "oidc" {
		flags = "-grant-types authorization_code,refresh_token -redirect-uris REDIRECT_URI " +
			"-scopes openid,profile,email,offline_access,read -default-scopes openid -require-pkce"
	}
	return "go tool oauthgen client new -id NAME " + flags + " >> " + initClients
}

// packageImportPath returns the import path of the package in dir and the
// go.mod of its module, found in dir or above.
func packageImportPath(dir string) (string, []byte, error) {
	for root := dir; ; {
		goMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
		if err == nil {
			m := moduleLine.FindSubmatch(goMod)
			if m == nil {
				return "", nil, fmt.Errorf("%s has no module line", filepath.Join(root, "go.mod"))
			}
			mod := strings.Trim(string(m[1]), `"`+"`")
			rel, err := filepath.Rel(root, dir)
			if err != nil {
				return "", nil, err
			}
			return path.Join(mod, filepath.ToSlash(rel)), goMod, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", nil, err
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", nil, fmt.Errorf("no go.mod in %s or above; run go mod init MODULE first", dir)
		}
		root = parent
	}
}

// moduleLine is go.mod's module directive.
var moduleLine = regexp.MustCompile(`(?m)^module\s+(\S+)\s*(?://.*)?$`)

// packageName derives a package name from a directory name: lower-case
// letters and digits only, not starting with a digit; "oauth" when nothing
// is left.
func packageName(dir string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(dir) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9' && b.Len() > 0) {
			b.WriteRune(r)
		}
	}
	name := b.String()
	if name == "" || token.IsKeyword(name) {
		return "oauth"
	}
	return name
}
