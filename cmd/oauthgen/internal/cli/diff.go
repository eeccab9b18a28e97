package cli

import (
	"fmt"
	"path/filepath"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/writer"
)

// diff runs the pipeline without writing. It prints a unified diff of the
// machine-owned files to stdout and lists missing stubs and orphans on
// stderr. It exits 1 when anything is stale, missing or extra, or when the
// team's code has problems; 0 when the directory is up to date.
func (c *command) diff() int {
	r, err := c.pipeline(false)
	if err != nil {
		return c.fail(err)
	}
	status := exitOK
	for _, ch := range r.changes {
		shown := filepath.ToSlash(filepath.Join(r.outShown, ch.Name))
		switch ch.Kind {
		case writer.Create:
			writeUnified(c.stdout, "/dev/null", "b/"+shown, nil, ch.New)
		case writer.Update:
			writeUnified(c.stdout, "a/"+shown, "b/"+shown, ch.Old, ch.New)
		case writer.Delete:
			writeUnified(c.stdout, "a/"+shown, "/dev/null", ch.Old, nil)
		case writer.Scaffold:
			fmt.Fprintf(c.stderr, "oauthgen: missing %s; `oauthgen generate` creates it\n", shown)
		case writer.Foreign:
			fmt.Fprintf(c.stderr, "oauthgen: %s is not oauthgen's (no header); generate leaves it alone\n", shown)
		}
		if ch.Stale() {
			status = exitFail
		}
	}
	if len(r.plan.Diagnostics) > 0 {
		printDiagnostics(c.stderr, r.plan.Diagnostics)
		status = exitFail
	}
	return status
}
