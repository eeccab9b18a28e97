// Package templates holds the text/template sources of the files oauthgen
// writes once for people to own: the per-flow procedure stubs, procedures.go,
// contract_test.go (the setup of the generated contract test), and what
// `oauthgen init` starts a package with: the spec of a preset, generate.go,
// clients.yaml and serve/main.go. Machine-owned code is built with jennifer
// instead.
//
// The sources are embedded in the binary; nothing is read from disk at run
// time. Each function executes one template with typed data and, for Go
// files, formats the result with go/format.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"go/format"
	"slices"
	"strings"
	"text/template"
)

// FS holds the template sources.
//
//go:embed *.tmpl
var FS embed.FS

// StubData is the data of stub.go.tmpl, the user-owned procedure of one flow.
type StubData struct {
	// Package is the Go package name.
	Package string
	// FlowID is the catalogue flow id or the extension grant's spec key.
	FlowID string
	// Extension is true for an extension grant.
	Extension bool
	// GrantType is the grant_type value; empty for a flow of another endpoint.
	GrantType string
	// Verb is the procedure's method, such as "GenerateToken".
	Verb string
	// Summary completes "<Verb> ..." in the method's doc comment, such as
	// "issues the tokens of a grant_type=refresh_token request".
	Summary string
	// Response is the runtime type the procedure returns a pointer to, such
	// as "TokenResponse".
	Response string
	// Customise is the hint of a catalogue flow's stub, completing "To
	// customise, ...", as comment lines.
	Customise []string
	// Type is the procedure type, such as "ClientCredentials".
	Type string
	// Procedure is the generated interface, such as "ClientCredentialsProcedure".
	Procedure string
	// Context is the generated context type, such as "ClientCredentialsContext".
	Context string
	// Fields are the names of the context's request fields, for the stub's comment.
	Fields []string
}

// ProceduresData is the data of procedures.go.tmpl.
type ProceduresData struct {
	// Package is the Go package name.
	Package string
}

// Presets are the starter specs of init, by name: oauthgen.<preset>.yaml.tmpl.
var Presets = []string{"minimal", "service", "oidc"}

// SpecData is the data of oauthgen.<preset>.yaml.tmpl, the starter spec of
// init.
type SpecData struct {
	// Preset is one of Presets.
	Preset string
	// SchemaURL is the JSON Schema of the spec format, for the editor modeline.
	SchemaURL string
	// Package is the Go package name.
	Package string
}

// GenerateData is the data of generate.go.tmpl.
type GenerateData struct {
	// Package is the Go package name.
	Package string
}

// ClientsData is the data of clients.yaml.tmpl, the starter clients file of
// init.
type ClientsData struct {
	// Preset is one of Presets.
	Preset string
	// ClientID is the one client's id.
	ClientID string
	// SecretHash is the stored form of its secret.
	SecretHash string
	// RedirectURI is its redirect URI (preset oidc).
	RedirectURI string
}

// ServeData is the data of serve.go.tmpl, the development server of init.
type ServeData struct {
	// Package is the Go package name of the generated package.
	Package string
	// ImportPath is its import path.
	ImportPath string
	// Users is true when the server signs users in.
	Users bool
}

// Stub renders the stub of a flow.
func Stub(d StubData) ([]byte, error) { return goFile("stub.go.tmpl", d) }

// Procedures renders procedures.go.
func Procedures(d ProceduresData) ([]byte, error) { return goFile("procedures.go.tmpl", d) }

// ContractSetup renders contract_test.go, the setup of the generated
// contract test; it has the data of procedures.go.
func ContractSetup(d ProceduresData) ([]byte, error) { return goFile("contract_test.go.tmpl", d) }

// GenerateFile renders generate.go.
func GenerateFile(d GenerateData) ([]byte, error) { return goFile("generate.go.tmpl", d) }

// Spec renders the starter oauthgen.yaml of d.Preset.
func Spec(d SpecData) ([]byte, error) {
	if !slices.Contains(Presets, d.Preset) {
		return nil, fmt.Errorf("unknown preset %q (presets: %s)", d.Preset, strings.Join(Presets, ", "))
	}
	return execute("oauthgen."+d.Preset+".yaml.tmpl", d)
}

// Clients renders the starter clients.yaml.
func Clients(d ClientsData) ([]byte, error) { return execute("clients.yaml.tmpl", d) }

// Serve renders serve/main.go.
func Serve(d ServeData) ([]byte, error) { return goFile("serve.go.tmpl", d) }

func execute(name string, data any) ([]byte, error) {
	t, err := template.New(name).Option("missingkey=error").ParseFS(FS, name)
	if err != nil {
		return nil, fmt.Errorf("parse template %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("execute template %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

func goFile(name string, data any) ([]byte, error) {
	src, err := execute(name, data)
	if err != nil {
		return nil, err
	}
	out, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("format output of template %s: %w", name, err)
	}
	return out, nil
}
