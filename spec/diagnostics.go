package spec

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The diagnostic codes. They are stable: tests and documentation refer to
// them, so a code is never reused for another meaning.
//
//	Code   Meaning
//	OG100  the file is not a YAML document oauthgen can read (syntax error, empty, several documents)
//	OG101  unknown key
//	OG102  wrong type: a string where a mapping is expected, an integer where a duration string is expected, ...
//	OG103  duplicate key (a mapping key, scope, flow, extension grant or property given twice)
//	OG104  missing required key, or a required value left empty
//	OG105  YAML aliases and merge keys are not supported
//	OG110  missing or unsupported version (this oauthgen reads version 1)
//	OG120  unknown flow type id
//	OG121  flow type catalogued but not served by this version
//	OG122  flow needs an endpoint the spec does not declare
//	OG123  flow, setting, scope or endpoint needs another flow or a scope the spec does not enable or declare:
//	       the authorize step without the token step, refresh settings or offline_access without the refresh_token
//	       flow, the refresh_token flow with no flow issuing refresh tokens, openid with no flow having an end
//	       user, id_token settings without openid, an endpoint declared without any of its flows
//	OG125  token setting the flow does not allow (e.g. refresh tokens for client_credentials)
//	OG130  invalid Go name: not an identifier, a keyword or predeclared identifier, a leading digit
//	OG131  clashing Go names after case conversion
//	OG132  invalid Go package name
//	OG140  bad duration: unparsable, not positive, or out of range (code_ttl ≤ 10m)
//	OG141  bad endpoint path
//	OG142  bad issuer
//	OG143  bad output directory
//	OG144  bad client authentication methods, or only none with a flow that needs confidential clients or introspection
//	OG145  bad token setting value (access_token_format, signing_alg)
//	OG146  bad scope name
//	OG147  text that cannot become a Go comment (contains "*/", a backtick or control characters)
//	OG150  bad property type, source or validate rule
//	OG151  bad property parameter: a standard parameter, an invalid header name, or used twice
//	OG152  bad code_data: on a flow that attaches no data to codes, or an unknown or unsupported type
//	OG153  a flow policy value or combination the runtime does not accept
//	OG154  validate rule with a tag that does not apply to the property's type (alphanum on an int, dive on a string)
//	OG155  bad trusted issuer: on a flow without assertions, missing, without keys or with both, a jwks_uri that is not https, a JWK Set that is not public keys
//	OG160  bad extension grant_type: not an absolute URI, a standard grant type, or used twice
//
// Warnings: the spec is valid and generates, but does something the team
// should know about. vet and generate print them; they never fail a run.
//
//	OG170  a deprecated flow is enabled (the password grant, RFC 9700 §2.4)
const (
	CodeSyntax         = "OG100"
	CodeUnknownKey     = "OG101"
	CodeWrongType      = "OG102"
	CodeDuplicateKey   = "OG103"
	CodeMissingKey     = "OG104"
	CodeAlias          = "OG105"
	CodeVersion        = "OG110"
	CodeUnknownFlow    = "OG120"
	CodePlannedFlow    = "OG121"
	CodeMissingEnd     = "OG122"
	CodeRequires       = "OG123"
	CodeFlowSetting    = "OG125"
	CodeGoName         = "OG130"
	CodeGoNameClash    = "OG131"
	CodePackage        = "OG132"
	CodeDuration       = "OG140"
	CodePath           = "OG141"
	CodeIssuer         = "OG142"
	CodeOutput         = "OG143"
	CodeAuthMethods    = "OG144"
	CodeTokenSetting   = "OG145"
	CodeScope          = "OG146"
	CodeCommentText    = "OG147"
	CodeProperty       = "OG150"
	CodePropertyParam  = "OG151"
	CodeCodeData       = "OG152"
	CodePolicy         = "OG153" // a flow policy value or combination the runtime does not accept
	CodeRuleKind       = "OG154" // a validate tag that does not apply to the property's type
	CodeTrustedIssuer  = "OG155" // a flow's trusted issuers (RFC 7523 §3)
	CodeExtensionGrant = "OG160"
	CodeDeprecated     = "OG170" // a warning: a deprecated flow is enabled
)

// Severity says whether a diagnostic makes the spec invalid.
type Severity uint8

// The severities. The zero value is an error, so a diagnostic is an error
// unless it says otherwise.
const (
	// SeverityError: the spec is invalid; nothing is generated.
	SeverityError Severity = iota
	// SeverityWarning: the spec is valid and generates; the team should
	// still read it.
	SeverityWarning
)

// position formats p as "file:line:col", or just the file when p has no
// line (a spec built in code rather than read from a file). It is not a
// String method: every spec struct embeds Pos, and would print as its
// position.
func position(p Pos) string {
	file := p.File
	if file == "" {
		file = "<spec>"
	}
	if p.Line == 0 {
		return file
	}
	return file + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

// Diagnostic is one problem found in a spec, at a position of the spec file.
type Diagnostic struct {
	Pos
	// Code is the stable code, such as "OG101".
	Code string
	// Message says what is wrong, in one line.
	Message string
	// Severity is SeverityError (the zero value) or SeverityWarning.
	Severity Severity
}

// String formats the diagnostic as "file:line:col: CODE message", or
// "file:line:col: CODE warning: message" for a warning.
func (d Diagnostic) String() string {
	if d.Severity == SeverityWarning {
		return position(d.Pos) + ": " + d.Code + " warning: " + d.Message
	}
	return position(d.Pos) + ": " + d.Code + " " + d.Message
}

// Diagnostics are all the problems found in a spec. As an error it prints one
// diagnostic a line, sorted by file, line and column.
type Diagnostics []Diagnostic

// Error implements error.
func (ds Diagnostics) Error() string {
	sorted := slices.Clone(ds)
	sorted.Sort()
	lines := make([]string, len(sorted))
	for i, d := range sorted {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// Sort sorts the diagnostics by file, line, column, code and message.
func (ds Diagnostics) Sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Err returns the diagnostics, sorted, as an error, or nil when none of
// them is an error: warnings alone leave a spec valid. The error lists the
// warnings too, so that a failed run shows everything at once.
func (ds Diagnostics) Err() error {
	if !slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == SeverityError }) {
		return nil
	}
	sorted := slices.Clone(ds)
	sorted.Sort()
	return sorted
}

// Has reports whether some diagnostic has the code.
func (ds Diagnostics) Has(code string) bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Code == code })
}

// Warnings are the diagnostics of ds that are warnings.
func (ds Diagnostics) Warnings() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == SeverityWarning {
			out = append(out, d)
		}
	}
	return out
}

// report appends a diagnostic.
func (ds *Diagnostics) report(p Pos, code, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Pos: p, Code: code, Message: fmt.Sprintf(format, args...)})
}

// lineRef refers to another item's line in a message, as " (line N)", or
// "" when the item has no position.
func lineRef(p Pos) string {
	if p.Line == 0 {
		return ""
	}
	return " (line " + strconv.Itoa(p.Line) + ")"
}
