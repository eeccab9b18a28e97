// Package generated holds oauthgen's output for the reference spec
// (spec/reference/oauthgen.yaml), which enables every flow the built-in
// catalogue serves. The oauthgen_*.gen.go files are machine-owned; the
// procedure files are user-owned stubs, some filled in by the tests'
// needs; the _test.go files exercise every flow over HTTP.
package generated

//go:generate go tool oauthgen generate -q -f ../spec/reference/oauthgen.yaml
