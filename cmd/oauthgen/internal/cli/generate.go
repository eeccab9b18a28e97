package cli

import (
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/writer"
)

// generate runs the whole pipeline and writes: changed machine-owned files,
// missing stubs, deletion of stale machine-owned files. It prints what the
// writer did on stdout, one line per file and a summary, unless -q. Problems
// of the team's code (orphans) are reported after writing, with exit
// status 1. The spec's warnings are printed on stderr, even with -q: a
// go:generate line runs with -q, and a warning nobody sees warns no one.
func (c *command) generate() int {
	r, err := c.pipeline(true)
	if err != nil {
		return c.fail(err)
	}
	printDiagnostics(c.stderr, r.warnings)
	report, err := files.Apply(r.outDisk, r.changes)
	if !c.opts.quiet {
		printReport(c.stdout, r.outShown, report)
	}
	if err != nil {
		return c.fail(err)
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

// reportLabels are the words of generate's report, by kind, in the order
// of its summary.
var reportLabels = []struct {
	kind  writer.Kind
	label string
}{
	{writer.Create, "new"},
	{writer.Update, "changed"},
	{writer.Delete, "deleted"},
	{writer.Unchanged, "unchanged"},
	{writer.Scaffold, "scaffolded"},
	{writer.Kept, "left alone"},
	{writer.Foreign, "not ours"},
}

// reportNotes explain a line of the report, for the kinds that need it.
var reportNotes = map[writer.Kind]string{
	writer.Scaffold: " (yours to edit)",
	writer.Kept:     " (yours)",
	writer.Foreign:  " (left alone: it does not start with oauthgen's header)",
}

// printReport prints what the writer did in out: one line per file, in
// the report's order (by name), its path relative to the working directory,
// then a summary line.
func printReport(w io.Writer, out string, report writer.Report) {
	label := map[writer.Kind]string{}
	for _, l := range reportLabels {
		label[l.kind] = l.label
	}
	for _, d := range report {
		shown := filepath.ToSlash(filepath.Join(out, d.Name))
		fmt.Fprintf(w, "%-10s  %s%s\n", label[d.Kind], shown, reportNotes[d.Kind])
	}
	var counts []string
	for _, l := range reportLabels {
		if n := report.Count(l.kind); n > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", n, l.label))
		}
	}
	if len(counts) == 0 {
		counts = []string{"no files"}
	}
	fmt.Fprintf(w, "oauthgen: %s: %s\n", filepath.ToSlash(out), strings.Join(counts, ", "))
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
