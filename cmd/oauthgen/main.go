// Command oauthgen generates a typed OAuth 2.0 authorization server from an
// oauthgen.yaml spec: per-flow typed contexts, their validation and the
// server wiring (machine-owned oauthgen_*.gen.go files), plus one user-owned
// GenerateToken stub per flow. Run `oauthgen help` for its verbs.
package main

import (
	"os"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
