// Package cli is oauthgen's command line. Run is the whole program: main
// only passes it the process's arguments and streams and exits with its
// status, so tests drive every verb in-process.
//
// Exit status: 0 success; 1 the output is stale (diff), the team's code has
// problems (orphaned or misnamed procedures), or an I/O or render failure;
// 2 a usage error or a spec with diagnostics.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/oauthgen/oauthgen/spec"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const usage = `usage: oauthgen [-C DIR] [-f FILE] [VERB] [ARGS]

Verbs:
  generate        write the generated code and scaffold missing stubs (default)
  diff            show what generate would change; exit 1 when anything is stale
  vet             check the spec; print its diagnostics
  describe FLOW   print a flow's context fields and errors
  schema          print the JSON Schema of the spec format
  init            write a starter package: oauthgen.yaml, generate.go,
                  clients.yaml, serve/main.go; print the next steps
  client new      mint a client id and secret; print its clients-file entry
  migrate         apply the schema migrations a server's store lacks
  keys list       print the signing keys kept in a server's store
  keys rotate     start a rotation of those keys
  version         print oauthgen's version

The spec is oauthgen.yaml (or oauthgen.yml) in the current directory.
Flags override it, for tests:
  -C DIR          run as if started in DIR
  -f, --spec FILE use FILE as the spec
  --verify        generate: then run go build and go vet on the output
  -q              generate: print only errors and warnings, not what was written
  --package NAME  init: the Go package name (default: from the directory)
  -preset NAME    init: minimal, service (default: machine to machine) or
                  oidc (users sign in)
  -store LOCATION migrate, keys: the store, as a server names it: sqlite:PATH
                  or postgres://… (default: $OAUTHGEN_STORE)
`

// options are the flags every verb accepts.
type options struct {
	// dir is the directory to run in (-C); "" is the current directory.
	dir string
	// specFile is the spec file (-f), relative to dir; "" means discover it.
	specFile string
	// pkg is init's package name (--package).
	pkg string
	// preset is init's starter spec (-preset); "" is the default.
	preset string
	// verify makes generate build and vet the output (--verify).
	verify bool
	// quiet makes generate print only errors and warnings (-q).
	quiet bool
	// store is the store of migrate and keys (-store).
	store string
}

// command is one invocation.
type command struct {
	opts   options
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// Run runs oauthgen with args (without the program name) and returns the
// exit status.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &command{stdin: stdin, stdout: stdout, stderr: stderr}
	rest, err := c.parseFlags(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return exitOK
		}
		fmt.Fprintf(stderr, "oauthgen: %v\n%s", err, usage)
		return exitUsage
	}
	verb := "generate"
	if len(rest) > 0 {
		verb, rest = rest[0], rest[1:]
	}
	if verb == "client" {
		return c.client(rest) // its flags are its own
	}
	// Flags may also follow the verb and its arguments:
	// oauthgen generate -C dir, oauthgen describe FLOW -C dir.
	rest, err = c.parseInterspersed(rest)
	if err != nil {
		fmt.Fprintf(stderr, "oauthgen %s: %v\n", verb, err)
		return exitUsage
	}
	switch verb {
	case "generate":
		return c.noArgs(verb, rest, c.generate)
	case "diff":
		return c.noArgs(verb, rest, c.diff)
	case "vet":
		return c.noArgs(verb, rest, c.vet)
	case "schema":
		return c.noArgs(verb, rest, func() int { _, _ = stdout.Write(spec.Schema()); return exitOK })
	case "version":
		return c.noArgs(verb, rest, func() int { fmt.Fprintf(stdout, "oauthgen %s\n", version()); return exitOK })
	case "init":
		return c.noArgs(verb, rest, c.init)
	case "migrate":
		return c.noArgs(verb, rest, c.migrate)
	case "keys":
		return c.keys(rest)
	case "describe":
		if len(rest) != 1 {
			fmt.Fprintf(stderr, "usage: oauthgen describe FLOW\n")
			return exitUsage
		}
		return c.describe(rest[0])
	case "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "oauthgen: unknown verb %q\n%s", verb, usage)
		return exitUsage
	}
}

func (c *command) noArgs(verb string, rest []string, run func() int) int {
	if len(rest) > 0 {
		fmt.Fprintf(c.stderr, "oauthgen %s: unexpected arguments %s\n", verb, strings.Join(rest, " "))
		return exitUsage
	}
	return run()
}

// parseFlags parses leading flags into c.opts and returns the rest. A flag
// given twice keeps its last value.
func (c *command) parseFlags(args []string) ([]string, error) {
	fs := flag.NewFlagSet("oauthgen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.opts.dir, "C", c.opts.dir, "run as if started in `DIR`")
	fs.StringVar(&c.opts.specFile, "f", c.opts.specFile, "the spec `FILE`")
	fs.StringVar(&c.opts.specFile, "spec", c.opts.specFile, "the spec `FILE`")
	fs.StringVar(&c.opts.pkg, "package", c.opts.pkg, "init: the Go package `NAME`")
	fs.StringVar(&c.opts.preset, "preset", c.opts.preset, "init: the starter spec `NAME`")
	fs.BoolVar(&c.opts.verify, "verify", c.opts.verify, "generate: go build and go vet the output")
	fs.BoolVar(&c.opts.quiet, "q", c.opts.quiet, "generate: print only errors and warnings")
	fs.StringVar(&c.opts.store, "store", c.opts.store, "migrate, keys: the store `LOCATION`")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return fs.Args(), nil
}

// parseInterspersed parses flags anywhere in args and returns the other
// arguments, in order. "--" ends the flags.
func (c *command) parseInterspersed(args []string) ([]string, error) {
	var positional []string
	for len(args) > 0 {
		rest, err := c.parseFlags(args)
		if err != nil {
			return nil, err
		}
		if len(rest) == 0 {
			break
		}
		if len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return positional, nil
}

// report prints an error: every diagnostic of spec.Diagnostics on its own
// line, anything else prefixed with "oauthgen:".
func (c *command) report(err error) {
	var ds spec.Diagnostics
	if errors.As(err, &ds) {
		printDiagnostics(c.stderr, ds)
		return
	}
	fmt.Fprintf(c.stderr, "oauthgen: %v\n", err)
}

func printDiagnostics(w io.Writer, ds spec.Diagnostics) {
	sorted := append(spec.Diagnostics(nil), ds...)
	sorted.Sort()
	for _, d := range sorted {
		fmt.Fprintln(w, d.String())
	}
}
