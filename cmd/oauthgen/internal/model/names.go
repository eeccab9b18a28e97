package model

import (
	"strings"
	"unicode"
)

// newNames derives every Go identifier and file name of a flow from its
// name stem (ClientCredentials → ClientCredentialsContext, client_credentials.go).
func newNames(stem string) Names {
	snake := Snake(stem)
	return Names{
		Stem:      stem,
		Snake:     snake,
		Context:   stem + "Context",
		Procedure: stem + "Procedure",
		Errors:    stem + "Errors",
		FlowType:  lowerFirst(stem) + "Flow",
		User:      stem,
		StubFile:  snake + ".go",
	}
}

// Snake converts a Go name stem to snake case, keeping initialisms together:
// ClientCredentials → client_credentials, OIDCLogin → oidc_login.
func Snake(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prev := r[i-1]
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// lowerFirst lower-cases the leading initialism or letter of a Go name:
// ClientCredentials → clientCredentials, OIDCLogin → oidcLogin.
func lowerFirst(s string) string {
	r := []rune(s)
	n := 0
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	if n == 0 {
		return s
	}
	if n > 1 && n < len(r) && unicode.IsLower(r[n]) {
		n-- // the last upper letter starts the next word: OIDCLogin → oidc|Login
	}
	for i := 0; i < n; i++ {
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}

// ContractSetup is the function of the team's contract_test.go that the
// generated contract test calls for the procedures and options of its run.
const ContractSetup = "contractSetup"

// ContractTest is the generated contract test's function.
const ContractTest = "TestOAuthgenContract"
