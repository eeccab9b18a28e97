package main

import (
	"io"
	"strings"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/cli"
)

// run runs the command line in-process, as main does.
func run(args []string, stdout, stderr io.Writer) int {
	return cli.Run(args, strings.NewReader(""), stdout, stderr)
}
