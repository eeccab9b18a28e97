package cli

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/writer"
)

// generate runs the whole pipeline and writes: changed machine-owned files,
// missing stubs, deletion of stale machine-owned files. Problems of the
// team's code (orphans) are reported after writing, with exit status 1.
func (c *command) generate() int {
	r, err := c.pipeline(true)
	if err != nil {
		return c.fail(err)
	}
	if err := files.Apply(r.outDisk, r.changes); err != nil {
		return c.fail(err)
	}
	for _, ch := range r.changes {
		switch ch.Kind {
		case writer.Scaffold:
			fmt.Fprintf(c.stderr, "oauthgen: created %s; it is yours to edit\n", filepath.Join(r.outShown, ch.Name))
		case writer.Foreign:
			fmt.Fprintf(c.stderr, "oauthgen: left %s alone: it does not start with oauthgen's header\n", filepath.Join(r.outShown, ch.Name))
		}
	}
	if len(r.plan.Diagnostics) > 0 {
		printDiagnostics(c.stderr, r.plan.Diagnostics)
		return exitFail
	}
	if c.opts.verify {
		return c.verifyOutput(r.outShown)
	}
	return exitOK
}

// verifyOutput runs go build and go vet on the output package: a
// type-checking load happens only on request.
func (c *command) verifyOutput(out string) int {
	pkg := out
	if !filepath.IsAbs(pkg) {
		pkg = "./" + filepath.ToSlash(filepath.Clean(pkg))
	}
	for _, args := range [][]string{{"build", pkg}, {"vet", pkg}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = c.opts.dir
		cmd.Stdout = c.stderr
		cmd.Stderr = c.stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(c.stderr, "oauthgen: go %s: %v\n", strings.Join(args, " "), err)
			return exitFail
		}
	}
	return exitOK
}
